import SuanliKit

/// Reads and validates the cells of one row, collecting every problem rather than stopping at the
/// first, so one pass over the file tells the operator everything to fix (SPEC X3).
struct RegistryCellReader {
    let row: RegistryRow
    private(set) var issues: [RegistryImportIssue] = []

    init(_ row: RegistryRow) { self.row = row }

    var hasErrors: Bool { issues.contains { $0.severity == .error } }

    private mutating func error(_ column: RegistryColumn, _ code: String, zh: String, en: String) {
        issues.append(.cell(row.line, row.columnName(column), code: code, zh: zh, en: en))
    }

    private mutating func warning(_ column: RegistryColumn, _ code: String, zh: String, en: String) {
        var issue = RegistryImportIssue.cell(row.line, row.columnName(column), code: code, zh: zh, en: en)
        issue.severity = .warning
        issues.append(issue)
    }

    /// The cell's text; nil when empty. A required empty cell or control characters are errors.
    mutating func text(_ column: RegistryColumn, required: Bool = false) -> String? {
        let value = row[column]
        if value.isEmpty {
            if required {
                error(column, "registry.cell.required",
                      zh: "此欄為必填，這一行是空的。", en: "This column is required and is empty on this line.")
            }
            return nil
        }
        if value.hasControlCharacters {
            let field = FieldError.controlCharacters(column.name)
            error(column, "registry.cell.control", zh: field.zh, en: field.en)
            return nil
        }
        return value
    }

    mutating func taxID(_ column: RegistryColumn, required: Bool = false) -> TaxID? {
        guard let value = text(column, required: required) else { return nil }
        switch TaxID.parse(value) {
        case .success(let id):
            return id
        case .failure(let problem):
            let message = TaxID.error(problem)
            error(column, "registry.taxid.\(problem.code)",
                  zh: "「\(value)」：\(message.zh)", en: "\"\(value)\": \(message.en)")
            return nil
        }
    }

    /// 7-digit ROC dates as the datasets write them (1070101, 0400711), or 107/01/01.
    mutating func date(_ column: RegistryColumn, required: Bool = false) -> ROCDate? {
        guard let value = text(column, required: required) else { return nil }
        guard let date = ROCDate.parse(value) else {
            error(column, "registry.date.invalid",
                  zh: "「\(value)」不是有效的民國日期，請使用 1070101 或 107/01/01 的格式。",
                  en: "\"\(value)\" is not a valid ROC (民國) date; write it as 1070101 or 107/01/01.")
            return nil
        }
        return date
    }

    /// Whole NT$; ASCII digits with optional thousands separators.
    mutating func amount(_ column: RegistryColumn) -> Int? {
        guard let value = text(column) else { return nil }
        let digits = value.filter { $0 != "," }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            error(column, "registry.number.invalid",
                  zh: "「\(value)」不是金額，請只填阿拉伯數字（新臺幣元，可含千分位逗號）。",
                  en: "\"\(value)\" is not an amount; use digits only (whole NT$, thousands commas allowed).")
            return nil
        }
        guard let amount = Int(digits) else {
            error(column, "registry.number.range",
                  zh: "「\(value)」超出可處理的金額範圍。", en: "\"\(value)\" is too large to be an amount.")
            return nil
        }
        return amount
    }

    mutating func taxIndustryCode(_ column: RegistryColumn) -> TaxIndustryCode? {
        guard let value = text(column) else { return nil }
        guard let code = TaxIndustryCode(value) else {
            error(column, "registry.industry.invalid",
                  zh: "「\(value)」不是 6 位數字的稅務行業代號（例如 620101）。",
                  en: "\"\(value)\" is not a 6-digit tax industry code (e.g. 620101).")
            return nil
        }
        if code.standardClass == nil {
            warning(column, "registry.industry.unmapped",
                    zh: "行業代號 \(code) 的中類 \(code.division) 不在行業標準分類中，無法判斷所屬行業。",
                    en: "Industry code \(code): division \(code.division) is not in the standard classification.")
        }
        return code
    }

    /// Business item codes separated by `;`, `|`, `,`, `、` or spaces.
    mutating func businessItemCodes(_ column: RegistryColumn) -> [BusinessItemCode] {
        guard let value = text(column) else { return [] }
        var codes: [BusinessItemCode] = []
        for part in value.split(whereSeparator: { ";|,、 ".contains($0) }) {
            if let code = BusinessItemCode(String(part)) {
                if !codes.contains(code) { codes.append(code) }
            } else {
                error(column, "registry.businessitem.invalid",
                      zh: "「\(part)」不是營業項目代碼（例如 I301010）。",
                      en: "\"\(part)\" is not a business item code (e.g. I301010).")
            }
        }
        return codes
    }

    /// Y/N (also 是/否); nil when empty.
    mutating func flag(_ column: RegistryColumn) -> Bool? {
        guard let value = text(column) else { return nil }
        switch value.uppercased() {
        case "Y", "是": return true
        case "N", "否": return false
        default:
            error(column, "registry.flag.invalid",
                  zh: "「\(value)」應為 Y 或 N。", en: "\"\(value)\" should be Y or N.")
            return nil
        }
    }
}

extension TaxID.Problem {
    /// Stable suffix for issue codes.
    var code: String {
        switch self {
        case .empty: "empty"
        case .wrongLength: "length"
        case .notDigits: "digits"
        case .checksum: "checksum"
        }
    }
}
