import Foundation
import SuanliKit

/// How strictly a form is checked. A draft may be incomplete but never malformed — what is stored is
/// always well-formed text, URLs and numbers, and never a Chinese-origin model (SPEC C5.3, X3). A submission
/// must also carry everything 附件1–3 ask for (SPEC C3.1–C3.3).
public enum ValidationStage: String, Hashable, Sendable, CaseIterable, Codable {
    case draft
    case submission
}

extension ApplicationForm {
    /// Length limits, in characters. The seeds give none; these fit the form's boxes with room to spare and
    /// keep a reviewer's reading to a sitting: a heading's worth for names, a page for each long answer.
    public enum Limit {
        public static let name = 50
        public static let phone = 30
        public static let email = 254
        public static let title = 100
        public static let otherDomain = 50
        public static let longText = 3_000
        public static let productisationText = 1_000
        public static let pricingUnit = 200
        public static let otherNeeds = 1_000
        public static let modelName = 200
        public static let version = 50
        public static let url = 2_000
        public static let registrationNumber = 50
        /// Pixels per side; 16K video is 15,360 wide.
        public static let resolutionSide = 100_000
    }

    /// Every problem of the form at this stage, in the order of the page, each naming the field
    /// (`ApplicationForm.Field`) and saying how to fix it in zh-TW and en.
    public func problems(for stage: ValidationStage, catalogue: PlatformModelCatalogue = .standard) -> [FieldError] {
        var check = FormCheck(stage: stage, catalogue: catalogue)
        checkContacts(&check)
        checkDeclarations(&check)
        checkOverview(&check)
        switch category {
        case .training:
            if let training { checkEnvironment(training, &check) } else if check.submitting {
                checkEnvironment(TrainingPlan(), &check)
            }
        case .inference:
            checkModels(inference ?? InferencePlan(), &check)
        }
        check.text(importance, Field.importance, "專案重要性", "the project importance", limit: Limit.longText)
        check.text(industryApplication, Field.industryApplication, "產業應用機會", "the industry application",
                   limit: Limit.longText)
        switch category {
        case .training: checkDataset((training ?? TrainingPlan()).dataset, &check)
        case .inference:
            check.text(inference?.scenario ?? "", Field.scenario, "應用情境說明", "the application scenario",
                       limit: Limit.longText)
        }
        checkBenefits(&check)
        checkBonus(&check)
        let plan = productisation
        check.text(plan.targetCustomers, Field.targetCustomers, "主要目標客戶", "the target customers",
                   limit: Limit.productisationText)
        check.text(plan.progress, Field.progress, "產品化進度", "the productisation progress",
                   limit: Limit.productisationText)
        check.text(plan.productForm, Field.productForm, "產品形式", "the product form", limit: Limit.productisationText)
        check.text(plan.pricingUnit, Field.pricingUnit, "計價單位／時間", "the pricing unit", limit: Limit.pricingUnit)
        check.text(otherNeeds, Field.otherNeeds, "其他需求", "other needs", limit: Limit.otherNeeds, required: false)
        checkForeignPart(&check)
        return check.problems
    }

    private func checkContacts(_ check: inout FormCheck) {
        let people = [("lead", projectLead, Bilingual(zh: "專案主持人", en: "project lead")),
                      ("contact", projectContact, Bilingual(zh: "專案聯絡人", en: "project contact"))]
        for (prefix, person, role) in people {
            check.text(person.name, "\(prefix).name", "\(role.zh)姓名", "the \(role.en)'s name", limit: Limit.name)
            check.text(person.title, "\(prefix).title", "\(role.zh)職稱", "the \(role.en)'s job title",
                       limit: Limit.name)
            check.phone(person.phone, "\(prefix).phone", "\(role.zh)公司市話", "the \(role.en)'s office phone")
            // The form asks a mobile of the contact only: the idle-use notices of SPEC C6.2 go to them.
            check.mobile(person.mobile ?? "", "\(prefix).mobile", "\(role.zh)行動電話", "the \(role.en)'s mobile",
                         required: prefix == "contact")
            check.email(person.email, "\(prefix).email", "\(role.zh)電子信箱", "the \(role.en)'s e-mail")
        }
    }

    private func checkDeclarations(_ check: inout FormCheck) {
        let eligible = IndustryCodeMapping.eligible.map(\.code)
        let listed = eligible.map(\.code).joined(separator: "、")
        if let stray = industryCodes.first(where: { !eligible.contains($0) }) {
            check.add(Field.industryCodes, zh: "行業分類「\(stray)」不在表列選項中，請從 \(listed) 中勾選。",
                      en: "Industry class \(stray) is not one of the options; tick from \(listed).")
        } else if check.submitting && industryCodes.isEmpty {
            check.add(Field.industryCodes,
                      zh: "請勾選貴公司所屬的行業分類（\(listed)，可複選）；皆不符合者依須知無法申請。",
                      en: "Tick the company's industry classes (\(listed); several allowed). A company in none of "
                        + "them is not eligible.")
        } else if check.submitting && industryCodesDeclared == nil {
            check.add(Field.industryCodes, zh: "行業分類的勾選時間未記錄，請取消後重新勾選。",
                      en: "The time the industry classes were ticked is missing; untick and tick them again.")
        }
        let consents: [ApplicationConsent] = [
            .privacy, .statement, .notChineseCapital, .noGovernmentProjectBreach, .noSeriousViolation, .affidavit,
        ]
        for kind in consents { check.consent(self[consent: kind], kind) }
    }

    private func checkOverview(_ check: inout FormCheck) {
        check.text(title, Field.title, "專案主題", "the project title", limit: Limit.title)
        if check.submitting && domains.isEmpty {
            check.add(Field.domains, zh: "請至少勾選一個推動使用產業領域別。", en: "Tick at least one industry domain.")
        }
        check.text(otherDomain, Field.otherDomain, "「其他」產業領域說明", "what the “other” domain is",
                   limit: Limit.otherDomain, required: domains.contains(.other))
        let followsEarlier = !(previousApplication ?? "").isBlankAfterTrimming
        if check.submitting && followsEarlier && (differenceFromPrevious ?? "").isBlankAfterTrimming {
            check.add(Field.differenceFromPrevious,
                      zh: "貴公司曾於先前梯次提出申請，請說明本次申請與前次申請之差異。",
                      en: "The company applied in an earlier round; explain how this application differs from it.")
        } else {
            check.text(differenceFromPrevious ?? "", Field.differenceFromPrevious, "與前次申請之差異",
                       "the difference from the earlier application", limit: Limit.longText, required: false)
        }
    }

    private func checkEnvironment(_ plan: TrainingPlan, _ check: inout FormCheck) {
        if check.submitting && plan.environments.isEmpty {
            check.add(Field.environments, zh: "請至少勾選一種環境類型（容器型、No-Code 訓練平台型或模型驗證環境）。",
                      en: "Tick at least one environment type (container, no-code training or validation).")
        }
        let container = plan.container, usesContainer = plan.environments.contains(.container)
        if check.text(container.modelName, Field.containerModelName, "上傳模型名稱", "the uploaded model's name",
                      limit: Limit.modelName, required: usesContainer) {
            check.notChinese(container.modelName, Field.containerModelName)
        }
        check.text(container.version, Field.containerVersion, "模型版本", "the model version", limit: Limit.version,
                   required: usesContainer)
        if check.url(container.downloadURL, Field.containerDownloadURL, "模型下載連結", "the model download link",
                     required: usesContainer) {
            check.notChinese(container.downloadURL, Field.containerDownloadURL)
        }
        if check.text(container.baseModel, Field.containerBaseModel, "基礎模型名稱", "the base model's name",
                      limit: Limit.modelName, required: false) {
            check.notChinese(container.baseModel, Field.containerBaseModel)
        }
        if let model = plan.noCodeModel {
            check.catalogueChoice(model, Field.noCodeModel)
        } else if check.submitting && plan.environments.contains(.noCode) {
            check.add(Field.noCodeModel, zh: "已勾選 No-Code 訓練平台型環境，請選擇要微調的平台模型。",
                      en: "You chose the no-code training platform; choose the platform model to fine-tune.")
        }
        for model in plan.validationModels { check.catalogueChoice(model, Field.validationModels) }
        if check.submitting && plan.environments.contains(.validation) && plan.validationModels.isEmpty {
            check.add(Field.validationModels, zh: "已勾選模型驗證環境，請至少選擇一個要串接的平台模型。",
                      en: "You chose the validation environment; choose at least one platform model to connect.")
        }
    }

    private func checkModels(_ plan: InferencePlan, _ check: inout FormCheck) {
        for model in plan.models { check.catalogueChoice(model, Field.inferenceModels) }
        if check.submitting && plan.models.isEmpty {
            check.add(Field.inferenceModels, zh: "請至少從平台模型清單中選擇一個要使用的模型。",
                      en: "Choose at least one model from the platform's catalogue.")
        }
    }

    private func checkDataset(_ dataset: TrainingDataset, _ check: inout FormCheck) {
        let before = check.problems.count
        check.count(dataset.textTokens, Field.textTokens, "文字資料 tokens 數", "the number of text tokens")
        check.count(dataset.speechHours.map(Int64.init), Field.speechHours, "語音資料時數", "the speech hours")
        check.count(dataset.videoHours.map(Int64.init), Field.videoHours, "影片資料時數", "the video hours")
        check.resolution(dataset.videoResolution, Field.videoResolution, "影片平均像素", "the average video size",
                         required: (dataset.videoHours ?? 0) > 0)
        check.count(dataset.imageCount.map(Int64.init), Field.imageCount, "圖片張數", "the number of images")
        check.resolution(dataset.imageResolution, Field.imageResolution, "圖片平均像素", "the average image size",
                         required: (dataset.imageCount ?? 0) > 0)
        // A negative amount already has its own message; "give an amount" on top would only confuse.
        if check.submitting && !dataset.hasData && check.problems.count == before {
            check.add(Field.textTokens, zh: "請至少填寫一種訓練資料型態的數量（文字 tokens、語音時數、影片時數或圖片張數）。",
                      en: "Give the amount of at least one kind of training data (text tokens, speech hours, "
                        + "video hours or images).")
        }
        check.text(dataset.description, Field.datasetDescription, "資料集主要內容描述",
                   "a description of the dataset", limit: Limit.longText)
    }

    private func checkBenefits(_ check: inout FormCheck) {
        check.text(expectedBenefits, Field.expectedBenefits, "預期效益", "the expected benefits", limit: Limit.longText)
        switch category {
        case .training:
            // Training produces a model by definition; applications may come later, but the number is asked.
            check.count(expectedModels.map(Int64.init), Field.expectedModels, "預計產出模型項數",
                        "the number of models to produce", required: true, minimum: 1)
            check.count(expectedApplications.map(Int64.init), Field.expectedApplications, "預計產出應用項數",
                        "the number of applications to produce", required: true)
        case .inference:
            if expectedModels != nil {
                check.add(Field.expectedModels, zh: "預計產出模型項數僅適用於模型訓練類，推論類申請請勿填寫。",
                          en: "The number of models to produce belongs to training applications only; leave it out.")
            }
            // An application is what inference produces, so at least one.
            check.count(expectedApplications.map(Int64.init), Field.expectedApplications, "預計產出應用項數",
                        "the number of applications to produce", required: true, minimum: 1)
        }
        check.consent(closeOutAgreement, .closeOut)
    }

    private func checkBonus(_ check: inout FormCheck) {
        let offered = BonusItem.available(for: category)
        var seen: Set<String> = []
        for claim in bonusClaims {
            let platform = claim.item.isOpenRelease ? OpenPlatform(url: claim.evidence) : nil
            let field = Field.bonusURL(claim.item, on: platform)
            guard offered.contains(claim.item) else {
                check.add(field, zh: "\(category.zh)申請沒有「\(claim.item.label.zh)」加分項目，請移除。",
                          en: "\(category.en) applications have no bonus item “\(claim.item.label.en)”; remove it.")
                continue
            }
            guard seen.insert(field).inserted else {
                check.add(field, zh: "「\(claim.item.label.zh)」重複申報，請只保留一筆。",
                          en: "“\(claim.item.label.en)” is claimed twice; keep one.")
                continue
            }
            switch claim.item {
            case .registration(let kind):
                guard kind.hasNumber else { continue }
                if check.submitting && claim.evidence.isBlankAfterTrimming {
                    check.add(field, zh: "已勾選「\(kind.label.zh)」，請填寫通過編號（證號）。",
                              en: "You ticked “\(kind.label.en)”; enter its registration number.")
                } else {
                    check.text(claim.evidence, field, "能量登錄編號", "the registration number",
                               limit: Limit.registrationNumber, required: false)
                }
            case .openDataset, .openModel, .openCode:
                guard check.url(claim.evidence, field, "開源平台網址", "the open-source platform address") else {
                    continue
                }
                if platform == nil {
                    check.add(field, zh: "開源平台網址須位於 Hugging Face（huggingface.co）或 GitHub（github.com）。",
                              en: "The address must be on Hugging Face (huggingface.co) or GitHub (github.com).")
                }
            case .fieldSiteMOU, .productisationMaterial:
                check.url(claim.evidence, field, "檔案下載網址", "the download address")
            }
        }
    }

    private func checkForeignPart(_ check: inout FormCheck) {
        switch category {
        case .training where inference != nil:
            check.add(Field.inferencePart, zh: "模型訓練類申請不應包含模型推論類的內容，請移除推論類欄位。",
                      en: "A training application cannot carry the inference part; remove it.")
        case .inference where training != nil:
            check.add(Field.trainingPart, zh: "模型推論類申請不應包含模型訓練類的內容，請移除訓練類欄位。",
                      en: "An inference application cannot carry the training part; remove it.")
        default:
            break
        }
    }
}

/// The checks shared by every field, collecting problems in page order; one problem per field and call.
struct FormCheck {
    let stage: ValidationStage
    let catalogue: PlatformModelCatalogue
    private(set) var problems: [FieldError] = []

    init(stage: ValidationStage, catalogue: PlatformModelCatalogue) {
        self.stage = stage
        self.catalogue = catalogue
    }

    var submitting: Bool { stage == .submission }

    mutating func add(_ field: String, zh: String, en: String) {
        problems.append(FieldError(field: field, zh: zh, en: en))
    }

    /// Control characters and length always; presence only on submission. True when the text is
    /// non-empty and well-formed, so that callers can check its content further.
    @discardableResult
    mutating func text(_ value: String, _ field: String, _ zh: String, _ en: String, limit: Int,
                       required: Bool = true) -> Bool {
        if value.hasControlCharacters {
            problems.append(.controlCharacters(field))
            return false
        }
        if value.count > limit {
            add(field, zh: "\(zh)最多 \(limit) 字（目前 \(value.count) 字），請精簡內容。",
                en: "Shorten \(en) to at most \(limit) characters (now \(value.count)).")
            return false
        }
        if value.isBlankAfterTrimming {
            if submitting && required { add(field, zh: "請填寫\(zh)。", en: "Enter \(en).") }
            return false
        }
        return true
    }

    mutating func email(_ value: String, _ field: String, _ zh: String, _ en: String) {
        guard text(value, field, zh, en, limit: ApplicationForm.Limit.email) else { return }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        let domain = parts.count == 2 ? parts[1] : ""
        let wellFormed = parts.count == 2 && !parts[0].isEmpty && domain.contains(".") && !domain.hasPrefix(".")
            && !domain.hasSuffix(".") && !domain.contains("..")
            && !value.contains { $0.isWhitespace || "<>,;:()[]\\\"".contains($0) }
        if !wellFormed {
            add(field, zh: "\(zh)格式不正確，請填寫如 name@example.com.tw 的電子郵件地址。",
                en: "Enter a valid e-mail address for \(en), e.g. name@example.com.")
        }
    }

    /// Office numbers as Taiwanese write them: 02-2345-6789#12, (02) 2345 6789 轉 12, +886-2-2345-6789.
    mutating func phone(_ value: String, _ field: String, _ zh: String, _ en: String) {
        guard text(value, field, zh, en, limit: ApplicationForm.Limit.phone) else { return }
        let allowed = value.allSatisfy { ($0.isASCII && $0.isNumber) || " -+()#轉".contains($0) }
        let digits = value.filter { $0.isASCII && $0.isNumber }.count
        if !allowed || digits < 7 {
            add(field, zh: "\(zh)只能包含數字及 - + ( ) # 轉，且至少 7 位數字，例如 02-2345-6789#12。",
                en: "Use digits and - + ( ) # only, at least 7 digits, e.g. 02-2345-6789#12.")
        }
    }

    /// A Taiwanese mobile (09xx-xxx-xxx, +886 9xx xxx xxx) or an international number starting with +.
    mutating func mobile(_ value: String, _ field: String, _ zh: String, _ en: String, required: Bool) {
        guard text(value, field, zh, en, limit: ApplicationForm.Limit.phone, required: required) else { return }
        let allowed = value.allSatisfy { ($0.isASCII && $0.isNumber) || " -+()".contains($0) }
        let digits = String(value.filter { $0.isASCII && $0.isNumber })
        let international = value.hasPrefix("+")
        let taiwanese = (!international && digits.count == 10 && digits.hasPrefix("09"))
            || (digits.count == 12 && digits.hasPrefix("8869"))
        let foreign = international && !digits.hasPrefix("886") && (8...15).contains(digits.count)
        if !allowed || !(taiwanese || foreign) {
            add(field, zh: "\(zh)格式不正確，請填寫如 0912-345-678 或 +886 912 345 678 的號碼。",
                en: "Enter a mobile number such as 0912-345-678 or +886 912 345 678.")
        }
    }

    /// An absolute http(s) URL with a host; https on submission, since the platform fetches the file and
    /// reviewers open it. True when the URL is well-formed.
    @discardableResult
    mutating func url(_ value: String, _ field: String, _ zh: String, _ en: String, required: Bool = true) -> Bool {
        guard text(value, field, zh, en, limit: ApplicationForm.Limit.url, required: required) else { return false }
        let components = URLComponents(string: value)
        let scheme = components?.scheme?.lowercased()
        let host = components?.host ?? ""
        guard !value.contains(where: \.isWhitespace), scheme == "https" || scheme == "http", host.contains("."),
              !host.hasPrefix("."), !host.hasSuffix(".")
        else {
            add(field, zh: "\(zh)不是完整網址，請填寫以 https:// 開頭的網址，例如 https://example.com.tw/file.pdf。",
                en: "Enter \(en) as a full address starting with https://, e.g. https://example.com/file.pdf.")
            return false
        }
        if submitting && scheme != "https" {
            add(field, zh: "\(zh)須使用 https:// 開頭的加密連結，請改用 https 網址。",
                en: "Use an https:// address for \(en).")
            return false
        }
        return true
    }

    /// A whole number that is not negative; on submission, present when required and at least `minimum`.
    mutating func count(_ value: Int64?, _ field: String, _ zh: String, _ en: String, required: Bool = false,
                        minimum: Int64 = 0) {
        guard let value else {
            if submitting && required {
                let atLeast = minimum > 0 ? (zh: "（至少 \(minimum)）", en: " (at least \(minimum))") : (zh: "", en: "")
                add(field, zh: "請填寫\(zh)\(atLeast.zh)。", en: "Enter \(en)\(atLeast.en).")
            }
            return
        }
        if value < 0 {
            add(field, zh: "\(zh)不可為負數，請填 0 或正整數。", en: "Enter \(en) as 0 or a positive whole number.")
        } else if submitting && value < minimum {
            add(field, zh: "\(zh)至少為 \(minimum)。", en: "Enter at least \(minimum) for \(en).")
        }
    }

    mutating func resolution(_ value: Resolution?, _ field: String, _ zh: String, _ en: String, required: Bool) {
        guard let value else {
            if submitting && required {
                add(field, zh: "已填寫數量，請一併填寫\(zh)（長x寬），例如 3840x2160。",
                    en: "You gave an amount; also enter \(en) as width x height, e.g. 3840x2160.")
            }
            return
        }
        let side = 1...ApplicationForm.Limit.resolutionSide
        if !side.contains(value.width) || !side.contains(value.height) {
            add(field, zh: "\(zh)的長、寬須為 1 至 \(ApplicationForm.Limit.resolutionSide) 之間的整數，例如 3840x2160。",
                en: "Both sides of \(en) must be between 1 and \(ApplicationForm.Limit.resolutionSide) pixels, "
                    + "e.g. 3840x2160.")
        }
    }

    mutating func consent(_ consent: Consent?, _ kind: ApplicationConsent) {
        guard submitting, consent == nil else { return }
        add(ApplicationForm.Field.consent(kind), zh: "請閱讀並勾選「\(kind.title.zh)」，未勾選無法送出申請。",
            en: "Read and tick the \(kind.title.en); the application cannot be submitted without it.")
    }

    /// SPEC C5.3: no Chinese-origin model as an uploaded model, its base model or its download source.
    mutating func notChinese(_ declared: String, _ field: String) {
        guard let family = PlatformModelCatalogue.chineseFamily(in: declared) else { return }
        add(field, zh: "「\(declared)」屬中國大陸廠牌模型（\(family)），依使用規範不得使用；請改用其他來源的模型。",
            en: "“\(declared)” is a Chinese-origin model (\(family)), which the platform rules forbid; use a model "
                + "from another developer.")
    }

    mutating func catalogueChoice(_ id: String, _ field: String) {
        if let model = catalogue.model(id: id) {
            if let reason = PlatformModelCatalogue.refusal(of: model) {
                add(field, zh: reason.zh + "請改選清單中的其他模型。", en: reason.en + " Choose another model from the list.")
            }
        } else if id.hasControlCharacters {
            problems.append(.controlCharacters(field))
        } else if PlatformModelCatalogue.chineseFamily(in: id) != nil {
            notChinese(id, field)
        } else {
            add(field, zh: "「\(id)」不在平台模型清單中，請從清單中選擇。",
                en: "“\(id)” is not in the platform's model catalogue; choose a model from the list.")
        }
    }
}
