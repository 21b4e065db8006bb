import Foundation
@testable import Grants
import SuanliKit
import Testing

/// The flat HTML fields of the form: names, re-rendering, parsing and the consent times (SPEC C3, X2, X3).
@Suite struct ApplicationFormFieldsTests {
    typealias F = Fixture
    static let t1 = Fixture.taipei(2026, 6, 10, 9)
    static let t2 = Fixture.taipei(2026, 6, 11, 14)
    static let t3 = Fixture.taipei(2026, 6, 12, 8)

    @Test func fieldNamesAreUniqueAndBelongToTheirCategory() {
        let training = ApplicationForm.fieldNames(for: .training)
        let inference = ApplicationForm.fieldNames(for: .inference)
        #expect(Set(training).count == training.count && Set(inference).count == inference.count)
        #expect(training.contains("training.container.downloadURL"))
        #expect(!training.contains { $0.hasPrefix("inference.") })
        #expect(inference.contains("inference.scenario") && !inference.contains { $0.hasPrefix("training.") })
        #expect(training.contains("expectedModels") && !inference.contains("expectedModels"))
        #expect(inference.contains("bonus.openCode.github.url") && !training.contains("bonus.openCode.github.url"))
        #expect(training.contains("bonus.registration.informationSecurity"))
        #expect(!training.contains("bonus.registration.informationSecurity.number"))
        #expect(training.first == "lead.name" && training.contains("consent.privacy"))
        #expect(training.contains("otherNeeds"))
        for category in GrantCategory.allCases {
            for name in ApplicationForm.fieldNames(for: category) {
                #expect(ApplicationForm.section(ofField: name, in: category) != nil, "\(name)")
            }
        }
        #expect(ApplicationForm.section(ofField: "training.dataset.imageCount", in: .training) == .dataset)
        #expect(ApplicationForm.section(ofField: "consent.closeOut", in: .inference) == .benefits)
        #expect(ApplicationForm.section(ofField: "training.dataset.imageCount", in: .inference) == nil)
    }

    @Test(arguments: GrantCategory.allCases)
    func fieldValuesRoundTripThroughAPostedForm(_ category: GrantCategory) {
        let example = ApplicationForm.example(category: category, now: Self.t1)
        let values = example.fieldValues
        #expect(Set(values.keys) == Set(ApplicationForm.fieldNames(for: category)))
        var reparsed = ApplicationForm(category: category)
        let errors = reparsed.update(from: values, at: Self.t1, sourceIP: "203.0.113.24")
        #expect(errors.isEmpty)
        #expect(reparsed == example)
        #expect(reparsed.changedSections(comparedTo: example).isEmpty)
    }

    @Test func fieldValuesShowTicksNumbersAndChoices() {
        let values = ApplicationForm.example(category: .training, now: Self.t1).fieldValues
        #expect(values["consent.privacy"] == ["on"])
        #expect(values["industryCodes"] == ["J62", "J63"])
        #expect(values["domains"] == ["finance"])
        #expect(values["training.environments"] == ["container", "validation"])
        #expect(values["training.dataset.textTokens"] == ["1200000000"])
        #expect(values["training.dataset.videoResolution"] == [""])
        let openModel = "https://huggingface.co/example-fintech/fin-taide-8b-chat"
        #expect(values["bonus.openModel.huggingFace.url"] == [openModel])
        #expect(values["bonus.openModel.github.url"] == [""])
        #expect(values["bonus.registration.aiTechnicalService"] == ["on"])
        #expect(values["bonus.registration.aiTechnicalService.number"] == ["AI-113-0042"])
        #expect(values["bonus.registration.dataEconomy"] == [])
        #expect(values["bonus.registration.informationSecurity"] == ["on"])
        #expect(values["lead.mobile"] == [""])
    }

    /// A minimal posted training page: the fields given, everything else absent (= empty / unticked).
    static func posted(_ extra: [String: [String]]) -> [String: [String]] {
        ["title": ["金融法規問答"], "training.dataset.textTokens": ["1,000"]].merging(extra) { $1 }
    }

    @Test func numbersAcceptSeparatorsAndFullWidthDigits() {
        var form = ApplicationForm(category: .training)
        let errors = form.update(from: Self.posted([
            "training.dataset.textTokens": ["1,200,000,000"], "training.dataset.speechHours": ["１２０"],
            "training.dataset.imageCount": [" 40 000 "], "expectedModels": ["2"], "expectedApplications": ["3，000"],
            "training.dataset.videoResolution": ["3840×2160"], "training.dataset.imageResolution": ["1024 X 768"],
        ]), at: Self.t1, sourceIP: nil)
        #expect(errors.isEmpty)
        let dataset = form.training?.dataset
        #expect(dataset?.textTokens == 1_200_000_000 && dataset?.speechHours == 120 && dataset?.imageCount == 40_000)
        #expect(form.expectedModels == 2 && form.expectedApplications == 3_000)
        #expect(dataset?.videoResolution == Resolution(width: 3840, height: 2160))
        #expect(dataset?.imageResolution == Resolution(width: 1024, height: 768))
        // Negative numbers are read; validation refuses them with its own message.
        _ = form.update(from: Self.posted(["training.dataset.textTokens": ["-5"]]), at: Self.t1, sourceIP: nil)
        #expect(form.training?.dataset.textTokens == -5)
        #expect(form.problems(for: .draft).map(\.field) == ["training.dataset.textTokens"])
    }

    @Test func unreadableValuesKeepTheOldValueAndTheRestIsTaken() {
        var form = ApplicationForm.example(category: .training, now: Self.t1)
        var values = form.fieldValues
        values["training.dataset.textTokens"] = ["abc"]
        values["training.dataset.videoResolution"] = ["3840 by 2160"]
        values["expectedModels"] = ["two"]
        values["domains"] = ["finance", "space"]
        values["industryCodes"] = ["J62", "J58"]
        values["training.environments"] = ["container", "cloud"]
        values["consent.privacy"] = ["maybe"]
        values["bonus.openModel.huggingFace.url"] = ["https://gitlab.com/example-fintech/fin"]
        values["title"] = ["金融法規智慧問答助理模型訓練（第二版）"]
        values["importance"] = ["更新後的說明"]
        let errors = form.update(from: values, at: Self.t2, sourceIP: "198.51.100.7")
        #expect(errors.map(\.field) == [
            "industryCodes", "consent.privacy", "domains", "expectedModels", "training.environments",
            "training.dataset.textTokens", "training.dataset.videoResolution", "bonus.openModel.huggingFace.url",
        ])
        for error in errors { #expect(!error.zh.isEmpty && !error.en.isEmpty) }
        // The bad fields keep what was stored…
        let old = ApplicationForm.example(category: .training, now: Self.t1)
        #expect(form.training?.dataset.textTokens == 1_200_000_000 && form.expectedModels == 2)
        #expect(form.domains == [.finance] && form.industryCodes == old.industryCodes)
        #expect(form.training?.environments == [.container, .validation])
        #expect(form.privacyConsent == old.privacyConsent)
        #expect(form.bonusClaims == old.bonusClaims)
        // …and the good ones are taken.
        #expect(form.title == "金融法規智慧問答助理模型訓練（第二版）" && form.importance == "更新後的說明")
        #expect(form.changedSections(comparedTo: old) == [.projectOverview, .importance])
    }

    @Test func anOpenReleaseInTheWrongPlatformFieldIsNotStored() {
        var form = ApplicationForm(category: .inference)
        let errors = form.update(from: ["bonus.openDataset.huggingFace.url": ["https://github.com/x/y"]],
                                 at: Self.t1, sourceIP: nil)
        #expect(errors.map(\.field) == ["bonus.openDataset.huggingFace.url"])
        #expect(form.bonusClaims.isEmpty)
    }

    @Test func consentTimesAreKeptWhileTickedAndClearedWhenUnticked() {
        var form = ApplicationForm(category: .inference)
        _ = form.update(from: ["consent.privacy": ["on"], "consent.affidavit": ["1"], "consent.closeOut": ["true"]],
                        at: Self.t1, sourceIP: "203.0.113.24")
        #expect(form.privacyConsent == Consent(givenAt: Self.t1, sourceIP: "203.0.113.24"))
        #expect(form.affidavit?.givenAt == Self.t1 && form.closeOutAgreement?.givenAt == Self.t1)
        #expect(form.statementAgreement == nil)
        // Posted again, still ticked (a hidden "0" beside the box does not untick it): first time kept.
        _ = form.update(from: ["consent.privacy": ["0", "on"], "consent.affidavit": ["on"], "consent.statement": ["on"],
                               "consent.closeOut": ["on"]], at: Self.t2, sourceIP: "198.51.100.7")
        #expect(form.privacyConsent == Consent(givenAt: Self.t1, sourceIP: "203.0.113.24"))
        #expect(form.statementAgreement == Consent(givenAt: Self.t2, sourceIP: "198.51.100.7"))
        // Unticked: cleared; ticked again later: the new time.
        _ = form.update(from: ["consent.privacy": ["0"]], at: Self.t3, sourceIP: nil)
        #expect(form.privacyConsent == nil && form.affidavit == nil && form.closeOutAgreement == nil)
        _ = form.update(from: ["consent.privacy": ["on"]], at: Self.t3, sourceIP: nil)
        #expect(form.privacyConsent == Consent(givenAt: Self.t3))
    }

    @Test func industryCodesAreRedeclaredWhenTheyChange() {
        var form = ApplicationForm(category: .training)
        _ = form.update(from: ["industryCodes": ["J62"]], at: Self.t1, sourceIP: nil)
        #expect(form.industryCodes.map(\.code) == ["J62"] && form.industryCodesDeclared?.givenAt == Self.t1)
        _ = form.update(from: ["industryCodes": ["j62"]], at: Self.t2, sourceIP: nil)
        #expect(form.industryCodesDeclared?.givenAt == Self.t1)
        _ = form.update(from: ["industryCodes": ["K6699", "J62"]], at: Self.t2, sourceIP: nil)
        #expect(form.industryCodes.map(\.code) == ["J62", "K6699"] && form.industryCodesDeclared?.givenAt == Self.t2)
        #expect(form.declarations().industryCodes == ApplicantDeclaration(form.industryCodes, givenAt: Self.t2))
        _ = form.update(from: [:], at: Self.t3, sourceIP: nil)
        #expect(form.industryCodes.isEmpty && form.industryCodesDeclared == nil)
    }

    @Test func textsAreTrimmedAndOptionalOnesBecomeNil() {
        var form = ApplicationForm(category: .inference)
        _ = form.update(from: [
            "lead.name": ["  陳志明　"], "lead.mobile": [" "], "contact.mobile": ["0912-345-678"],
            "importance": ["第一段\r\n第二段"], "differenceFromPrevious": [""], "domains": ["manufacturing", "其他"],
            "domains.other": ["設備維修"], "inference.models": ["taide", "whisper", "taide", ""],
            "inference.scenario": ["技師口述維修紀錄"],
            // A training field on an inference page is ignored, and so is expectedModels.
            "training.dataset.textTokens": ["100"], "expectedModels": ["3"],
        ], at: Self.t1, sourceIP: nil)
        #expect(form.projectLead.name == "陳志明" && form.projectLead.mobile == nil)
        #expect(form.projectContact.mobile == "0912-345-678")
        #expect(form.importance == "第一段\n第二段" && form.differenceFromPrevious == nil)
        #expect(form.domains == [.manufacturing, .other] && form.otherDomain == "設備維修")
        #expect(form.inference == InferencePlan(models: ["taide", "whisper"], scenario: "技師口述維修紀錄"))
        #expect(form.training == nil && form.expectedModels == nil)
    }

    @Test func bonusFieldsBecomeClaims() {
        var form = ApplicationForm(category: .inference)
        let errors = form.update(from: [
            "bonus.fieldSiteMOU.url": ["https://files.example.com.tw/mou.pdf"],
            "bonus.openModel.huggingFace.url": ["https://huggingface.co/example/model"],
            "bonus.openModel.github.url": ["https://github.com/example/model"],
            "bonus.openCode.github.url": ["https://www.github.com/example/code"],
            // A number without the tick still claims; the information-security box stands alone.
            "bonus.registration.dataEconomy.number": ["DE-0091"],
            "bonus.registration.informationSecurity": ["on"],
            "bonus.registration.electronicSignature": ["on"],
        ], at: Self.t1, sourceIP: nil)
        #expect(errors.isEmpty)
        #expect(form.bonusClaims == [
            BonusClaim(.fieldSiteMOU, evidence: "https://files.example.com.tw/mou.pdf"),
            BonusClaim(.openModel, evidence: "https://huggingface.co/example/model"),
            BonusClaim(.openModel, evidence: "https://github.com/example/model"),
            BonusClaim(.openCode, evidence: "https://www.github.com/example/code"),
            BonusClaim(.registration(.electronicSignature), evidence: ""),
            BonusClaim(.registration(.dataEconomy), evidence: "DE-0091"),
            BonusClaim(.registration(.informationSecurity), evidence: ""),
        ])
        #expect(form.claimedBonusItems.count == 6)
        let problems = form.problems(for: .submission).filter { $0.field.hasPrefix("bonus.") }
        #expect(problems.map(\.field) == ["bonus.registration.electronicSignature.number"])
        #expect(form.fieldValues["bonus.registration.dataEconomy"] == ["on"])
        #expect(form.fieldValues["bonus.openCode.github.url"] == ["https://www.github.com/example/code"])
    }

    @Test func trainingEnvironmentDetailsSurviveUnticking() {
        var form = ApplicationForm.example(category: .training, now: Self.t1)
        var values = form.fieldValues
        values["training.environments"] = ["validation"]
        _ = form.update(from: values, at: Self.t2, sourceIP: nil)
        #expect(form.training?.environments == [.validation])
        #expect(form.training?.container.modelName == "fin-taide-8b-chat")
        #expect(form.problems(for: .submission).isEmpty)
    }
}
