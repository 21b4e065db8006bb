import SuanliKit

/// Scores of one application across its reviewers (SPEC C4.4): the mean of the reviewers' totals,
/// and a warning when they disagree widely, so the meeting looks at that application again.
public struct AggregateScore: Hashable, Sendable {
    public let application: ApplicationID
    /// Each reviewer's published total (with bonus), lowest first. (Reviewers are not named here: the
    /// ranking shows the spread of opinion, not who gave which score.)
    public let reviewerTotals: [Score]
    /// Mean of the reviewers' exact totals, rounded half-up to hundredths once — the mean of the
    /// rounded totals can differ from it by 0.01, and this one is the correct value.
    public let mean: Score
    /// Highest minus lowest reviewer total, as published.
    public let spread: Score
    /// The spread is *more than* the programme's threshold (20.00 by default): 20.00 exactly is not.
    public let widelyDisagree: Bool
    /// Sum and count of the scores on the rubric's heaviest criterion, the first tie-breaker.
    let heaviestCriterionSum: Int

    public var reviewerCount: Int { reviewerTotals.count }
}

public enum ScoreAggregation {
    public static let defaultDisagreementSpread = Score.points(20)

    /// Aggregates the *submitted* sheets; drafts are a reviewer's private notes. Nil when no sheet
    /// has been submitted yet.
    public static func aggregate(
        application: ApplicationID, sheets: [ScoreSheet], rubric: Rubric, bonus: BonusPolicy,
        disagreementSpread: Score = defaultDisagreementSpread
    ) throws(GrantsError) -> AggregateScore? {
        let submitted = sheets.filter { $0.isSubmitted && $0.application == application }
        guard !submitted.isEmpty else { return nil }
        var reviewers = Set<ReviewerID>()
        var figures: [SheetFigures] = []
        for sheet in submitted {
            guard reviewers.insert(sheet.reviewer).inserted else { throw .duplicateScoreSheet(sheet.reviewer, application) }
            figures.append(try SheetFigures(sheet, rubric: rubric, bonus: bonus))
        }
        return aggregate(application: application, figures: figures, disagreementSpread: disagreementSpread)
    }

    /// The same aggregate from each submitted sheet's figures, as the store keeps them beside the
    /// sheet (a round's ranking then reads a few integers per application instead of every sheet).
    public static func aggregate(
        application: ApplicationID, figures: [SheetFigures], disagreementSpread: Score = defaultDisagreementSpread
    ) -> AggregateScore? {
        guard !figures.isEmpty else { return nil }
        let exactSum = figures.reduce(0) { $0 + $1.exact }
        let totals = figures.map(\.total).sorted()
        let mean = Score(hundredths: IntegerRounding.halfUp.divide(exactSum, by: 100 * figures.count))
        let spread = totals.last! - totals.first!
        return AggregateScore(
            application: application, reviewerTotals: totals, mean: mean, spread: spread,
            widelyDisagree: spread > disagreementSpread, heaviestCriterionSum: figures.reduce(0) { $0 + $1.heaviest })
    }
}

/// What aggregation needs of one submitted sheet: its exact weighted total with bonus (ten-thousandths
/// of a point), that total as published (hundredths), and its score on the rubric's heaviest criterion.
/// They depend on the rubric and bonus policy, so a stored copy is dropped when either is amended.
public struct SheetFigures: Hashable, Sendable {
    public let exact: Int
    public let heaviest: Int

    public init(exact: Int, heaviest: Int) {
        self.exact = exact
        self.heaviest = heaviest
    }

    public init(_ sheet: ScoreSheet, rubric: Rubric, bonus: BonusPolicy) throws(GrantsError) {
        let total = try rubric.total(of: sheet, bonus: bonus)
        exact = total.exact
        heaviest = sheet.scores[rubric.heaviest] ?? 0
    }

    /// The reviewer's total as published: rounded half-up to hundredths, once.
    public var total: Score { Score(hundredths: IntegerRounding.halfUp.divide(exact, by: 100)) }
}
