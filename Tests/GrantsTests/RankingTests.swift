import Foundation
@testable import Grants
import PropertyBased
import Testing

/// Aggregation, disagreement, ranking per round and category, and who sees which scores (SPEC C4.4).
@Suite struct RankingTests {
    typealias F = Fixture
    typealias S = ScoringTests
    static let rubric = Rubric.standard(.training)

    static func flat(
        _ app: ApplicationID, _ reviewer: ReviewerID, _ score: Int, bonus: [BonusItem] = []
    ) -> ScoreSheet {
        S.sheet(app, reviewer, Array(repeating: score, count: 6), bonus: bonus)
    }

    /// The store keeps each submitted sheet's figures and the ranking aggregates those; it must give
    /// exactly what aggregating the sheets gives.
    @Test func aggregatingStoredFiguresEqualsAggregatingSheets() async {
        let bonusItems = BonusItem.available(for: .training)
        await propertyCheck(count: 200, input: Gen.int(in: 0...100).array(of: 6).array(of: 1...5),
                            Gen.int(in: 0...((1 << bonusItems.count) - 1))) { scoreSets, mask in
            let sheets = scoreSets.enumerated().map { index, scores in
                let bonus = bonusItems.enumerated().filter { (mask >> index) & (1 << $0.offset) != 0 }.map(\.element)
                return S.sheet("a", ReviewerID("r\(index)"), scores, bonus: bonus)
            }
            let figures = try sheets.map { try SheetFigures($0, rubric: Self.rubric, bonus: .standard) }
            let fromSheets = try Self.aggregate("a", sheets)
            let fromFigures = ScoreAggregation.aggregate(application: "a", figures: figures.shuffled())
            #expect(fromSheets == fromFigures)
        }
        #expect(ScoreAggregation.aggregate(application: "a", figures: []) == nil)
    }

    static func aggregate(
        _ app: ApplicationID, _ sheets: [ScoreSheet], rubric: Rubric = rubric,
        spread: Score = ScoreAggregation.defaultDisagreementSpread
    ) throws -> AggregateScore? {
        try ScoreAggregation.aggregate(application: app, sheets: sheets, rubric: rubric, bonus: .standard,
                                       disagreementSpread: spread)
    }

    @Test func theMeanIsOfExactTotalsRoundedOnce() throws {
        // Exact totals 0.0100, 0.0099 and 0 (weights 0.01% and 99.99%) sum to 0.0199; a third of it
        // is 0.00663… → 0.01. Rounding the sum down to hundredths first would give 0.01 / 3 → 0.00.
        let tiny = try Rubric(category: .inference, criteria: [
            Criterion(.importance, weight: 1), Criterion(.scenario, weight: 9_999),
        ])
        let small = [S.sheet("d", "r1", [100, 0], rubric: tiny), S.sheet("d", "r2", [99, 0], rubric: tiny),
                     S.sheet("d", "r3", [0, 0], rubric: tiny)]
        #expect(try Self.aggregate("d", small, rubric: tiny)?.mean == Score(hundredths: 1))
        // (0.3333 + 0.3334) / 2 = 0.33335 → 0.33, and each reviewer's total shows as 0.33.
        let thirds = try Rubric(category: .inference, criteria: [
            Criterion(.importance, weight: 3_333), Criterion(.scenario, weight: 3_333),
            Criterion(.productisation, weight: 3_334),
        ])
        let two = [S.sheet("a", "r1", [1, 0, 0], rubric: thirds), S.sheet("a", "r2", [0, 0, 1], rubric: thirds)]
        let pair = try #require(try Self.aggregate("a", two, rubric: thirds))
        #expect(pair.mean == Score(hundredths: 33) && pair.reviewerTotals == [Score(hundredths: 33), Score(hundredths: 33)])
        // 80, 85, 85 → 83.333… → 83.33; 80, 81, 81 → 80.666… → 80.67 (half-up goes up past the half).
        let three = [Self.flat("b", "r1", 80), Self.flat("b", "r2", 85), Self.flat("b", "r3", 85)]
        #expect(try Self.aggregate("b", three)?.mean == Score(hundredths: 8_333))
        let up = [Self.flat("c", "r1", 80), Self.flat("c", "r2", 81), Self.flat("c", "r3", 81)]
        #expect(try Self.aggregate("c", up)?.mean == Score(hundredths: 8_067))
        // 80 and 81 → 80.50 exactly, no rounding.
        #expect(try Self.aggregate("e", [Self.flat("e", "r1", 80), Self.flat("e", "r2", 81)])?.mean
                == Score(hundredths: 8_050))
    }

    @Test func draftsAndOtherApplicationsDoNotCount() throws {
        let sheets = [Self.flat("a", "r1", 90), S.sheet("a", "r2", [10, 10, 10, 10, 10, 10], submit: false),
                      Self.flat("b", "r3", 10)]
        let aggregate = try #require(try Self.aggregate("a", sheets))
        #expect(aggregate.reviewerCount == 1 && aggregate.mean == .points(90))
        #expect(try Self.aggregate("z", sheets) == nil)
        #expect(throws: GrantsError.duplicateScoreSheet("r1", "a")) {
            try Self.aggregate("a", [Self.flat("a", "r1", 90), Self.flat("a", "r1", 80)])
        }
    }

    @Test(arguments: [(60, 80, false), (60, 81, true), (70, 70, false), (50, 90, true)])
    func disagreementIsMoreThanTheSpread(_ low: Int, _ high: Int, _ wide: Bool) throws {
        let sheets = [Self.flat("a", "r1", low), Self.flat("a", "r2", (low + high) / 2), Self.flat("a", "r3", high)]
        let aggregate = try #require(try Self.aggregate("a", sheets))
        #expect(aggregate.spread == .points(high - low))
        #expect(aggregate.widelyDisagree == wide)
    }

    @Test func theSpreadIsConfigurable() throws {
        let sheets = [Self.flat("a", "r1", 70), Self.flat("a", "r2", 81)]
        let strict = try Self.aggregate("a", sheets, spread: .points(10))
        #expect(strict?.widelyDisagree == true)
        let loose = try Self.aggregate("a", sheets)
        #expect(loose?.widelyDisagree == false)
    }

    static func candidate(
        _ app: ApplicationID, _ sheets: [ScoreSheet], round: RoundID = "r1", category: GrantCategory = .training,
        submitted: Date = Fixture.taipei(2026, 6, 10)
    ) -> RankingCandidate {
        RankingCandidate(application: app, round: round, category: category, submittedAt: submitted, sheets: sheets)
    }

    @Test func ranksByMeanThenHeaviestCriterionThenSubmissionThenID() throws {
        // b, c, d, e all total 80.00. b scored importance (30%) lowest, so it ranks last of them even
        // though it was filed first and has the smallest ID; d was filed before c and e; c and e were
        // filed at the same time, so the ID decides.
        let b = S.sheet("b", "r1", [70, 90, 90, 85, 80, 75])  // 21 + 13.5 + 9 + 17 + 12 + 7.5 = 80
        let rankings = try Ranking.rank([
            Self.candidate("e", [Self.flat("e", "r1", 80)], submitted: F.taipei(2026, 6, 12)),
            Self.candidate("b", [b], submitted: F.taipei(2026, 6, 9)),
            Self.candidate("d", [Self.flat("d", "r1", 80)], submitted: F.taipei(2026, 6, 11)),
            Self.candidate("c", [Self.flat("c", "r1", 80)], submitted: F.taipei(2026, 6, 12)),
            Self.candidate("a", [Self.flat("a", "r1", 90)], submitted: F.taipei(2026, 6, 30)),
        ], bonus: .standard)
        #expect(try Self.rubric.total(of: b, bonus: .standard).total == .points(80))
        #expect(rankings.count == 1)
        #expect(rankings[0].ranked.map(\.application) == ["a", "d", "c", "e", "b"])
        #expect(rankings[0].ranked.map(\.rank) == [1, 2, 3, 4, 5])
    }

    @Test func heaviestCriterionMeansCompareExactlyAcrossReviewerCounts() throws {
        // b has two reviewers (importance 81 and 80, mean 80.5); a has one (importance 80).
        let b1 = S.sheet("b", "r1", [81, 80, 80, 80, 80, 80])  // 24.3 + 56 = 80.30
        let b2 = S.sheet("b", "r2", [80, 80, 80, 80, 80, 78])  // 79.80 → mean 80.05
        let a1 = S.sheet("a", "r1", [80, 80, 80, 80, 80, 80])  // 80.00
        let later = F.taipei(2026, 6, 20)
        let rankings = try Ranking.rank([Self.candidate("a", [a1]), Self.candidate("b", [b1, b2], submitted: later)],
                                        bonus: .standard)
        #expect(rankings[0].ranked.map(\.application) == ["b", "a"])  // 80.05 > 80.00
        // Equal means: importance decides (80.5 > 80), although b was filed later and sorts after a.
        let b3 = S.sheet("b", "r2", [80, 80, 80, 80, 80, 77])  // 79.70 → mean 80.00
        let tie = try Ranking.rank([Self.candidate("a", [a1]), Self.candidate("b", [b1, b3], submitted: later)],
                                   bonus: .standard)
        #expect(tie[0].ranked.map(\.score.mean) == [.points(80), .points(80)])
        #expect(tie[0].ranked.map(\.application) == ["b", "a"])
    }

    @Test func rankingsAreSeparatePerRoundAndCategory() throws {
        let inference = Rubric.standard(.inference)
        let rankings = try Ranking.rank([
            Self.candidate("t1", [Self.flat("t1", "r1", 70)]),
            Self.candidate("i1", [S.sheet("i1", "r1", [90, 90, 90, 90, 90], rubric: inference)], category: .inference),
            Self.candidate("t2", [Self.flat("t2", "r1", 60)], round: "r2"),
            Self.candidate("t3", [], round: "r1"),
            Self.candidate("t4", [S.sheet("t4", "r1", [1, 1, 1, 1, 1, 1], submit: false)]),
        ], bonus: .standard)
        #expect(rankings.map(\.round) == ["r1", "r1", "r2"])
        #expect(rankings.map(\.category) == [.training, .inference, .training])
        #expect(rankings[0].ranked.map(\.application) == ["t1"])
        #expect(rankings[0].unscored == ["t3", "t4"])
        #expect(rankings[1].ranked.map(\.application) == ["i1"])
        #expect(rankings[2].ranked.first?.rank == 1)
    }

    @Test func rankingIsDeterministicWhateverTheInputOrder() async throws {
        let candidates = (0..<12).map { index in
            Self.candidate(ApplicationID("a\(index)"),
                           [Self.flat(ApplicationID("a\(index)"), "r1", 60 + index % 4)],
                           submitted: F.taipei(2026, 6, 10 + index % 3))
        }
        let expected = try Ranking.rank(candidates, bonus: .standard)
        await propertyCheck(count: 100, input: Gen.shuffled(candidates)) { shuffled in
            let again = try Ranking.rank(shuffled, bonus: .standard)
            #expect(again == expected)
        }
        let means = expected[0].ranked.map(\.score.mean)
        #expect(means == means.sorted(by: >))
    }

    @Test func bonusCountsInTheMean() throws {
        let rankings = try Ranking.rank([
            Self.candidate("plain", [Self.flat("plain", "r1", 80)]),
            Self.candidate("bonus", [Self.flat("bonus", "r1", 79, bonus: [.fieldSiteMOU])]),
        ], bonus: .standard)
        #expect(rankings[0].ranked.map(\.application) == ["bonus", "plain"])
        #expect(rankings[0].ranked[0].score.mean == .points(81))
    }
}

@Suite struct ScoreVisibilityTests {
    static func panel() -> ReviewPanel {
        ReviewPanel(application: "a", assigned: ["r1", "r2", "r3"], sheets: [
            RankingTests.flat("a", "r1", 80),
            ScoringTests.sheet("a", "r2", [70, 70, 70, 70, 70, 70], submit: false),
            RankingTests.flat("a", "r3", 60),
            RankingTests.flat("a", "r4", 50),   // no longer assigned (declared a conflict)
            RankingTests.flat("b", "r1", 99),   // another application
        ])
    }

    @Test func othersAreVisibleOnlyAfterSubmittingOnesOwn() {
        let panel = Self.panel()
        // r2 has a draft: sees only it.
        #expect(panel.visibleScores(for: "r2").map(\.reviewer) == ["r2"])
        // r1 submitted: sees own, then the other submitted sheets — never r2's draft, never r4's.
        #expect(panel.visibleScores(for: "r1").map(\.reviewer) == ["r1", "r3"])
        #expect(panel.visibleScores(for: "r3").map(\.reviewer) == ["r3", "r1"])
    }

    @Test func strangersSeeNothing() {
        let panel = Self.panel()
        #expect(panel.visibleScores(for: "r4").isEmpty)
        #expect(panel.visibleScores(for: "r9").isEmpty)
    }

    @Test func aReviewerWithoutASheetSeesNothingYet() {
        var panel = Self.panel()
        panel.assigned.insert("r5")
        #expect(panel.visibleScores(for: "r5").isEmpty)
    }

    @Test func staffSeeSubmittedSheetsOfAssignedReviewers() {
        #expect(Self.panel().visibleScoresForStaff().map(\.reviewer) == ["r1", "r3"])
    }
}
