import SuanliKit
import Testing

@testable import Grants

/// SPEC C2.2: established on/after 2018-01-01 → priority flag; never affects the verdict.
@Suite struct EligibilityStartupTests {
    typealias F = RegistryFixtures

    @Test(arguments: [
        ("2018-01-01", EligibilityOutcome.pass), ("2025-12-31", .pass), ("2017-12-31", .fail), ("1996-03-01", .fail),
    ])
    func cutOffIsInclusive(established: String, outcome: EligibilityOutcome) {
        let report = F.evaluate(F.snapshot([F.taxRecord(established: established)], loaded: [.chineseCapitalList]))
        #expect(report.result(for: .startupPriority)?.outcome == outcome)
        #expect(report.startupPriority == (outcome == .pass))
        #expect(report.verdict == .pass)  // a flag, not a requirement
    }

    @Test func companyRegistryDateWinsAndIsNamedAsTheSource() throws {
        let snapshot = F.snapshot([F.taxRecord(established: "2018-01-02"), F.gcisRecord(established: "2017-12-28")])
        let result = try #require(F.evaluate(snapshot).result(for: .startupPriority))
        #expect(result.outcome == .fail)
        #expect(result.data.first?.origin == .registry(.companyRegistry))
        #expect(result.data.first?.value.zh == "民國106年12月28日")
        #expect(result.explanation.zh.contains("不影響申請資格"))
    }

    @Test func unknownWithoutADateAndStillNoEffectOnTheVerdict() {
        let report = F.evaluate(F.snapshot([F.taxRecord(established: nil)], loaded: [.chineseCapitalList]))
        #expect(report.result(for: .startupPriority)?.outcome == .unknown)
        #expect(report.startupPriority == nil)
        #expect(report.verdict == .pass)
    }
}
