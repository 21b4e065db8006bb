import Foundation
import Grants
import SuanliKit

/// How 附件1–3 are shown (SPEC C3): the label and control of every field of `ApplicationForm.Field`,
/// grouped by `ApplicationSection`, editable or read-only.
enum ApplicationFormView {
    typealias F = ApplicationForm.Field

    enum Control { case text, email, url, number, textarea, checkbox, choices([(String, Bilingual)]), select([(String, Bilingual)]) }

    static let industryCodes: [(String, Bilingual)] = [
        ("J582", Bilingual(zh: "J582 軟體出版業", en: "J582 Software publishing")),
        ("J62", Bilingual(zh: "J62 電腦程式設計、諮詢及相關服務業", en: "J62 Computer programming and consultancy")),
        ("J63", Bilingual(zh: "J63 資訊服務業", en: "J63 Information services")),
        ("K6699", Bilingual(zh: "K6699 第三方支付服務業", en: "K6699 Third-party payment services")),
    ]

    static func models(_ kinds: [PlatformModelKind]? = nil) -> [(String, Bilingual)] {
        PlatformModelCatalogue.standard.offered.filter { kinds == nil || kinds!.contains($0.kind) }.map {
            ($0.id, Bilingual(zh: "\($0.name)（\($0.developer)）", en: "\($0.name) (\($0.developer))"))
        }
    }

    static func person(_ prefix: String, _ who: Bilingual) -> [String: (Bilingual, Control)] {
        [
            "\(prefix).name": (Bilingual(zh: "\(who.zh)姓名", en: "\(who.en): name"), .text),
            "\(prefix).title": (Bilingual(zh: "\(who.zh)職稱", en: "\(who.en): job title"), .text),
            "\(prefix).phone": (Bilingual(zh: "\(who.zh)連絡電話（公司市話）", en: "\(who.en): office phone"), .text),
            "\(prefix).mobile": (Bilingual(zh: "\(who.zh)行動電話", en: "\(who.en): mobile"), .text),
            "\(prefix).email": (Bilingual(zh: "\(who.zh)電子信箱", en: "\(who.en): e-mail"), .email),
        ]
    }

    /// Label and control of a field; nil for names this table does not know (shown as plain text).
    static func describe(_ name: String, category: GrantCategory) -> (Bilingual, Control) {
        if let known = table(category)[name] { return known }
        if name.hasPrefix("consent."), let kind = ApplicationConsent(rawValue: String(name.dropFirst(8))) {
            return (kind.label(for: category), .checkbox)
        }
        if name.hasPrefix("bonus.registration.") {
            let rest = name.dropFirst("bonus.registration.".count)
            let raw = rest.hasSuffix(".number") ? String(rest.dropLast(7)) : String(rest)
            if let kind = CapabilityRegistration(rawValue: raw) {
                return rest.hasSuffix(".number")
                    ? (Bilingual(zh: "\(kind.label.zh)：通過編號", en: "\(kind.label.en): number"), .text)
                    : (Bilingual(zh: "已通過\(kind.label.zh)", en: "Registered: \(kind.label.en)"), .checkbox)
            }
        }
        if name.hasPrefix("bonus.") {
            for item in [BonusItem.openDataset, .openModel, .openCode] {
                for platform in OpenPlatform.allCases where F.bonusURL(item, on: platform) == name {
                    return (Bilingual(zh: "\(item.label.zh)：\(platform.label.zh) 網址",
                                      en: "\(item.label.en): \(platform.label.en) URL"), .url)
                }
            }
        }
        return (Bilingual(zh: name, en: name), .text)
    }

    static func table(_ category: GrantCategory) -> [String: (Bilingual, Control)] {
        var t = person("lead", Bilingual(zh: "專案主持人", en: "Project lead"))
            .merging(person("contact", Bilingual(zh: "專案聯絡人", en: "Project contact"))) { a, _ in a }
        t[F.industryCodes] = (Bilingual(zh: "行業分類（可複選）", en: "Industry classification (tick all that apply)"),
                              .choices(industryCodes))
        t[F.title] = (Bilingual(zh: "專案主題", en: "Project title"), .text)
        t[F.domains] = (Bilingual(zh: "推動使用產業領域別（可複選）", en: "Industry domains (tick all that apply)"),
                        .choices(IndustryDomain.allCases.map { ($0.rawValue, $0.label) }))
        t[F.otherDomain] = (Bilingual(zh: "「其他」領域說明", en: "Describe the \"other\" domain"), .text)
        t[F.differenceFromPrevious] = (Bilingual(zh: "與前次申請之差異（曾於前梯次申請者必填）",
                                                 en: "How this differs from your earlier application (if you applied before)"),
                                       .textarea)
        t[F.environments] = (Bilingual(zh: "使用環境類型（可複選）", en: "Environment types (tick all that apply)"),
                             .choices(TrainingEnvironment.allCases.map { ($0.rawValue, $0.label) }))
        t[F.containerModelName] = (Bilingual(zh: "容器型：上傳模型名稱", en: "Container: model name"), .text)
        t[F.containerVersion] = (Bilingual(zh: "容器型：版本", en: "Container: version"), .text)
        t[F.containerDownloadURL] = (Bilingual(zh: "容器型：下載連結（https）", en: "Container: download link (https)"), .url)
        t[F.containerBaseModel] = (Bilingual(zh: "容器型：基礎模型名稱（經蒸餾或訓練者請註明原始模型）",
                                             en: "Container: base model (the original model, if distilled or fine-tuned)"), .text)
        t[F.noCodeModel] = (Bilingual(zh: "No-Code 訓練平台：選用模型", en: "No-code platform: model"),
                            .select([("", Bilingual(zh: "（未選用）", en: "(none)"))] + models()))
        t[F.validationModels] = (Bilingual(zh: "模型驗證環境：串接模型", en: "Validation environment: models"),
                                 .choices(models()))
        t[F.inferenceModels] = (Bilingual(zh: "使用模型需求（可複選）", en: "Models to use (tick all that apply)"),
                                .choices(models()))
        t[F.importance] = (Bilingual(zh: "專案重要性（應用情境、需解決的問題、選用模型的原因）",
                                     en: "Importance (use case, the problem to solve, why these models)"), .textarea)
        t[F.industryApplication] = (Bilingual(zh: "產業應用機會", en: "Industry application opportunities"), .textarea)
        t[F.textTokens] = (Bilingual(zh: "資料集：文字（tokens）", en: "Dataset: text (tokens)"), .number)
        t[F.speechHours] = (Bilingual(zh: "資料集：語音（小時）", en: "Dataset: speech (hours)"), .number)
        t[F.videoHours] = (Bilingual(zh: "資料集：影片（小時）", en: "Dataset: video (hours)"), .number)
        t[F.videoResolution] = (Bilingual(zh: "影片平均像素（長x寬，例如 3840x2160）", en: "Video resolution (e.g. 3840x2160)"), .text)
        t[F.imageCount] = (Bilingual(zh: "資料集：圖片（張）", en: "Dataset: images (count)"), .number)
        t[F.imageResolution] = (Bilingual(zh: "圖片平均像素（長x寬，例如 1024x768）", en: "Image resolution (e.g. 1024x768)"), .text)
        t[F.datasetDescription] = (Bilingual(zh: "資料集主要內容描述", en: "What the dataset contains"), .textarea)
        t[F.scenario] = (Bilingual(zh: "應用情境說明", en: "Application scenario"), .textarea)
        t[F.expectedBenefits] = (Bilingual(zh: "預期效益（產出物、產業效益與社會影響力）",
                                           en: "Expected benefits (outputs, industry and social impact)"), .textarea)
        t[F.expectedModels] = (Bilingual(zh: "預計產出模型（項）", en: "Models to produce (count)"), .number)
        t[F.expectedApplications] = (Bilingual(zh: "預計產出應用（項）", en: "Applications to produce (count)"), .number)
        t[F.bonusURL(.fieldSiteMOU)] = (Bilingual(zh: "加值型提案：場域合作備忘錄檔案下載網址",
                                                  en: "MOU with a field site: download URL"), .url)
        t[F.bonusURL(.productisationMaterial)] = (Bilingual(zh: "加分型資料：產品化介紹資料下載網址",
                                                            en: "Productisation material: download URL"), .url)
        t[F.targetCustomers] = (Bilingual(zh: "主要目標客戶", en: "Target customers"), .textarea)
        t[F.progress] = (Bilingual(zh: "產品化進度", en: "Productisation progress"), .textarea)
        t[F.productForm] = (Bilingual(zh: "產品形式", en: "Product form"), .text)
        t[F.pricingUnit] = (Bilingual(zh: "計價單位/時間", en: "Pricing unit / period"), .text)
        t[F.otherNeeds] = (Bilingual(zh: "其他需求", en: "Other needs"), .textarea)
        return t
    }

    static func isTicked(_ values: [String]?) -> Bool {
        (values ?? []).contains { ["on", "yes", "1", "true"].contains($0) }
    }

    /// The editable form: one fieldset per section; in a correction, the sections the operator did
    /// not open are disabled (and the service refuses changes to them anyway).
    static func editGroups(category: GrantCategory, values: [String: [String]], errors: [FieldError],
                           open: Set<ApplicationSection>?, context: AppRequestContext) -> [FieldGroup] {
        ApplicationSection.sections(for: category).compactMap { section in
            let names = section.fieldNames(for: category)
            guard !names.isEmpty else { return nil }
            let fields = names.map { name in field(name, category: category, values: values, errors: errors,
                                                    context: context) }
            let locked = open.map { !$0.contains(section) } ?? false
            return FieldGroup(legend: context.tr(section.label), fields: fields,
                              note: locked ? context.tr("本次補正未開放修改此項目。", "This part is not open for correction.") : nil,
                              disabled: locked)
        }
    }

    static func field(_ name: String, category: GrantCategory, values: [String: [String]], errors: [FieldError],
                      context: AppRequestContext) -> FieldView {
        let (label, control) = describe(name, category: category)
        let message = errors.filter { $0.field == name }.map { $0.message(context.language) }
        var view = FieldView(name: name, label: context.tr(label), value: values[name]?.first ?? "",
                             error: message.isEmpty ? nil : message.joined(separator: " "))
        switch control {
        case .text: break
        case .email: view.type = "email"
        case .url: view.type = "url"
        case .number: view.type = "text"; view.hint = context.tr("整數，可含千分位逗號", "Whole number; commas allowed")
        case .textarea: view.isInput = false; view.isTextarea = true
        case .checkbox:
            view.isInput = false; view.isCheckbox = true; view.checked = isTicked(values[name])
        case .choices(let options):
            view.isInput = false; view.isChoices = true
            let chosen = Set(values[name] ?? [])
            view.options = options.map { OptionView(value: $0.0, label: context.tr($0.1), selected: chosen.contains($0.0)) }
        case .select(let options):
            view.isInput = false; view.isSelect = true
            let chosen = values[name]?.first ?? ""
            view.options = options.map { OptionView(value: $0.0, label: context.tr($0.1), selected: $0.0 == chosen) }
        }
        return view
    }

    /// The read-only preview (applicant), and what the operator and reviewers read.
    static func readOnlyBlocks(_ form: ApplicationForm, company: CompanySnapshot?, context: AppRequestContext)
        -> [BlockView]
    {
        var blocks: [BlockView] = []
        if let company {
            blocks.append(BlockView(title: context.tr("企業基本資料（附件1，送出時）", "Company (form 1, as filed)"), facts: [
                FactView(term: context.tr("企業名稱", "Name"), value: company.name),
                FactView(term: context.tr("統一編號", "Tax ID"), value: company.taxID + (company.taxIDProof == "certificate"
                    ? context.tr("（工商憑證驗證）", " (proven by certificate)") : "")),
                FactView(term: context.tr("行業代碼", "Industry codes"), value: company.industryCodes.joined(separator: "、")),
                FactView(term: context.tr("設立登記日期", "Established"), value: context.day(company.established)),
                FactView(term: context.tr("實收資本額", "Paid-in capital"), value: company.paidInCapital.formatted(.number)),
                FactView(term: context.tr("代表人", "Representative"), value: company.representative),
                FactView(term: context.tr("員工數", "Employees"), value: String(company.employees)),
                FactView(term: context.tr("通訊地址", "Address"), value: company.address),
                FactView(term: context.tr("營業項目", "Business lines"), value: company.businessLines),
                FactView(term: context.tr("主要產品或服務", "Main products"), value: company.mainProducts),
                FactView(term: context.tr("主要銷售區域", "Sales regions"), value: company.salesRegions),
            ]))
        }
        let values = form.fieldValues
        for section in ApplicationSection.sections(for: form.category) {
            let names = section.fieldNames(for: form.category)
            guard !names.isEmpty else { continue }
            let facts: [FactView] = names.compactMap { name in
                let (label, control) = describe(name, category: form.category)
                let raw = values[name] ?? []
                let text: String
                switch control {
                case .checkbox:
                    guard isTicked(raw) else { return nil }
                    let time = consentTime(form, name).map { "（\(context.time($0))）" } ?? ""
                    text = context.tr("已勾選", "ticked") + time
                case .choices(let options), .select(let options):
                    let labels = Dictionary(uniqueKeysWithValues: options.map { ($0.0, $0.1) })
                    text = raw.filter { !$0.isEmpty }.map { labels[$0].map(context.tr) ?? $0 }.joined(separator: "、")
                default:
                    text = raw.joined(separator: "、")
                }
                return text.isEmpty ? nil : FactView(term: context.tr(label), value: text)
            }
            if !facts.isEmpty { blocks.append(BlockView(title: context.tr(section.label), facts: facts)) }
        }
        return blocks
    }

    static func consentTime(_ form: ApplicationForm, _ name: String) -> Date? {
        guard name.hasPrefix("consent."), let kind = ApplicationConsent(rawValue: String(name.dropFirst(8))) else {
            return nil
        }
        return form[consent: kind]?.givenAt
    }
}
