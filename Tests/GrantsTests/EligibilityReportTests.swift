import Foundation
import SuanliKit
import Testing

@testable import Grants

/// SPEC C2.5: every rule listed with its ID, data and explanation; the verdict; operator overrides.
@Suite struct EligibilityReportTests {
    typealias F = RegistryFixtures

    static let operatorActor = GrantsActor(id: "op-1", role: .operator)
    static let clean = RegistryFixtures.snapshot(
        [RegistryFixtures.taxRecord(), RegistryFixtures.gcisRecord(chineseCapital: false)])

    @Test func listsEveryRuleInSpecOrderWithBilingualText() {
        let report = F.evaluate(Self.clean)
        #expect(report.results.map(\.rule.rawValue) == ["C2.1", "C2.2", "C2.3.1", "C2.3.2", "C2.3.3", "C2.3.4",
                                                        "C2.4.1", "C2.4.2"])
        for result in report.results {
            #expect(!result.title.zh.isEmpty && !result.title.en.isEmpty)
            #expect(!result.explanation.zh.isEmpty && !result.explanation.en.isEmpty)
            #expect(!result.rule.basis.isEmpty)
        }
        #expect(report.verdict == .pass)
        #expect(report.taxID == F.software && report.evaluatedOn == F.evaluationDay)
    }

    @Test func anyFailFailsAndUnknownsNeedTheOperator() {
        #expect(F.evaluate(F.snapshot([F.taxRecord(codes: ["108999"])])).verdict == .fail)
        var declarations = F.allDeclared
        declarations.noSeriousViolation = nil
        #expect(F.evaluate(Self.clean, declarations).verdict == .needsOperatorDecision)
        declarations.noGovernmentProjectBreach = ApplicantDeclaration(false, givenAt: F.declaredAt)
        #expect(F.evaluate(Self.clean, declarations).verdict == .fail)  // fail beats unknown
        #expect(F.evaluate(RegistrySnapshot(), ApplicantDeclarations()).verdict == .needsOperatorDecision)
    }

    func decide(
        _ report: EligibilityReport, _ rule: EligibilityRuleID, _ decision: EligibilityOverride.Decision,
        reason: String?, by actor: GrantsActor = operatorActor
    ) -> Result<EligibilityOverride, UserFacingError> {
        EligibilityOverride.make(
            on: report.result(for: rule)!, decision: decision, reason: reason, by: actor, at: F.declaredAt)
    }

    @Test func overridingAnUnknownWithAReasonSettlesTheVerdict() throws {
        var declarations = F.allDeclared
        declarations.noSeriousViolation = nil
        let report = F.evaluate(Self.clean, declarations)
        let decision = try decide(report, .noSeriousViolation, .setOutcome(.pass), reason: "  已補交聲明書（紙本）  ").get()
        #expect(decision.reason == "已補交聲明書（紙本）")
        #expect(decision.changesOutcome && decision.outcome == .pass && decision.computed == .unknown)
        let decided = try report.applying(decision).get()
        #expect(decided.verdict == .pass)
        #expect(decided.effectiveOutcome(of: .noSeriousViolation) == .pass)
        #expect(decided.result(for: .noSeriousViolation)?.outcome == .unknown)  // the computed result stays
    }

    @Test func changingAnOutcomeRequiresAReason() throws {
        let report = F.evaluate(F.snapshot([F.taxRecord(codes: ["108999"])], loaded: [.chineseCapitalList]))
        for reason in [nil, "", "  \u{3000} "] as [String?] {
            guard case .failure(let error) = decide(report, .industry, .setOutcome(.pass), reason: reason) else {
                Issue.record("accepted an override without a reason")
                continue
            }
            #expect(error.code == "eligibility.override.reason")
            #expect(error.fields.map(\.field) == ["reason"])
            #expect(error.zh.contains("C2.1"))
        }
        let decided = try report.applying(decide(report, .industry, .setOutcome(.pass), reason: "已完成變更登記").get()).get()
        #expect(decided.verdict == .pass)
    }

    @Test func confirmingNeedsNoReasonButAnUnknownCannotBeConfirmed() throws {
        let report = F.evaluate(Self.clean)
        let confirmed = try decide(report, .industry, .confirm, reason: nil).get()
        #expect(!confirmed.changesOutcome && confirmed.reason == nil)
        let unknown = F.evaluate(RegistrySnapshot())
        guard case .failure(let error) = decide(unknown, .industry, .confirm, reason: "看起來沒問題") else {
            Issue.record("confirmed an unknown")
            return
        }
        #expect(error.code == "eligibility.override.confirmunknown")
    }

    @Test func settingTheSameOutcomeIsAConfirmationAndUnknownIsNotATarget() throws {
        let report = F.evaluate(Self.clean)
        #expect(try decide(report, .industry, .setOutcome(.pass), reason: nil).get().decision == .confirm)
        guard case .failure(let error) = decide(report, .industry, .setOutcome(.unknown), reason: "x") else {
            Issue.record("set an outcome to unknown")
            return
        }
        #expect(error.code == "eligibility.override.target")
    }

    @Test func onlyOperatorsDecide() {
        let report = F.evaluate(Self.clean)
        for role in [GrantsRole.applicant, .reviewer, .ministry, .system] {
            guard case .failure(let error) = decide(
                report, .industry, .setOutcome(.fail), reason: "r", by: GrantsActor(id: "x", role: role))
            else {
                Issue.record("\(role) decided")
                continue
            }
            #expect(error.kind == .forbidden)
        }
    }

    @Test func reasonsAreCheckedForControlCharactersAndLength() {
        let report = F.evaluate(Self.clean)
        let control = decide(report, .industry, .setOutcome(.fail), reason: "a\u{7}b")
        #expect((try? control.get()) == nil)
        let long = decide(report, .industry, .setOutcome(.fail), reason: String(repeating: "字", count: 2_001))
        guard case .failure(let error) = long else { Issue.record("accepted a long reason"); return }
        #expect(error.code == "eligibility.override.length")
    }

    @Test func staleOverrideIsRefusedAndALaterOneReplacesAnEarlier() throws {
        let unknown = F.evaluate(RegistrySnapshot())
        let decision = try decide(unknown, .industry, .setOutcome(.pass), reason: "人工查核").get()
        let refreshed = F.evaluate(F.snapshot([F.taxRecord(codes: ["108999"])]))
        guard case .failure(let error) = refreshed.applying(decision) else {
            Issue.record("applied a stale override")
            return
        }
        #expect(error.code == "eligibility.override.stale" && error.kind == .conflict)

        var report = try unknown.applying(decision).get()
        report = try report.applying(decide(unknown, .industry, .setOutcome(.fail), reason: "改判").get()).get()
        #expect(report.overrides.count == 1 && report.effectiveOutcome(of: .industry) == .fail)
    }

    @Test func startupPriorityOverrideSetsTheFlag() throws {
        let report = F.evaluate(F.snapshot([F.taxRecord(established: nil)]))
        #expect(report.startupPriority == nil)
        let decided = try report.applying(
            decide(report, .startupPriority, .setOutcome(.pass), reason: "設立登記表顯示 108 年設立").get()).get()
        #expect(decided.startupPriority == true)
    }

    @Test func reportRoundTripsThroughJSON() throws {
        let report = try F.evaluate(Self.clean).applying(
            decide(F.evaluate(Self.clean), .industry, .confirm, reason: nil).get()).get()
        let data = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(EligibilityReport.self, from: data) == report)
    }
}
