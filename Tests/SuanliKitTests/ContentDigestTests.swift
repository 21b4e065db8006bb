import SuanliKit
import Testing

/// Checksums of stored files (SPEC C3.4), checked against the FIPS 180-2 test vectors.
@Suite struct ContentDigestTests {
    @Test func matchesKnownVectors() {
        #expect(ContentDigest.sha256Hex([UInt8]()) == ContentDigest.emptySHA256Hex)
        #expect(ContentDigest.sha256Hex(Array("abc".utf8))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ContentDigest.sha256Hex("算力".utf8) == Tokens.digest("算力"))
    }

    @Test func hashesChunkedInputLikeTheWhole() {
        let input = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        var hasher = ContentDigest.SHA256Hasher()
        for chunk in stride(from: 0, to: input.count, by: 7) {
            hasher.update(input[chunk..<min(chunk + 7, input.count)])
        }
        #expect(hasher.finalizeHex() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hasher.finalizeHex() == ContentDigest.sha256Hex(input))
    }

    @Test func recognisesStoredDigests() {
        #expect(ContentDigest.isSHA256Hex(ContentDigest.emptySHA256Hex))
        #expect(!ContentDigest.isSHA256Hex(ContentDigest.emptySHA256Hex.uppercased()))
        #expect(!ContentDigest.isSHA256Hex(String(ContentDigest.emptySHA256Hex.dropLast())))
        #expect(!ContentDigest.isSHA256Hex(String(repeating: "g", count: 64)))
    }
}
