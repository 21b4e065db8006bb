/// CSV files people open in a spreadsheet (SPEC C4.6 statistics for the ministry, M10 "CSV or
/// Excel-compatible files").
///
/// - RFC 4180: a field containing a comma, a double quote, CR or LF is quoted and its quotes doubled;
///   every record, the last one included, ends in CRLF.
/// - UTF-8 with a byte-order mark by default, because Excel on Windows otherwise reads a BOM-less
///   file in the local ANSI code page (Big5 in Taiwan) and garbles every Chinese character.
/// - CSV injection (OWASP "CSV Injection"): a cell that begins with `=`, `+`, `-`, `@`, TAB or CR is
///   read as a formula by spreadsheet programs, so such a cell gets a leading `'`, which they show as
///   text. Applicant-typed text (titles, company names) ends up in exports read by operators and the
///   ministry, so this is not optional. Two deliberate refinements:
///   - a plain negative number (`-5`, `-12.50`) is left alone: it cannot run anything, and prefixing
///     it would turn a number into text and break sums in the sheet;
///   - the full-width forms `＝ ＋ － ＠` (common with Chinese input methods) are treated like their
///     ASCII forms as a precaution, since spreadsheet programs may normalise them when parsing.
public enum CSVWriter {
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The whole file: optional BOM, then each row as one CRLF-terminated record.
    public static func document(_ rows: [[String]], bom: Bool = true) -> [UInt8] {
        var bytes = bom ? byteOrderMark : []
        for row in rows {
            bytes.append(contentsOf: record(row).utf8)
        }
        return bytes
    }

    /// One record, CRLF included.
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// One cell: neutralised against formula injection, then quoted if RFC 4180 requires it.
    public static func field(_ value: String) -> String {
        let safe = neutralised(value)
        // Scan bytes, not Characters: "\r\n" is a single Character in Swift, so a Character search
        // for "\r" or "\n" would miss a Windows line break inside a cell.
        let needsQuotes = safe.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"")
            || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
        guard needsQuotes else { return safe }
        var quoted = "\""
        for scalar in safe.unicodeScalars {
            if scalar == "\"" { quoted.unicodeScalars.append("\"") }
            quoted.unicodeScalars.append(scalar)
        }
        quoted.unicodeScalars.append("\"")
        return quoted
    }

    /// The cell with a leading `'` if a spreadsheet would otherwise treat it as a formula.
    public static func neutralised(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, formulaTriggers.contains(first) else { return value }
        if isPlainNegativeNumber(value) { return value }
        return "'" + value
    }

    static let formulaTriggers: Set<Unicode.Scalar> = [
        "=", "+", "-", "@", "\t", "\r",
        "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}",  // ＝ ＋ － ＠
    ]

    /// `-` then ASCII digits, optionally one `.` followed by more digits: "-5", "-0.25". Nothing else
    /// (no exponent, no second sign), so "-1+cmd|…" and "-2e3" still get the prefix.
    static func isPlainNegativeNumber(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "-") else { return false }
        let body = bytes.dropFirst().split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard body.count <= 2 else { return false }
        return body.allSatisfy { part in !part.isEmpty && part.allSatisfy { (48...57).contains($0) } }
    }
}
