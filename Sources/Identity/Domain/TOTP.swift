import Crypto
import Foundation

/// RFC 6238 time-based one-time passwords (HMAC-SHA1, 30 s, 6 digits) — what authenticator apps use.
/// Administrators' second factor (SPEC T2).
public struct TOTP: Sendable {
    public let secret: [UInt8]
    public static let period: TimeInterval = 30
    public static let digits = 6

    public init(secret: [UInt8]) { self.secret = secret }

    public static func generateSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    public static func step(at date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / period).rounded(.down)) }

    public func code(step: Int64) -> String {
        var counter = UInt64(step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let value = binary % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: TOTP.digits - text.count) + text
    }

    public func code(at date: Date) -> String { code(step: TOTP.step(at: date)) }

    /// The matching step within ±1 period of clock drift, if the code is right. Callers refuse a step
    /// they have already accepted, so a code cannot be replayed.
    public func matchingStep(_ code: String, at date: Date) -> Int64? {
        let trimmed = code.filter { !$0.isWhitespace }
        guard trimmed.count == TOTP.digits else { return nil }
        let now = TOTP.step(at: date)
        for step in [now, now - 1, now + 1] where self.code(step: step) == trimmed { return step }
        return nil
    }

    public var base32Secret: String { Base32.encode(secret) }

    public func provisioningURI(account: String, issuer: String = "Suanli") -> String {
        let label = "\(issuer):\(account)".addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? account
        return "otpauth://totp/\(label)?secret=\(base32Secret)&issuer=\(issuer)&algorithm=SHA1&digits=6&period=30"
    }
}

/// RFC 4648 base32 without padding, as authenticator apps expect.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    public static func encode(_ bytes: [UInt8]) -> String {
        var output = ""
        var buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var buffer = 0, bits = 0
        var output: [UInt8] = []
        for char in text.uppercased() where char != "=" && char != " " {
            guard let index = alphabet.firstIndex(of: char) else { return nil }
            buffer = (buffer << 5) | index
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> (bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return output
    }
}
