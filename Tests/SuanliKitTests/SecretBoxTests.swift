import SuanliKit
import Testing

@Suite struct SecretBoxTests {
    @Test func sealsAndOpensAndRefusesTampering() throws {
        let box = SecretBox(key: Array(repeating: 7, count: 32))
        let sealed = try box.seal("JBSWY3DPEHPK3PXP")
        #expect(!sealed.contains("JBSWY3DPEHPK3PXP"))
        #expect(try box.open(sealed) == "JBSWY3DPEHPK3PXP")
        var bytes = Array(sealed)
        bytes[10] = bytes[10] == "A" ? "B" : "A"
        #expect(throws: (any Error).self) { try box.open(String(bytes)) }
        let other = SecretBox(key: Array(repeating: 8, count: 32))
        #expect(throws: (any Error).self) { try other.open(sealed) }
    }

    @Test func tokensAreRandomAndDigestsStable() {
        let a = Tokens.random(), b = Tokens.random()
        #expect(a != b)
        #expect(a.count >= 43)
        #expect(Tokens.digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Tokens.constantTimeEqual("abc", "abc"))
        #expect(!Tokens.constantTimeEqual("abc", "abd"))
        #expect(!Tokens.constantTimeEqual("abc", "abcd"))
    }
}
