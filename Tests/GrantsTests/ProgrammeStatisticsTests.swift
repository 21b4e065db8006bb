@testable import Grants
import PropertyBased
import SuanliKit
import Testing

/// Statistics for the ministry (SPEC C4.6): applications, approvals, approval rates and the L1/L2/L3
/// share by round and category, startups and industry domains — exact counts, rounding at the edge.
@Suite struct ProgrammeStatisticsTests {
    static func fact(
        _ round: Int, _ category: GrantCategory, _ status: ApplicationStatus, _ level: GrantLevel? = nil,
        startup: Bool = false, domains: [String] = []
    ) -> ApplicationFact {
        ApplicationFact(round: RoundID("r\(round)"), roundNumber: round, category: category, status: status,
                        level: level, isStartup: startup, domains: domains)
    }

    /// Round 1 training: 6 filed, 3 approved (L1, L2 awarded, L3), 1 rejected, 1 ineligible, 1 in review.
    /// Round 1 inference: 2 filed, 1 approved L1, 1 withdrawn. Round 2 training: 1 lapsed. Plus 2 drafts.
    static let mixed: [ApplicationFact] = [
        fact(1, .training, .approved, .l1, startup: true, domains: ["manufacturing", "medical"]),
        fact(1, .training, .awarded, .l2, domains: ["manufacturing"]),
        fact(1, .training, .approved, .l3, startup: true, domains: ["finance", " finance "]),
        fact(1, .training, .rejected, startup: true, domains: ["manufacturing"]),
        fact(1, .training, .ineligible, domains: ["retail"]),
        fact(1, .training, .professionalReview, domains: [""]),
        fact(1, .training, .draft, startup: true, domains: ["manufacturing"]),
        fact(1, .inference, .awarded, .l1, domains: ["medical"]),
        fact(1, .inference, .withdrawn, startup: true),
        fact(2, .training, .lapsed),
        fact(2, .inference, .draft),
    ]

    @Test func emptyInputGivesZerosAndNoRates() {
        let stats = ProgrammeStatistics.compute([])
        #expect(stats.rounds.isEmpty)
        #expect(stats.overall == StatisticsTally())
        #expect(stats.draftsExcluded == 0)
        #expect(stats.overall.approvalRate.percentText == "—")
        #expect(stats.overall.levelShareTenths == [nil, nil, nil, nil])
        #expect(stats.tally(.training).filed == 0 && stats.tally(.inference).filed == 0)
        let rows = stats.csvRows(language: .zhTW)
        #expect(rows.count == 4)  // header, two category totals, overall
        #expect(rows.last?[0] == "全部梯次" && rows.last?[1] == "全部類別")
        #expect(stats.domainCSVRows(language: .en).count == 1)
    }

    @Test func draftsAreLeftOutAndCounted() {
        let stats = ProgrammeStatistics.compute([Self.fact(3, .training, .draft)])
        #expect(stats.draftsExcluded == 1)
        #expect(stats.rounds.isEmpty)
        #expect(stats.overall.filed == 0)
    }

    @Test func countsEachStatusWhereItBelongs() throws {
        let stats = ProgrammeStatistics.compute(Self.mixed)
        #expect(stats.draftsExcluded == 2)
        #expect(stats.rounds.map(\.roundNumber) == [1, 2])

        let training = try #require(stats.rounds.first).tally(.training)
        #expect(training.filed == 6)
        #expect(training.approved == 3 && training.awarded == 1)
        #expect(training.rejected == 1 && training.ineligible == 1 && training.inReview == 1)
        #expect(training.decided == 5)
        #expect(training.approvalRate == Proportion(3, of: 6))
        #expect(training.approvalRate.percentText == "50.0%")
        #expect(training.approvalRateOfDecided.percentText == "60.0%")
        #expect(training.count(.l1) == 1 && training.count(.l2) == 1 && training.count(.l3) == 1)
        #expect(training.pointsApproved == 9_000)
        #expect(training.startupsFiled == 3 && training.startupsApproved == 2)
        #expect(training.startupShareOfFiled.percentText == "50.0%")
        #expect(training.startupShareOfApproved.percentText == "66.7%")

        let inference = stats.rounds[0].tally(.inference)
        #expect(inference.filed == 2 && inference.approved == 1 && inference.withdrawn == 1)
        #expect(inference.approvalRateOfDecided.percentText == "100.0%")

        // A round with only a lapsed training application still lists inference, with zeros.
        let second = stats.rounds[1]
        #expect(second.tally(.training).lapsed == 1 && second.tally(.training).approvalRate.percentText == "0.0%")
        #expect(second.tally(.inference) == StatisticsTally())
        #expect(second.tally(.inference).approvalRate.percentText == "—")

        #expect(stats.tally(.training).filed == 7)
        #expect(stats.overall.filed == 9 && stats.overall.approved == 4)
        #expect(stats.overall.pointsApproved == 10_000)
        #expect(stats.rounds[0].total.filed == 8)
    }

    @Test func everyFiledApplicationIsCountedExactlyOnce() {
        let stats = ProgrammeStatistics.compute(Self.mixed)
        let slices = stats.rounds.flatMap { round in GrantCategory.allCases.map(round.tally) + [round.total] }
            + GrantCategory.allCases.map(stats.tally) + [stats.overall]
        for tally in slices {
            #expect(tally.filed == tally.inReview + tally.approved + tally.rejected + tally.ineligible
                + tally.withdrawn + tally.lapsed)
            #expect(GrantLevel.allCases.map(tally.count).reduce(0, +) + tally.approvedWithoutLevel == tally.approved)
        }
        let cells = stats.rounds.flatMap { round in GrantCategory.allCases.map(round.tally) }
        #expect(cells.map(\.filed).reduce(0, +) == stats.overall.filed)
        #expect(stats.rounds.map(\.total.approved).reduce(0, +) == stats.overall.approved)
    }

    @Test(arguments: [
        (1, 3, "33.3%"), (2, 3, "66.7%"), (1, 8, "12.5%"), (1, 2_000, "0.1%"), (1, 2_001, "0.0%"),
        (0, 5, "0.0%"), (5, 5, "100.0%"), (1, 6, "16.7%"), (0, 0, "—"),
    ])
    func percentagesRoundHalfUpToOneDecimal(_ numerator: Int, _ denominator: Int, _ text: String) {
        #expect(Proportion(numerator, of: denominator).percentText == text)
    }

    @Test func levelSharesAddUpToExactlyOneHundredPercent() {
        // Rounded one by one, thirds show 33.3% three times: 99.9%. Apportioned, they add up.
        #expect(Proportion.apportionedTenths([1, 1, 1, 0]) == [334, 333, 333, 0])
        #expect(Proportion.apportionedTenths([2, 1, 0, 0]) == [667, 333, 0, 0])
        #expect(Proportion.apportionedTenths([1, 1, 1, 1, 1, 1]) == [167, 167, 167, 167, 166, 166])
        let stats = ProgrammeStatistics.compute(Self.mixed)
        #expect(stats.rounds[0].tally(.training).levelShareTenths == [334, 333, 333, 0])
        #expect(stats.overall.levelShareTenths == [500, 250, 250, 0])
    }

    @Test func apportionedSharesAlwaysAddUpAndStayWithinATenthOfExact() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...500).array(of: 1...6)) { parts in
            let total = parts.reduce(0, +)
            let tenths = Proportion.apportionedTenths(parts)
            guard total > 0 else {
                #expect(tenths.allSatisfy { $0 == nil })
                return
            }
            let values = tenths.compactMap { $0 }
            #expect(values.count == parts.count)
            #expect(values.reduce(0, +) == 1_000)
            for (part, shown) in zip(parts, values) {
                let floor = part * 1_000 / total
                #expect(shown == floor || shown == floor + 1)
                if part == 0 { #expect(shown == 0) }
            }
        }
    }

    @Test func domainsCountOncePerApplicationInEachDomain() {
        let stats = ProgrammeStatistics.compute(Self.mixed)
        #expect(stats.overall.domainsFiled == ["manufacturing": 3, "medical": 2, "finance": 1, "retail": 1])
        #expect(stats.overall.domainsApproved == ["manufacturing": 2, "medical": 2, "finance": 1])
        #expect(stats.tally(.inference).domainsFiled == ["medical": 1])

        let names: [String: Bilingual] = ["manufacturing": Bilingual(zh: "製造", en: "Manufacturing")]
        let rows = stats.domainCSVRows(language: .zhTW) { names[$0] }
        #expect(rows == [
            ["產業領域", "申請件數", "占申請件數比", "通過件數", "占通過件數比"],
            ["製造", "3", "33.3%", "2", "50.0%"],
            ["medical", "2", "22.2%", "2", "50.0%"],
            ["finance", "1", "11.1%", "1", "25.0%"],
            ["retail", "1", "11.1%", "0", "0.0%"],
        ])
    }

    @Test func csvRowsHaveAHeaderPerLanguageAndOneShape() throws {
        let stats = ProgrammeStatistics.compute(Self.mixed)
        let zh = stats.csvRows(language: .zhTW)
        let en = stats.csvRows(language: .en)
        // Header; per round 2 categories + total; 2 category totals; overall.
        #expect(zh.count == 1 + 2 * 3 + 2 + 1 && en.count == zh.count)
        #expect(zh[0].prefix(3) == ["梯次", "類別", "申請件數"])
        #expect(en[0].prefix(3) == ["Round", "Category", "Applications filed"])
        #expect(!zh[0].contains("未定級別"))
        for row in zh + en { #expect(row.count == zh[0].count) }

        let header = en[0]
        let training = try #require(en.first { $0[0] == "Round 1" && $0[1] == "Model training" })
        func cell(_ column: String) -> String? { header.firstIndex(of: column).map { training[$0] } }
        #expect(cell("Applications filed") == "6")
        #expect(cell("Approval rate (approved ÷ filed)") == "50.0%")
        #expect(cell("Approval rate (approved ÷ decided)") == "60.0%")
        #expect(cell("L1 approved") == "1" && cell("L1 share") == "33.4%" && cell("L3 share") == "33.3%")
        #expect(cell("Startup share of approved") == "66.7%")
        #expect(cell("Points approved") == "9000")
        #expect(zh[3][0] == "第 1 梯次" && zh[3][1] == "全部類別")
        #expect(zh.last?.prefix(5) == ["全部梯次", "全部類別", "9", "1", "4"])
    }

    @Test func anApprovalWithoutLevelIsShownRatherThanLost() {
        let facts = [Self.fact(1, .inference, .approved), Self.fact(1, .inference, .approved, .l2)]
        let stats = ProgrammeStatistics.compute(facts)
        #expect(stats.overall.approvedWithoutLevel == 1)
        #expect(stats.overall.levelShareTenths == [0, 500, 0, 500])
        let header = stats.csvRows(language: .en)[0]
        #expect(header.contains("No level") && header.contains("No level share"))
    }

    @Test func roundsAreOrderedByNumberWhateverTheInputOrder() {
        let facts = [Self.fact(3, .training, .submitted), Self.fact(1, .inference, .submitted),
                     Self.fact(2, .training, .submitted)]
        #expect(ProgrammeStatistics.compute(facts).rounds.map(\.roundNumber) == [1, 2, 3])
        #expect(ProgrammeStatistics.compute(facts.reversed()) == ProgrammeStatistics.compute(facts))
    }
}
