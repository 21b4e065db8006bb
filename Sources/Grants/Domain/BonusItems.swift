import SuanliKit

/// 加分項目 (SPEC C3.2, C4.2, C4.3). The forms (附件2, 附件3) list five items for both categories —
/// a field-site MOU (加值型提案), productisation material (加分型資料), open-sourcing the dataset,
/// open-sourcing the model, and capability registrations (通過以下能量登錄者, six kinds). The
/// inference rubric (須知 陸、二、(二)) also names "願意將程式碼上架至開源平台", so inference has open
/// code as a sixth item. The seeds give no point values; `BonusPolicy.standard` holds ours.
public enum CapabilityRegistration: String, Sendable, CaseIterable, Codable {
    case thirdPartyPaymentAML
    case electronicSignature
    case dataEconomy
    case aiTechnicalService
    case informationService
    case informationSecurity

    public var label: Bilingual {
        switch self {
        case .thirdPartyPaymentAML:
            Bilingual(zh: "提供第三方支付服務之事業或人員洗錢防制及服務能量登錄",
                      en: "Third-party payment AML and service capability registration")
        case .electronicSignature:
            Bilingual(zh: "電子簽章解決方案服務能量登錄", en: "Electronic-signature solution capability registration")
        case .dataEconomy:
            Bilingual(zh: "資料經濟服務機構能量登錄", en: "Data-economy service capability registration")
        case .aiTechnicalService:
            Bilingual(zh: "人工智慧技術服務機構能量登錄", en: "AI technical service capability registration")
        case .informationService:
            Bilingual(zh: "資訊服務機構服務能量登錄", en: "Information-service capability registration")
        case .informationSecurity:
            Bilingual(zh: "資訊安全服務機構能量登錄", en: "Information-security service capability registration")
        }
    }
}

public enum BonusItem: Hashable, Sendable, Codable {
    case fieldSiteMOU
    case productisationMaterial
    case openDataset
    case openModel
    case openCode
    case registration(CapabilityRegistration)

    public static func available(for category: GrantCategory) -> [BonusItem] {
        let registrations = CapabilityRegistration.allCases.map(BonusItem.registration)
        switch category {
        case .training:
            return [.fieldSiteMOU, .productisationMaterial, .openDataset, .openModel] + registrations
        case .inference:
            return [.fieldSiteMOU, .productisationMaterial, .openDataset, .openModel, .openCode] + registrations
        }
    }

    /// A short stable code, e.g. "openModel" or "registration:dataEconomy" (the stored scoring line).
    public var code: String {
        switch self {
        case .fieldSiteMOU: "fieldSiteMOU"
        case .productisationMaterial: "productisationMaterial"
        case .openDataset: "openDataset"
        case .openModel: "openModel"
        case .openCode: "openCode"
        case .registration(let kind): "registration:" + kind.rawValue
        }
    }

    public init?(code: String) {
        switch code {
        case "fieldSiteMOU": self = .fieldSiteMOU
        case "productisationMaterial": self = .productisationMaterial
        case "openDataset": self = .openDataset
        case "openModel": self = .openModel
        case "openCode": self = .openCode
        default:
            guard code.hasPrefix("registration:"),
                  let kind = CapabilityRegistration(rawValue: String(code.dropFirst("registration:".count)))
            else { return nil }
            self = .registration(kind)
        }
    }

    public var label: Bilingual {
        switch self {
        case .fieldSiteMOU:
            Bilingual(zh: "加值型提案：提供落地場域之雙方合作備忘錄", en: "Memorandum of understanding with a field site")
        case .productisationMaterial:
            Bilingual(zh: "加分型資料：已具備產品化之介紹簡報或資料", en: "Material showing the product already exists")
        case .openDataset:
            Bilingual(zh: "同意將數據集上架開源平台", en: "Publishing the dataset (Hugging Face or GitHub)")
        case .openModel:
            Bilingual(zh: "同意將模型上架開源平台", en: "Publishing the model (Hugging Face or GitHub)")
        case .openCode:
            Bilingual(zh: "同意將程式碼上架開源平台", en: "Publishing the code (Hugging Face or GitHub)")
        case .registration(let kind):
            Bilingual(zh: "通過\(kind.label.zh)", en: kind.label.en)
        }
    }
}

/// What each granted item is worth, with caps, in score hundredths. Bonus points are added to a
/// reviewer's weighted total (SPEC C4.2 "bonus items add points"), so a total can exceed 100.
/// Defaults (our choice — the seeds list the items without points): an MOU with a field site is
/// the strongest evidence of real use, 2 points; each other item 1 point; capability registrations
/// count together up to 2 points; all bonus items together up to 5 points, so that bonus can break
/// ties between close proposals but cannot lift a weak one over a strong one.
public struct BonusPolicy: Hashable, Sendable, Codable {
    public var fieldSiteMOU: Score
    public var productisationMaterial: Score
    public var openDataset: Score
    public var openModel: Score
    public var openCode: Score
    public var perRegistration: Score
    public var registrationsCap: Score
    public var totalCap: Score

    public init(
        fieldSiteMOU: Score, productisationMaterial: Score, openDataset: Score, openModel: Score,
        openCode: Score, perRegistration: Score, registrationsCap: Score, totalCap: Score
    ) {
        self.fieldSiteMOU = fieldSiteMOU
        self.productisationMaterial = productisationMaterial
        self.openDataset = openDataset
        self.openModel = openModel
        self.openCode = openCode
        self.perRegistration = perRegistration
        self.registrationsCap = registrationsCap
        self.totalCap = totalCap
    }

    public static let standard = BonusPolicy(
        fieldSiteMOU: .points(2), productisationMaterial: .points(1), openDataset: .points(1),
        openModel: .points(1), openCode: .points(1), perRegistration: .points(1),
        registrationsCap: .points(2), totalCap: .points(5))

    public func value(of item: BonusItem) -> Score {
        switch item {
        case .fieldSiteMOU: fieldSiteMOU
        case .productisationMaterial: productisationMaterial
        case .openDataset: openDataset
        case .openModel: openModel
        case .openCode: openCode
        case .registration: perRegistration
        }
    }

    /// The bonus for a set of granted items, capped; items the category does not offer are refused.
    public func bonus(for granted: Set<BonusItem>, in category: GrantCategory) throws(GrantsError) -> Score {
        let offered = Set(BonusItem.available(for: category))
        if let stray = granted.subtracting(offered).first { throw .bonusNotOffered(stray, category) }
        var registrations = Score.zero, others = Score.zero
        for item in granted {
            if case .registration = item { registrations = registrations + value(of: item) }
            else { others = others + value(of: item) }
        }
        return min(totalCap, others + min(registrationsCap, registrations))
    }

    /// A policy must not be negative anywhere; caps below an item's value are allowed (they cap).
    public var problems: [FieldError] {
        let fields: [(String, Score)] = [
            ("fieldSiteMOU", fieldSiteMOU), ("productisationMaterial", productisationMaterial),
            ("openDataset", openDataset), ("openModel", openModel), ("openCode", openCode),
            ("perRegistration", perRegistration), ("registrationsCap", registrationsCap), ("totalCap", totalCap),
        ]
        return fields.filter { $0.1 < .zero }.map { name, value in
            FieldError(field: "bonus.\(name)", zh: "加分不可為負數（目前為 \(value)）。",
                       en: "Bonus points cannot be negative (it is \(value)).")
        }
    }
}

/// An applicant's claim of a bonus item with its evidence: a download URL (MOU, material), a
/// Hugging Face or GitHub URL (open items), or the registration number (SPEC C3.2).
public struct BonusClaim: Hashable, Sendable, Codable {
    public var item: BonusItem
    public var evidence: String

    public init(_ item: BonusItem, evidence: String) {
        self.item = item
        self.evidence = evidence
    }
}
