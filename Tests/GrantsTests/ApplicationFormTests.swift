import Foundation
@testable import Grants
import SuanliKit
import Testing

/// The application form's content and its validation (SPEC C3.1–C3.3, C1.2, C5.3): every rule gives its
/// named field error on bad input and none on good input; a draft is checked for form only.
@Suite struct ApplicationFormTests {
    static let now = Fixture.taipei(2026, 6, 10, 9, 30)

    static func example(_ category: GrantCategory) -> ApplicationForm {
        ApplicationForm.example(category: category, now: now)
    }

    /// One bad input: what to break, at which stage it is caught, and the one field that must be named.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let category: GrantCategory
        let stage: ValidationStage
        let field: String
        let change: @Sendable (inout ApplicationForm) -> Void

        init(_ name: String, _ category: GrantCategory, _ stage: ValidationStage, _ field: String,
             _ change: @escaping @Sendable (inout ApplicationForm) -> Void) {
            self.name = name
            self.category = category
            self.stage = stage
            self.field = field
            self.change = change
        }

        /// A training case, the category most rules apply to.
        init(_ name: String, _ stage: ValidationStage, _ field: String,
             _ change: @escaping @Sendable (inout ApplicationForm) -> Void) {
            self.init(name, .training, stage, field, change)
        }

        var testDescription: String { "\(name) (\(category.rawValue), \(stage.rawValue)) → \(field)" }
    }

    static let draftCases: [Case] = [
        Case("control character in a name", .draft, "lead.name") { $0.projectLead.name = "陳\u{0}志明" },
        Case("name over 50", .draft, "contact.name") { $0.projectContact.name = String(repeating: "林", count: 51) },
        Case("job title over 50", .draft, "lead.title") { $0.projectLead.title = String(repeating: "長", count: 51) },
        Case("title over 100", .draft, "title") { $0.title = String(repeating: "題", count: 101) },
        Case("importance over 3,000", .draft, "importance") { $0.importance = String(repeating: "字", count: 3_001) },
        Case("scenario over 3,000", .inference, .draft, "inference.scenario") {
            $0.inference?.scenario = String(repeating: "字", count: 3_001)
        },
        Case("other needs over 1,000", .draft, "otherNeeds") { $0.otherNeeds = String(repeating: "需", count: 1_001) },
        Case("pricing unit over 200", .draft, "productisation.pricingUnit") {
            $0.productisation.pricingUnit = String(repeating: "元", count: 201)
        },
        Case("bad e-mail", .draft, "lead.email") { $0.projectLead.email = "chihming.chen.example.com.tw" },
        Case("e-mail with a space", .draft, "contact.email") { $0.projectContact.email = "ya ting@example.com.tw" },
        Case("phone with letters", .draft, "contact.phone") { $0.projectContact.phone = "call me" },
        Case("phone too short", .draft, "lead.phone") { $0.projectLead.phone = "2345" },
        Case("mobile not a mobile", .draft, "contact.mobile") { $0.projectContact.mobile = "02-2345-6789" },
        Case("industry class not on the form", .draft, "industryCodes") {
            $0.industryCodes.append(StandardIndustryCode("J58")!)
        },
        Case("other domain over 50", .draft, "domains.other") { $0.otherDomain = String(repeating: "其", count: 51) },
        Case("download link not a URL", .draft, "training.container.downloadURL") {
            $0.training?.container.downloadURL = "ftp://models.example.com.tw/fin.tar"
        },
        Case("DeepSeek distilled base model", .draft, "training.container.baseModel") {
            $0.training?.container.baseModel = "deepseek-ai/DeepSeek-R1-Distill-Llama-8B"
        },
        Case("Qwen2.5 uploaded model", .draft, "training.container.modelName") {
            $0.training?.container.modelName = "Qwen2.5-7B-Instruct-fin"
        },
        Case("download from a Qwen repository", .draft, "training.container.downloadURL") {
            $0.training?.container.downloadURL = "https://huggingface.co/Qwen/Qwen2.5-7B"
        },
        Case("no-code model not in the catalogue", .draft, "training.noCode.model") {
            $0.training?.noCodeModel = "deepseek-r1"
        },
        Case("validation model not in the catalogue", .draft, "training.validation.models") {
            $0.training?.validationModels.append("no-such-model")
        },
        Case("inference model not in the catalogue", .inference, .draft, "inference.models") {
            $0.inference?.models.append("claude")
        },
        Case("negative tokens", .draft, "training.dataset.textTokens") { $0.training?.dataset.textTokens = -1 },
        Case("negative images", .draft, "training.dataset.imageCount") { $0.training?.dataset.imageCount = -5 },
        Case("zero resolution", .draft, "training.dataset.videoResolution") {
            $0.training?.dataset.videoResolution = Resolution(width: 0, height: 2160)
        },
        Case("negative applications", .draft, "expectedApplications") { $0.expectedApplications = -1 },
        Case("MOU link not a URL", .draft, "bonus.fieldSiteMOU.url") {
            $0.bonusClaims[0].evidence = "見附件"
        },
        Case("open model on neither platform", .draft, "bonus.openModel.huggingFace.url") {
            $0.bonusClaims[1].evidence = "https://gitlab.com/example-fintech/fin-taide"
        },
        Case("open code on a training form", .draft, "bonus.openCode.github.url") {
            $0.bonusClaims.append(BonusClaim(.openCode, evidence: "https://github.com/example-fintech/code"))
        },
        Case("the same item twice", .draft, "bonus.fieldSiteMOU.url") {
            $0.bonusClaims.append(BonusClaim(.fieldSiteMOU, evidence: "https://files.example.com.tw/mou-2.pdf"))
        },
        Case("registration number over 50", .draft, "bonus.registration.aiTechnicalService.number") {
            $0.bonusClaims[2].evidence = String(repeating: "9", count: 51)
        },
        Case("expected models on an inference form", .inference, .draft, "expectedModels") { $0.expectedModels = 1 },
        Case("inference part on a training form", .draft, "inference") { $0.inference = InferencePlan() },
        Case("training part on an inference form", .inference, .draft, "training") { $0.training = TrainingPlan() },
    ]

    static let submissionCases: [Case] = ApplicationConsent.allCases.map { kind in
        Case("\(kind.rawValue) not ticked", .submission, "consent.\(kind.rawValue)") { $0[consent: kind] = nil }
    } + [
        Case("no industry class", .submission, "industryCodes") {
            $0.industryCodes = []
            $0.industryCodesDeclared = nil
        },
        Case("industry classes without a time", .submission, "industryCodes") { $0.industryCodesDeclared = nil },
        Case("no lead name", .submission, "lead.name") { $0.projectLead.name = "  " },
        Case("no lead title", .submission, "lead.title") { $0.projectLead.title = "" },
        Case("no lead phone", .submission, "lead.phone") { $0.projectLead.phone = "" },
        Case("no lead e-mail", .submission, "lead.email") { $0.projectLead.email = "" },
        Case("no contact mobile", .submission, "contact.mobile") { $0.projectContact.mobile = nil },
        Case("no title", .inference, .submission, "title") { $0.title = "" },
        Case("no domain", .submission, "domains") { $0.domains = [] },
        Case("other domain without text", .submission, "domains.other") { $0.domains.insert(.other) },
        Case("later round without the difference", .submission, "differenceFromPrevious") {
            $0.previousApplication = "A-2026-r1-0007"
        },
        Case("no environment", .submission, "training.environments") { $0.training?.environments = [] },
        Case("container without a model name", .submission, "training.container.modelName") {
            $0.training?.container.modelName = ""
        },
        Case("container without a version", .submission, "training.container.version") {
            $0.training?.container.version = ""
        },
        Case("container without a download link", .submission, "training.container.downloadURL") {
            $0.training?.container.downloadURL = ""
        },
        Case("download link over http", .submission, "training.container.downloadURL") {
            $0.training?.container.downloadURL = "http://models.example.com.tw/fin-taide.tar"
        },
        Case("no-code without a model", .submission, "training.noCode.model") {
            $0.training?.environments.insert(.noCode)
        },
        Case("validation without a model", .submission, "training.validation.models") {
            $0.training?.validationModels = []
        },
        Case("no dataset amount", .submission, "training.dataset.textTokens") {
            $0.training?.dataset.textTokens = 0
        },
        Case("video without resolution", .submission, "training.dataset.videoResolution") {
            $0.training?.dataset.videoHours = 120
        },
        Case("images without resolution", .submission, "training.dataset.imageResolution") {
            $0.training?.dataset.imageCount = 50_000
        },
        Case("no dataset description", .submission, "training.dataset.description") {
            $0.training?.dataset.description = ""
        },
        Case("no importance", .submission, "importance") { $0.importance = "" },
        Case("no industry application", .inference, .submission, "industryApplication") {
            $0.industryApplication = ""
        },
        Case("no inference model", .inference, .submission, "inference.models") { $0.inference?.models = [] },
        Case("no scenario", .inference, .submission, "inference.scenario") { $0.inference?.scenario = "" },
        Case("no expected benefits", .submission, "expectedBenefits") { $0.expectedBenefits = "" },
        Case("no expected models", .submission, "expectedModels") { $0.expectedModels = nil },
        Case("zero expected models", .submission, "expectedModels") { $0.expectedModels = 0 },
        Case("no expected applications", .submission, "expectedApplications") { $0.expectedApplications = nil },
        Case("zero applications for inference", .inference, .submission, "expectedApplications") {
            $0.expectedApplications = 0
        },
        Case("MOU link over http", .submission, "bonus.fieldSiteMOU.url") {
            $0.bonusClaims[0].evidence = "http://files.example.com.tw/mou/fin-taide-mou.pdf"
        },
        Case("open code link over http", .inference, .submission, "bonus.openCode.github.url") {
            $0.bonusClaims[1].evidence = "http://github.com/example-maintenance/repair-summary-client"
        },
        Case("registration without a number", .submission, "bonus.registration.aiTechnicalService.number") {
            $0.bonusClaims[2].evidence = ""
        },
        Case("no target customers", .submission, "productisation.targetCustomers") {
            $0.productisation.targetCustomers = ""
        },
        Case("no progress", .submission, "productisation.progress") { $0.productisation.progress = "" },
        Case("no product form", .submission, "productisation.productForm") { $0.productisation.productForm = "" },
        Case("no pricing unit", .inference, .submission, "productisation.pricingUnit") {
            $0.productisation.pricingUnit = ""
        },
    ]

    @Test(arguments: GrantCategory.allCases)
    func theExamplesAreCompleteAndClean(_ category: GrantCategory) {
        let form = Self.example(category)
        #expect(form.problems(for: .draft).isEmpty)
        #expect(form.problems(for: .submission).map(\.field) == [])
        #expect(form.category == category)
        #expect((form.training != nil) == (category == .training))
        #expect((form.inference != nil) == (category == .inference))
    }

    @Test(arguments: draftCases)
    func draftsRefuseMalformedInput(_ testCase: Case) {
        var form = Self.example(testCase.category)
        testCase.change(&form)
        #expect(form.problems(for: .draft).map(\.field) == [testCase.field])
        // What a draft refuses, a submission refuses too.
        #expect(form.problems(for: .submission).map(\.field) == [testCase.field])
        for problem in form.problems(for: .draft) {
            #expect(!problem.zh.isEmpty && !problem.en.isEmpty && problem.zh != problem.en)
        }
    }

    @Test(arguments: submissionCases)
    func submissionsNeedEverythingTheFormsAsk(_ testCase: Case) {
        var form = Self.example(testCase.category)
        testCase.change(&form)
        #expect(form.problems(for: .submission).map(\.field) == [testCase.field])
        // Missing content and plain-http links are fine in a draft (a draft is checked for form only).
        #expect(form.problems(for: .draft).isEmpty)
    }

    @Test func anEmptyDraftIsFineAndItsSubmissionListsTheGaps() {
        for category in GrantCategory.allCases {
            let empty = ApplicationForm(category: category)
            #expect(empty.problems(for: .draft).isEmpty)
            let fields = Set(empty.problems(for: .submission).map(\.field))
            let consents = ApplicationConsent.allCases.map { "consent.\($0.rawValue)" }
            #expect(fields.isSuperset(of: ["lead.name", "contact.mobile", "industryCodes", "title", "domains",
                                           "importance", "expectedBenefits", "expectedApplications"] + consents))
            #expect(!fields.contains("lead.mobile") && !fields.contains("differenceFromPrevious"))
            #expect(!fields.contains("training") && !fields.contains("inference"))
            if category == .training {
                #expect(fields.isSuperset(of: ["training.environments", "training.dataset.textTokens",
                                               "training.dataset.description", "expectedModels"]))
            } else {
                #expect(fields.isSuperset(of: ["inference.models", "inference.scenario"]))
                #expect(!fields.contains("expectedModels"))
            }
            // Every error names a field the page shows.
            let names = Set(ApplicationForm.fieldNames(for: category))
            #expect(fields.isSubset(of: names))
        }
    }

    @Test func goodVariantsPass() {
        var form = Self.example(.training)
        form.projectLead.mobile = nil  // 附件1 asks no mobile of the lead
        form.projectLead.phone = "(02) 2345 6789 轉 101"
        form.projectContact.mobile = "+886 912 345 678"
        form.projectContact.email = "Ya-Ting.Lin+grant@sub.example.com.tw"
        form.domains = [.finance, .other]
        form.otherDomain = "法遵科技"
        form.previousApplication = "A-2026-r1-0007"
        form.differenceFromPrevious = "前次以容器型環境訓練 7B 模型；本次改以 No-Code 平台微調並擴充保險法規資料。"
        form.training?.environments = [.container, .noCode, .validation]
        form.training?.noCodeModel = "taide"
        form.training?.validationModels = ["taide", "meta-llama", "openai-gpt-oss"]
        form.training?.container.baseModel = ""  // only needed when the upload was tuned from another model
        form.training?.dataset = TrainingDataset(
            textTokens: 0, speechHours: 300, videoHours: 12, videoResolution: Resolution(width: 1920, height: 1080),
            imageCount: 40_000, imageResolution: Resolution(width: 1024, height: 768), description: "客服錄音與影像")
        form.bonusClaims += [
            BonusClaim(.openDataset, evidence: "https://huggingface.co/datasets/example-fintech/fin-qa"),
            BonusClaim(.openDataset, evidence: "https://github.com/example-fintech/fin-qa"),
            BonusClaim(.productisationMaterial, evidence: "https://files.example.com.tw/intro.pdf"),
        ]
        form.importance = String(repeating: "字", count: 3_000)
        #expect(form.problems(for: .submission).map(\.field) == [])
    }

    @Test func theSameOpenItemOnBothPlatformsIsFineButNotTwiceOnOne() {
        var form = Self.example(.training)
        form.bonusClaims.append(BonusClaim(.openModel, evidence: "https://github.com/example-fintech/fin-taide"))
        #expect(form.problems(for: .submission).isEmpty)
        form.bonusClaims.append(BonusClaim(.openModel, evidence: "https://github.com/example-fintech/other"))
        #expect(form.problems(for: .draft).map(\.field) == ["bonus.openModel.github.url"])
    }

    @Test func aMissingPartIsReportedOnItsFields() {
        var training = Self.example(.training)
        training.training = nil
        #expect(training.problems(for: .draft).isEmpty)
        #expect(training.problems(for: .submission).map(\.field)
            == ["training.environments", "training.dataset.textTokens", "training.dataset.description"])
        var inference = Self.example(.inference)
        inference.inference = nil
        #expect(inference.problems(for: .submission).map(\.field) == ["inference.models", "inference.scenario"])
    }

    @Test func informationSecurityNeedsNoNumber() {
        var form = Self.example(.inference)
        form.bonusClaims.append(BonusClaim(.registration(.informationSecurity), evidence: ""))
        #expect(form.problems(for: .submission).isEmpty)
    }

    @Test func aChineseOriginCatalogueEntryIsRefusedWhenChosen() {
        let catalogue = PlatformModelCatalogue(PlatformModelCatalogue.standard.models + [
            PlatformModel(id: "ds-chat", name: "DS Chat", developer: "杭州某公司", origin: "CN", kind: .language),
        ])
        var inference = Self.example(.inference)
        inference.inference?.models.append("ds-chat")
        #expect(inference.problems(for: .draft, catalogue: catalogue).map(\.field) == ["inference.models"])
        var training = Self.example(.training)
        training.training?.environments.insert(.noCode)
        training.training?.noCodeModel = "ds-chat"
        let problems = training.problems(for: .submission, catalogue: catalogue)
        #expect(problems.map(\.field) == ["training.noCode.model"])
        #expect(problems.first?.zh.contains("中國大陸") == true)
    }

    @Test func declarationsFeedEligibility() {
        let form = Self.example(.training)
        let declarations = form.declarations()
        #expect(declarations.notChineseCapital == ApplicantDeclaration(true, givenAt: Self.now))
        #expect(declarations.noGovernmentProjectBreach?.value == true)
        #expect(declarations.noSeriousViolation?.givenAt == Self.now)
        #expect(declarations.industryCodes?.value.map(\.code) == ["J62", "J63"])
        let empty = ApplicationForm(category: .inference).declarations()
        #expect(empty == ApplicantDeclarations())
    }

    @Test(arguments: GrantCategory.allCases)
    func codableRoundTrips(_ category: GrantCategory) throws {
        for form in [Self.example(category), ApplicationForm(category: category)] {
            let data = try JSONEncoder().encode(form)
            #expect(try JSONDecoder().decode(ApplicationForm.self, from: data) == form)
        }
        let json = String(decoding: try JSONEncoder().encode(Self.example(category)), as: UTF8.self)
        #expect(json.contains("\"J62\""))
    }

    @Test func closeOutWordingFollowsTheCategory() {
        #expect(ApplicationConsent.closeOut.label(for: .training).zh.contains("demo 會議"))
        #expect(!ApplicationConsent.closeOut.label(for: .inference).zh.contains("demo 會議"))
        #expect(ApplicationConsent.privacy.label(for: .training) == ApplicationConsent.privacy.label)
    }
}
