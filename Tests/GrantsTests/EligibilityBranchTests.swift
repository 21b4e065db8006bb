import SuanliKit
import Testing

@testable import Grants

/// SPEC C2.3 / 須知 貳、二: neither a Taiwanese company's nor a foreign company's branch.
@Suite struct EligibilityBranchTests {
    typealias F = RegistryFixtures

    func branch(_ records: [RegistryRecord]) -> EligibilityRuleResult {
        F.evaluate(F.snapshot(records)).result(for: .notBranch)!
    }

    @Test func headOfficeOnTheTaxRegisterFails() {
        let result = branch([F.taxRecord(head: F.portal)])
        #expect(result.outcome == .fail)
        #expect(result.explanation.zh.contains("54898034"))
        #expect(result.data.contains { $0.label.zh == "總機構統一編號" && $0.value.zh == "54898034" })
    }

    @Test(arguments: [OrganisationType.foreignCompanyBranch, .mainlandCompanyBranch, .domesticBranch])
    func branchFormsFail(_ form: OrganisationType) {
        let result = branch([F.taxRecord(form: form)])
        #expect(result.outcome == .fail)
        #expect(result.explanation.zh.contains(form.title.zh))
    }

    @Test func nameEndingInBranchFails() {
        #expect(branch([F.gcisRecord(name: "美商雲端服務股份有限公司台灣分公司")]).outcome == .fail)
    }

    @Test func ownHeadOfficePasses() {
        let result = branch([F.taxRecord(), F.gcisRecord()])
        #expect(result.outcome == .pass)
        #expect(result.data.contains { $0.value.zh == "（空白）" })
        #expect(branch([F.taxRecord(head: F.software)]).outcome == .pass)
    }

    @Test func unknownWithoutTaxOrCompanyRegistry() {
        let listed = RegistryRecord(taxID: F.software, name: "x", source: .chineseCapitalList, chineseCapital: true)
        #expect(branch([listed]).outcome == .unknown)
        #expect(branch([]).outcome == .unknown)
    }
}
