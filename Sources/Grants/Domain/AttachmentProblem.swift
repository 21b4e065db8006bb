import SuanliKit

/// Why an upload was refused (SPEC C3.4 "sizes and types are validated with clear errors", X3).
/// Each case has a stable code under `attachment.` and, through `userFacing`, a message in both
/// languages that says what was wrong and how to fix it.
public enum AttachmentProblem: Error, Hashable, Sendable {
    case nameEmpty
    case nameTooLong(length: Int, limit: Int)
    case namePathSeparator
    case nameControlCharacter
    /// The extension is missing, unknown, or not one this purpose accepts.
    case typeNotAllowed(extension: String?, allowed: [AttachmentKind])
    /// The content is not what the extension says, e.g. a program renamed `.pdf`.
    case contentMismatch(extension: String, expected: AttachmentKind, found: ContentSignature)
    /// The browser or API client declared a different accepted type than name and content agree on.
    case declaredTypeMismatch(declared: String, kind: AttachmentKind)
    case empty
    case tooLarge(size: Int64, limit: Int64)
    case tooManyFiles(limit: Int)
    case totalTooLarge(existing: Int64, adding: Int64, limit: Int64)
    /// Fewer or more bytes arrived than were checked: the upload broke off or the client lied.
    case incomplete(expected: Int64, received: Int64)
    /// The Store handed in something that is not a SHA-256 hex digest — a bug, reported, not stored.
    case checksumInvalid

    public var code: String {
        switch self {
        case .nameEmpty, .nameTooLong, .namePathSeparator, .nameControlCharacter: "attachment.name"
        case .typeNotAllowed: "attachment.type"
        case .contentMismatch, .declaredTypeMismatch: "attachment.mismatch"
        case .empty: "attachment.empty"
        case .tooLarge: "attachment.size"
        case .tooManyFiles: "attachment.count"
        case .totalTooLarge: "attachment.total"
        case .incomplete: "attachment.incomplete"
        case .checksumInvalid: "attachment.checksum"
        }
    }
}

/// Sizes as people read them: mebibytes with at most one decimal, computed in integers.
enum MebibyteText {
    static let mebibyte: Int64 = 1_048_576

    /// Limits round down and file sizes round up, so that a file one byte over a 20 MiB limit reads
    /// "20.1 MiB" rather than a baffling "20 MiB is over the 20 MiB limit".
    static func text(_ bytes: Int64, roundingUp: Bool) -> String {
        let whole = bytes / mebibyte
        let scaledRest = (bytes % mebibyte) * 10
        var tenths = whole * 10 + scaledRest / mebibyte
        if roundingUp && scaledRest % mebibyte != 0 { tenths += 1 }
        return tenths % 10 == 0 ? "\(tenths / 10) MiB" : "\(tenths / 10).\(tenths % 10) MiB"
    }

    static func limit(_ bytes: Int64) -> String { text(bytes, roundingUp: false) }
    static func size(_ bytes: Int64) -> String { text(bytes, roundingUp: true) }
}
