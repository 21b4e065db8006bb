import SuanliKit

/// A short label known in both UI languages, such as the name of an application state.
/// Templates take these instead of plain strings so the caller never has to know the recipient's
/// language when it builds the message (SPEC X1: Traditional Chinese first, English second).
public struct LocalizedLabel: Sendable, Equatable, ExpressibleByStringLiteral {
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
