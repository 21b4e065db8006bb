import Foundation
import SuanliKit

/// A ticked box on the form, with when and from where it was ticked (SPEC C3.1, X2). A box that is
/// not ticked is a nil `Consent?`, never a Consent with a flag.
public struct Consent: Hashable, Sendable, Codable {
    public var givenAt: Date
    public var sourceIP: String?

    public init(givenAt: Date, sourceIP: String? = nil) {
        self.givenAt = givenAt
        self.sourceIP = sourceIP
    }
}

/// 專案主持人 or 專案聯絡人 on 附件1 (SPEC C3.1). The form gives the lead only a company phone and the
/// contact also a mobile; the mobile is optional here for both and required for the contact on submission.
public struct ContactPerson: Hashable, Sendable, Codable {
    public var name: String
    public var title: String
    /// (公司)市話.
    public var phone: String
    /// 行動電話.
    public var mobile: String?
    public var email: String

    public init(name: String = "", title: String = "", phone: String = "", mobile: String? = nil, email: String = "") {
        self.name = name
        self.title = title
        self.phone = phone
        self.mobile = mobile
        self.email = email
    }
}

/// 推動使用產業領域別 on 附件2 and 附件3 (SPEC C3.2, C3.3); `other` needs a description.
public enum IndustryDomain: String, Hashable, Sendable, CaseIterable, Codable, Comparable {
    case healthcare
    case disasterPrevention
    case manufacturing
    case retail
    case finance
    case publicWelfare
    case transport
    case education
    case other

    public var label: Bilingual {
        switch self {
        case .healthcare: Bilingual(zh: "醫療健康", en: "Healthcare")
        case .disasterPrevention: Bilingual(zh: "防救災", en: "Disaster prevention and relief")
        case .manufacturing: Bilingual(zh: "製造", en: "Manufacturing")
        case .retail: Bilingual(zh: "零售", en: "Retail")
        case .finance: Bilingual(zh: "金融", en: "Finance")
        case .publicWelfare: Bilingual(zh: "公益", en: "Public welfare")
        case .transport: Bilingual(zh: "運輸", en: "Transport")
        case .education: Bilingual(zh: "教育", en: "Education")
        case .other: Bilingual(zh: "其他", en: "Other")
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The checkboxes of 附件1 and the close-out agreement of 附件2/3, each stored as a `Consent?` on the form.
public enum ApplicationConsent: String, Hashable, Sendable, CaseIterable, Codable {
    /// 個人資料提供同意書.
    case privacy
    /// 算力使用者聲明及同意事項 (the whole statement, 1 and 2).
    case statement
    /// 切結書.
    case affidavit
    /// 聲明 2(2): 非陸資投資之企業.
    case notChineseCapital
    /// 聲明 2(3)1: 最近 3 年內執行政府計畫無重大違約紀錄或停權處分.
    case noGovernmentProjectBreach
    /// 聲明 2(3)2: 最近 3 年內無違反環保、勞工、食安衛生或身心障礙者權益保障法規且情節重大.
    case noSeriousViolation
    /// 預期效益 量化效益 2: the close-out items within 30 days (and, for training, the demo meeting).
    case closeOut

    /// A short name, for lists and messages ("請勾選「切結書」").
    public var title: Bilingual {
        switch self {
        case .privacy: Bilingual(zh: "個人資料提供同意書", en: "personal-data consent")
        case .statement: Bilingual(zh: "算力使用者聲明及同意事項", en: "compute user declaration")
        case .affidavit: Bilingual(zh: "切結書", en: "affidavit")
        case .notChineseCapital: Bilingual(zh: "非陸資投資企業聲明", en: "no-Chinese-capital declaration")
        case .noGovernmentProjectBreach:
            Bilingual(zh: "無政府計畫重大違約聲明", en: "no-government-project-breach declaration")
        case .noSeriousViolation: Bilingual(zh: "無重大違法情事聲明", en: "no-serious-violation declaration")
        case .closeOut: Bilingual(zh: "結案資料提交同意", en: "close-out agreement")
        }
    }

    public var label: Bilingual {
        switch self {
        case .privacy:
            Bilingual(zh: "本人已充分知悉蒐集個人資料告知事項，並同意蒐集、處理及利用本人個人資料。",
                      en: "I have read the personal-data notice and consent to the collection, processing and use "
                        + "of my personal data.")
        case .statement:
            Bilingual(zh: "聲明人已明確了解「算力使用者聲明及同意事項」所有聲明與授權內容，並且同意遵守之。",
                      en: "We understand every statement of the compute user declaration and agree to abide by it.")
        case .affidavit:
            Bilingual(zh: "本公司已明確了解切結書所有切結內容，並且同意遵守所有規定。",
                      en: "We understand the affidavit and agree to abide by all its terms.")
        case .notChineseCapital:
            Bilingual(zh: "本公司非陸資投資之企業。", en: "The company has no mainland-Chinese investment (陸資).")
        case .noGovernmentProjectBreach:
            Bilingual(zh: "最近 3 年內無執行政府計畫重大違約紀錄或未屆滿之停權處分。",
                      en: "No major breach of a government project, and no unexpired suspension, in the last 3 years.")
        case .noSeriousViolation:
            Bilingual(zh: "最近 3 年內無違反環境保護、勞工、食品安全衛生或身心障礙者權益保障法規且情節重大之情事。",
                      en: "No serious violation of environmental, labour, food-safety or disability-rights law in "
                        + "the last 3 years.")
        case .closeOut:
            Bilingual(zh: "本公司同意提供結案報告、成果簡報及產品 demo 影片各乙式，於平台使用到期日後 30 個日曆天內提交。",
                      en: "We will hand in a close-out report, results slides and a product demo video within 30 "
                        + "calendar days after the term ends.")
        }
    }

    /// 附件2 adds the demo meeting to the training agreement; 附件3 does not have it.
    public func label(for category: GrantCategory) -> Bilingual {
        guard self == .closeOut, category == .training else { return label }
        return Bilingual(zh: label.zh + "另配合出席執行單位辦理之產品 demo 會議。",
                         en: label.en + " We will also attend the product demo meeting the executing unit holds.")
    }
}

/// The uploaded model of a container environment (附件2 A). The base model names the original a distilled
/// or fine-tuned upload came from, which the Chinese-origin rule reads (SPEC C5.3).
public struct ContainerModel: Hashable, Sendable, Codable {
    public var modelName: String
    public var version: String
    /// An https link the platform downloads the model from.
    public var downloadURL: String
    public var baseModel: String

    public init(modelName: String = "", version: String = "", downloadURL: String = "", baseModel: String = "") {
        self.modelName = modelName
        self.version = version
        self.downloadURL = downloadURL
        self.baseModel = baseModel
    }

    public var isEmpty: Bool { self == ContainerModel() }
}

/// The environment types of 附件2「使用模型及資源需求」A–C (SPEC C3.2, C5.4); several may be chosen.
public enum TrainingEnvironment: String, Hashable, Sendable, CaseIterable, Codable, Comparable {
    case container
    case noCode
    case validation

    public var label: Bilingual {
        switch self {
        case .container: Bilingual(zh: "A. 容器型環境", en: "A. Container environment")
        case .noCode: Bilingual(zh: "B. No-Code 訓練平台型環境", en: "B. No-code training platform")
        case .validation: Bilingual(zh: "C. 模型驗證環境", en: "C. Model validation environment")
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Average pixel size of videos or images, width × height (附件2「平均像素大小：長 x 寬；例如 3840x2160」).
public struct Resolution: Hashable, Sendable, Codable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var description: String { "\(width)x\(height)" }
}

/// 訓練資料集 (SPEC C3.2). Amounts are whole numbers: tokens can pass Int32, so they are Int64.
public struct TrainingDataset: Hashable, Sendable, Codable {
    public var textTokens: Int64?
    public var speechHours: Int?
    public var videoHours: Int?
    public var videoResolution: Resolution?
    public var imageCount: Int?
    public var imageResolution: Resolution?
    /// 資料集主要內容描述.
    public var description: String

    public init(
        textTokens: Int64? = nil, speechHours: Int? = nil, videoHours: Int? = nil, videoResolution: Resolution? = nil,
        imageCount: Int? = nil, imageResolution: Resolution? = nil, description: String = ""
    ) {
        self.textTokens = textTokens
        self.speechHours = speechHours
        self.videoHours = videoHours
        self.videoResolution = videoResolution
        self.imageCount = imageCount
        self.imageResolution = imageResolution
        self.description = description
    }

    /// At least one type has a positive amount.
    public var hasData: Bool {
        [textTokens ?? 0, Int64(speechHours ?? 0), Int64(videoHours ?? 0), Int64(imageCount ?? 0)].contains { $0 > 0 }
    }
}

/// The training-only part of the form (附件2「使用模型及資源需求」and「訓練資料集」). Details of an
/// environment are kept while it is not chosen, so unticking a box does not throw away what was typed;
/// only chosen environments are required to be complete.
public struct TrainingPlan: Hashable, Sendable, Codable {
    public var environments: Set<TrainingEnvironment>
    public var container: ContainerModel
    /// The catalogue id of the platform model fine-tuned without code.
    public var noCodeModel: String?
    /// Catalogue ids of the platform models the validation environment connects.
    public var validationModels: [String]
    public var dataset: TrainingDataset

    public init(
        environments: Set<TrainingEnvironment> = [], container: ContainerModel = ContainerModel(),
        noCodeModel: String? = nil, validationModels: [String] = [], dataset: TrainingDataset = TrainingDataset()
    ) {
        self.environments = environments
        self.container = container
        self.noCodeModel = noCodeModel
        self.validationModels = validationModels
        self.dataset = dataset
    }
}

/// The inference-only part of the form (附件3「使用模型需求」). The scenario is scored on its own in the
/// inference rubric (SPEC C4.3「應用情境說明」20%), so it has its own text rather than living in importance.
public struct InferencePlan: Hashable, Sendable, Codable {
    /// Catalogue ids, in the order chosen.
    public var models: [String]
    public var scenario: String

    public init(models: [String] = [], scenario: String = "") {
        self.models = models
        self.scenario = scenario
    }
}

/// 預計產品化階段說明 1–4 (SPEC C3.2, C3.3).
public struct ProductisationPlan: Hashable, Sendable, Codable {
    public var targetCustomers: String
    public var progress: String
    public var productForm: String
    /// 計價單位／時間.
    public var pricingUnit: String

    public init(
        targetCustomers: String = "", progress: String = "", productForm: String = "", pricingUnit: String = ""
    ) {
        self.targetCustomers = targetCustomers
        self.progress = progress
        self.productForm = productForm
        self.pricingUnit = pricingUnit
    }
}

/// What the applicant writes in 附件1–3, apart from the company data that lives on the organisation
/// profile (SPEC C3.1–C3.3). A draft may be incomplete; `problems(for:)` says what a submission still needs.
/// The part of the other category (`training` on an inference form and vice versa) must stay nil.
public struct ApplicationForm: Hashable, Sendable, Codable {
    public var category: GrantCategory

    // 附件1: people and declarations (SPEC C3.1)
    public var projectLead: ContactPerson
    public var projectContact: ContactPerson
    public var privacyConsent: Consent?
    public var statementAgreement: Consent?
    public var affidavit: Consent?
    public var notChineseCapital: Consent?
    public var noGovernmentProjectBreach: Consent?
    public var noSeriousViolation: Consent?
    /// 行業分類 boxes ticked on 附件1 (J582, J62, J63, K6699); eligibility shows them, the register decides.
    public var industryCodes: [StandardIndustryCode]
    /// When the current set of industry codes was ticked; nil while none is.
    public var industryCodesDeclared: Consent?

    // 附件2/3: the project (SPEC C3.2, C3.3)
    public var title: String
    public var domains: Set<IndustryDomain>
    /// What "其他" means, required when `domains` holds `.other`.
    public var otherDomain: String
    public var importance: String
    public var industryApplication: String
    public var expectedBenefits: String
    /// 預計產出模型 N 項 — training only.
    public var expectedModels: Int?
    /// 產出應用 N 項.
    public var expectedApplications: Int?
    public var closeOutAgreement: Consent?
    /// Claimed bonus items with their evidence: a download URL, a Hugging Face or GitHub URL, or a
    /// registration number (empty for 資訊安全服務機構能量登錄, which has none). An open dataset, model or
    /// code may be claimed once per platform.
    public var bonusClaims: [BonusClaim]
    public var productisation: ProductisationPlan
    public var otherNeeds: String

    public var training: TrainingPlan?
    public var inference: InferencePlan?

    /// The earlier application this one follows, set by the service, never by the form (SPEC C1.2).
    public var previousApplication: String?
    /// How this application differs from `previousApplication`; required when that is set.
    public var differenceFromPrevious: String?

    /// An empty form with the part its category needs.
    public init(category: GrantCategory) {
        self.category = category
        projectLead = ContactPerson()
        projectContact = ContactPerson()
        industryCodes = []
        title = ""
        domains = []
        otherDomain = ""
        importance = ""
        industryApplication = ""
        expectedBenefits = ""
        bonusClaims = []
        productisation = ProductisationPlan()
        otherNeeds = ""
        training = category == .training ? TrainingPlan() : nil
        inference = category == .inference ? InferencePlan() : nil
    }

    public subscript(consent kind: ApplicationConsent) -> Consent? {
        get {
            switch kind {
            case .privacy: privacyConsent
            case .statement: statementAgreement
            case .affidavit: affidavit
            case .notChineseCapital: notChineseCapital
            case .noGovernmentProjectBreach: noGovernmentProjectBreach
            case .noSeriousViolation: noSeriousViolation
            case .closeOut: closeOutAgreement
            }
        }
        set {
            switch kind {
            case .privacy: privacyConsent = newValue
            case .statement: statementAgreement = newValue
            case .affidavit: affidavit = newValue
            case .notChineseCapital: notChineseCapital = newValue
            case .noGovernmentProjectBreach: noGovernmentProjectBreach = newValue
            case .noSeriousViolation: noSeriousViolation = newValue
            case .closeOut: closeOutAgreement = newValue
            }
        }
    }

    /// The bonus items claimed, as the scoring sheets take them (SPEC C4.2, C4.3).
    public var claimedBonusItems: Set<BonusItem> { Set(bonusClaims.map(\.item)) }

    /// What eligibility reads from this form (SPEC C2.3). A box not ticked is "not given" (nil), not
    /// "cannot declare": a checkbox cannot tell the two apart, so the rule reports it as unknown.
    public func declarations() -> ApplicantDeclarations {
        func declared(_ consent: Consent?) -> ApplicantDeclaration<Bool>? {
            consent.map { ApplicantDeclaration(true, givenAt: $0.givenAt) }
        }
        return ApplicantDeclarations(
            industryCodes: industryCodesDeclared.map { ApplicantDeclaration(industryCodes, givenAt: $0.givenAt) },
            notChineseCapital: declared(notChineseCapital),
            noGovernmentProjectBreach: declared(noGovernmentProjectBreach),
            noSeriousViolation: declared(noSeriousViolation))
    }
}

/// Where an open dataset, model or code is published (附件2/3 加分項目 3–4: Hugging Face or GitHub). The
/// platform is read from the URL's host, so a claim's evidence alone says where it goes.
public enum OpenPlatform: String, Hashable, Sendable, CaseIterable, Codable {
    case huggingFace
    case github

    public var label: Bilingual {
        switch self {
        case .huggingFace: "Hugging Face"
        case .github: "GitHub"
        }
    }

    /// The host an URL must have, for messages.
    public var host: String {
        switch self {
        case .huggingFace: "huggingface.co"
        case .github: "github.com"
        }
    }

    /// The platform a URL points at, or nil for any other host (or text that is not a URL).
    public init?(url: String) {
        guard let components = URLComponents(string: url.trimmingWhitespace()),
              var host = components.host?.lowercased(), components.scheme != nil
        else { return nil }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        switch host {
        case "huggingface.co", "hf.co": self = .huggingFace
        case "github.com": self = .github
        default: return nil
        }
    }
}

extension BonusItem {
    /// The items published on Hugging Face or GitHub, which may be claimed once per platform.
    public var isOpenRelease: Bool {
        switch self {
        case .openDataset, .openModel, .openCode: true
        default: false
        }
    }
}
