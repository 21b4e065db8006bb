import FluentKit
import Foundation
import Grants
import Identity
import Notify
import SuanliKit

/// A ready demo programme to click through (`suanli demo`): staff with TOTP, three applicant companies
/// with valid 統一編號 and realistic data. Demo passwords are fixed so the logins can be printed again;
/// they are for the demo only and never used by `suanli admin create-user`.
public struct DemoSeeder: Sendable {
    let suanli: Suanli

    public init(suanli: Suanli) { self.suanli = suanli }

    public struct Login: Sendable, Codable {
        public var role: String
        public var name: String
        public var email: String
        public var password: String
        public var totpSecret: String?
        public var organisation: String?
        public var taxID: String?
    }

    public struct Result: Sendable, Codable {
        public var url: String
        public var logins: [Login]
        /// The inference project and its API key (shown here once; each demo run issues a new one).
        var inference: DemoInference.Result?
    }

    static let staff: [(Role, String, String)] = [
        (.operator, "operator@suanli.demo", "林執行"),
        (.reviewer, "reviewer1@suanli.demo", "陳審查委員"),
        (.reviewer, "reviewer2@suanli.demo", "王審查委員"),
        (.ministry, "ministry@suanli.demo", "張科長"),
    ]

    struct Company {
        var taxID, name, codes, established, capital, representative, employees, address, phone, lines, products,
            regions, adminEmail, adminName: String
    }

    static let companies: [Company] = [
        Company(taxID: "90123453", name: "雲鼎智能股份有限公司", codes: "J6201, J6312", established: "109/03/15",
                capital: "12000000", representative: "黃志明", employees: "28",
                address: "臺北市大安區敦化南路二段 100 號 8 樓", phone: "02-2700-1234",
                lines: "AI 模型開發、資料分析顧問", products: "製造業瑕疵檢測模型、客服語言模型", regions: "臺灣、日本",
                adminEmail: "admin@yunding.demo", adminName: "黃志明"),
        Company(taxID: "83124560", name: "台灣語聲科技有限公司", codes: "J6202, J6399", established: "104/08/01",
                capital: "5000000", representative: "李淑芬", employees: "12",
                address: "新竹市東區光復路二段 101 號", phone: "03-571-2345",
                lines: "語音辨識、語音合成", products: "臺語與客語語音辨識 API", regions: "臺灣",
                adminEmail: "admin@yusheng.demo", adminName: "李淑芬"),
        Company(taxID: "66571233", name: "光合資料股份有限公司", codes: "K6699, J6312", established: "112/01/10",
                capital: "3000000", representative: "吳建宏", employees: "8",
                address: "臺中市西屯區臺灣大道三段 99 號 12 樓", phone: "04-2251-6789",
                lines: "金融資料分析、信用評分模型", products: "中小企業信用評分服務", regions: "臺灣、東南亞",
                adminEmail: "admin@guanghe.demo", adminName: "吳建宏"),
    ]

    static let staffPassword = "Suanli-demo-staff-2026"
    static let applicantPassword = "Suanli-demo-2026"

    /// `withInference`: also award the demo inference project and issue its key (tests that walk the
    /// grant workflow themselves leave it out).
    public func seed(withInference: Bool = true) async throws -> Result {
        let db = suanli.database.db
        let accounts = suanli.services.accounts
        var logins: [Login] = []
        for (role, email, name) in Self.staff {
            if let existing = try await UserModel.query(on: db).filter(\.$email == email).first() {
                let secret = try existing.totpSecret.map { try suanli.secrets.open($0) }
                logins.append(Login(role: role.rawValue, name: name, email: email, password: Self.staffPassword,
                                    totpSecret: secret))
                continue
            }
            let created = try await accounts.createUser(
                email: email, name: name, role: role, password: Self.staffPassword, mustChangePassword: false,
                enrolTOTP: true, secrets: suanli.secrets, actor: "cli:demo", on: db)
            logins.append(Login(role: role.rawValue, name: name, email: email, password: Self.staffPassword,
                                totpSecret: created.totpSecret))
        }
        for company in Self.companies {
            if try await OrganisationModel.query(on: db).filter(\.$taxID == company.taxID).first() == nil {
                try await register(company, on: db)
            }
            logins.append(Login(role: Role.applicantAdmin.rawValue, name: company.adminName, email: company.adminEmail,
                                password: Self.applicantPassword, organisation: company.name, taxID: company.taxID))
        }
        let staffIDs = try await UserModel.query(on: db).filter(\.$email ~~ Self.staff.map(\.1)).all()
        func ids(_ role: Role) -> [UUID] { staffIDs.filter { $0.role == role.rawValue }.compactMap(\.id) }
        try await importSampleRegistry(on: db)
        var inference: DemoInference.Result?
        if let ministry = ids(.ministry).first, let operatorID = ids(.operator).first {
            try await DemoProgramme.seed(suanli, ministry: ministry, operatorID: operatorID, reviewers: ids(.reviewer))
            if withInference {
                inference = try await DemoInference.seed(suanli, reviewers: ids(.reviewer), operatorID: operatorID,
                                                         ministry: ministry)
            }
        }
        return Result(url: suanli.config.publicURL, logins: logins, inference: inference)
    }

    /// The shipped registry samples (samples/registry), when the demo runs from a checkout, so that
    /// eligibility has data to read; a real deployment imports the downloaded files instead.
    private func importSampleRegistry(on db: any Database) async throws {
        guard try await suanli.services.grants.registryDatasets(on: db).isEmpty else { return }
        let files: [(String, RegistrySource)] = [("tax-register-sample.csv", .taxRegister),
                                                 ("gcis-sample.csv", .companyRegistry),
                                                 ("chinese-capital-sample.csv", .chineseCapitalList)]
        // From a checkout: the working directory, or the checkout the binary was built in (.build/<config>/).
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let roots = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                     executable.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent(),
                     executable.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                        .deletingLastPathComponent()]
        guard let root = roots.first(where: {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("samples/registry").path)
        }) else { return }
        for (name, source) in files {
            let path = root.appendingPathComponent("samples/registry/\(name)").path
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            _ = try await suanli.services.grants.importRegistry([UInt8](data), source: source, fileName: name, mode: .lenient,
                                                                by: "cli:demo", on: db)
        }
    }

    private func register(_ c: Company, on db: any Database) async throws {
        let accounts = suanli.services.accounts
        let consent = try await accounts.acknowledgePrivacyNotice(origin: .cli, on: db)
        let form = OrganisationProfileForm(values: [
            "taxID": c.taxID, "name": c.name, "kind": "company", "established": c.established,
            "paidInCapital": c.capital, "representative": c.representative, "employees": c.employees,
            "address": c.address, "phone": c.phone, "businessLines": c.lines, "mainProducts": c.products,
            "salesRegions": c.regions,
        ], industryCodes: [c.codes])
        let result = try await accounts.signUp(.init(
            profile: form, adminName: c.adminName, adminEmail: c.adminEmail, adminPhone: c.phone,
            password: Self.applicantPassword, passwordConfirmation: Self.applicantPassword,
            privacyConsentID: consent, language: .zhTW), origin: .cli, on: db)
        // Demo accounts skip the e-mail round trip: verified at once, and the verification mail to the
        // undeliverable .demo address is withdrawn from the outbox.
        if let user = try await UserModel.find(result.userID, on: db) {
            user.emailVerifiedAt = suanli.services.clock.now()
            try await user.save(on: db)
        }
        try await OutboxMessage.query(on: db).filter(\.$recipientAddress == c.adminEmail).delete()
    }

    public static func text(_ result: Result) -> String {
        var lines = ["Suanli 算力平台 demo — open \(result.url)", ""]
        for login in result.logins {
            var line = "  \(login.role.padding(toLength: 16, withPad: " ", startingAt: 0)) \(login.email)"
                + "  password: \(login.password)"
            if let secret = login.totpSecret { line += "  TOTP secret: \(secret)" }
            if let org = login.organisation, let taxID = login.taxID { line += "  (\(org), 統一編號 \(taxID))" }
            lines.append(line)
        }
        if let inference = result.inference {
            lines.append("")
            lines.append("Inference project \(inference.project) (\(inference.company), \(inference.points) points):")
            lines.append("  OpenAI base URL: \(inference.baseURL)")
            lines.append("  API key (shown once; `suanli demo` again issues a new one): \(inference.apiKey)")
        }
        lines.append("")
        lines.append("Staff accounts ask for a TOTP code: add the secret to an authenticator app, or run")
        lines.append("  python3 -c \"import hmac,hashlib,struct,time,base64;s='SECRET';k=base64.b32decode(s+'='*(-len(s)%8));"
                     + "h=hmac.new(k,struct.pack('>Q',int(time.time())//30),hashlib.sha1).digest();"
                     + "o=h[-1]&15;print('%06d'%((struct.unpack('>I',h[o:o+4])[0]&0x7fffffff)%1000000))\"")
        return lines.joined(separator: "\n")
    }
}
