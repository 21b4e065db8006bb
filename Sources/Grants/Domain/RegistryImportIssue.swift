import SuanliKit

/// One problem found while importing a registry file (SPEC T8, X3): where it is (line and column,
/// as a spreadsheet shows them) and what is wrong, in both languages. Errors stop an all-or-nothing
/// import or drop the row in a lenient one; warnings (a duplicate 統一編號) never drop data.
public struct RegistryImportIssue: Error, Hashable, Sendable, Codable {
    public enum Severity: String, Hashable, Sendable, Codable {
        case error
        case warning
    }

    public var severity: Severity
    /// 1-based line of the file where the row starts; nil for problems with the whole file.
    public var line: Int?
    /// The column's header name as written in the file; nil when the problem is not one cell's.
    public var column: String?
    /// Stable machine code, e.g. "registry.taxid.checksum".
    public var code: String
    /// What is wrong, without the location.
    public var detail: Bilingual

    public init(severity: Severity, line: Int?, column: String?, code: String, detail: Bilingual) {
        self.severity = severity
        self.line = line
        self.column = column
        self.code = code
        self.detail = detail
    }

    static func fileLevel(code: String, zh: String, en: String) -> RegistryImportIssue {
        RegistryImportIssue(severity: .error, line: nil, column: nil, code: code, detail: .init(zh: zh, en: en))
    }

    static func cell(_ line: Int, _ column: String, code: String, zh: String, en: String) -> RegistryImportIssue {
        RegistryImportIssue(severity: .error, line: line, column: column, code: code, detail: .init(zh: zh, en: en))
    }

    /// "第 5 行「統一編號」欄：…" — the location first, so a list of issues reads like a to-do list.
    public var zh: String {
        switch (line, column) {
        case let (line?, column?): "第 \(line) 行「\(column)」欄：\(detail.zh)"
        case let (line?, nil): "第 \(line) 行：\(detail.zh)"
        case let (nil, column?): "「\(column)」欄：\(detail.zh)"
        case (nil, nil): detail.zh
        }
    }

    /// "Line 5, column 統一編號: …"
    public var en: String {
        switch (line, column) {
        case let (line?, column?): "Line \(line), column \(column): \(detail.en)"
        case let (line?, nil): "Line \(line): \(detail.en)"
        case let (nil, column?): "Column \(column): \(detail.en)"
        case (nil, nil): detail.en
        }
    }

    public func message(_ language: Language) -> String { language == .en ? en : zh }
}

/// A refused import: nothing from the file is kept (SPEC X3). Carries every issue found, not just
/// the first, so the operator can fix the file in one pass.
public struct RegistryImportFailure: Error, Hashable, Sendable {
    public var source: RegistrySource
    public var issues: [RegistryImportIssue]

    public init(source: RegistrySource, issues: [RegistryImportIssue]) {
        self.source = source
        self.issues = issues
    }

    public var errors: [RegistryImportIssue] { issues.filter { $0.severity == .error } }

    /// The shape the HTTP and CLI layers already know how to show.
    public var userFacingError: UserFacingError {
        let count = errors.count
        return UserFacingError(
            .invalidInput,
            code: errors.count == 1 ? errors[0].code : "registry.import.rejected",
            zh: "\(source.title.zh)檔案未匯入：發現 \(count) 個錯誤，請修正後重新匯入。",
            en: "The \(source.title.en) file was not imported: \(count) error(s) found; fix them and import again.",
            fields: errors.map { issue in
                FieldError(field: issue.fieldKey, zh: issue.zh, en: issue.en)
            })
    }
}

extension RegistryImportIssue {
    /// "line 5 / 統一編號" — a key for `FieldError` that keeps the location.
    var fieldKey: String {
        [line.map { "line \($0)" }, column].compactMap { $0 }.joined(separator: " / ")
    }
}
