/// The three code systems a Taiwanese business carries, kept as distinct types so that one can never
/// be passed where another is meant (SPEC T8):
/// - `TaxIndustryCode` — 財政部「稅務行業標準分類」, 6 digits, e.g. 620101; on the tax register.
/// - `StandardIndustryCode` — 主計總處「行業標準分類」, section letter + 2–4 digits, e.g. J62, K6699;
///   what the programme's eligibility is written in (SPEC C2.1, 須知 貳、一).
/// - `BusinessItemCode` — 經濟部「公司行號營業項目代碼」, e.g. I301010; on the company registry, and
///   what the AI Toolbox's vendor rule is written in (SPEC M2).

/// 稅務行業標準分類 code: exactly 6 ASCII digits.
public struct TaxIndustryCode: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let digits: String

    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespaceAndBOM()
        guard trimmed.utf8.count == 6, trimmed.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        digits = trimmed
    }

    public var description: String { digits }

    /// 中類 (2-digit division), which fixes the section letter.
    public var division: String { String(digits.prefix(2)) }

    /// The 行業標準分類 細類 this code refines; see `IndustryCodeMapping`.
    public var standardClass: StandardIndustryCode? { IndustryCodeMapping.standardClass(of: self) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.digits < rhs.digits }
}

/// 行業標準分類 code at any level below the section: 中類 (J62), 小類 (J582) or 細類 (J6201).
public struct StandardIndustryCode: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// 大類 letter, A–S.
    public let section: Character
    /// 2 to 4 digits.
    public let digits: String

    /// Accepts "J62", "j 62", "J6201"; refuses a letter that does not match the division (K62).
    public init?(_ text: String) {
        let compact = text.trimmingWhitespaceAndBOM().uppercased().filter { $0 != " " }
        guard let letter = compact.first, letter.isASCII, letter.isLetter else { return nil }
        let rest = String(compact.dropFirst())
        guard (2...4).contains(rest.utf8.count), rest.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            IndustryCodeMapping.section(ofDivision: String(rest.prefix(2))) == letter
        else { return nil }
        section = letter
        digits = rest
    }

    public var code: String { "\(section)\(digits)" }
    public var description: String { code }

    /// True when `other` is this code or a finer code under it: J62 contains J6201.
    public func contains(_ other: StandardIndustryCode) -> Bool {
        section == other.section && other.digits.hasPrefix(digits)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.code < rhs.code }

    // Codable as the plain code ("J62"), which is how forms and the Store write it.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = StandardIndustryCode(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "Not a 行業標準分類 code: \(text)"))
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}

/// 公司行號營業項目代碼: 7 characters — a letter, a letter or digit, then 5 digits (I301010, CC01080,
/// ZZ99999).
public struct BusinessItemCode: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let code: String

    public init?(_ text: String) {
        let upper = text.trimmingWhitespaceAndBOM().uppercased()
        let scalars = Array(upper.unicodeScalars)
        func isLetter(_ s: Unicode.Scalar) -> Bool { ("A"..."Z").contains(s) }
        func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
        guard scalars.count == 7, isLetter(scalars[0]), isLetter(scalars[1]) || isDigit(scalars[1]),
            scalars[2...].allSatisfy(isDigit)
        else { return nil }
        code = upper
    }

    public var description: String { code }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.code < rhs.code }
}

/// A business item as the company registry lists it: the code and its official wording.
public struct BusinessItem: Hashable, Sendable, Codable {
    public var code: BusinessItemCode
    public var description: String?

    public init(code: BusinessItemCode, description: String? = nil) {
        self.code = code
        self.description = description
    }
}
