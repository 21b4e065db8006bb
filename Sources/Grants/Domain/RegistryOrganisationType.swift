import Foundation

/// 組織別: the legal form of a registered business. Eligibility depends on it twice — the 須知
/// (貳、一) admits 獨資、合夥、有限合夥事業或公司 and FAQ 7/11 refuse 財團法人 and natural persons
/// (SPEC C2.4); branches are refused separately (SPEC C2.3, 須知 貳、二).
public enum OrganisationType: Hashable, Sendable, Codable {
    case companyLimitedByShares  // 股份有限公司
    case limitedCompany  // 有限公司
    case unlimitedCompany  // 無限公司
    case twoTierCompany  // 兩合公司
    /// A company whose form the source does not state (the GCIS company register lists only companies).
    case company
    case soleProprietorship  // 獨資
    case partnership  // 合夥
    case limitedPartnership  // 有限合夥
    case domesticBranch  // 本國公司分公司
    case foreignCompanyBranch  // 外國公司在臺分公司
    case mainlandCompanyBranch  // 大陸地區公司在臺分公司
    case foundation  // 財團法人
    /// Other non-business bodies: 社團法人, 合作社, agencies, schools — outside 須知 貳、一's list.
    case otherBody(String)
    case naturalPerson  // 自然人
    /// A value we do not recognise; kept verbatim for the operator.
    case unrecognised(String)

    /// Reads 組織別名稱 (tax register), using the business name where the form alone is ambiguous
    /// ("其他" with a name beginning 財團法人). Returns nil when neither says anything.
    public init?(registryText text: String, name: String = "") {
        let form = Self.normalise(text)
        let normalisedName = Self.normalise(name)
        if let known = Self.forms[form] {
            self = known
        } else if normalisedName.hasPrefix("財團法人") {
            self = .foundation
        } else if normalisedName.hasPrefix("社團法人") {
            self = .otherBody("社團法人")
        } else if form.isEmpty {
            return nil
        } else {
            self = .unrecognised(text.trimmingWhitespaceAndBOM())
        }
    }

    /// A company's form from the suffix of its registered name (GCIS has no form column).
    public static func fromCompanyName(_ name: String) -> OrganisationType {
        let normalised = normalise(name).replacingOccurrences(of: "臺灣分公司", with: "")
        if normalised.hasPrefix("財團法人") { return .foundation }
        let suffixes: [(String, OrganisationType)] = [
            ("股份有限公司", .companyLimitedByShares), ("有限公司", .limitedCompany),
            ("無限公司", .unlimitedCompany), ("兩合公司", .twoTierCompany),
        ]
        return suffixes.first { normalised.hasSuffix($0.0) }?.1 ?? .company
    }

    /// 台 and 臺 are used interchangeably in registry text; match on one spelling.
    static func normalise(_ text: String) -> String {
        text.trimmingWhitespaceAndBOM().replacingOccurrences(of: "台", with: "臺")
    }

    static let forms: [String: OrganisationType] = [
        "股份有限公司": .companyLimitedByShares, "有限公司": .limitedCompany, "無限公司": .unlimitedCompany,
        "兩合公司": .twoTierCompany, "公司": .company,
        "獨資": .soleProprietorship, "合夥": .partnership, "有限合夥": .limitedPartnership,
        "本國公司分公司": .domesticBranch, "分公司": .domesticBranch,
        "外國公司": .foreignCompanyBranch, "外國公司分公司": .foreignCompanyBranch,
        "外國公司在臺分公司": .foreignCompanyBranch, "外國營利事業在臺分公司": .foreignCompanyBranch,
        "大陸公司": .mainlandCompanyBranch, "大陸地區公司": .mainlandCompanyBranch,
        "大陸公司在臺分公司": .mainlandCompanyBranch, "大陸地區公司在臺分公司": .mainlandCompanyBranch,
        "財團法人": .foundation,
        "社團法人": .otherBody("社團法人"), "合作社": .otherBody("合作社"), "其他法人": .otherBody("其他法人"),
        "公法人": .otherBody("公法人"), "機關": .otherBody("機關"), "學校": .otherBody("學校"),
        "自然人": .naturalPerson, "個人": .naturalPerson,
    ]

    /// Whether 須知 貳、一 admits this form: nil when we cannot tell.
    public var isAdmissibleForm: Bool? {
        switch self {
        case .companyLimitedByShares, .limitedCompany, .unlimitedCompany, .twoTierCompany, .company,
            .soleProprietorship, .partnership, .limitedPartnership,
            .domesticBranch, .foreignCompanyBranch, .mainlandCompanyBranch:
            true
        case .foundation, .otherBody, .naturalPerson:
            false
        case .unrecognised:
            nil
        }
    }

    public var isBranch: Bool {
        switch self {
        case .domesticBranch, .foreignCompanyBranch, .mainlandCompanyBranch: true
        default: false
        }
    }

    public var title: Bilingual {
        switch self {
        case .companyLimitedByShares: Bilingual(zh: "股份有限公司", en: "company limited by shares")
        case .limitedCompany: Bilingual(zh: "有限公司", en: "limited company")
        case .unlimitedCompany: Bilingual(zh: "無限公司", en: "unlimited company")
        case .twoTierCompany: Bilingual(zh: "兩合公司", en: "unlimited company with limited partners")
        case .company: Bilingual(zh: "公司", en: "company")
        case .soleProprietorship: Bilingual(zh: "獨資", en: "sole proprietorship")
        case .partnership: Bilingual(zh: "合夥", en: "partnership")
        case .limitedPartnership: Bilingual(zh: "有限合夥", en: "limited partnership")
        case .domesticBranch: Bilingual(zh: "本國公司分公司", en: "branch of a Taiwanese company")
        case .foreignCompanyBranch: Bilingual(zh: "外國公司在臺分公司", en: "Taiwan branch of a foreign company")
        case .mainlandCompanyBranch:
            Bilingual(zh: "大陸地區公司在臺分公司", en: "Taiwan branch of a mainland-China company")
        case .foundation: Bilingual(zh: "財團法人", en: "foundation")
        case .otherBody(let text): Bilingual(zh: text, en: "non-business body (\(text))")
        case .naturalPerson: Bilingual(zh: "自然人", en: "natural person")
        case .unrecognised(let text): Bilingual(zh: text, en: "unrecognised form (\(text))")
        }
    }
}
