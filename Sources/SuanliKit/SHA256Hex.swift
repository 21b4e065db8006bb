import Crypto

/// Content checksums for stored files (SPEC C3.4: attachments are stored with checksums).
/// Lower-case hexadecimal SHA-256, the form `sha256sum` prints, so that an operator can check a
/// downloaded file by hand. Named `ContentDigest` rather than `Digest` because swift-crypto already
/// exports a `Digest` protocol and every module importing both would have to disambiguate.
public enum ContentDigest {
    /// Hex digits of an empty input's SHA-256, e.g. to recognise a zero-byte upload in the logs.
    public static let emptySHA256Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalizeHex()
    }

    /// True for exactly 64 lower-case hex digits — what `sha256Hex` produces and what the Store keeps.
    public static func isSHA256Hex(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// Incremental hashing, because uploads arrive as a stream of chunks and are never collected
    /// in memory (ARCHITECTURE "Streaming routes never collect bodies").
    public struct SHA256Hasher {
        private var state = SHA256()

        public init() {}

        public mutating func update(_ chunk: some Sequence<UInt8>) {
            Array(chunk).withUnsafeBytes { state.update(bufferPointer: $0) }
        }

        public func finalizeHex() -> String {
            hex(state.finalize())
        }
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
