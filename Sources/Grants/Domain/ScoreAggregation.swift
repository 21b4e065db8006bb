import SuanliKit

/// Scores of one application across its reviewers (SPEC C4.4): the mean of the reviewers' totals,
/// and a warning when they disagree widely, so the meeting looks at that application again.
public struct AggregateScore: Hashable, Sendable {
    public let application: ApplicationID
    /// Each reviewer's published total (with bonus), by reviewer ID.
    public let reviewerTotals: [ReviewerID: Score]
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
        var totals: [ReviewerID: Score] = [:]
        var exactSum = 0, heaviestSum = 0
        for sheet in submitted {
            guard totals[sheet.reviewer] == nil else { throw .duplicateScoreSheet(sheet.reviewer, application) }
            let total = try rubric.total(of: sheet, bonus: bonus)
            totals[sheet.reviewer] = total.total
            exactSum += total.exact
            heaviestSum += sheet.scores[rubric.heaviest]!
        }
        let mean = Score(hundredths: IntegerRounding.halfUp.divide(exactSum, by: 100 * submitted.count))
        let spread = totals.values.max()! - totals.values.min()!
        return AggregateScore(
            application: application, reviewerTotals: totals, mean: mean, spread: spread,
            widelyDisagree: spread > disagreementSpread, heaviestCriterionSum: heaviestSum)
    }
}
