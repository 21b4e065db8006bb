import Foundation
import SuanliKit
import Testing

@testable import Grants

/// Shared fixtures for the registry and eligibility tests.
enum RegistryFixtures {
    /// The header of the real BGMOPEN1.csv.
    static let taxHeader =
        "營業地址,統一編號,總機構統一編號,營業人名稱,資本額,設立日期,組織別名稱,使用統一發票,"
        + "行業代號,名稱,行業代號1,名稱1,行業代號2,名稱2,行業代號3,名稱3"

    static let gcisHeader =
        "Business_Accounting_NO,Company_Name,Company_Status_Desc,Capital_Stock_Amount,Paid_In_Capital_Amount,"
        + "Responsible_Name,Company_Location,Register_Organization_Desc,Company_Setup_Date,Change_Of_Approval_Data,"
        + "Business_Items"

    // Valid 統一編號 (checksums hold) used across tests.
    static let software = TaxID("82120437")!
    static let portal = TaxID("54898034")!
    static let other = TaxID("83671004")!
    static let badChecksum = "53078338"

    /// A file's bytes from lines joined with LF.
    static func bytes(_ lines: String...) -> [UInt8] { Array(lines.joined(separator: "\n").utf8) }

    /// One tax-register row with sensible defaults, 16 fields.
    static func taxRow(
        address: String = "臺北市", id: String = "82120437", head: String = "", name: String = "雲杉軟體股份有限公司",
        capital: String = "5000000", established: String = "1090320", form: String = "股份有限公司",
        invoice: String = "Y", codes: [String] = ["620101"]
    ) -> String {
        var industry: [String] = []
        for index in 0..<4 {
            industry += [index < codes.count ? codes[index] : "", index < codes.count ? "名稱" : ""]
        }
        return ([quoted(address), id, head, quoted(name), capital, established, form, invoice] + industry)
            .joined(separator: ",")
    }

    static func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    static func importTax(_ bytes: [UInt8], mode: RegistryImportMode = .allOrNothing)
        throws(RegistryImportFailure) -> RegistryImportResult
    {
        try RegistryImporter.parse(bytes, as: .taxRegister, mode: mode)
    }

    /// The failure a parse must throw; records an issue and returns nil when it does not throw.
    static func failure(
        _ bytes: [UInt8], as source: RegistrySource, mode: RegistryImportMode = .allOrNothing,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> RegistryImportFailure? {
        do {
            let result = try RegistryImporter.parse(bytes, as: source, mode: mode)
            Issue.record(
                "expected the import to fail, got \(result.records.count) records", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    /// A sample file under samples/registry/, found from this file's path (tests run from the root,
    /// but #filePath does not depend on that).
    static func sample(_ name: String) throws -> [UInt8] {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return Array(try Data(contentsOf: root.appendingPathComponent("samples/registry/\(name)")))
    }

    /// A snapshot straight from records, as if each source had been imported.
    static func snapshot(_ records: [RegistryRecord], loaded: Set<RegistrySource> = [], date: ROCDate? = nil)
        -> RegistrySnapshot
    {
        var snapshot = RegistrySnapshot()
        let sources = loaded.union(records.flatMap(\.sources))
        for source in RegistrySource.allCases where sources.contains(source) {
            let mine = records.filter { $0.sources.contains(source) }
            snapshot.add(RegistryImportResult(
                source: source, records: mine, issues: [], datasetDate: date, dataRowCount: mine.count,
                rejectedRowCount: 0))
        }
        return snapshot
    }

    static func day(_ iso: String) -> ROCDate { ROCDate.parse(iso)! }

    static let evaluationDay = day("2026-07-01")
    static let declaredAt = Date(timeIntervalSince1970: 1_782_000_000)

    /// Every declaration given, all affirmative.
    static let allDeclared = ApplicantDeclarations(
        industryCodes: ApplicantDeclaration([StandardIndustryCode("J62")!], givenAt: declaredAt),
        notChineseCapital: ApplicantDeclaration(true, givenAt: declaredAt),
        noGovernmentProjectBreach: ApplicantDeclaration(true, givenAt: declaredAt),
        noSeriousViolation: ApplicantDeclaration(true, givenAt: declaredAt))

    static func taxRecord(
        _ id: TaxID = software, name: String = "雲杉軟體股份有限公司", head: TaxID? = nil,
        established: String? = "2020-03-20", form: OrganisationType? = .companyLimitedByShares,
        codes: [String] = ["620101"]
    ) -> RegistryRecord {
        RegistryRecord(
            taxID: id, name: name, source: .taxRegister, headOfficeTaxID: head, capitalNTD: 5_000_000,
            establishedOn: established.map(day), organisationType: form,
            taxIndustryCodes: codes.compactMap(TaxIndustryCode.init))
    }

    static func gcisRecord(
        _ id: TaxID = software, name: String = "雲杉軟體股份有限公司", status: String = "核准設立",
        established: String? = "2020-03-15", chineseCapital: Bool? = nil
    ) -> RegistryRecord {
        RegistryRecord(
            taxID: id, name: name, source: .companyRegistry, capitalNTD: 10_000_000, paidInCapitalNTD: 5_000_000,
            establishedOn: established.map(day), organisationType: OrganisationType.fromCompanyName(name),
            businessItems: [BusinessItem(code: BusinessItemCode("I301010")!)], status: RegistryStatus(status),
            chineseCapital: chineseCapital)
    }

    static func evaluate(
        _ snapshot: RegistrySnapshot, _ declarations: ApplicantDeclarations = allDeclared, id: TaxID = software,
        on day: ROCDate = evaluationDay
    ) -> EligibilityReport {
        EligibilityEvaluator.evaluate(id, registry: snapshot, declarations: declarations, on: day)
    }
}
