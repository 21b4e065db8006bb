import SuanliKit
import Testing

@testable import Grants

/// 陸資來臺投資事業名錄 import (SPEC C2.3, T8).
@Suite struct RegistryChineseCapitalImportTests {
    typealias F = RegistryFixtures

    @Test func readsIDNameAndApprovalDateInEitherForm() throws {
        let result = try RegistryImporter.parse(
            F.bytes("統一編號,名稱,核准日期", "95382192,海峽橋科技股份有限公司,1100412", "54800556,華海貿易有限公司,112/03/05",
                    "75926350,東岸網路科技股份有限公司,"),
            as: .chineseCapitalList)
        #expect(result.records.map(\.chineseCapital) == [true, true, true])
        #expect(result.records.map { $0.chineseCapitalApprovedOn?.isoForm } == ["2021-04-12", "2023-03-05", nil])
        #expect(result.records.allSatisfy { $0.sources == [.chineseCapitalList] })
    }

    @Test func aliasesAndExtraColumns() throws {
        let result = try RegistryImporter.parse(
            F.bytes("序號,公司名稱,統編", "1,海峽橋科技股份有限公司,95382192"), as: .chineseCapitalList)
        #expect(result.records.first?.name == "海峽橋科技股份有限公司")
    }

    @Test func errorsAreLocated() throws {
        let failure = try #require(F.failure(
            F.bytes("統一編號,名稱,核准日期", "95382192,海峽橋,1101332", "95382193,某公司,"), as: .chineseCapitalList))
        #expect(failure.errors.map { "\($0.line!):\($0.column!):\($0.code)" } == [
            "2:核准日期:registry.date.invalid", "3:統一編號:registry.taxid.checksum",
        ])
    }

    @Test func missingNameColumn() throws {
        let failure = try #require(F.failure(F.bytes("統一編號,核准日期", "95382192,1100412"), as: .chineseCapitalList))
        #expect(failure.issues.map(\.column) == ["名稱"])
    }
}
