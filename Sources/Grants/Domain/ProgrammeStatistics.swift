import Foundation
import SuanliKit

/// One application as the ministry's statistics see it (SPEC C4.6): no names, no content, only what
/// is counted. The Store builds these from its rows; everything here is pure aggregation.
public struct ApplicationFact: Hashable, Sendable {
    public var round: RoundID
    /// 第 n 梯次; orders the rounds and labels them like `Round.label`.
    public var roundNumber: Int
    public var category: GrantCategory
    public var status: ApplicationStatus
    /// The level approved or awarded; nil before a decision.
    public var level: GrantLevel?
    /// Established on or after 2018-01-01 (SPEC C2.2).
    public var isStartup: Bool
    /// Industry-domain keys from the form (SPEC C3.2: 醫療健康, 製造, …); several are allowed.
    public var domains: [String]

    public init(
        round: RoundID, roundNumber: Int, category: GrantCategory, status: ApplicationStatus,
        level: GrantLevel? = nil, isStartup: Bool = false, domains: [String] = []
    ) {
        self.round = round
        self.roundNumber = roundNumber
        self.category = category
        self.status = status
        self.level = level
        self.isStartup = isStartup
        self.domains = domains
    }
}

/// The counts for one slice (a round and category, a category, a round, or everything).
///
/// Definitions, fixed here so every report means the same thing:
/// - **filed** (申請件數): every application that was submitted, i.e. every status but `draft`.
///   Withdrawn and lapsed applications were received, so they count as filed — unlike
///   `ApplicationStatus.holdsRoundPlace`, which asks whether the company still occupies the round.
/// - **approved** (通過件數): `approved` or `awarded`; **awarded** (已核定) is the part confirmed by the
///   ministry. **decided** = approved + rejected + ineligible; withdrawals and lapses are not decisions.
/// - **in review**: submitted and not yet decided, withdrawn or lapsed.
/// - **approval rate** (通過率) = approved ÷ filed, the FAQ's figure. While a round is still under
///   review that rate grows, so approved ÷ decided is given beside it; both are exact fractions.
/// - **level shares**: of approved applications. **startup shares**: of filed and of approved.
/// - **domains**: an application with several domains counts once in each, so domain shares can add
///   up to more than 100%.
public struct StatisticsTally: Hashable, Sendable {
    public private(set) var filed = 0
    public private(set) var inReview = 0
    public private(set) var approved = 0
    public private(set) var awarded = 0
    public private(set) var rejected = 0
    public private(set) var ineligible = 0
    public private(set) var withdrawn = 0
    public private(set) var lapsed = 0
    public private(set) var levels: [GrantLevel: Int] = [:]
    /// Approved without a level: cannot happen through the state machine, so non-zero means bad data —
    /// counted rather than dropped so that the level counts still add up to `approved`.
    public private(set) var approvedWithoutLevel = 0
    public private(set) var startupsFiled = 0
    public private(set) var startupsApproved = 0
    public private(set) var domainsFiled: [String: Int] = [:]
    public private(set) var domainsApproved: [String: Int] = [:]

    public init() {}

    public var decided: Int { approved + rejected + ineligible }
    public var approvalRate: Proportion { Proportion(approved, of: filed) }
    public var approvalRateOfDecided: Proportion { Proportion(approved, of: decided) }
    public var startupShareOfFiled: Proportion { Proportion(startupsFiled, of: filed) }
    public var startupShareOfApproved: Proportion { Proportion(startupsApproved, of: approved) }

    public func count(_ level: GrantLevel) -> Int { levels[level, default: 0] }
    public func share(_ level: GrantLevel) -> Proportion { Proportion(count(level), of: approved) }

    /// L1, L2, L3 (then "no level") shares of approved applications, in tenths of a percent, adding up
    /// to exactly 100.0% (`Proportion.apportionedTenths`).
    public var levelShareTenths: [Int?] {
        Proportion.apportionedTenths(GrantLevel.allCases.map(count) + [approvedWithoutLevel])
    }

    /// Points of all approved applications at their levels (SPEC C1.3).
    public var pointsApproved: Int {
        levels.reduce(0) { $0 + $1.key.points * $1.value }
    }

    mutating func add(_ fact: ApplicationFact) {
        let isApproved: Bool
        switch fact.status {
        case .draft:
            return
        case .submitted, .eligibilityReview, .correctionRequested, .resubmitted, .professionalReview,
             .reviewMeeting:
            inReview += 1
            isApproved = false
        case .approved, .awarded:
            approved += 1
            if fact.status == .awarded { awarded += 1 }
            if let level = fact.level { levels[level, default: 0] += 1 } else { approvedWithoutLevel += 1 }
            isApproved = true
        case .rejected:
            rejected += 1
            isApproved = false
        case .ineligible:
            ineligible += 1
            isApproved = false
        case .withdrawn:
            withdrawn += 1
            isApproved = false
        case .lapsed:
            lapsed += 1
            isApproved = false
        }
        filed += 1
        if fact.isStartup {
            startupsFiled += 1
            if isApproved { startupsApproved += 1 }
        }
        for domain in ApplicationFact.domainKeys(fact.domains) {
            domainsFiled[domain, default: 0] += 1
            if isApproved { domainsApproved[domain, default: 0] += 1 }
        }
    }
}

extension ApplicationFact {
    /// Trimmed, non-empty and each once, so a form that sent "製造" twice still counts one application.
    static func domainKeys(_ domains: [String]) -> Set<String> {
        // SuanliKit's trim, not Foundation's: bridging through NSString was half the statistics page's time.
        Set(domains.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty })
    }
}

/// Statistics for the ministry (SPEC C4.6; FAQ: approval rates, L1/L2/L3 share): per round and
/// category, per round, per category and overall. Drafts are left out entirely (`draftsExcluded` says
/// how many), so a round appears only once something was filed in it; every category is listed for
/// every round that appears, with zeros where nothing was filed, so tables keep their shape.
public struct ProgrammeStatistics: Hashable, Sendable {
    public struct RoundSlice: Hashable, Sendable {
        public let round: RoundID
        public let roundNumber: Int
        public let byCategory: [GrantCategory: StatisticsTally]
        public let total: StatisticsTally

        public var label: Bilingual { Bilingual(zh: "第 \(roundNumber) 梯次", en: "Round \(roundNumber)") }

        public func tally(_ category: GrantCategory) -> StatisticsTally {
            byCategory[category] ?? StatisticsTally()
        }
    }

    /// By round number, then round ID.
    public let rounds: [RoundSlice]
    public let byCategory: [GrantCategory: StatisticsTally]
    public let overall: StatisticsTally
    public let draftsExcluded: Int

    public func tally(_ category: GrantCategory) -> StatisticsTally { byCategory[category] ?? StatisticsTally() }

    public static func compute(_ facts: [ApplicationFact]) -> ProgrammeStatistics {
        let filed = facts.filter { $0.status != .draft }
        var numbers: [RoundID: Int] = [:]
        var cells: [RoundID: [GrantCategory: StatisticsTally]] = [:]
        var roundTotals: [RoundID: StatisticsTally] = [:]
        var byCategory: [GrantCategory: StatisticsTally] = [:]
        var overall = StatisticsTally()
        for fact in filed {
            // The lowest number wins should rows disagree, so the order does not depend on row order.
            numbers[fact.round] = min(numbers[fact.round] ?? fact.roundNumber, fact.roundNumber)
            cells[fact.round, default: [:]][fact.category, default: StatisticsTally()].add(fact)
            roundTotals[fact.round, default: StatisticsTally()].add(fact)
            byCategory[fact.category, default: StatisticsTally()].add(fact)
            overall.add(fact)
        }
        for category in GrantCategory.allCases where byCategory[category] == nil {
            byCategory[category] = StatisticsTally()
        }
        let rounds = numbers.keys
            .sorted { (numbers[$0]!, $0) < (numbers[$1]!, $1) }
            .map { id in
                var row = cells[id] ?? [:]
                for category in GrantCategory.allCases where row[category] == nil { row[category] = StatisticsTally() }
                return RoundSlice(round: id, roundNumber: numbers[id]!, byCategory: row, total: roundTotals[id]!)
            }
        return ProgrammeStatistics(
            rounds: rounds, byCategory: byCategory, overall: overall, draftsExcluded: facts.count - filed.count)
    }
}
