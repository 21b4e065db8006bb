import SuanliKit

/// The inference API key a tenant's programs send as `Authorization: Bearer …` (SPEC C5.2; issue 4,
/// item 2): `sk-suanli-` + an 8-character visible prefix + `-` + a 256-bit secret, base64url. Only the
/// SHA-256 digest of the whole key is stored; the key is shown once, when it is created or rotated.
/// The prefix is what pages and logs show, so a tenant can tell keys apart without seeing them.
public enum APIKeyFormat {
    public static let scheme = "sk-suanli-"

    public struct Issued: Sendable, Equatable {
        public let key: String
        public let prefix: String
        public let digest: String
    }

    public static func issue() -> Issued {
        let visible = String(Tokens.random(bytes: 9).filter { $0.isLetter || $0.isNumber }.prefix(8))
        let prefix = scheme + (visible.count == 8 ? visible : String((visible + "00000000").prefix(8)))
        let key = prefix + "-" + Tokens.random(bytes: 32)
        return Issued(key: key, prefix: prefix, digest: Tokens.digest(key))
    }

    /// The digest to look a presented key up by, or nil when it cannot be one of ours (so a request
    /// with some other vendor's key is refused without a database read).
    public static func digest(ofPresented key: String) -> String? {
        guard key.hasPrefix(scheme), key.utf8.count >= scheme.utf8.count + 8 + 1 + 43, key.utf8.count <= 128,
              key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return Tokens.digest(key)
    }
}
