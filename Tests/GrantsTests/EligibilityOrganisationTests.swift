import SuanliKit
import Testing

@testable import Grants

/// SPEC C2.4: 獨資、合夥、有限合夥事業或公司 only; no natural persons or foundations; registration active.
@Suite struct EligibilityOrganisationTests {
    typealias F = RegistryFixtures

    func form(_ records: [RegistryRecord]) -> EligibilityRuleResult {
        F.evaluate(F.snapshot(records)).result(for: .organisationForm)!
    }

    @Test(arguments: [
        (OrganisationType.companyLimitedByShares, EligibilityOutcome.pass), (.limitedCompany, .pass),
        (.unlimitedCompany, .pass), (.twoTierCompany, .pass), (.company, .pass), (.soleProprietorship, .pass),
        (.partnership, .pass), (.limitedPartnership, .pass), (.foreignCompanyBranch, .pass),
        (.foundation, .fail), (.naturalPerson, .fail), (.otherBody("社團法人"), .fail), (.otherBody("合作社"), .fail),
        (.unrecognised("其他"), .unknown),
    ])
    func eachForm(form type: OrganisationType, outcome: EligibilityOutcome) {
        let result = form([F.taxRecord(form: type)])
        #expect(result.outcome == outcome)
        #expect(result.data.first?.value == type.title)
    }

    @Test func refusalsCiteTheFAQ() {
        #expect(form([F.taxRecord(form: .foundation)]).explanation.zh.contains("FAQ 7"))
        #expect(form([F.taxRecord(form: .naturalPerson)]).explanation.en.contains("FAQ 11"))
    }

    @Test func companyRegistryAloneProvesACompany() {
        let result = form([F.gcisRecord()])
        #expect(result.outcome == .pass)
        #expect(result.data.first?.origin == .registry(.companyRegistry))
    }

    @Test func unknownWithoutAForm() {
        #expect(form([F.taxRecord(form: nil)]).outcome == .unknown)
        #expect(form([]).outcome == .unknown)
    }

    func status(_ records: [RegistryRecord]) -> EligibilityRuleResult {
        F.evaluate(F.snapshot(records)).result(for: .activeRegistration)!
    }

    @Test(arguments: [("核准設立", EligibilityOutcome.pass), ("解散", .fail), ("廢止", .fail),
                      ("核准設立，但已命令解散", .fail)])
    func companyStatusDecidesWhenPresent(text: String, outcome: EligibilityOutcome) {
        let result = status([F.taxRecord(), F.gcisRecord(status: text)])
        #expect(result.outcome == outcome)
        #expect(result.data.first?.value.zh == text)
    }

    @Test func taxRegisterListingIsActiveWithoutCompanyData() {
        let result = status([F.taxRecord()])
        #expect(result.outcome == .pass)
        #expect(result.explanation.zh.contains("僅列營業中"))
    }

    @Test func unknownWhenNeitherRegistryListsIt() {
        #expect(status([]).outcome == .unknown)
    }
}
