import Foundation
import SuanliKit

/// An uploaded file's name, checked and with the forms we show and serve (SPEC C3.4, X3).
/// Files are stored under their ID, never under this name, so the name only has to be safe to
/// show, log and offer as a download name — which is why it is refused rather than silently
/// rewritten when it contains something that could mislead a reader:
/// - a path separator: we do not guess which part is the name;
/// - control characters, line separators and bidirectional controls: a right-to-left override can
///   make `報告\u{202E}fdp.exe` display as `報告exe.pdf`, and a newline can forge a line in a log;
/// - more than `maxLength` characters.
public struct AttachmentName: Hashable, Sendable, Codable {
    /// Characters (grapheme clusters), so a Chinese name gets the same allowance as a Latin one.
    public static let maxLength = 200

    /// As the applicant's browser sent it, in Unicode NFC (macOS sends decomposed names, which
    /// would otherwise compare unequal to the same name typed on Windows).
    public let original: String
    /// `original` with surrounding white space removed and inner runs collapsed to one space: what
    /// lists and notices show.
    public let display: String
    /// The lower-case extension after the last dot; nil when there is none.
    public let fileExtension: String?

    public init(_ raw: String) throws(AttachmentProblem) {
        let normalised = raw.precomposedStringWithCanonicalMapping
        if normalised.unicodeScalars.contains(where: { $0 == "/" || $0 == "\\" }) {
            throw .namePathSeparator
        }
        if normalised.unicodeScalars.contains(where: AttachmentName.isForbidden) {
            throw .nameControlCharacter
        }
        if normalised.count > AttachmentName.maxLength {
            throw .nameTooLong(length: normalised.count, limit: AttachmentName.maxLength)
        }
        let display = normalised.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard let lastDot = display.lastIndex(of: ".") else {
            guard !display.isEmpty else { throw .nameEmpty }
            self.init(original: normalised, display: display, fileExtension: nil)
            return
        }
        // ".pdf" or "..": an extension with nothing it belongs to.
        guard display[..<lastDot].contains(where: { $0 != "." && $0 != " " }) else { throw .nameEmpty }
        let ext = display[display.index(after: lastDot)...].lowercased()
        self.init(original: normalised, display: display, fileExtension: ext.isEmpty ? nil : ext)
    }

    private init(original: String, display: String, fileExtension: String?) {
        self.original = original
        self.display = display
        self.fileExtension = fileExtension
    }

    /// The name to offer when the file is downloaded (Content-Disposition), safe on Windows, macOS
    /// and Linux: characters Windows forbids become `_`, trailing dots and spaces go, and device
    /// names such as `CON.pdf`, which Windows cannot save, get a leading `_`.
    public var downloadName: String {
        var name = String(display.map { "<>:\"|?*".contains($0) ? "_" : $0 })
        while let last = name.last, last == "." || last == " " { name.removeLast() }
        let stem = name.split(separator: ".", maxSplits: 1).first.map { $0.uppercased() } ?? ""
        let devices: Set<String> = ["CON", "PRN", "AUX", "NUL"]
        let numbered = (1...9).flatMap { ["COM\($0)", "LPT\($0)"] }
        if devices.contains(stem) || numbered.contains(stem) { name = "_" + name }
        return name
    }

    /// C0 and C1 controls and DEL, line and paragraph separators, and the bidirectional marks,
    /// embeddings, overrides and isolates.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x2028, 0x2029: true
        case 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
