import Foundation

/// Validation of e-mail addresses before they reach the outbox or an SMTP envelope.
///
/// Deliberately narrower than RFC 5322: no quoted local parts, comments or non-ASCII (that would
/// need SMTPUTF8). Anything that could break out of `RCPT TO:<…>` or a header — spaces, controls,
/// angle brackets, commas — is refused, so a stored address can never inject SMTP commands.
public enum MailAddress {
    public static func isValid(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard (3...254).contains(bytes.count), let at = bytes.lastIndex(of: UInt8(ascii: "@")) else {
            return false
        }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard (1...64).contains(local.count), !domain.isEmpty else { return false }
        guard !domain.contains(UInt8(ascii: "@")), !local.contains(UInt8(ascii: "@")) else { return false }
        guard domain.first != UInt8(ascii: "."), domain.last != UInt8(ascii: ".") else { return false }
        return bytes.allSatisfy { byte in
            byte > 0x20 && byte < 0x7F && !forbidden.contains(byte)
        }
    }

    /// Returns the address trimmed of surrounding whitespace, or throws `NotifyError.invalidAddress`.
    public static func validated(_ address: String) throws -> String {
        let trimmed = address.trimmingCharacters(in: .whitespacesAndNewlines)
        guard isValid(trimmed) else { throw NotifyError.invalidAddress(address) }
        return trimmed
    }

    /// The part after the last `@`, used for Message-ID.
    static func domain(of address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return "localhost" }
        return String(address[address.index(after: at)...])
    }

    private static let forbidden: Set<UInt8> = Set("<>()[]\\,;:\"".utf8)
}
