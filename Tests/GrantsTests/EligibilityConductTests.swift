import SuanliKit
import Testing

@testable import Grants

/// SPEC C2.3 / 須知 貳、四、五: declarations decide unless a recorded sanction contradicts them.
@Suite struct EligibilityConductTests {
    typealias F = RegistryFixtures

    func report(
        sanctions: [RegistrySanction] = [], breach: Bool? = true, violation: Bool? = true
    ) -> EligibilityReport {
        var record = F.taxRecord()
        record.sanctions = sanctions
        var declarations = F.allDeclared
        declarations.noGovernmentProjectBreach = breach.map { ApplicantDeclaration($0, givenAt: F.declaredAt) }
        declarations.noSeriousViolation = violation.map { ApplicantDeclaration($0, givenAt: F.declaredAt) }
        return F.evaluate(F.snapshot([record]), declarations)
    }

    @Test(arguments: [
        (true as Bool?, EligibilityOutcome.pass), (false, .fail), (nil, .unknown),
    ])
    func declarationsDecideWithoutSanctions(declared: Bool?, outcome: EligibilityOutcome) {
        let result = report(breach: declared, violation: declared)
        #expect(result.result(for: .noGovernmentProjectBreach)?.outcome == outcome)
        #expect(result.result(for: .noSeriousViolation)?.outcome == outcome)
    }

    @Test(arguments: [
        (RegistrySanction.Kind.governmentProjectBreach, EligibilityRuleID.noGovernmentProjectBreach),
        (.environmental, .noSeriousViolation), (.labour, .noSeriousViolation), (.foodSafety, .noSeriousViolation),
        (.disabilityRights, .noSeriousViolation),
    ])
    func sanctionInsideThreeYearsFailsDespiteTheDeclaration(kind: RegistrySanction.Kind, rule: EligibilityRuleID) {
        let sanction = RegistrySanction(
            kind: kind, decidedOn: F.day("2023-07-01"), authority: "主管機關", reference: "字第1號")
        let result = report(sanctions: [sanction])
        #expect(result.result(for: rule)?.outcome == .fail)
        #expect(result.result(for: rule)?.explanation.zh.contains("與申請人的聲明不符") == true)
        #expect(result.result(for: rule)?.data.first?.value.zh.contains("字第1號") == true)
        #expect(result.result(for: rule)?.data.first?.origin == .sanctionRecord)
        let other: EligibilityRuleID = rule == .noSeriousViolation ? .noGovernmentProjectBreach : .noSeriousViolation
        #expect(result.result(for: other)?.outcome == .pass)
    }

    @Test func sanctionOlderThanThreeYearsIsIgnoredUnlessStillSuspended() {
        let old = RegistrySanction(
            kind: .governmentProjectBreach, decidedOn: F.day("2023-06-30"), authority: "a", reference: "r")
        #expect(report(sanctions: [old]).result(for: .noGovernmentProjectBreach)?.outcome == .pass)
        var suspended = old
        suspended.suspendedUntil = F.day("2026-07-01")
        let result = report(sanctions: [suspended]).result(for: .noGovernmentProjectBreach)
        #expect(result?.outcome == .fail)
        #expect(result?.data.first?.value.zh.contains("停權至 民國115年7月1日") == true)
    }

    @Test(arguments: [("2026-07-01", "2023-07-01"), ("2028-02-29", "2025-02-28"), ("2024-03-01", "2021-03-01")])
    func lookbackStartsTheSameDayThreeYearsEarlier(day: String, start: String) {
        #expect(EligibilityPolicy().lookbackStart(from: F.day(day)).isoForm == start)
    }
}
