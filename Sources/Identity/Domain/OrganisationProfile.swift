import Foundation
import SuanliKit

/// What kind of legal person the applicant is. Only companies may apply (SPEC C2.4): natural persons
/// and foundations (財團法人) are refused, and so are branches of foreign companies (C2.3).
public enum OrganisationKind: String, Sendable, CaseIterable, Codable {
    case company
    case limitedPartnership = "limited_partnership"
    case foreignBranch = "foreign_branch"
    case foundation
    case naturalPerson = "natural_person"

    public var mayRegister: Bool { self == .company || self == .limitedPartnership }
}

/// 行業標準分類 (主計總處 industry classification) codes: a section letter and 2–4 digits, e.g. J582,
/// J62, J63, K6699 (SPEC C2.1, T8). Distinct from 6-digit tax 行業代號 and MOEA 營業項目 (I301010).
public enum IndustryCode {
    public static func normalise(_ text: String) -> String? {
        let code = text.trimmingWhitespace().uppercased()
        guard code.count >= 3, code.count <= 5, let first = code.first, first.isASCII, first.isLetter,
              code.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return code
    }

    /// The codes that make a company eligible for the compute grant (SPEC C2.1).
    public static let eligiblePrefixes = ["J582", "J62", "J63", "K6699"]
}

/// The company data of 附件1 (SPEC C3.1), validated as a whole so a form can show every problem at once.
public struct OrganisationProfile: Sendable, Equatable {
    public var taxID: String
    public var name: String
    public var kind: OrganisationKind
    public var industryCodes: [String]
    public var established: ROCDate?
    public var paidInCapital: Int64
    public var representative: String
    public var employees: Int
    public var address: String
    public var phone: String
    public var businessLines: String
    public var mainProducts: String
    public var salesRegions: String

    public init(taxID: String = "", name: String = "", kind: OrganisationKind = .company, industryCodes: [String] = [],
                established: ROCDate? = nil, paidInCapital: Int64 = 0, representative: String = "",
                employees: Int = 0, address: String = "", phone: String = "", businessLines: String = "",
                mainProducts: String = "", salesRegions: String = "") {
        self.taxID = taxID
        self.name = name
        self.kind = kind
        self.industryCodes = industryCodes
        self.established = established
        self.paidInCapital = paidInCapital
        self.representative = representative
        self.employees = employees
        self.address = address
        self.phone = phone
        self.businessLines = businessLines
        self.mainProducts = mainProducts
        self.salesRegions = salesRegions
    }

    /// Startups established on or after 2018-01-01 (民國107年1月1日) have priority (SPEC C2.2).
    public var isStartup: Bool {
        guard let established else { return false }
        return established >= ROCDate(gregorianYear: 2018, month: 1, day: 1)!
    }
}

/// Raw form text for a profile, parsed and checked field by field (SPEC X3: specific messages).
public struct OrganisationProfileForm: Sendable {
    public var values: [String: String]
    public var industryCodes: [String]

    public init(values: [String: String], industryCodes: [String]) {
        self.values = values
        self.industryCodes = industryCodes
    }

    func text(_ key: String) -> String { (values[key] ?? "").trimmingWhitespace() }

    public func validate(today: ROCDate) -> Result<OrganisationProfile, UserFacingError> {
        var errors: [FieldError] = []
        var profile = OrganisationProfile()
        for (key, value) in values.sorted(by: { $0.key < $1.key }) where value.hasControlCharacters {
            errors.append(.controlCharacters(key))
        }
        if errors.contains(where: { _ in true }) {
            return .failure(UserFacingError(.invalidInput, code: "organisation.invalid",
                                            zh: "公司資料含有無法辨識的字元。", en: "The company data contains control characters.",
                                            fields: errors))
        }

        switch TaxID.parse(text("taxID")) {
        case .success(let id): profile.taxID = id.digits
        case .failure(let problem): errors.append(TaxID.error(problem))
        }
        profile.name = text("name")
        if profile.name.isEmpty {
            errors.append(FieldError(field: "name", zh: "請填寫公司名稱（與登記名稱相同）。",
                                     en: "Enter the company name as registered."))
        } else if profile.name.count > 100 {
            errors.append(FieldError(field: "name", zh: "公司名稱最多 100 字。", en: "Use at most 100 characters."))
        }
        if let kind = OrganisationKind(rawValue: text("kind")) {
            profile.kind = kind
            if !kind.mayRegister {
                let reason: (String, String) = switch kind {
                case .naturalPerson: ("自然人不得申請，請以公司名義申請。", "Natural persons cannot apply; apply as a company.")
                case .foundation: ("財團法人不得申請。", "Foundations (財團法人) cannot apply.")
                default: ("外國公司在臺分公司不得申請。", "Branches of foreign companies cannot apply.")
                }
                errors.append(FieldError(field: "kind", zh: reason.0, en: reason.1))
            }
        } else {
            errors.append(FieldError(field: "kind", zh: "請選擇組織型態。", en: "Choose the type of organisation."))
        }
        var codes: [String] = []
        for raw in industryCodes.flatMap({ $0.split(whereSeparator: { ", ，、\n".contains($0) }) }) {
            if let code = IndustryCode.normalise(String(raw)) {
                if !codes.contains(code) { codes.append(code) }
            } else {
                errors.append(FieldError(
                    field: "industryCodes",
                    zh: "行業代碼「\(raw)」格式不符，請輸入行業標準分類代碼，例如 J6201 或 K6699。",
                    en: "Industry code “\(raw)” is not a standard industry classification code such as J6201."))
            }
        }
        if codes.isEmpty && !errors.contains(where: { $0.field == "industryCodes" }) {
            errors.append(FieldError(field: "industryCodes", zh: "請至少填寫一個行業標準分類代碼。",
                                     en: "Enter at least one industry classification code."))
        }
        profile.industryCodes = codes
        if let date = ROCDate.parse(text("established")) {
            if date > today {
                errors.append(FieldError(field: "established", zh: "設立日期不可晚於今天。",
                                         en: "The establishment date cannot be in the future."))
            }
            profile.established = date
        } else {
            errors.append(FieldError(field: "established", zh: "請以民國日期填寫設立日期，例如 107/01/01。",
                                     en: "Enter the establishment date in ROC form, e.g. 107/01/01."))
        }
        let capitalText = text("paidInCapital").replacingOccurrences(of: ",", with: "")
        if let capital = Int64(capitalText), capital > 0 {
            profile.paidInCapital = capital
        } else {
            errors.append(FieldError(field: "paidInCapital", zh: "實收資本額請填正整數（新臺幣元），例如 5000000。",
                                     en: "Enter the paid-in capital in NT$ as a whole number, e.g. 5000000."))
        }
        profile.representative = text("representative")
        if profile.representative.isEmpty || profile.representative.count > 50 {
            errors.append(FieldError(field: "representative", zh: "請填寫負責人姓名（50 字以內）。",
                                     en: "Enter the representative's name (up to 50 characters)."))
        }
        if let employees = Int(text("employees")), employees >= 0, employees <= 1_000_000 {
            profile.employees = employees
        } else {
            errors.append(FieldError(field: "employees", zh: "員工人數請填 0 以上的整數。",
                                     en: "Enter the number of employees as a whole number."))
        }
        profile.address = text("address")
        if profile.address.count < 5 || profile.address.count > 200 {
            errors.append(FieldError(field: "address", zh: "請填寫完整公司地址（5–200 字）。",
                                     en: "Enter the full company address (5–200 characters)."))
        }
        profile.phone = text("phone")
        if profile.phone.count > 30 {
            errors.append(FieldError(field: "phone", zh: "電話最多 30 字。", en: "Use at most 30 characters."))
        } else if !profile.phone.isEmpty && !profile.phone.allSatisfy({ $0.isNumber || "-+() #".contains($0) }) {
            errors.append(FieldError(field: "phone", zh: "電話只能包含數字與 - + ( ) #，例如 02-2345-6789#12。",
                                     en: "Use digits and - + ( ) # only, e.g. 02-2345-6789#12."))
        }
        for (key, limit) in [("businessLines", 500), ("mainProducts", 500), ("salesRegions", 200)] {
            let value = text(key)
            if value.count > limit {
                errors.append(FieldError(field: key, zh: "最多 \(limit) 字（目前 \(value.count) 字）。",
                                         en: "Use at most \(limit) characters (now \(value.count))."))
            }
        }
        profile.businessLines = text("businessLines")
        profile.mainProducts = text("mainProducts")
        profile.salesRegions = text("salesRegions")

        if errors.isEmpty { return .success(profile) }
        return .failure(UserFacingError(.invalidInput, code: "organisation.invalid",
                                        zh: "公司資料有 \(errors.count) 處需要修正。",
                                        en: "\(errors.count) field(s) of the company data need attention.",
                                        fields: errors))
    }
}
