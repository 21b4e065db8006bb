import Crypto
import Foundation

/// Encrypts small secrets (TOTP seeds, credentials) before they are stored (SPEC T5).
/// AES-256-GCM; the stored form is base64(nonce ‖ ciphertext ‖ tag) with a "v1:" prefix.
public struct SecretBox: Sendable {
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public init(key: [UInt8]) {
        precondition(key.count == 32, "SecretBox needs a 256-bit key")
        self.keyBytes = key
    }

    public func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Array(plaintext.utf8), using: key)
        guard let combined = box.combined else { throw SecretBoxError.sealFailed }
        return "v1:" + combined.base64EncodedString()
    }

    public func open(_ stored: String) throws -> String {
        guard stored.hasPrefix("v1:"), let data = Data(base64Encoded: String(stored.dropFirst(3))) else {
            throw SecretBoxError.malformed
        }
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
    }
}

public enum SecretBoxError: Error { case sealFailed, malformed }

/// Random tokens and their stored digests. Tokens are shown once; only SHA-256 digests are stored.
public enum Tokens {
    public static func random(bytes count: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return base64URL(bytes)
    }

    public static func digest(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Compares without leaking where the first difference is.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
