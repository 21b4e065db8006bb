import SuanliKit
import Testing

@testable import Grants

/// 經濟部 公司登記 (GCIS) import (SPEC T8): API field names, business items flattened or one per row.
@Suite struct RegistryCompanyRegistryImportTests {
    typealias F = RegistryFixtures

    func gcis(_ lines: String...) throws(RegistryImportFailure) -> RegistryImportResult {
        try RegistryImporter.parse(Array(lines.joined(separator: "\n").utf8), as: .companyRegistry)
    }

    @Test func readsAFlattenedRow() throws {
        let result = try gcis(
            F.gcisHeader,
            "82120437,雲杉軟體股份有限公司,核准設立,10000000,5000000,陳怡君,臺北市內湖區,臺北市政府,1090315,1130618,"
                + "I301010;i301020 | I301030")
        let record = try #require(result.records.first)
        #expect(record.name == "雲杉軟體股份有限公司")
        #expect(record.status?.isActive == true)
        #expect(record.capitalNTD == 10_000_000 && record.paidInCapitalNTD == 5_000_000)
        #expect(record.representative == "陳怡君" && record.registeringAuthority == "臺北市政府")
        #expect(record.establishedOn?.isoForm == "2020-03-15")
        #expect(record.lastChangeApprovedOn?.isoForm == "2024-06-18")
        #expect(record.businessItems.map(\.code.code) == ["I301010", "I301020", "I301030"])
        #expect(record.organisationType == .companyLimitedByShares)
        #expect(record.chineseCapital == nil)
        #expect(record.sources == [.companyRegistry])
    }

    @Test func businessItemsOnePerRowAreCombined() throws {
        let header = "Business_Accounting_NO,Company_Name,Company_Status_Desc,"
            + "Business_Seq_NO,Business_Item,Business_Item_Desc"
        let result = try gcis(
            header,
            "82120437,雲杉軟體股份有限公司,核准設立,0001,I301010,資訊軟體服務業",
            "82120437,雲杉軟體股份有限公司,核准設立,0002,I301020,資料處理服務業",
            "54898034,青嶼資訊有限公司,核准設立,0001,I301030,電子資訊供應服務業")
        #expect(result.records.count == 2)
        #expect(result.warnings.isEmpty)
        #expect(result.records[0].businessItems == [
            BusinessItem(code: BusinessItemCode("I301010")!, description: "資訊軟體服務業"),
            BusinessItem(code: BusinessItemCode("I301020")!, description: "資料處理服務業"),
        ])
    }

    @Test func repeatedCompanyWithDifferentDataIsADuplicate() throws {
        let result = try gcis(
            "Business_Accounting_NO,Company_Name,Company_Status_Desc",
            "82120437,雲杉軟體股份有限公司,核准設立",
            "82120437,雲杉軟體股份有限公司,解散")
        #expect(result.records.map(\.status?.text) == ["解散"])
        #expect(result.warnings.map(\.code) == ["registry.row.duplicate"])
        #expect(result.warnings.first?.column == "Business_Accounting_NO")
    }

    @Test func requiredColumnsAndCells() throws {
        let missing = try #require(F.failure(
            Array("Business_Accounting_NO,Company_Name\n82120437,x".utf8), as: .companyRegistry))
        #expect(missing.issues.map(\.column) == ["Company_Status_Desc"])
        let empty = try #require(F.failure(
            Array("Business_Accounting_NO,Company_Name,Company_Status_Desc\n82120437,,核准設立".utf8),
            as: .companyRegistry))
        #expect(empty.errors.map(\.code) == ["registry.cell.required"])
        #expect(empty.errors.first?.column == "Company_Name")
    }

    @Test func headerNamesIgnoreCaseAndSpaces() throws {
        let result = try gcis(" business_accounting_no ,COMPANY_NAME,company_status_desc", "82120437,雲杉,核准設立")
        #expect(result.records.count == 1)
    }

    @Test func badCellsAreLocated() throws {
        let failure = try #require(F.failure(Array([
            F.gcisHeader,
            "82120437,雲杉軟體股份有限公司,核准設立,一千萬,5000000,,,,1091345,,I30101X",
        ].joined(separator: "\n").utf8), as: .companyRegistry))
        #expect(failure.errors.map(\.column) == ["Capital_Stock_Amount", "Company_Setup_Date", "Business_Items"])
        #expect(failure.errors.allSatisfy { $0.line == 2 })
    }

    @Test(arguments: [("陸資", true), ("僑外資", false), ("無", false), ("", nil)] as [(String, Bool?)])
    func shareholdingStatusMarksChineseCapital(status: String, expected: Bool?) throws {
        let result = try gcis("Business_Accounting_NO,Company_Name,Company_Status_Desc,股權狀況",
                              "82120437,雲杉軟體股份有限公司,核准設立,\(status)")
        #expect(result.records.first?.chineseCapital == expected)
    }

    @Test(arguments: [("核准設立", true), ("核准登記", true), ("解散", false), ("廢止", false),
                      ("撤銷", false), ("停業", false), ("核准設立，但已命令解散", false)])
    func onlyApprovedStatusesAreActive(text: String, active: Bool) {
        #expect(RegistryStatus(text).isActive == active)
    }
}
