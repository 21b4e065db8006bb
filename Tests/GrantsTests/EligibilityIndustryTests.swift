import SuanliKit
import Testing

@testable import Grants

/// SPEC C2.1: the tax register's industry codes decide; declarations are shown, not trusted.
@Suite struct EligibilityIndustryTests {
    typealias F = RegistryFixtures

    func industry(_ snapshot: RegistrySnapshot, _ declarations: ApplicantDeclarations = F.allDeclared)
        -> EligibilityRuleResult
    {
        F.evaluate(snapshot, declarations).result(for: .industry)!
    }

    @Test(arguments: [["620101"], ["474101", "631201"], ["582001"], ["669911"], ["108999", "620901"]])
    func passesWhenAnyCodeIsInAnEligibleClass(_ codes: [String]) {
        let result = industry(F.snapshot([F.taxRecord(codes: codes)]))
        #expect(result.outcome == .pass)
        #expect(result.data.contains { $0.origin == .registry(.taxRegister) && $0.value.zh.hasPrefix(codes[0]) })
        #expect(result.explanation.zh.contains("符合"))
    }

    @Test(arguments: [["108999"], ["581101", "601001"], ["669101"], ["990000"]])
    func failsWhenNoCodeIsEligible(_ codes: [String]) {
        let result = industry(F.snapshot([F.taxRecord(codes: codes)]))
        #expect(result.outcome == .fail)
        #expect(result.explanation.zh.contains("J582、J62、J63、K6699"))
        #expect(result.explanation.en.contains("FAQ 8, 18"))
    }

    @Test func failNamesTheContradictedDeclaration() {
        let result = industry(F.snapshot([F.taxRecord(codes: ["108999"])]))
        #expect(result.explanation.zh.contains("與稅籍登記不符"))
        #expect(result.data.contains { if case .declaration = $0.origin { $0.value.zh == "J62" } else { false } })
        var declarations = F.allDeclared
        declarations.industryCodes = ApplicantDeclaration([StandardIndustryCode("C1089")!], givenAt: F.declaredAt)
        #expect(!industry(F.snapshot([F.taxRecord(codes: ["108999"])]), declarations).explanation.zh.contains("不符。"))
    }

    @Test func unknownWithoutTheTaxRegisterEvenWhenDeclared() {
        let result = industry(F.snapshot([F.gcisRecord()]))
        #expect(result.outcome == .unknown)
        #expect(result.data.count == 1)  // the declaration, shown with its time
        #expect(result.data.first?.originTitle.zh.hasPrefix("申請人聲明（民國") == true)
        #expect(industry(RegistrySnapshot(), ApplicantDeclarations()).outcome == .unknown)
    }

    @Test func unknownWhenTheTaxRegisterHasNoCode() {
        #expect(industry(F.snapshot([F.taxRecord(codes: [])])).outcome == .unknown)
    }

    @Test func policyCanNarrowTheClasses() {
        let policy = EligibilityPolicy(eligibleIndustries: [StandardIndustryCode("J63")!])
        let report = EligibilityEvaluator.evaluate(
            F.software, registry: F.snapshot([F.taxRecord(codes: ["620101"])]), declarations: F.allDeclared,
            on: F.evaluationDay, policy: policy)
        #expect(report.result(for: .industry)?.outcome == .fail)
    }
}
