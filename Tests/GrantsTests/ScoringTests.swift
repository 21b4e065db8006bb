import Foundation
@testable import Grants
import PropertyBased
import Testing

/// Score sheets and exact weighted totals (SPEC C4.2–C4.4).
@Suite struct ScoringTests {
    typealias F = Fixture
    static let training = Rubric.standard(.training)
    static let inference = Rubric.standard(.inference)

    /// A submitted sheet with the given scores in rubric order.
    static func sheet(
        _ app: ApplicationID, _ reviewer: ReviewerID, _ scores: [Int], rubric: Rubric = training,
        bonus: [BonusItem] = [], at: Date = Fixture.taipei(2026, 7, 5), submit: Bool = true
    ) -> ScoreSheet {
        var sheet = ScoreSheet(application: app, reviewer: reviewer)
        for (criterion, value) in zip(rubric.criteria, scores) {
            try! sheet.score(criterion.key, value, rubric: rubric)
        }
        let claims = bonus.map { BonusClaim($0, evidence: "https://example.tw/evidence") }
        for item in bonus { try! sheet.grant(item, claims: claims, category: rubric.category) }
        try! sheet.comment("整體規劃完整。")
        if submit { try! sheet.submit(rubric: rubric, at: at) }
        return sheet
    }

    @Test func weightedTotalIsExactAndRoundedOnceHalfUp() throws {
        // 80×30% + 70×15% + 90×10% + 85×20% + 75×15% + 60×10% = 77.75
        let sheet = Self.sheet("a1", "rv1", [80, 70, 90, 85, 75, 60])
        let total = try Self.training.total(of: sheet, bonus: .standard)
        #expect(total.weighted == 777_500)
        #expect(total.base == Score(hundredths: 7_775))
        #expect(total.total == Score(hundredths: 7_775))
        #expect(total.total.description == "77.75")
    }

    @Test func bonusIsAddedOnTop() throws {
        let sheet = Self.sheet("a1", "rv1", [100, 100, 100, 100, 100, 100],
                               bonus: [.fieldSiteMOU, .openModel, .registration(.informationService)])
        let total = try Self.training.total(of: sheet, bonus: .standard)
        #expect(total.base == .points(100))
        #expect(total.bonus == .points(4))
        #expect(total.total == .points(104))
    }

    @Test func customWeightsRoundHalfUpAtTheEndOnly() throws {
        let rubric = try Rubric(category: .inference, criteria: [
            Criterion(.importance, weight: 3_333), Criterion(.scenario, weight: 3_333),
            Criterion(.productisation, weight: 3_334),
        ])
        // 1×33.33% + 0 + 0 = 0.3333 → 0.33; 3 × 0.5 pattern: 50×33.33% + 51×33.33% + 0 = 33.6633 → 33.66
        var sheet = Self.sheet("a1", "rv1", [1, 0, 0], rubric: rubric)
        #expect(try rubric.total(of: sheet, bonus: .standard).total == Score(hundredths: 33))
        sheet = Self.sheet("a1", "rv1", [50, 51, 0], rubric: rubric)
        #expect(try rubric.total(of: sheet, bonus: .standard).weighted == 336_633)
        #expect(try rubric.total(of: sheet, bonus: .standard).total == Score(hundredths: 3_366))
        // Exactly half a hundredth rounds up: 0.005 → 0.01 needs weighted 50 (= 0.0050 points).
        #expect(SheetTotal(weighted: 50, bonus: .zero).total == Score(hundredths: 1))
        #expect(SheetTotal(weighted: 49, bonus: .zero).total == .zero)
    }

    @Test func totalsStayWithinTheirBounds() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...100).array(of: 6)) { scores in
            let sheet = Self.sheet("a", "r", scores)
            let total = try Self.training.total(of: sheet, bonus: .standard)
            #expect(total.total >= .zero && total.total <= .points(100))
            #expect(total.total == total.base)
            // Same scores everywhere → that score exactly.
            let flat = Self.sheet("a", "r", Array(repeating: scores[0], count: 6))
            #expect(try Self.training.total(of: flat, bonus: .standard).total == .points(scores[0]))
        }
    }

    @Test(arguments: [-1, 101, 1_000])
    func scoresAreZeroToHundred(_ value: Int) {
        var sheet = ScoreSheet(application: "a", reviewer: "r")
        #expect(throws: GrantsError.scoreOutOfRange(.importance, value)) {
            try sheet.score(.importance, value, rubric: Self.training)
        }
        #expect(sheet.scores.isEmpty)
    }

    @Test func onlyTheRubricsCriteriaAreScored() {
        var sheet = ScoreSheet(application: "a", reviewer: "r")
        #expect(throws: GrantsError.criterionNotInRubric(.dataset, .inference)) {
            try sheet.score(.dataset, 80, rubric: Self.inference)
        }
    }

    @Test func submittingNeedsEveryScoreAndAComment() throws {
        var sheet = ScoreSheet(application: "a", reviewer: "r")
        try sheet.score(.importance, 80, comment: "問題定義清楚", rubric: Self.inference)
        let rest: [CriterionKey] = [.industryApplication, .scenario, .expectedBenefits, .productisation]
        #expect(throws: GrantsError.scoresMissing(rest)) {
            try sheet.submit(rubric: Self.inference, at: F.taipei(2026, 7, 5))
        }
        for key in rest {
            try sheet.score(key, 70, rubric: Self.inference)
        }
        #expect(throws: GrantsError.overallCommentRequired) {
            try sheet.submit(rubric: Self.inference, at: F.taipei(2026, 7, 5))
        }
        #expect(throws: GrantsError.controlCharacters(field: "overallComment")) { try sheet.comment("a\u{1b}[31m") }
        #expect(throws: GrantsError.controlCharacters(field: "comments.scenario")) {
            try sheet.score(.scenario, 70, comment: "\u{0}", rubric: Self.inference)
        }
        try sheet.comment("建議補充場域驗證數據。")
        try sheet.submit(rubric: Self.inference, at: F.taipei(2026, 7, 5))
        #expect(sheet.isSubmitted && sheet.submittedAt == F.taipei(2026, 7, 5))
        #expect(sheet.comments[.importance] == "問題定義清楚")
    }

    @Test func aSubmittedSheetIsFrozen() {
        var sheet = Self.sheet("a", "r", [80, 80, 80, 80, 80, 80])
        let claims = [BonusClaim(.openModel, evidence: "https://huggingface.co/x")]
        #expect(throws: GrantsError.sheetAlreadySubmitted) { try sheet.score(.importance, 90, rubric: Self.training) }
        #expect(throws: GrantsError.sheetAlreadySubmitted) { try sheet.comment("改") }
        #expect(throws: GrantsError.sheetAlreadySubmitted) {
            try sheet.grant(.openModel, claims: claims, category: .training)
        }
        #expect(throws: GrantsError.sheetAlreadySubmitted) { try sheet.withdrawGrant(.openModel) }
        #expect(throws: GrantsError.sheetAlreadySubmitted) {
            try sheet.submit(rubric: Self.training, at: F.taipei(2026, 7, 6))
        }
        #expect(sheet.scores[.importance] == 80)
    }

    @Test func onlyClaimedAndOfferedBonusIsGranted() throws {
        var sheet = ScoreSheet(application: "a", reviewer: "r")
        let claims = [BonusClaim(.openDataset, evidence: "https://github.com/x/y")]
        #expect(throws: GrantsError.bonusNotClaimed(.fieldSiteMOU)) {
            try sheet.grant(.fieldSiteMOU, claims: claims, category: .training)
        }
        #expect(throws: GrantsError.bonusNotOffered(.openCode, .training)) {
            try sheet.grant(.openCode, claims: [BonusClaim(.openCode, evidence: "x")], category: .training)
        }
        try sheet.grant(.openDataset, claims: claims, category: .training)
        #expect(sheet.grantedBonus == [.openDataset])
        try sheet.withdrawGrant(.openDataset)
        #expect(sheet.grantedBonus.isEmpty)
    }

    @Test func anIncompleteOrForeignSheetHasNoTotal() {
        let draft = ScoreSheet(application: "a", reviewer: "r")
        #expect(throws: GrantsError.scoresMissing(Self.training.keys)) {
            try Self.training.total(of: draft, bonus: .standard)
        }
        let inferenceSheet = Self.sheet("a", "r", [80, 80, 80, 80, 80], rubric: Self.inference)
        #expect(throws: GrantsError.scoresMissing([.dataset, .modelAndResources])) {
            try Self.training.total(of: inferenceSheet, bonus: .standard)
        }
    }

    @Test func scoresPrintWithTwoDecimals() {
        #expect(Score(hundredths: 8_735).description == "87.35")
        #expect(Score(hundredths: 5).description == "0.05")
        #expect(Score(hundredths: -5).description == "-0.05")
        #expect(Score.points(100).description == "100.00")
        #expect((Score.points(3) - Score(hundredths: 1)).description == "2.99")
    }
}
