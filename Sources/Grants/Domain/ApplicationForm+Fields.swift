import Foundation
import SuanliKit

extension ApplicationForm {
    /// The HTML form field names of 附件1–3 (SPEC C3.1–C3.3). Parsing, re-rendering and validation all use
    /// these, so that every `FieldError` names a field the page shows.
    public enum Field {
        public static let leadName = "lead.name"
        public static let leadTitle = "lead.title"
        public static let leadPhone = "lead.phone"
        public static let leadMobile = "lead.mobile"
        public static let leadEmail = "lead.email"
        public static let contactName = "contact.name"
        public static let contactTitle = "contact.title"
        public static let contactPhone = "contact.phone"
        public static let contactMobile = "contact.mobile"
        public static let contactEmail = "contact.email"
        /// Multi-valued: the ticked codes (J582, J62, J63, K6699).
        public static let industryCodes = "industryCodes"
        public static let title = "title"
        /// Multi-valued: `IndustryDomain` raw values.
        public static let domains = "domains"
        public static let otherDomain = "domains.other"
        public static let differenceFromPrevious = "differenceFromPrevious"
        /// Multi-valued: `TrainingEnvironment` raw values.
        public static let environments = "training.environments"
        public static let containerModelName = "training.container.modelName"
        public static let containerVersion = "training.container.version"
        public static let containerDownloadURL = "training.container.downloadURL"
        public static let containerBaseModel = "training.container.baseModel"
        public static let noCodeModel = "training.noCode.model"
        /// Multi-valued: catalogue ids.
        public static let validationModels = "training.validation.models"
        /// Multi-valued: catalogue ids.
        public static let inferenceModels = "inference.models"
        public static let importance = "importance"
        public static let industryApplication = "industryApplication"
        public static let textTokens = "training.dataset.textTokens"
        public static let speechHours = "training.dataset.speechHours"
        public static let videoHours = "training.dataset.videoHours"
        public static let videoResolution = "training.dataset.videoResolution"
        public static let imageCount = "training.dataset.imageCount"
        public static let imageResolution = "training.dataset.imageResolution"
        public static let datasetDescription = "training.dataset.description"
        public static let scenario = "inference.scenario"
        public static let expectedBenefits = "expectedBenefits"
        public static let expectedModels = "expectedModels"
        public static let expectedApplications = "expectedApplications"
        public static let targetCustomers = "productisation.targetCustomers"
        public static let progress = "productisation.progress"
        public static let productForm = "productisation.productForm"
        public static let pricingUnit = "productisation.pricingUnit"
        public static let otherNeeds = "otherNeeds"
        /// Names the other category's part when a form carries it (only the JSON API can send one).
        public static let trainingPart = "training"
        public static let inferencePart = "inference"

        public static func consent(_ kind: ApplicationConsent) -> String { "consent.\(kind.rawValue)" }

        /// The evidence URL of a bonus item: `bonus.fieldSiteMOU.url`, `bonus.openModel.github.url`, …
        /// Open items have one field per platform; registrations use `registrationNumber(_:)`.
        public static func bonusURL(_ item: BonusItem, on platform: OpenPlatform? = nil) -> String {
            switch item {
            case .fieldSiteMOU: "bonus.fieldSiteMOU.url"
            case .productisationMaterial: "bonus.productisationMaterial.url"
            case .openDataset: "bonus.openDataset.\((platform ?? .huggingFace).rawValue).url"
            case .openModel: "bonus.openModel.\((platform ?? .huggingFace).rawValue).url"
            case .openCode: "bonus.openCode.\((platform ?? .huggingFace).rawValue).url"
            case .registration(let kind): registrationNumber(kind)
            }
        }

        /// The checkbox claiming a capability registration.
        public static func registration(_ kind: CapabilityRegistration) -> String {
            "bonus.registration.\(kind.rawValue)"
        }

        /// The registration number; 資訊安全服務機構能量登錄 has none, so its checkbox stands for it.
        public static func registrationNumber(_ kind: CapabilityRegistration) -> String {
            kind.hasNumber ? "bonus.registration.\(kind.rawValue).number" : registration(kind)
        }

        /// Fields that carry several values (checkbox groups, multi-selects).
        public static let multiValued: Set<String> = [
            industryCodes, domains, environments, validationModels, inferenceModels,
        ]
    }

    /// Every field of a category's form, in the order of the form.
    public static func fieldNames(for category: GrantCategory) -> [String] {
        ApplicationSection.sections(for: category).flatMap { $0.fieldNames(for: category) }
    }

    /// The section a field belongs to, for showing a correction's open sections as editable.
    public static func section(ofField name: String, in category: GrantCategory) -> ApplicationSection? {
        ApplicationSection.sections(for: category).first { $0.fieldNames(for: category).contains(name) }
    }
}

extension CapabilityRegistration {
    /// 附件2/3 加分項目 5 asks a number for every registration except 資訊安全服務機構能量登錄.
    public var hasNumber: Bool { self != .informationSecurity }
}

extension ApplicationSection {
    public func fieldNames(for category: GrantCategory) -> [String] {
        typealias F = ApplicationForm.Field
        switch self {
        case .contacts:
            return [F.leadName, F.leadTitle, F.leadPhone, F.leadMobile, F.leadEmail,
                    F.contactName, F.contactTitle, F.contactPhone, F.contactMobile, F.contactEmail]
        case .declarations:
            return [F.industryCodes]
                + [.privacy, .statement, .notChineseCapital, .noGovernmentProjectBreach, .noSeriousViolation,
                   .affidavit].map(F.consent)
        case .projectOverview:
            return [F.title, F.domains, F.otherDomain, F.differenceFromPrevious]
        case .environment:
            guard category == .training else { return [] }
            return [F.environments, F.containerModelName, F.containerVersion, F.containerDownloadURL,
                    F.containerBaseModel, F.noCodeModel, F.validationModels]
        case .models:
            return category == .inference ? [F.inferenceModels] : []
        case .importance:
            return [F.importance]
        case .industryApplication:
            return [F.industryApplication]
        case .dataset:
            guard category == .training else { return [] }
            return [F.textTokens, F.speechHours, F.videoHours, F.videoResolution, F.imageCount, F.imageResolution,
                    F.datasetDescription]
        case .scenario:
            return category == .inference ? [F.scenario] : []
        case .benefits:
            return [F.expectedBenefits] + (category == .training ? [F.expectedModels] : [])
                + [F.expectedApplications, F.consent(.closeOut)]
        case .bonus:
            var names = [F.bonusURL(.fieldSiteMOU), F.bonusURL(.productisationMaterial)]
            for item in ApplicationForm.openItems(for: category) {
                names += OpenPlatform.allCases.map { F.bonusURL(item, on: $0) }
            }
            for kind in CapabilityRegistration.allCases {
                names.append(F.registration(kind))
                if kind.hasNumber { names.append(F.registrationNumber(kind)) }
            }
            return names
        case .productisation:
            return [F.targetCustomers, F.progress, F.productForm, F.pricingUnit]
        case .otherNeeds:
            return [F.otherNeeds]
        case .attachments:
            return []
        }
    }
}

// MARK: - Re-rendering

extension ApplicationForm {
    /// The open-release items a category offers (BonusItem.available: open code is inference only).
    static func openItems(for category: GrantCategory) -> [BonusItem] {
        BonusItem.available(for: category).filter(\.isOpenRelease)
    }

    /// The claim shown in an evidence field. An open item's URL goes to its platform's field; one on
    /// neither platform (only the JSON API can store one) is shown in the Hugging Face field.
    func claim(_ item: BonusItem, on platform: OpenPlatform? = nil) -> BonusClaim? {
        bonusClaims.first { claim in
            guard claim.item == item else { return false }
            guard item.isOpenRelease, let platform else { return true }
            return (OpenPlatform(url: claim.evidence) ?? .huggingFace) == platform
        }
    }

    /// The form as field values, for re-rendering the page: every field of the category is present, a
    /// ticked box is `["on"]`, an unticked one `[]`, an empty text or number `[""]`.
    public var fieldValues: [String: [String]] {
        typealias F = Field
        func box(_ ticked: Bool) -> [String] { ticked ? ["on"] : [] }
        func number<T: BinaryInteger>(_ value: T?) -> [String] { [value.map { String($0) } ?? ""] }
        var values: [String: [String]] = [:]
        for (prefix, person) in [("lead", projectLead), ("contact", projectContact)] {
            values["\(prefix).name"] = [person.name]
            values["\(prefix).title"] = [person.title]
            values["\(prefix).phone"] = [person.phone]
            values["\(prefix).mobile"] = [person.mobile ?? ""]
            values["\(prefix).email"] = [person.email]
        }
        values[F.industryCodes] = industryCodes.map(\.code)
        for kind in ApplicationConsent.allCases { values[F.consent(kind)] = box(self[consent: kind] != nil) }
        values[F.title] = [title]
        values[F.domains] = domains.sorted().map(\.rawValue)
        values[F.otherDomain] = [otherDomain]
        values[F.differenceFromPrevious] = [differenceFromPrevious ?? ""]
        let plan = training ?? TrainingPlan()
        values[F.environments] = plan.environments.sorted().map(\.rawValue)
        values[F.containerModelName] = [plan.container.modelName]
        values[F.containerVersion] = [plan.container.version]
        values[F.containerDownloadURL] = [plan.container.downloadURL]
        values[F.containerBaseModel] = [plan.container.baseModel]
        values[F.noCodeModel] = [plan.noCodeModel ?? ""]
        values[F.validationModels] = plan.validationModels
        values[F.textTokens] = number(plan.dataset.textTokens)
        values[F.speechHours] = number(plan.dataset.speechHours)
        values[F.videoHours] = number(plan.dataset.videoHours)
        values[F.videoResolution] = [plan.dataset.videoResolution?.description ?? ""]
        values[F.imageCount] = number(plan.dataset.imageCount)
        values[F.imageResolution] = [plan.dataset.imageResolution?.description ?? ""]
        values[F.datasetDescription] = [plan.dataset.description]
        values[F.inferenceModels] = inference?.models ?? []
        values[F.scenario] = [inference?.scenario ?? ""]
        values[F.importance] = [importance]
        values[F.industryApplication] = [industryApplication]
        values[F.expectedBenefits] = [expectedBenefits]
        values[F.expectedModels] = number(expectedModels)
        values[F.expectedApplications] = number(expectedApplications)
        for item in [BonusItem.fieldSiteMOU, .productisationMaterial] {
            values[F.bonusURL(item)] = [claim(item)?.evidence ?? ""]
        }
        for item in Self.openItems(for: category) {
            for platform in OpenPlatform.allCases {
                values[F.bonusURL(item, on: platform)] = [claim(item, on: platform)?.evidence ?? ""]
            }
        }
        for kind in CapabilityRegistration.allCases {
            let claimed = claim(.registration(kind))
            values[F.registration(kind)] = box(claimed != nil)
            if kind.hasNumber { values[F.registrationNumber(kind)] = [claimed?.evidence ?? ""] }
        }
        values[F.targetCustomers] = [productisation.targetCustomers]
        values[F.progress] = [productisation.progress]
        values[F.productForm] = [productisation.productForm]
        values[F.pricingUnit] = [productisation.pricingUnit]
        values[F.otherNeeds] = [otherNeeds]
        let names = Set(Self.fieldNames(for: category))
        return values.filter { names.contains($0.key) }
    }
}

// MARK: - Parsing a posted form

extension ApplicationForm {
    /// Takes a whole posted page of this category's form (an absent field is an empty text or an unticked
    /// box, as browsers send them) and returns what could not be read. A field that cannot be read keeps
    /// its previous value, so nothing stored is lost (SPEC X3); the page shows the posted text again next
    /// to the error. Ticking a box records the time and source IP (SPEC X2); a box that stays ticked keeps
    /// its first time, and unticking clears it. Values are read only; `problems(for:)` judges them.
    @discardableResult
    public mutating func update(from values: [String: [String]], at now: Date, sourceIP: String?) -> [FieldError] {
        typealias F = Field
        var reader = PostedFields(values: values)

        func person(_ prefix: String) -> ContactPerson {
            let mobile = reader.text("\(prefix).mobile")
            return ContactPerson(name: reader.text("\(prefix).name"), title: reader.text("\(prefix).title"),
                                 phone: reader.text("\(prefix).phone"), mobile: mobile.isEmpty ? nil : mobile,
                                 email: reader.text("\(prefix).email"))
        }
        projectLead = person("lead")
        projectContact = person("contact")

        let eligible = IndustryCodeMapping.eligible.map(\.code)
        if let codes = reader.choices(F.industryCodes, parse: { text in
            StandardIndustryCode(text).flatMap { code in eligible.contains(code) ? code : nil }
        }) {
            let ordered = eligible.filter(codes.contains)
            if ordered.isEmpty {
                industryCodesDeclared = nil
            } else if Set(ordered) != Set(industryCodes) || industryCodesDeclared == nil {
                industryCodesDeclared = Consent(givenAt: now, sourceIP: sourceIP)
            }
            industryCodes = ordered
        }
        for kind in ApplicationConsent.allCases {
            guard let ticked = reader.ticked(F.consent(kind)) else { continue }
            let previous = self[consent: kind]
            self[consent: kind] = ticked ? previous ?? Consent(givenAt: now, sourceIP: sourceIP) : nil
        }

        title = reader.text(F.title)
        if let chosen = reader.choices(F.domains, parse: IndustryDomain.init(formValue:)) { domains = Set(chosen) }
        otherDomain = reader.text(F.otherDomain)
        let difference = reader.text(F.differenceFromPrevious)
        differenceFromPrevious = difference.isEmpty ? nil : difference
        importance = reader.text(F.importance)
        industryApplication = reader.text(F.industryApplication)
        expectedBenefits = reader.text(F.expectedBenefits)
        if category == .training { expectedModels = reader.number(F.expectedModels, keeping: expectedModels) }
        expectedApplications = reader.number(F.expectedApplications, keeping: expectedApplications)
        productisation = ProductisationPlan(
            targetCustomers: reader.text(F.targetCustomers), progress: reader.text(F.progress),
            productForm: reader.text(F.productForm), pricingUnit: reader.text(F.pricingUnit))
        otherNeeds = reader.text(F.otherNeeds)

        switch category {
        case .training: training = updatedTraining(with: &reader)
        case .inference:
            inference = InferencePlan(models: reader.list(F.inferenceModels), scenario: reader.text(F.scenario))
        }
        bonusClaims = updatedBonusClaims(with: &reader)
        return reader.errors
    }

    private func updatedTraining(with reader: inout PostedFields) -> TrainingPlan {
        typealias F = Field
        var plan = training ?? TrainingPlan()
        if let chosen = reader.choices(F.environments, parse: TrainingEnvironment.init(rawValue:)) {
            plan.environments = Set(chosen)
        }
        plan.container = ContainerModel(
            modelName: reader.text(F.containerModelName), version: reader.text(F.containerVersion),
            downloadURL: reader.text(F.containerDownloadURL), baseModel: reader.text(F.containerBaseModel))
        let noCode = reader.text(F.noCodeModel)
        plan.noCodeModel = noCode.isEmpty ? nil : noCode
        plan.validationModels = reader.list(F.validationModels)
        var dataset = plan.dataset
        dataset.textTokens = reader.number(F.textTokens, keeping: dataset.textTokens)
        dataset.speechHours = reader.number(F.speechHours, keeping: dataset.speechHours)
        dataset.videoHours = reader.number(F.videoHours, keeping: dataset.videoHours)
        dataset.videoResolution = reader.resolution(F.videoResolution, keeping: dataset.videoResolution)
        dataset.imageCount = reader.number(F.imageCount, keeping: dataset.imageCount)
        dataset.imageResolution = reader.resolution(F.imageResolution, keeping: dataset.imageResolution)
        dataset.description = reader.text(F.datasetDescription)
        plan.dataset = dataset
        return plan
    }

    private func updatedBonusClaims(with reader: inout PostedFields) -> [BonusClaim] {
        typealias F = Field
        var claims: [BonusClaim] = []
        for item in [BonusItem.fieldSiteMOU, .productisationMaterial] {
            let url = reader.text(F.bonusURL(item))
            if !url.isEmpty { claims.append(BonusClaim(item, evidence: url)) }
        }
        for item in Self.openItems(for: category) {
            for platform in OpenPlatform.allCases {
                let field = F.bonusURL(item, on: platform)
                let url = reader.text(field)
                if url.isEmpty { continue }
                if OpenPlatform(url: url) == platform {
                    claims.append(BonusClaim(item, evidence: url))
                } else {
                    // Stored claims always name their platform by host; keep the old one for this field.
                    reader.refuse(field, zh: "請填寫 \(platform.label.zh) 的網址（\(platform.host)），例如 "
                                    + "https://\(platform.host)/貴公司帳號/專案名稱。",
                                  en: "Enter a \(platform.label.en) address (\(platform.host)), e.g. "
                                    + "https://\(platform.host)/your-organisation/project.")
                    if let kept = claim(item, on: platform) { claims.append(kept) }
                }
            }
        }
        for kind in CapabilityRegistration.allCases {
            let number = kind.hasNumber ? reader.text(F.registrationNumber(kind)) : ""
            let ticked = reader.ticked(F.registration(kind)) ?? (claim(.registration(kind)) != nil)
            if ticked || !number.isEmpty { claims.append(BonusClaim(.registration(kind), evidence: number)) }
        }
        return claims
    }
}

extension IndustryDomain {
    /// Accepts the raw value a checkbox posts, or the Chinese label a client may send instead.
    init?(formValue: String) {
        guard let domain = IndustryDomain(rawValue: formValue)
                ?? IndustryDomain.allCases.first(where: { $0.label.zh == formValue })
        else { return nil }
        self = domain
    }
}

/// Reads a posted form field by field, collecting what cannot be read.
struct PostedFields {
    let values: [String: [String]]
    private(set) var errors: [FieldError] = []

    init(values: [String: [String]]) {
        self.values = values
    }

    mutating func refuse(_ field: String, zh: String, en: String) {
        errors.append(FieldError(field: field, zh: zh, en: en))
    }

    /// The first value, trimmed, with the CR-LF browsers send in text areas turned into LF.
    func text(_ name: String) -> String {
        Self.clean(values[name]?.first ?? "")
    }

    /// All non-empty values, trimmed, each once, in the order posted.
    func list(_ name: String) -> [String] {
        var seen: Set<String> = []
        return (values[name] ?? []).map(Self.clean).filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    static func clean(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").trimmingWhitespace()
    }

    /// Whether a box is ticked; nil (with an error) for a value no checkbox sends. A hidden "0" beside a
    /// ticked box's "on" reads as ticked.
    mutating func ticked(_ name: String) -> Bool? {
        let posted = (values[name] ?? []).map { Self.clean($0).lowercased() }
        if posted.contains(where: { ["on", "1", "true", "yes"].contains($0) }) { return true }
        if posted.allSatisfy({ ["", "0", "false", "off", "no"].contains($0) }) { return false }
        refuse(name, zh: "無法辨識此勾選欄位的值，請重新勾選或取消勾選。",
               en: "This checkbox's value could not be read; tick or untick it again.")
        return nil
    }

    /// The chosen values of a checkbox group; nil (with an error) when one of them is not an option.
    mutating func choices<T>(_ name: String, parse: (String) -> T?) -> [T]? {
        var chosen: [T] = []
        for text in list(name) {
            guard let value = parse(text) else {
                refuse(name, zh: "「\(text)」不是此欄位的選項，請從清單中勾選。",
                       en: "“\(text)” is not one of the options; tick the options from the list.")
                return nil
            }
            chosen.append(value)
        }
        return chosen
    }

    /// A whole number; thousands separators (1,000 or 1，000) and full-width digits are accepted.
    /// Empty is nil; unreadable keeps `old` and records an error. The sign is kept for validation to judge.
    mutating func number<T: FixedWidthInteger>(_ name: String, keeping old: T?) -> T? {
        let raw = text(name)
        let digits = Self.halfWidth(raw).filter { !",，_'".contains($0) && !$0.isWhitespace }
        if digits.isEmpty { return nil }
        if let value = T(digits) { return value }
        refuse(name, zh: "「\(raw)」不是整數，請只填數字，例如 12000 或 12,000。",
               en: "“\(raw)” is not a whole number; enter digits only, e.g. 12000 or 12,000.")
        return old
    }

    /// A resolution written "3840x2160", "3840×2160" or "3840 X 2160".
    mutating func resolution(_ name: String, keeping old: Resolution?) -> Resolution? {
        let raw = text(name)
        let compact = Self.halfWidth(raw).lowercased().filter { !$0.isWhitespace }
            .map { "×*＊ｘ".contains($0) ? "x" : String($0) }.joined()
        if compact.isEmpty { return nil }
        let parts = compact.split(separator: "x", omittingEmptySubsequences: false)
        if parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]) {
            return Resolution(width: width, height: height)
        }
        refuse(name, zh: "「\(raw)」無法辨識，請以「長x寬」像素填寫，例如 3840x2160。",
               en: "“\(raw)” could not be read; enter width x height in pixels, e.g. 3840x2160.")
        return old
    }

    /// Full-width digits and minus, as Chinese input methods type them, in ASCII.
    static func halfWidth(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { (scalar) -> Unicode.Scalar in
            switch scalar.value {
            case 0xFF10...0xFF19: Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!
            case 0xFF0D: "-"
            default: scalar
            }
        }))
    }
}
