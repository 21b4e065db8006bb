/// The columns a registry layout accepts, matched by header name — never by position, because the
/// publishers add and reorder columns between releases (SPEC T8). Matching ignores case, surrounding
/// spaces and a BOM; columns we do not know are ignored.
public struct RegistryColumn: Hashable, Sendable {
    public var name: String
    /// Other header spellings accepted for the same column.
    public var aliases: [String]
    public var isRequired: Bool
    public var meaning: Bilingual

    public init(_ name: String, aliases: [String] = [], required: Bool = false, _ zh: String, _ en: String) {
        self.name = name
        self.aliases = aliases
        self.isRequired = required
        self.meaning = Bilingual(zh: zh, en: en)
    }
}

/// One accepted file layout: which source it is and its columns, for parsing and for documentation
/// (the CLI can print `columns` when a file is refused).
public struct RegistryLayout: Hashable, Sendable {
    public var source: RegistrySource
    public var columns: [RegistryColumn]

    public static func layout(for source: RegistrySource) -> RegistryLayout {
        switch source {
        case .taxRegister: TaxRegisterImport.layout
        case .companyRegistry: CompanyRegistryImport.layout
        case .chineseCapitalList: ChineseCapitalListImport.layout
        }
    }
}

/// A header row resolved against a layout.
struct RegistryHeader {
    let line: Int
    let names: [String]
    private let positions: [String: Int]

    /// Repeated names get 1, 2, 3… appended to their second and later occurrences, so the older
    /// tax-register header that repeats 行業代號/名稱 four times reads as 行業代號, 行業代號1, ….
    init(_ row: RegistryCSVRow) {
        line = row.line
        var counts: [String: Int] = [:]
        var names: [String] = []
        for raw in row.fields {
            let name = raw.trimmingWhitespaceAndBOM()
            let seen = counts[Self.key(name), default: 0]
            counts[Self.key(name)] = seen + 1
            names.append(seen == 0 ? name : "\(name)\(seen)")
        }
        self.names = names
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() where positions[Self.key(name)] == nil {
            positions[Self.key(name)] = index
        }
        self.positions = positions
    }

    static func key(_ name: String) -> String { name.lowercased() }

    func position(of column: RegistryColumn) -> Int? {
        ([column.name] + column.aliases).lazy.compactMap { positions[Self.key($0)] }.first
    }

    func contains(_ name: String) -> Bool { positions[Self.key(name)] != nil }

    /// One issue per required column the header lacks.
    func missingColumns(of layout: RegistryLayout) -> [RegistryImportIssue] {
        layout.columns.filter { $0.isRequired && position(of: $0) == nil }.map { column in
            RegistryImportIssue(
                severity: .error, line: line, column: column.name, code: "registry.column.missing",
                detail: Bilingual(
                    zh: "標題列缺少必要欄位「\(column.name)」（\(column.meaning.zh)）。",
                    en: "The header row lacks the required column \(column.name) (\(column.meaning.en))."))
        }
    }
}

/// One data row with its cells looked up by column.
struct RegistryRow {
    let row: RegistryCSVRow
    let header: RegistryHeader

    var line: Int { row.line }

    /// The trimmed cell, "" when the column is absent or the row is short.
    subscript(column: RegistryColumn) -> String {
        guard let index = header.position(of: column), index < row.fields.count else { return "" }
        return row.fields[index].trimmingWhitespaceAndBOM()
    }

    /// The header name the file uses for this column (for messages).
    func columnName(_ column: RegistryColumn) -> String {
        header.position(of: column).map { header.names[$0] } ?? column.name
    }

    func has(_ column: RegistryColumn) -> Bool { header.position(of: column) != nil }
}
