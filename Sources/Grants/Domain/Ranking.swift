import Foundation

/// The ranked list per round and category that the review meeting (training) or the operator
/// (inference) decides from (SPEC C4.4). Order, every step deterministic:
/// 1. higher mean total (as published, in hundredths);
/// 2. higher mean score on the rubric's heaviest criterion (專案重要性 in both standard rubrics) —
///    the tie rule Taiwanese review committees use, "總分相同者，以配分最高之項目得分較高者優先";
///    means with different reviewer counts are compared exactly by cross-multiplying;
/// 3. earlier submission (the server-clock time the application was filed);
/// 4. application ID, so that two runs over the same data never differ.
/// Ranks are 1, 2, 3 … with no shared ranks; an equal published mean is visible in the list.
public struct RankingCandidate: Hashable, Sendable {
    public var application: ApplicationID
    public var round: RoundID
    public var category: GrantCategory
    public var submittedAt: Date
    public var sheets: [ScoreSheet]
    /// The submitted sheets' figures, when the store already has them (then `sheets` is not read).
    public var figures: [SheetFigures]?

    public init(
        application: ApplicationID, round: RoundID, category: GrantCategory, submittedAt: Date,
        sheets: [ScoreSheet]
    ) {
        self.application = application
        self.round = round
        self.category = category
        self.submittedAt = submittedAt
        self.sheets = sheets
    }

    public init(
        application: ApplicationID, round: RoundID, category: GrantCategory, submittedAt: Date,
        figures: [SheetFigures]
    ) {
        self.init(application: application, round: round, category: category, submittedAt: submittedAt, sheets: [])
        self.figures = figures
    }
}

public struct RankedApplication: Hashable, Sendable {
    public let rank: Int
    public let application: ApplicationID
    public let submittedAt: Date
    public let score: AggregateScore
}

public struct RoundRanking: Hashable, Sendable {
    public let round: RoundID
    public let category: GrantCategory
    public let ranked: [RankedApplication]
    /// Applications nobody has submitted a score for yet, by ID; not ranked.
    public let unscored: [ApplicationID]
}

public enum Ranking {
    public static func rank(
        _ candidates: [RankingCandidate], rubrics: [GrantCategory: Rubric] = [:], bonus: BonusPolicy,
        disagreementSpread: Score = ScoreAggregation.defaultDisagreementSpread
    ) throws(GrantsError) -> [RoundRanking] {
        let groups = Dictionary(grouping: candidates) { GroupKey(round: $0.round, category: $0.category) }
        var rankings: [RoundRanking] = []
        for key in groups.keys.sorted() {
            let rubric = rubrics[key.category] ?? .standard(key.category)
            var scored: [(RankingCandidate, AggregateScore)] = []
            var unscored: [ApplicationID] = []
            for candidate in groups[key]! {
                let aggregate: AggregateScore?
                if let figures = candidate.figures {
                    aggregate = ScoreAggregation.aggregate(application: candidate.application, figures: figures,
                                                           disagreementSpread: disagreementSpread)
                } else {
                    aggregate = try ScoreAggregation.aggregate(
                        application: candidate.application, sheets: candidate.sheets, rubric: rubric,
                        bonus: bonus, disagreementSpread: disagreementSpread)
                }
                if let aggregate {
                    scored.append((candidate, aggregate))
                } else {
                    unscored.append(candidate.application)
                }
            }
            scored.sort { ranksBefore($0, $1) }
            let ranked = scored.enumerated().map { index, pair in
                RankedApplication(rank: index + 1, application: pair.0.application,
                                  submittedAt: pair.0.submittedAt, score: pair.1)
            }
            rankings.append(RoundRanking(round: key.round, category: key.category, ranked: ranked,
                                         unscored: unscored.sorted()))
        }
        return rankings
    }

    static func ranksBefore(
        _ a: (RankingCandidate, AggregateScore), _ b: (RankingCandidate, AggregateScore)
    ) -> Bool {
        if a.1.mean != b.1.mean { return a.1.mean > b.1.mean }
        // sumA / countA > sumB / countB  ⇔  sumA × countB > sumB × countA (counts are positive).
        let heavierA = a.1.heaviestCriterionSum * b.1.reviewerCount
        let heavierB = b.1.heaviestCriterionSum * a.1.reviewerCount
        if heavierA != heavierB { return heavierA > heavierB }
        if a.0.submittedAt != b.0.submittedAt { return a.0.submittedAt < b.0.submittedAt }
        return a.0.application < b.0.application
    }

    struct GroupKey: Hashable, Comparable {
        var round: RoundID
        var category: GrantCategory

        static func < (lhs: GroupKey, rhs: GroupKey) -> Bool {
            (lhs.round, lhs.category) < (rhs.round, rhs.category)
        }
    }
}
