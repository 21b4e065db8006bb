import SuanliKit
import Testing

@testable import Grants

/// Merging sources into one lookup (SPEC T8): precedence written once, provenance kept.
@Suite struct RegistrySnapshotTests {
    typealias F = RegistryFixtures

    @Test func companyRegistryWinsOverTaxRegisterFieldByField() throws {
        var tax = F.taxRecord(established: "2020-03-20")
        tax.address = "稅籍地址"
        tax.capitalNTD = 1
        var company = F.gcisRecord(name: "雲杉軟體股份有限公司", established: "2020-03-15")
        company.address = nil
        let snapshot = F.snapshot([tax, company])
        let entry = try #require(snapshot.entry(for: F.software))
        let record = try #require(entry.record)
        #expect(record.establishedOn?.isoForm == "2020-03-15")
        #expect(record.capitalNTD == 10_000_000)
        #expect(record.address == "稅籍地址")  // only the tax register has one
        #expect(record.taxIndustryCodes.map(\.digits) == ["620101"])
        #expect(record.businessItems.map(\.code.code) == ["I301010"])
        #expect(record.sources == [.taxRegister, .companyRegistry])
        #expect(entry.value(\.establishedOn)?.source == .companyRegistry)
        #expect(entry.value(\.establishedOn, order: [.taxRegister])?.value.isoForm == "2020-03-20")
        #expect(entry.value(\.headOfficeTaxID) == nil)
    }

    @Test func taxRegisterFormBeatsTheFormGuessedFromTheName() throws {
        let snapshot = F.snapshot([
            F.taxRecord(form: .foreignCompanyBranch), F.gcisRecord(name: "美商雲端服務股份有限公司台灣分公司"),
        ])
        #expect(snapshot.record(for: F.software)?.organisationType == .foreignCompanyBranch)
        let onlyCompany = F.snapshot([F.gcisRecord()])
        #expect(onlyCompany.record(for: F.software)?.organisationType == .companyLimitedByShares)
    }

    @Test func chineseCapitalYesFromAnySourceWins() throws {
        let listed = RegistryRecord(taxID: F.software, name: "x", source: .chineseCapitalList, chineseCapital: true)
        let snapshot = F.snapshot([F.gcisRecord(chineseCapital: false), listed])
        #expect(snapshot.record(for: F.software)?.chineseCapital == true)
        #expect(F.snapshot([F.gcisRecord(chineseCapital: false)]).record(for: F.software)?.chineseCapital == false)
        #expect(F.snapshot([F.taxRecord()]).record(for: F.software)?.chineseCapital == nil)
    }

    @Test func reimportingASourceReplacesOnlyThatSource() throws {
        var snapshot = F.snapshot([F.taxRecord(), F.taxRecord(F.portal, name: "青嶼"), F.gcisRecord()])
        snapshot.add(RegistryImportResult(
            source: .taxRegister, records: [F.taxRecord(F.other, name: "北辰")], issues: [],
            datasetDate: F.day("2026-06-30"), dataRowCount: 1, rejectedRowCount: 0))
        #expect(snapshot.entry(for: F.portal) == nil)  // only in the old tax register
        #expect(snapshot.entry(for: F.software)?.bySource.keys.sorted() == [.companyRegistry])
        #expect(snapshot.record(for: F.software)?.taxIndustryCodes.isEmpty == true)
        #expect(snapshot.record(for: F.other)?.name == "北辰")
        #expect(snapshot.datasets[.taxRegister]?.datasetDate?.isoForm == "2026-06-30")
        #expect(snapshot.datasets[.taxRegister]?.recordCount == 1)
    }

    @Test func loadedSourcesAreKnownEvenWhenEmptyOfThisCompany() {
        let snapshot = F.snapshot([F.taxRecord()], loaded: [.chineseCapitalList])
        #expect(snapshot.hasLoaded(.chineseCapitalList))
        #expect(!snapshot.hasLoaded(.companyRegistry))
        #expect(snapshot.entry(for: F.software)?.lists(in: .chineseCapitalList) == false)
    }

    @Test func mergeUnitesListsWithoutDuplicates() {
        var a = F.taxRecord(codes: ["620101", "474101"])
        var b = F.taxRecord(codes: ["474101", "631201"])
        b.sources = [.companyRegistry]
        a.sanctions = [
            RegistrySanction(kind: .labour, decidedOn: F.day("2025-01-01"), authority: "勞動部", reference: "1"),
        ]
        b.sanctions = a.sanctions
        let merged = RegistryRecord.merged([a, b])
        #expect(merged?.taxIndustryCodes.map(\.digits) == ["474101", "631201", "620101"])
        #expect(merged?.sanctions.count == 1)
        #expect(RegistryRecord.merged([RegistryRecord]()) == nil)
    }

    @Test func branchByHeadOffice() {
        #expect(F.taxRecord(head: F.portal).isBranchByHeadOffice)
        #expect(!F.taxRecord(head: F.software).isBranchByHeadOffice)  // a head office naming itself
        #expect(!F.taxRecord().isBranchByHeadOffice)
    }
}
