import Foundation
@testable import Grants
import SuanliKit
import Testing

/// Rubrics (SPEC C4.2, C4.3) and bonus items (C3.2, 附件2/3).
@Suite struct RubricTests {
    @Test func trainingRubricIsC42() {
        let rubric = Rubric.standard(.training)
        #expect(rubric.criteria.map(\.key) == [
            .importance, .industryApplication, .dataset, .modelAndResources, .expectedBenefits, .productisation,
        ])
        #expect(rubric.criteria.map(\.weight) == [3_000, 1_500, 1_000, 2_000, 1_500, 1_000])
        #expect(rubric.criteria.map(\.label.zh) == [
            "專案重要性", "產業應用機會", "訓練資料集", "使用模型及資源需求", "預期效益合理性", "預計產品化階段說明",
        ])
        #expect(rubric.heaviest == .importance)
    }

    @Test func inferenceRubricIsC43() {
        let rubric = Rubric.standard(.inference)
        #expect(rubric.criteria.map(\.key) == [
            .importance, .industryApplication, .scenario, .expectedBenefits, .productisation,
        ])
        #expect(rubric.criteria.map(\.weight) == [2_500, 2_500, 2_000, 2_000, 1_000])
        #expect(rubric.weight(of: .scenario) == 2_000 && rubric.weight(of: .dataset) == nil)
        // Importance and industry application tie at 25%: the first listed is the heaviest.
        #expect(rubric.heaviest == .importance)
    }

    @Test func everyCriterionHasBothLabels() {
        for key in CriterionKey.allCases {
            #expect(!key.label.zh.isEmpty && !key.label.en.isEmpty)
        }
        #expect(Set(CriterionKey.allCases.map(\.label.zh)).count == CriterionKey.allCases.count)
    }

    @Test func weightsMustAddUpToExactlyOneHundredPercent() {
        #expect(throws: GrantsError.invalidRubric([.sumIsNotWhole(9_999)])) {
            try Rubric(category: .training,
                       criteria: [Criterion(.importance, weight: 5_000), Criterion(.dataset, weight: 4_999)])
        }
        let error = GrantsError.invalidRubric([.sumIsNotWhole(10_050)]).userFacing
        #expect(error.zh.contains("合計 100.50%"))
        #expect(error.en.contains("add up to 100.50%"))
        #expect(error.fields.map(\.field) == ["criteria"])
        // 33.33 + 33.33 + 33.34 is exact in basis points.
        #expect(throws: Never.self) {
            try Rubric(category: .inference, criteria: [
                Criterion(.importance, weight: 3_333), Criterion(.scenario, weight: 3_333),
                Criterion(.productisation, weight: 3_334),
            ])
        }
    }

    @Test func everyProblemIsListedAtOnce() {
        let problems = Rubric.problems([
            Criterion(.importance, weight: 0), Criterion(.importance, weight: 6_000),
            Criterion(.dataset, weight: 12_000),
        ])
        #expect(problems == [
            .weightOutOfRange(.importance, 0), .duplicate(.importance), .weightOutOfRange(.dataset, 12_000),
            .sumIsNotWhole(18_000),
        ])
        #expect(Rubric.problems([]) == [.empty])
        #expect(RubricProblem.weightOutOfRange(.dataset, -100).fieldError.zh.contains("-1%"))
        #expect(RubricProblem.duplicate(.dataset).fieldError.field == "criteria.dataset")
    }

    @Test func storedRubricsAreCheckedWhenDecoded() throws {
        let good = try JSONEncoder().encode(Rubric.standard(.training))
        #expect(try JSONDecoder().decode(Rubric.self, from: good) == .standard(.training))
        let bad = Data(#"{"category":"training","criteria":[{"key":"importance","weight":9000}]}"#.utf8)
        #expect(throws: GrantsError.invalidRubric([.sumIsNotWhole(9_000)])) {
            try JSONDecoder().decode(Rubric.self, from: bad)
        }
    }
}

@Suite struct BonusTests {
    @Test func itemsPerCategoryFollowTheForms() {
        let training = BonusItem.available(for: .training)
        let inference = BonusItem.available(for: .inference)
        #expect(training.count == 10 && inference.count == 11)
        #expect(!training.contains(.openCode) && inference.contains(.openCode))
        for item in [BonusItem.fieldSiteMOU, .productisationMaterial, .openDataset, .openModel] {
            #expect(training.contains(item) && inference.contains(item))
        }
        #expect(CapabilityRegistration.allCases.count == 6)
        #expect(BonusItem.registration(.aiTechnicalService).label.zh == "通過人工智慧技術服務機構能量登錄")
        #expect(BonusItem.fieldSiteMOU.label.zh.contains("合作備忘錄"))
    }

    @Test func standardPointsAndCaps() throws {
        let policy = BonusPolicy.standard
        #expect(try policy.bonus(for: [], in: .training) == .zero)
        #expect(try policy.bonus(for: [.fieldSiteMOU], in: .training) == .points(2))
        #expect(try policy.bonus(for: [.openDataset, .openModel], in: .training) == .points(2))
        // Registrations: 1 each, 2 at most together.
        let three: Set<BonusItem> = [.registration(.dataEconomy), .registration(.aiTechnicalService),
                                     .registration(.informationSecurity)]
        #expect(try policy.bonus(for: three, in: .inference) == .points(2))
        // Everything: 2 + 1 + 1 + 1 + 1 + min(2, 6) = 8, capped at 5.
        #expect(try policy.bonus(for: Set(BonusItem.available(for: .inference)), in: .inference) == .points(5))
    }

    @Test func itemsTheCategoryDoesNotOfferAreRefused() {
        #expect(throws: GrantsError.bonusNotOffered(.openCode, .training)) {
            try BonusPolicy.standard.bonus(for: [.openCode], in: .training)
        }
    }

    @Test func negativePointsAreRefused() {
        var policy = BonusPolicy.standard
        #expect(policy.problems.isEmpty)
        policy.openModel = Score(hundredths: -50)
        #expect(policy.problems.map(\.field) == ["bonus.openModel"])
        #expect(policy.problems[0].zh.contains("-0.50"))
    }
}
