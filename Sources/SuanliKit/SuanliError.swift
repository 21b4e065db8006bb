/// A problem the user can fix, with a stable code and a message in both languages.
/// Each context maps its own failures onto this shape once; the HTTP layer maps it to a status
/// (HTML error page, RFC 9457 problem+json, …) in one place (ARCHITECTURE "Errors").
public struct UserFacingError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case invalidInput      // 400 / 422
        case unauthenticated   // 401
        case forbidden         // 403
        case notFound          // 404
        case conflict          // 409
        case locked            // 423 (account lock-out)
        case tooManyRequests   // 429
        case unavailable       // 503
    }

    public var kind: Kind
    /// Stable machine code, e.g. "taxid.checksum".
    public var code: String
    public var zh: String
    public var en: String
    /// Field errors (field name → message pair) for forms; empty for non-form errors.
    public var fields: [FieldError]

    public init(_ kind: Kind, code: String, zh: String, en: String, fields: [FieldError] = []) {
        self.kind = kind
        self.code = code
        self.zh = zh
        self.en = en
        self.fields = fields
    }

    public func message(_ language: Language) -> String { language == .en ? en : zh }
}

public struct FieldError: Sendable, Equatable {
    public var field: String
    public var zh: String
    public var en: String
    public init(field: String, zh: String, en: String) {
        self.field = field
        self.zh = zh
        self.en = en
    }
    public func message(_ language: Language) -> String { language == .en ? en : zh }
}

/// UI language. Traditional Chinese first (SPEC X1).
public enum Language: String, Sendable, CaseIterable, Codable {
    case zhTW = "zh-TW"
    case en = "en"

    public init(tag: String?) {
        guard let tag = tag?.lowercased() else { self = .zhTW; return }
        self = tag.hasPrefix("en") ? .en : .zhTW
    }
}
