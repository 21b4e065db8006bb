import SuanliKit

/// What one registry source (or several, merged) says about one business (SPEC C2, T8). Every field
/// but the ID is optional because each dataset carries only some of them; the rules say "unknown"
/// rather than guess when a field is missing.
public struct RegistryRecord: Hashable, Sendable, Codable {
    public var taxID: TaxID
    public var name: String
    /// 總機構統一編號 on the tax register: set (and different from `taxID`) for a branch.
    public var headOfficeTaxID: TaxID?
    /// 資本額 / Capital_Stock_Amount, whole NT$.
    public var capitalNTD: Int?
    /// Paid_In_Capital_Amount, whole NT$ (company registry only).
    public var paidInCapitalNTD: Int?
    /// 設立日期 / Company_Setup_Date (核准設立日期).
    public var establishedOn: ROCDate?
    public var organisationType: OrganisationType?
    /// 行業代號 … 行業代號3 in the tax register's order (main activity first).
    public var taxIndustryCodes: [TaxIndustryCode]
    public var businessItems: [BusinessItem]
    /// Company_Status_Desc, e.g. 核准設立, 解散, 廢止.
    public var status: RegistryStatus?
    public var representative: String?
    public var address: String?
    public var registeringAuthority: String?
    public var lastChangeApprovedOn: ROCDate?
    /// 使用統一發票 (Y/N) on the tax register.
    public var usesUniformInvoice: Bool?
    /// True when a source says the business is Chinese-capital invested, false when a source that
    /// would say so says it is not, nil when no source speaks to it.
    public var chineseCapital: Bool?
    /// 核准日期 on the Chinese-capital investee list.
    public var chineseCapitalApprovedOn: ROCDate?
    /// Sanctions a source records (contract breaches, serious violations) — see `RegistrySanction`.
    public var sanctions: [RegistrySanction]
    public var sources: Set<RegistrySource>

    public init(
        taxID: TaxID, name: String, source: RegistrySource,
        headOfficeTaxID: TaxID? = nil, capitalNTD: Int? = nil, paidInCapitalNTD: Int? = nil,
        establishedOn: ROCDate? = nil, organisationType: OrganisationType? = nil,
        taxIndustryCodes: [TaxIndustryCode] = [], businessItems: [BusinessItem] = [],
        status: RegistryStatus? = nil, representative: String? = nil, address: String? = nil,
        registeringAuthority: String? = nil, lastChangeApprovedOn: ROCDate? = nil,
        usesUniformInvoice: Bool? = nil, chineseCapital: Bool? = nil, chineseCapitalApprovedOn: ROCDate? = nil,
        sanctions: [RegistrySanction] = []
    ) {
        self.taxID = taxID
        self.name = name
        self.headOfficeTaxID = headOfficeTaxID
        self.capitalNTD = capitalNTD
        self.paidInCapitalNTD = paidInCapitalNTD
        self.establishedOn = establishedOn
        self.organisationType = organisationType
        self.taxIndustryCodes = taxIndustryCodes
        self.businessItems = businessItems
        self.status = status
        self.representative = representative
        self.address = address
        self.registeringAuthority = registeringAuthority
        self.lastChangeApprovedOn = lastChangeApprovedOn
        self.usesUniformInvoice = usesUniformInvoice
        self.chineseCapital = chineseCapital
        self.chineseCapitalApprovedOn = chineseCapitalApprovedOn
        self.sanctions = sanctions
        self.sources = [source]
    }

    /// The 行業標準分類 細類 of each tax code (see `IndustryCodeMapping`), duplicates removed.
    public var standardIndustryCodes: [StandardIndustryCode] {
        var seen = Set<StandardIndustryCode>()
        return taxIndustryCodes.compactMap(\.standardClass).filter { seen.insert($0).inserted }
    }

    /// True when the tax register names a different head office: this row is a branch's.
    public var isBranchByHeadOffice: Bool {
        headOfficeTaxID.map { $0 != taxID } ?? false
    }
}

/// A registration status as the source words it.
public struct RegistryStatus: Hashable, Sendable, Codable {
    public var text: String

    public init(_ text: String) { self.text = text.trimmingWhitespaceAndBOM() }

    /// 核准設立 for a company, 核准登記 for a foreign company's branch. Anything else — 解散, 廢止,
    /// 撤銷, 停業, and "核准設立，但已命令解散" — is not an active registration (SPEC C2.4).
    public var isActive: Bool { Self.active.contains(text) }

    static let active: Set<String> = ["核准設立", "核准登記"]
}

/// A recorded sanction that bears on SPEC C2.3 (須知 貳、四 and 五; 聲明 2(3)): a major breach of a
/// government project (with a suspension that may outlast the three years), or a serious violation
/// of environmental, labour, food-safety or disability-rights law. No open dataset is imported for
/// these yet; the Store layer may attach them from the operator's own lists.
public struct RegistrySanction: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case governmentProjectBreach
        case environmental
        case labour
        case foodSafety
        case disabilityRights

        public var title: Bilingual {
            switch self {
            case .governmentProjectBreach: Bilingual(zh: "政府計畫重大違約", en: "major breach of a government project")
            case .environmental: Bilingual(zh: "違反環境保護法規", en: "environmental-law violation")
            case .labour: Bilingual(zh: "違反勞工法規", en: "labour-law violation")
            case .foodSafety: Bilingual(zh: "違反食品安全衛生法規", en: "food-safety-law violation")
            case .disabilityRights:
                Bilingual(zh: "違反身心障礙者權益保障法", en: "disability-rights-law violation")
            }
        }
    }

    public var kind: Kind
    public var decidedOn: ROCDate
    /// Last day of a suspension (停權) it imposed, when it did.
    public var suspendedUntil: ROCDate?
    public var authority: String
    public var reference: String

    public init(kind: Kind, decidedOn: ROCDate, suspendedUntil: ROCDate? = nil, authority: String, reference: String) {
        self.kind = kind
        self.decidedOn = decidedOn
        self.suspendedUntil = suspendedUntil
        self.authority = authority
        self.reference = reference
    }
}
