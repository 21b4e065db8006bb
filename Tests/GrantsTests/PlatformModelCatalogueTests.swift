import Foundation
@testable import Grants
import SuanliKit
import Testing

/// The platform's model catalogue and the Chinese-origin rule (SPEC C5.3, C6.1).
@Suite struct PlatformModelCatalogueTests {
    @Test func theStandardCatalogueListsTheSeedsModels() {
        let catalogue = PlatformModelCatalogue.standard
        #expect(catalogue.models.map(\.id) == [
            "taide", "meta-llama", "google-gemma", "openai-gpt-oss", "ffm", "foxbrain", "yolo",
            "taiwan-tongues-asr-ce", "whisper",
        ])
        #expect(catalogue.problems.isEmpty)
        #expect(catalogue.offered == catalogue.models)
        #expect(catalogue.offered(.speech).map(\.id) == ["taiwan-tongues-asr-ce", "whisper"])
        #expect(catalogue.offered(.vision).map(\.id) == ["yolo"])
        #expect(catalogue.model(id: "ffm")?.origin == "TW" && catalogue.model(id: "yolo")?.origin == "US")
        #expect(catalogue.model(id: "deepseek") == nil)
    }

    @Test(arguments: [("CN", true), ("HK", true), ("MO", true), ("cn", true), (" hk ", true), ("TW", false),
                      ("US", false), ("SG", false)])
    func chineseOriginsAreMainlandHongKongAndMacau(_ code: String, _ refused: Bool) {
        #expect(PlatformModelCatalogue.isChineseOrigin(countryCode: code) == refused)
    }

    @Test(arguments: [
        ("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "deepseek"), ("Qwen2.5-7B", "qwen"),
        ("CodeQwen1.5-7B-Chat", "qwen"), ("通義千問", "通義"), ("THUDM/glm-4-9b-chat", "glm"),
        ("ChatGLM3-6B", "chatglm"), ("01-ai/Yi-34B", "yi"), ("Yi-1.5-9B", "yi"),
        ("baichuan-inc/Baichuan2-13B", "baichuan"), ("internlm2_5-7b-chat", "internlm"), ("MiniMax-Text-01", "minimax"),
        ("moonshotai/Kimi-K2-Instruct", "moonshot"),
        ("kimi-k2", "kimi"), ("ERNIE-4.5-21B-A3B", "ernie"), ("文心一言", "文心"),
        ("https://huggingface.co/Qwen/Qwen2.5-7B-Instruct", "qwen"),
    ])
    func chineseFamiliesAreFoundInNamesAndLinks(_ name: String, _ family: String) {
        #expect(PlatformModelCatalogue.chineseFamily(in: name) == family)
    }

    @Test(arguments: [
        "meta-llama/Llama-3.1-8B-Instruct", "google/gemma-2-9b-it", "openai/gpt-oss-20b", "Llama-3.1-TAIDE-LX-8B-Chat",
        "FoxBrain", "FFM-Llama3-70B", "Breeze-7B", "yolov8n", "whisper-large-v3", "Taiyi-diffusion", "Bernie-bot",
        "yield-predictor", "https://huggingface.co/example-fintech/fin-taide-8b-chat",
    ])
    func otherModelsAreNotMistaken(_ name: String) {
        #expect(PlatformModelCatalogue.chineseFamily(in: name) == nil)
    }

    @Test func refusedEntriesAreListedButNotOffered() {
        let catalogue = PlatformModelCatalogue(PlatformModelCatalogue.standard.models + [
            PlatformModel(id: "ds-chat", name: "DS Chat", developer: "某科技公司", origin: "CN", kind: .language),
            PlatformModel(id: "qwen-vl", name: "Qwen-VL", developer: "Alibaba Cloud", origin: "SG", kind: .vision),
            PlatformModel(id: "taide", name: "TAIDE copy", developer: "國網中心", origin: "TW", kind: .language),
            PlatformModel(id: "blank", name: " ", developer: "x", origin: "TW", kind: .speech),
        ])
        #expect(catalogue.models.count == 13)
        #expect(!catalogue.offered.contains { ["ds-chat", "qwen-vl"].contains($0.id) })
        #expect(catalogue.problems.map(\.field) == ["catalogue.9", "catalogue.10", "catalogue.11", "catalogue.12"])
        let ds = PlatformModelCatalogue.refusal(of: catalogue.model(id: "ds-chat")!)
        #expect(ds?.zh.contains("中國大陸") == true && ds?.en.contains("CN") == true)
        #expect(PlatformModelCatalogue.refusal(of: catalogue.model(id: "qwen-vl")!)?.en.contains("qwen") == true)
    }

    @Test func catalogueRoundTripsAsJSON() throws {
        let data = try JSONEncoder().encode(PlatformModelCatalogue.standard)
        #expect(try JSONDecoder().decode(PlatformModelCatalogue.self, from: data) == .standard)
    }
}

/// The sections a correction notice can open, and what changed between two versions (SPEC C4.1).
@Suite struct ApplicationSectionTests {
    static let now = Fixture.taipei(2026, 6, 10, 9, 30)

    @Test func eachCategoryHasItsOwnSections() {
        let training = ApplicationSection.sections(for: .training)
        let inference = ApplicationSection.sections(for: .inference)
        #expect(training.contains(.environment) && training.contains(.dataset))
        #expect(!training.contains(.models) && !training.contains(.scenario))
        #expect(inference.contains(.models) && inference.contains(.scenario))
        #expect(!inference.contains(.environment) && !inference.contains(.dataset))
        #expect(Set(training).union(inference) == Set(ApplicationSection.allCases))
        for section in ApplicationSection.allCases {
            #expect(!section.label.zh.isEmpty && !section.label.en.isEmpty && section.label.zh != section.label.en)
        }
    }

    @Test func changedSectionsNameWhatMoved() {
        let original = ApplicationForm.example(category: .training, now: Self.now)
        func changed(_ change: (inout ApplicationForm) -> Void) -> Set<ApplicationSection> {
            var form = original
            change(&form)
            return form.changedSections(comparedTo: original)
        }
        #expect(changed { _ in } == [])
        #expect(changed { $0.title += "（修正）" } == [.projectOverview])
        #expect(changed { $0.differenceFromPrevious = "新增保險資料" } == [.projectOverview])
        #expect(changed { $0.projectContact.mobile = "0922-000-111" } == [.contacts])
        #expect(changed { $0.affidavit = Consent(givenAt: Self.now.addingTimeInterval(60)) } == [.declarations])
        #expect(changed { $0.industryCodes = [StandardIndustryCode("J582")!] } == [.declarations])
        #expect(changed { $0.training?.container.version = "v0.4" } == [.environment])
        #expect(changed { $0.training?.dataset.speechHours = 10 } == [.dataset])
        #expect(changed { $0.expectedModels = 3 } == [.benefits])
        #expect(changed { $0.closeOutAgreement = nil } == [.benefits])
        #expect(changed { $0.bonusClaims.reverse() } == [])
        #expect(changed { $0.bonusClaims.removeLast() } == [.bonus])
        #expect(changed { $0.productisation.pricingUnit = "每月固定費用" } == [.productisation])
        #expect(changed {
            $0.importance = "x"
            $0.otherNeeds = "y"
            $0.industryApplication = "z"
        } == [.importance, .otherNeeds, .industryApplication])
        #expect(changed { $0.inference = InferencePlan() } == [.models, .scenario])
    }

    @Test func inferenceSectionsAndACategoryChange() {
        let original = ApplicationForm.example(category: .inference, now: Self.now)
        var form = original
        form.inference?.scenario += "並支援台語口述。"
        form.inference?.models = ["taide"]
        #expect(form.changedSections(comparedTo: original) == [.scenario, .models])
        let training = ApplicationForm.example(category: .training, now: Self.now)
        #expect(training.changedSections(comparedTo: original) == Set(ApplicationSection.allCases))
    }
}
