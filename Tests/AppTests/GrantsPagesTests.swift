import App
import FluentKit
import Foundation
import Grants
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import SuanliKit
import Testing

/// The grant pages as people use them: through the portal with a browser session (SPEC C1–C4, C7, X1).
@Suite("Grants pages")
struct GrantsPagesTests {
    static let pdf = Array("%PDF-1.7\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<<>>\n%%EOF\n".utf8)

    /// The demo world with a router client.
    static func run(_ body: @Sendable (GrantsWorld, any TestClientProtocol) async throws -> Void) async throws {
        let clock = ManualClock(GrantsWorld.start)
        try await TestApp.run(clock: clock) { suanli, client in
            try await body(try await GrantsWorld.make(suanli, clock: clock), client)
        }
    }

    static func applicant(_ client: any TestClientProtocol, _ email: String, ip: String = "203.0.113.10")
        async throws -> Browser
    {
        let browser = Browser(client, ip: ip)
        let page = try await browser.post("/signin", [("email", email), ("password", "Suanli-demo-2026")])
        #expect(page.status == .seeOther, "\(page.body.prefix(300))")
        return browser
    }

    static func staff(_ client: any TestClientProtocol, _ w: GrantsWorld, _ email: String) async throws -> Browser {
        let browser = Browser(client, ip: "198.51.100.20")
        try await browser.post("/signin", [("email", email), ("password", "Suanli-demo-staff-2026")])
        let user = try #require(try await UserModel.query(on: w.db).filter(\.$email == email).first())
        let secret = try #require(try user.totpSecret.map { try w.suanli.secrets.open($0) }.flatMap(Base32.decode))
        let done = try await browser.post("/signin/totp", [("code", TOTP(secret: secret).code(at: w.clock.now()))])
        #expect(done.location == "/", "\(done.status) \(done.body.prefix(200))")
        return browser
    }

    /// A multipart upload with the CSRF token as a form part, as the portal's upload form sends it.
    static func upload(_ browser: Browser, to uri: String, fileName: String, contentType: String, bytes: [UInt8],
                       purpose: String = "supporting") async throws -> Browser.Page
    {
        if browser.cookies["suanli_csrf"] == nil { try await browser.get("/signin") }
        let boundary = "----suanli-test-\(UUID().uuidString)"
        var body: [UInt8] = []
        func part(_ headers: String, _ content: [UInt8]) {
            body += Array("--\(boundary)\r\n\(headers)\r\n\r\n".utf8) + content + Array("\r\n".utf8)
        }
        part("Content-Disposition: form-data; name=\"_csrf\"", Array(browser.csrf.utf8))
        part("Content-Disposition: form-data; name=\"purpose\"", Array(purpose.utf8))
        part("Content-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: \(contentType)",
             bytes)
        body += Array("--\(boundary)--\r\n".utf8)
        var headers: HTTPFields = [:]
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        headers[.init("X-Forwarded-For")!] = browser.ip
        headers[.cookie] = browser.cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")
        let response = try await browser.client.execute(uri: uri, method: .post, headers: headers,
                                                        body: ByteBuffer(bytes: body))
        return Browser.Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    @Test("applicant pages render in zh-TW and en; form errors come back inline with 422")
    func applicantPages() async throws {
        try await Self.run { w, client in
            let browser = try await Self.applicant(client, "admin@yunding.demo")
            let list = try await browser.get("/applications")
            #expect(list.status == .ok)
            #expect(list.contains("算力申請"))
            #expect(list.contains("開始填寫"))
            let en = try await browser.get("/applications?lang=en")
            #expect(en.status == .ok)
            #expect(en.contains("Compute applications"), "\(en.body.prefix(400))")

            let started = try await browser.post("/applications", [("category", "training")])
            #expect(started.status == .seeOther)
            let edit = try #require(started.location?.components(separatedBy: "?").first)
            #expect(edit.hasSuffix("/edit"))
            let summary = try #require(try await w.grants.applications(of: w.companies[0], on: w.db).first)
            let app = try await w.grants.application(summary.id, for: w.companies[0], on: w.db)
            let form = try await browser.get(edit + "?lang=zh-TW")
            #expect(form.status == .ok)
            #expect(form.contains("填寫模型訓練類申請書") || form.contains("申請書"))

            let bad = try await browser.post(edit, [("version", String(app.version)),
                                                    ("contact.email", "not-an-address"),
                                                    ("title", "語音模型訓練")])
            #expect(bad.status == .unprocessableContent, "\(bad.status)")
            #expect(bad.contains("not-an-address"))  // what the user typed is shown again
            #expect(bad.contains("field-error") || bad.contains("aria-invalid"))
            let after = try await w.grants.application(app.id, for: w.companies[0], on: w.db)
            #expect(after.version == app.version)
            #expect(after.title.isEmpty)

            let ok = try await browser.post(edit, [("version", String(app.version)), ("title", "語音模型訓練")])
            #expect(ok.status == .seeOther)
            #expect(try await w.grants.application(app.id, for: w.companies[0], on: w.db).title == "語音模型訓練")
            let stale = try await browser.post(edit, [("version", String(app.version)), ("title", "舊版覆蓋")])
            #expect(stale.status == .conflict)
            #expect(try await w.grants.application(app.id, for: w.companies[0], on: w.db).title == "語音模型訓練")
        }
    }

    @Test("a correction is saved from the page, where the parts not opened are disabled and so not posted")
    func correctionThroughThePage() async throws {
        try await Self.run { w, client in
            let app = try await w.submitted(w.companies[0])
            let reviewing = try await w.grants.evaluateEligibility(app.id, by: w.operatorCaller, on: w.db)
            let asked = try await w.grants.requestCorrection(
                app.id, items: ["請補充專案重要性說明"], sections: [.importance],
                deadline: .endOfDay(ROCDate(gregorianYear: 2026, month: 7, day: 8)!),
                expectedVersion: reviewing.version, by: w.operatorCaller, on: w.db)
            let browser = try await Self.applicant(client, "admin@yunding.demo")
            let edit = try await browser.get("/applications/\(app.id.uuidString)/edit")
            #expect(edit.status == .ok)
            #expect(edit.contains("disabled"))
            // What a browser posts: only the enabled fields of the opened section.
            let added = app.form.importance + "補充：已取得三家券商意向書。"
            let saved = try await browser.post("/applications/\(app.id.uuidString)/edit",
                                               [("version", String(asked.version)), ("importance", added)])
            #expect(saved.status == .seeOther, "\(saved.status) \(saved.body.prefix(500))")
            let after = try await w.grants.application(app.id, for: w.companies[0], on: w.db)
            #expect(after.form.importance == added)
            #expect(after.title == app.title)
            #expect(after.form.projectContact == app.form.projectContact)
            let resubmitted = try await browser.post("/applications/\(app.id.uuidString)/resubmit",
                                                     [("version", String(after.version))])
            #expect(resubmitted.status == .seeOther)
            #expect(try await w.current(app.id).status == .resubmitted)
        }
    }

    @Test("attachments: upload a PDF and download the same bytes; a renamed .exe and an oversize body are refused")
    func attachments() async throws {
        try await Self.run { w, client in
            let browser = try await Self.applicant(client, "admin@yunding.demo")
            let app = try await w.grants.startApplication(category: .inference, by: w.companies[0], on: w.db)
            let base = "/applications/\(app.id.uuidString)"
            let uploaded = try await Self.upload(browser, to: "\(base)/attachments", fileName: "合作備忘錄.pdf",
                                                 contentType: "application/pdf", bytes: Self.pdf)
            #expect(uploaded.status == .seeOther, "\(uploaded.status) \(uploaded.body.prefix(300))")
            let files = try await w.grants.attachments(of: app.id, for: w.companies[0], on: w.db)
            let file = try #require(files.first)
            #expect(files.count == 1)
            let shown = try await browser.get(base)
            #expect(shown.contains("合作備忘錄.pdf"))

            let response = try await client.execute(
                uri: "/attachments/\(file.id.uuidString)", method: .get,
                headers: [.cookie: browser.cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; "),
                          .init("X-Forwarded-For")!: browser.ip], body: nil)
            #expect(response.status == .ok)
            #expect(Array(response.body.readableBytesView) == Self.pdf)
            #expect(response.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            #expect(response.headers[.init("X-Content-Type-Options")!] == "nosniff")
            #expect(response.headers[.contentType] == "application/pdf")

            var exe: [UInt8] = Array("MZ".utf8) + [0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]
            exe += [UInt8](repeating: 0, count: 200)
            let refused = try await Self.upload(browser, to: "\(base)/attachments", fileName: "報價單.pdf",
                                                contentType: "application/pdf", bytes: exe)
            #expect(refused.status == .unprocessableContent, "\(refused.status)")
            #expect(refused.contains("檔案"))
            #expect(try await w.grants.attachments(of: app.id, for: w.companies[0], on: w.db).count == 1)

            let huge = Self.pdf + [UInt8](repeating: 0x20, count: 22 * 1_048_576)
            let tooLarge = try await Self.upload(browser, to: "\(base)/attachments", fileName: "掃描檔.pdf",
                                                 contentType: "application/pdf", bytes: huge)
            #expect(tooLarge.status == .contentTooLarge, "\(tooLarge.status)")
            #expect(try await w.grants.attachments(of: app.id, for: w.companies[0], on: w.db).count == 1)
        }
    }

    @Test("another company gets 404 for every page, file and action of an application; roles are enforced")
    func tenantIsolation() async throws {
        try await Self.run { w, client in
            let owner = try await Self.applicant(client, "admin@yunding.demo")
            let app = try await w.grants.startApplication(category: .training, by: w.companies[0], on: w.db)
            let base = "/applications/\(app.id.uuidString)"
            let uploaded = try await Self.upload(owner, to: "\(base)/attachments", fileName: "說明.pdf",
                                                 contentType: "application/pdf", bytes: Self.pdf)
            #expect(uploaded.status == .seeOther)
            let file = try #require(try await w.grants.attachments(of: app.id, for: w.companies[0], on: w.db).first)
            let version = try await w.grants.application(app.id, for: w.companies[0], on: w.db).version

            let other = try await Self.applicant(client, "admin@yusheng.demo", ip: "203.0.113.55")
            for uri in [base, "\(base)/edit", "/attachments/\(file.id.uuidString)"] {
                let page = try await other.get(uri)
                #expect(page.status == .notFound, "\(uri): \(page.status)")
                #expect(!page.contains(app.reference))
            }
            for uri in ["\(base)/edit", "\(base)/submit", "\(base)/withdraw",
                        "\(base)/attachments/\(file.id.uuidString)/delete"] {
                let page = try await other.post(uri, [("version", String(version)), ("title", "竄改")])
                #expect(page.status == .notFound, "\(uri): \(page.status)")
            }
            let upload = try await Self.upload(other, to: "\(base)/attachments", fileName: "x.pdf",
                                               contentType: "application/pdf", bytes: Self.pdf)
            #expect(upload.status == .notFound)
            let after = try await w.grants.application(app.id, for: w.companies[0], on: w.db)
            #expect(after.version == version)
            #expect(after.status == .draft)
            #expect(try await w.grants.attachments(of: app.id, for: w.companies[0], on: w.db).count == 1)

            #expect(try await owner.get("/operator/applications").status == .forbidden)
            #expect(try await owner.get("/statistics").status == .forbidden)

            // A reviewer not assigned to the application does not see it.
            let submitted = try await w.submitted(w.companies[1], .inference)
            let reviewer = try await Self.staff(client, w, "reviewer1@suanli.demo")
            #expect(try await reviewer.get("/review/\(submitted.id.uuidString)").status == .notFound)
            #expect(try await reviewer.get("/review").status == .ok)
        }
    }

    @Test("statistics (table, SVG chart, CSV with BOM) and the public list of awarded projects")
    func statisticsAndAwarded() async throws {
        try await Self.run { w, client in
            let app = try await w.eligible(try await w.submitted(w.companies[0], .inference))
            for reviewer in w.reviewers {
                _ = try await w.grants.assign(app.id, reviewer: reviewer.userID, by: w.operatorCaller, on: w.db)
                try await w.grants.declareConflict(app.id, hasConflict: false, reason: "", by: reviewer, on: w.db)
                _ = try await w.grants.saveScores(app.id, w.entry(.inference, score: 85), by: reviewer, on: w.db)
            }
            let approved = try await w.grants.approve(app.id, level: .l3, expectedVersion: try await w.current(app.id).version,
                                                      by: w.operatorCaller, on: w.db)
            _ = try await w.grants.award(app.id, expectedVersion: approved.version, by: w.ministry, on: w.db)
            _ = try await w.submitted(w.companies[1], .training)

            let ministry = try await Self.staff(client, w, "ministry@suanli.demo")
            let stats = try await ministry.get("/statistics")
            #expect(stats.status == .ok)
            #expect(stats.contains("<svg"))
            #expect(stats.contains("計畫統計"))

            let csv = try await client.execute(
                uri: "/statistics.csv", method: .get,
                headers: [.cookie: ministry.cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; "),
                          .init("X-Forwarded-For")!: ministry.ip], body: nil)
            #expect(csv.status == .ok)
            let bytes = Array(csv.body.readableBytesView)
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            let header = text.components(separatedBy: "\r\n").first ?? ""
            #expect(header.contains("梯次") || header.lowercased().contains("round"), "\(header)")
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)

            let anonymous = Browser(client, ip: "192.0.2.9")
            let awarded = try await anonymous.get("/awarded")
            #expect(awarded.status == .ok)
            #expect(awarded.contains("雲鼎智能股份有限公司"))
            #expect(awarded.contains(app.title))
            #expect(awarded.contains("L3"))
            #expect(!awarded.contains("台灣語聲科技有限公司"))
        }
    }
}
