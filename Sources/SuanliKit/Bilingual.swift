/// Text known in both UI languages (SPEC X1: Traditional Chinese first, English second), e.g. the name
/// of an application state. Callers pass these around instead of plain strings so that whoever builds a
/// message never needs to know the reader's language.
public struct Bilingual: Hashable, Sendable, Codable, ExpressibleByStringLiteral {
    public var zh: String
    public var en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    /// The same text in both languages (names, codes).
    public init(stringLiteral value: String) {
        self.init(zh: value, en: value)
    }

    public func text(_ language: Language) -> String {
        language == .en ? en : zh
    }
}
