import SuanliKit
import Testing

@testable import Grants

/// SPEC C2.3 / 須知 貳、三: registry evidence decides; a declaration passes only when checked.
@Suite struct EligibilityChineseCapitalTests {
    typealias F = RegistryFixtures

    static let listed = RegistryRecord(
        taxID: RegistryFixtures.software, name: "雲杉", source: .chineseCapitalList, chineseCapital: true,
        chineseCapitalApprovedOn: ROCDate(rocYear: 110, month: 4, day: 12))

    func rule(_ snapshot: RegistrySnapshot, declared: Bool? = true) -> EligibilityRuleResult {
        var declarations = F.allDeclared
        declarations.notChineseCapital = declared.map { ApplicantDeclaration($0, givenAt: F.declaredAt) }
        return F.evaluate(snapshot, declarations).result(for: .notChineseCapital)!
    }

    @Test func onTheListFailsAndContradictsTheDeclaration() {
        let result = rule(F.snapshot([F.taxRecord(), Self.listed]))
        #expect(result.outcome == .fail)
        #expect(result.explanation.zh.contains("與申請人的聲明不符"))
        #expect(result.data.contains { $0.value.zh == "列名（核准日期 民國110年4月12日）" })
    }

    @Test func shareholdingStatusFails() {
        #expect(rule(F.snapshot([F.gcisRecord(chineseCapital: true)])).outcome == .fail)
    }

    @Test func mainlandBranchFails() {
        #expect(rule(F.snapshot([F.taxRecord(form: .mainlandCompanyBranch)], loaded: [.chineseCapitalList])).outcome
            == .fail)
    }

    @Test func declaredAndListCheckedPasses() {
        let result = rule(F.snapshot([F.taxRecord()], loaded: [.chineseCapitalList], date: F.day("2026-06-01")))
        #expect(result.outcome == .pass)
        #expect(result.data.contains { $0.value.zh.hasPrefix("未列名") && $0.value.zh.contains("民國115年6月1日") })
    }

    @Test func declaredAndShareholdingStatusCheckedPasses() {
        #expect(rule(F.snapshot([F.gcisRecord(chineseCapital: false)])).outcome == .pass)
    }

    @Test func declaredButNothingCheckedIsUnknown() {
        let result = rule(F.snapshot([F.taxRecord(), F.gcisRecord()]))
        #expect(result.outcome == .unknown)
        #expect(result.explanation.zh.contains("尚未匯入陸資來臺投資事業名錄"))
    }

    @Test func notDeclaredIsUnknownAndDeclaredNoFails() {
        let snapshot = F.snapshot([F.taxRecord()], loaded: [.chineseCapitalList])
        #expect(rule(snapshot, declared: nil).outcome == .unknown)
        #expect(rule(snapshot, declared: false).outcome == .fail)
    }
}
