import SuanliKit
import Testing

@testable import Grants

/// 財政部 全國營業(稅籍)登記資料集 import (SPEC T8): every row validated, errors located by line
/// and column, all-or-nothing unless lenient.
@Suite struct RegistryTaxRegisterImportTests {
    typealias F = RegistryFixtures

    @Test func readsEveryFieldOfARow() throws {
        let result = try F.importTax(F.bytes(
            F.taxHeader, "14-NOV-25,,,,,,,,,,,,,,,",
            F.taxRow(address: "臺北市內湖區瑞光路100號, 5樓", capital: F.quoted("5,000,000"), codes: ["620101", "474101"])))
        #expect(result.datasetDate == ROCDate(gregorianYear: 2025, month: 11, day: 14))
        #expect(result.dataRowCount == 1)
        #expect(result.issues.isEmpty)
        let record = try #require(result.records.first)
        #expect(record.taxID == F.software)
        #expect(record.name == "雲杉軟體股份有限公司")
        #expect(record.address == "臺北市內湖區瑞光路100號, 5樓")
        #expect(record.headOfficeTaxID == nil)
        #expect(record.capitalNTD == 5_000_000)
        #expect(record.establishedOn == ROCDate(rocYear: 109, month: 3, day: 20))
        #expect(record.organisationType == .companyLimitedByShares)
        #expect(record.usesUniformInvoice == true)
        #expect(record.taxIndustryCodes.map(\.digits) == ["620101", "474101"])
        #expect(record.standardIndustryCodes.map(\.code) == ["J6201", "G4741"])
        #expect(record.sources == [.taxRegister])
    }

    @Test func columnsAreFoundByNameNotPosition() throws {
        let header = "行業代號,營業人名稱,組織別名稱,設立日期,資本額,總機構統一編號,統一編號,備註"
        let result = try F.importTax(F.bytes(header, "631201,青嶼資訊有限公司,有限公司,1120601,1000000,,54898034,x"))
        #expect(result.records.first?.taxID == F.portal)
        #expect(result.records.first?.taxIndustryCodes.first?.digits == "631201")
    }

    @Test func olderHeaderWithRepeatedIndustryColumnsIsAccepted() throws {
        let header = "營業地址,統一編號,總機構統一編號,營業人名稱,資本額,設立日期,組織別名稱,使用統一發票,"
            + "行業代號,名稱,行業代號,名稱,行業代號,名稱,行業代號,名稱"
        let result = try F.importTax(F.bytes(header, F.taxRow(codes: ["474101", "620101"])))
        #expect(result.records.first?.taxIndustryCodes.map(\.digits) == ["474101", "620101"])
    }

    @Test func sevenDigitDatesWithLeadingZeroYear() throws {
        let result = try F.importTax(F.bytes(F.taxHeader, F.taxRow(established: "0400711")))
        #expect(result.records.first?.establishedOn == ROCDate(gregorianYear: 1951, month: 7, day: 11))
    }

    @Test func missingColumnsAreAllNamed() throws {
        let header = "營業地址,統一編號,營業人名稱,資本額,設立日期,組織別名稱"
        let failure = try #require(F.failure(F.bytes(header, "x,82120437,y,1,1090101,獨資"), as: .taxRegister))
        #expect(failure.issues.map(\.column) == ["總機構統一編號", "行業代號"])
        #expect(failure.issues.allSatisfy { $0.code == "registry.column.missing" && $0.line == 1 })
        #expect(failure.issues[0].zh.contains("缺少必要欄位「總機構統一編號」"))
    }

    @Test func badTaxIDNamesLineAndColumn() throws {
        let bytes = F.bytes(F.taxHeader, "14-NOV-25,,,,,,,,,,,,,,,", F.taxRow(), F.taxRow(id: F.badChecksum))
        let failure = try #require(F.failure(bytes, as: .taxRegister))
        let issue = try #require(failure.errors.first)
        #expect(failure.errors.count == 1)
        #expect(issue.line == 4)
        #expect(issue.column == "統一編號")
        #expect(issue.code == "registry.taxid.checksum")
        #expect(issue.zh.hasPrefix("第 4 行「統一編號」欄：「53078338」"))
        #expect(issue.zh.contains("檢查碼"))
        #expect(issue.en.hasPrefix("Line 4, column 統一編號: \"53078338\""))
        #expect(failure.userFacingError.fields.first?.field == "line 4 / 統一編號")
    }

    @Test(arguments: [
        ("8212043", "registry.taxid.length"), ("8212043A", "registry.taxid.digits"),
        ("", "registry.cell.required"),
    ])
    func otherTaxIDProblems(id: String, code: String) throws {
        let failure = try #require(F.failure(F.bytes(F.taxHeader, F.taxRow(id: id)), as: .taxRegister))
        #expect(failure.errors.map(\.code) == [code])
        #expect(failure.errors.first?.column == "統一編號")
    }

    @Test func badHeadOfficeIDIsAnError() throws {
        let failure = try #require(F.failure(F.bytes(F.taxHeader, F.taxRow(head: "12345678")), as: .taxRegister))
        #expect(failure.errors.map(\.column) == ["總機構統一編號"])
    }

    @Test(arguments: ["1091301", "1090230", "109/02/30", "2020-13-01", "十年前", "109032"])
    func badDatesAreReported(_ date: String) throws {
        let failure = try #require(F.failure(F.bytes(F.taxHeader, F.taxRow(established: date)), as: .taxRegister))
        let issue = try #require(failure.errors.first)
        #expect(issue.code == "registry.date.invalid")
        #expect(issue.line == 2 && issue.column == "設立日期")
        #expect(issue.en.contains("\"\(date)\""))
    }

    @Test(arguments: ["五百萬", "1.5", "-100", "1e6", "NT$100", "99999999999999999999"])
    func nonNumericCapitalIsReported(_ capital: String) throws {
        let row = F.taxRow(capital: F.quoted(capital))
        let failure = try #require(F.failure(F.bytes(F.taxHeader, row), as: .taxRegister))
        #expect(failure.errors.map(\.column) == ["資本額"])
        #expect(failure.errors.allSatisfy { $0.code.hasPrefix("registry.number.") })
    }

    @Test func emptyOptionalCellsAreNil() throws {
        let row = F.taxRow(capital: "", established: "", form: "", invoice: "")
        let result = try F.importTax(F.bytes(F.taxHeader, row))
        let record = try #require(result.records.first)
        #expect(record.capitalNTD == nil && record.establishedOn == nil)
        #expect(record.organisationType == nil && record.usesUniformInvoice == nil)
    }

    @Test func badIndustryCodeAndInvoiceFlag() throws {
        let row = F.taxRow(invoice: "maybe", codes: ["62010"])
        let failure = try #require(F.failure(F.bytes(F.taxHeader, row), as: .taxRegister))
        #expect(Set(failure.errors.map(\.code)) == ["registry.industry.invalid", "registry.flag.invalid"])
    }

    @Test func unmappedIndustryCodeIsKeptWithAWarning() throws {
        let result = try F.importTax(F.bytes(F.taxHeader, F.taxRow(codes: ["990000"])))
        #expect(result.records.first?.taxIndustryCodes.map(\.digits) == ["990000"])
        #expect(result.warnings.map(\.code) == ["registry.industry.unmapped"])
    }

    @Test func everyBadCellOfEveryRowIsReportedAtOnce() throws {
        let bytes = F.bytes(
            F.taxHeader, F.taxRow(id: F.badChecksum, capital: "x"), F.taxRow(),
            F.taxRow(id: "54898034", established: "abc"))
        let failure = try #require(F.failure(bytes, as: .taxRegister))
        #expect(failure.errors.map { "\($0.line!):\($0.column!)" } == ["2:統一編號", "2:資本額", "4:設立日期"])
        #expect(failure.userFacingError.zh.contains("3 個錯誤"))
    }

    @Test func rowWiderThanTheHeaderIsRefused() throws {
        let failure = try #require(F.failure(F.bytes(F.taxHeader, F.taxRow() + ",extra"), as: .taxRegister))
        #expect(failure.errors.map(\.code) == ["registry.row.width"])
        #expect(failure.errors.first?.en.contains("17 fields") == true)
    }

    @Test func duplicateTaxIDLastRowWinsAndIsReported() throws {
        let bytes = F.bytes(
            F.taxHeader, F.taxRow(name: "舊名稱股份有限公司"), F.taxRow(id: "54898034"), F.taxRow(name: "新名稱股份有限公司"))
        let result = try F.importTax(bytes)
        #expect(result.records.map(\.name) == ["新名稱股份有限公司", "雲杉軟體股份有限公司"])
        #expect(result.dataRowCount == 3)
        let warning = try #require(result.warnings.first)
        #expect(warning.code == "registry.row.duplicate")
        #expect(warning.line == 4 && warning.column == "統一編號")
        #expect(warning.zh.contains("第 2 行重複"))
        #expect(warning.en.contains("repeats line 2"))
    }

    @Test func headerOnlyIsRefused() throws {
        for bytes in [F.bytes(F.taxHeader), F.bytes(F.taxHeader, "14-NOV-25,,,,,,,,,,,,,,,", "")] {
            let failure = try #require(F.failure(bytes, as: .taxRegister))
            #expect(failure.issues.map(\.code) == ["registry.file.norows"])
        }
    }

    @Test func allOrNothingKeepsNothingWhenOneRowIsBad() throws {
        let bytes = F.bytes(F.taxHeader, F.taxRow(), F.taxRow(id: "54898034"), F.taxRow(id: F.badChecksum))
        let failure = try #require(F.failure(bytes, as: .taxRegister))
        #expect(failure.source == .taxRegister)
        #expect(failure.errors.count == 1)
        // Nothing escapes a thrown import: a snapshot built before it is unchanged.
        var snapshot = RegistrySnapshot()
        if let result = try? F.importTax(bytes) { snapshot.add(result) }
        #expect(snapshot.entries.isEmpty && !snapshot.hasLoaded(.taxRegister))
    }

    @Test func lenientKeepsGoodRowsAndReportsBadOnes() throws {
        let bytes = F.bytes(F.taxHeader, F.taxRow(), F.taxRow(id: F.badChecksum), F.taxRow(id: "54898034"))
        let result = try F.importTax(bytes, mode: .lenient)
        #expect(result.records.map(\.taxID) == [F.software, F.portal])
        #expect(result.rejectedRowCount == 1 && result.dataRowCount == 3)
        #expect(result.errors.map(\.line) == [3])
    }

    @Test func lenientWithNoGoodRowStillFails() throws {
        let failure = try #require(
            F.failure(F.bytes(F.taxHeader, F.taxRow(id: F.badChecksum)), as: .taxRegister, mode: .lenient))
        #expect(failure.errors.count == 1)
    }

    @Test func lenientDuplicateWhoseLaterRowIsBadKeepsTheEarlier() throws {
        let bytes = F.bytes(F.taxHeader, F.taxRow(), F.taxRow(capital: "x"))
        let result = try F.importTax(bytes, mode: .lenient)
        #expect(result.records.count == 1 && result.warnings.isEmpty && result.errors.count == 1)
    }

    @Test func controlCharactersInTextAreRefused() throws {
        let failure = try #require(F.failure(F.bytes(F.taxHeader, F.taxRow(name: "雲杉\u{0}軟體")), as: .taxRegister))
        #expect(failure.errors.map(\.code) == ["registry.cell.control"])
    }

    @Test(arguments: [("10-APR-23", "2023-04-10"), ("09-may-26", "2026-05-09")])
    func stampDates(text: String, iso: String) {
        #expect(TaxRegisterImport.stampDate(text)?.isoForm == iso)
    }

    @Test func stampLikeTextInAnIDCellIsNotAStamp() throws {
        #expect(TaxRegisterImport.stampDate("31-FEB-25") == nil)
        #expect(TaxRegisterImport.stampDate("2025-11-14") == nil)
    }

    @Test func aFloodOfErrorsIsListedUpToALimitAndCounted() throws {
        let rows = (0..<1_200).map { _ in F.taxRow(capital: "x") }
        let bytes = Array(([F.taxHeader] + rows).joined(separator: "\n").utf8)
        let failure = try #require(F.failure(bytes, as: .taxRegister))
        #expect(failure.issues.count == 1_001)
        #expect(failure.issues.last?.code == "registry.issues.truncated")
        #expect(failure.issues.last?.en.hasPrefix("200 more problems") == true)
    }
}
