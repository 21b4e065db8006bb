import SuanliKit

/// All-or-nothing is the default because a half-imported registry would make eligibility results
/// depend on which rows happened to parse (SPEC X3). Lenient imports keep the good rows and report
/// the rest, for an operator who has read the report and accepts the gaps.
public enum RegistryImportMode: String, Hashable, Sendable, Codable {
    case allOrNothing
    case lenient
}

/// The records of one imported file, one per 統一編號, with everything worth telling the operator.
public struct RegistryImportResult: Hashable, Sendable {
    public var source: RegistrySource
    public var records: [RegistryRecord]
    /// Warnings (duplicates, unmapped codes), and in a lenient import the rejected rows' errors.
    public var issues: [RegistryImportIssue]
    /// The dataset's own date (the tax register's second line, e.g. "10-APR-23").
    public var datasetDate: ROCDate?
    /// Data rows read, stamp lines not counted.
    public var dataRowCount: Int
    public var rejectedRowCount: Int

    public var warnings: [RegistryImportIssue] { issues.filter { $0.severity == .warning } }
    public var errors: [RegistryImportIssue] { issues.filter { $0.severity == .error } }
}

/// What a layout makes of one data row.
enum RegistryRowOutcome {
    case record(RegistryRecord)
    /// Not data: the tax register's date-stamp line.
    case stamp(ROCDate?)
    case invalid
}

/// One layout's row rules.
protocol RegistryRowParsing {
    static var layout: RegistryLayout { get }
    /// The 統一編號 column, named in duplicate warnings.
    static var idColumn: RegistryColumn { get }
    static func parse(_ cells: inout RegistryCellReader) -> RegistryRowOutcome
    /// Non-nil when a repeated 統一編號 continues the earlier row rather than duplicating it.
    static func continuation(of earlier: RegistryRecord, with later: RegistryRecord) -> RegistryRecord?
}

extension RegistryRowParsing {
    static func continuation(of earlier: RegistryRecord, with later: RegistryRecord) -> RegistryRecord? { nil }
}

/// Entry point for `suanli admin import-registry` and the tests: bytes in, validated records out.
public enum RegistryImporter {
    public static func parse(
        _ bytes: [UInt8], as source: RegistrySource, mode: RegistryImportMode = .allOrNothing
    ) throws(RegistryImportFailure) -> RegistryImportResult {
        switch source {
        case .taxRegister: try run(TaxRegisterImport.self, bytes, mode)
        case .companyRegistry: try run(CompanyRegistryImport.self, bytes, mode)
        case .chineseCapitalList: try run(ChineseCapitalListImport.self, bytes, mode)
        }
    }

    /// Guesses the layout from the header, for a CLI that is not told: nil when no layout fits.
    public static func detectSource(_ bytes: [UInt8]) -> RegistrySource? {
        guard case .success(let body) = RegistryTextEncoding.utf8Body(bytes) else { return nil }
        var first: RegistryCSVRow?
        let issue = RegistryCSV.forEachRow(body) { row in
            first = row
            return false
        }
        guard issue == nil, let first else { return nil }
        let header = RegistryHeader(first)
        if header.contains("營業人名稱") { return .taxRegister }
        if header.contains("Business_Accounting_NO") { return .companyRegistry }
        let list = ChineseCapitalListImport.layout.columns.filter(\.isRequired)
        if list.allSatisfy({ header.position(of: $0) != nil }) { return .chineseCapitalList }
        return nil
    }

    static func run<Layout: RegistryRowParsing>(
        _ layout: Layout.Type, _ bytes: [UInt8], _ mode: RegistryImportMode
    ) throws(RegistryImportFailure) -> RegistryImportResult {
        let source = Layout.layout.source
        func fail(_ issues: [RegistryImportIssue]) -> RegistryImportFailure {
            RegistryImportFailure(source: source, issues: issues)
        }
        let body: ArraySlice<UInt8>
        switch RegistryTextEncoding.utf8Body(bytes) {
        case .success(let decoded): body = decoded
        case .failure(let issue): throw fail([issue])
        }
        // The first non-blank row is the header; a header that lacks columns stops the read there.
        var missing: [RegistryImportIssue] = []
        var collector: RegistryRecordCollector<Layout>?
        let csvIssue = RegistryCSV.forEachRow(body) { row in
            guard collector != nil else {
                let header = RegistryHeader(row)
                missing = header.missingColumns(of: Layout.layout)
                collector = RegistryRecordCollector<Layout>(header: header)
                return missing.isEmpty
            }
            collector?.read(row)
            return true
        }
        if let csvIssue { throw fail([csvIssue]) }
        guard let collector else {
            throw fail([.fileLevel(code: "registry.file.empty", zh: "檔案是空的。", en: "The file is empty.")])
        }
        if !missing.isEmpty { throw fail(missing) }

        let hasErrors = collector.errorCount > 0
        if collector.dataRows == 0 && !hasErrors {
            throw fail([.fileLevel(
                code: "registry.file.norows", zh: "檔案只有標題列，沒有任何資料列。",
                en: "The file has a header row but no data rows.")])
        }
        if hasErrors && (mode == .allOrNothing || collector.records.isEmpty) {
            throw fail(collector.reportedIssues)
        }
        return RegistryImportResult(
            source: source, records: collector.records, issues: collector.reportedIssues,
            datasetDate: collector.datasetDate, dataRowCount: collector.dataRows,
            rejectedRowCount: collector.rejectedRows)
    }
}

/// Reads data rows one by one, keeping one record per 統一編號 (the later row wins, and the
/// duplicate is reported — SPEC T8 imports must not silently drop data).
struct RegistryRecordCollector<Layout: RegistryRowParsing> {
    let header: RegistryHeader
    private(set) var records: [RegistryRecord] = []
    private(set) var issues: [RegistryImportIssue] = []
    private(set) var errorCount = 0
    private(set) var suppressedCount = 0
    private(set) var datasetDate: ROCDate?
    private(set) var dataRows = 0
    private(set) var rejectedRows = 0
    private var positions: [TaxID: (index: Int, line: Int)] = [:]

    /// A file in the wrong layout can produce an issue per cell of a million rows; past this many
    /// the operator needs the pattern, not the list, so the rest are only counted.
    static var maximumReportedIssues: Int { 1_000 }

    init(header: RegistryHeader) { self.header = header }

    /// The issues, with a closing line saying how many more were found but not listed.
    var reportedIssues: [RegistryImportIssue] {
        guard suppressedCount > 0 else { return issues }
        return issues + [.fileLevel(
            code: "registry.issues.truncated",
            zh: "另有 \(suppressedCount) 個問題未列出；請先修正以上問題。",
            en: "\(suppressedCount) more problems are not listed; fix the ones above first.")]
    }

    private mutating func report(_ new: [RegistryImportIssue]) {
        errorCount += new.filter { $0.severity == .error }.count
        for issue in new {
            if issues.count < Self.maximumReportedIssues { issues.append(issue) } else { suppressedCount += 1 }
        }
    }

    mutating func read(_ csvRow: RegistryCSVRow) {
        if csvRow.fields.count > header.names.count {
            dataRows += 1
            rejectedRows += 1
            report([RegistryImportIssue(
                severity: .error, line: csvRow.line, column: nil, code: "registry.row.width",
                detail: Bilingual(
                    zh: "這一行有 \(csvRow.fields.count) 欄，但標題列只有 \(header.names.count) 欄；"
                        + "含逗號的內容請用雙引號括起來。",
                    en: "This line has \(csvRow.fields.count) fields but the header has \(header.names.count); "
                        + "quote values that contain commas."))])
            return
        }
        var cells = RegistryCellReader(RegistryRow(row: csvRow, header: header))
        let outcome = Layout.parse(&cells)
        if case .stamp(let date) = outcome {
            datasetDate = datasetDate ?? date
            return
        }
        dataRows += 1
        report(cells.issues)
        guard case .record(let record) = outcome, !cells.hasErrors else {
            rejectedRows += 1
            return
        }
        keep(record, line: csvRow.line)
    }

    private mutating func keep(_ record: RegistryRecord, line: Int) {
        guard let earlier = positions[record.taxID] else {
            positions[record.taxID] = (records.count, line)
            records.append(record)
            return
        }
        if let continued = Layout.continuation(of: records[earlier.index], with: record) {
            records[earlier.index] = continued
            return
        }
        records[earlier.index] = record
        positions[record.taxID] = (earlier.index, line)
        let column = RegistryRow.name(Layout.idColumn, in: header)
        report([RegistryImportIssue(
            severity: .warning, line: line, column: column, code: "registry.row.duplicate",
            detail: Bilingual(
                zh: "統一編號 \(record.taxID) 與第 \(earlier.line) 行重複，以後出現的這一行為準。",
                en: "Business ID \(record.taxID) repeats line \(earlier.line); this later line is kept."))])
    }
}

extension RegistryRow {
    static func name(_ column: RegistryColumn, in header: RegistryHeader) -> String {
        header.position(of: column).map { header.names[$0] } ?? column.name
    }
}
