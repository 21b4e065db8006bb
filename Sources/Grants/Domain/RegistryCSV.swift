import SuanliKit

/// A small RFC 4180 reader for registry files (SPEC T8): commas, double-quoted fields with `""`
/// escapes and embedded line breaks, CRLF or LF. It works on UTF-8 bytes, which is safe because no
/// byte of a multi-byte UTF-8 sequence can equal `,`, `"`, CR or LF — and it keeps a 300 MB
/// tax-register file from being split into Characters.
struct RegistryCSVRow: Hashable, Sendable {
    /// 1-based line where the row starts (what a text editor shows).
    var line: Int
    var fields: [String]

    var isBlank: Bool { fields.allSatisfy { $0.trimmingWhitespaceAndBOM().isEmpty } }
}

enum RegistryCSV {
    private static let comma: UInt8 = 0x2C, quote: UInt8 = 0x22, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A

    /// All rows, blank lines left out; a quoting problem is returned as an issue on its line.
    static func rows(_ bytes: ArraySlice<UInt8>) -> Result<[RegistryCSVRow], RegistryImportIssue> {
        var rows: [RegistryCSVRow] = []
        if let issue = forEachRow(bytes, { rows.append($0); return true }) { return .failure(issue) }
        return .success(rows)
    }

    /// Hands each non-blank row to `body` as soon as it is complete, so a whole file is never held
    /// as rows; `body` returns false to stop. Returns the quoting problem that stopped the read, if any.
    static func forEachRow(
        _ bytes: ArraySlice<UInt8>, _ body: (RegistryCSVRow) -> Bool
    ) -> RegistryImportIssue? {
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, rowLine = 1
        var inQuotes = false, fieldWasQuoted = false
        var index = bytes.startIndex

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRow() -> Bool {
            endField()
            let row = RegistryCSVRow(line: rowLine, fields: fields)
            fields.removeAll(keepingCapacity: true)
            return row.isBlank || body(row)
        }

        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            if inQuotes {
                if byte == quote {
                    if index < bytes.endIndex, bytes[index] == quote {
                        field.append(quote)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == lf { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case comma:
                endField()
            case quote where field.isEmpty && !fieldWasQuoted:
                inQuotes = true
                fieldWasQuoted = true
            case cr where index < bytes.endIndex && bytes[index] == lf:
                break  // the LF that follows ends the row
            case lf, cr:
                guard endRow() else { return nil }
                line += 1
                rowLine = line
            default:
                if fieldWasQuoted {
                    return .line(
                        line, code: "registry.csv.quote",
                        zh: "引號後面還有文字；欄位內的引號請寫成兩個（\"\"）。",
                        en: "Text follows a closing quote; write a quote inside a field as two (\"\").")
                }
                field.append(byte)
            }
        }
        if inQuotes {
            return .line(
                rowLine, code: "registry.csv.unterminated",
                zh: "引號沒有結束，這一行之後的內容無法讀取。",
                en: "A quoted field is never closed; nothing after this line can be read.")
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { _ = endRow() }
        return nil
    }
}

extension RegistryImportIssue {
    /// An error about a whole line rather than one cell.
    static func line(_ line: Int, code: String, zh: String, en: String) -> RegistryImportIssue {
        RegistryImportIssue(severity: .error, line: line, column: nil, code: code, detail: .init(zh: zh, en: en))
    }
}

extension String {
    /// Trims whitespace (full-width included) and a stray BOM, which Excel leaves on the first cell.
    func trimmingWhitespaceAndBOM() -> String {
        var text = self
        while text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        return text.trimmingWhitespace()
    }
}
