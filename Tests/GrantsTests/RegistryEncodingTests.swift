import Testing

@testable import Grants

/// Registry files must be UTF-8 (SPEC T8): BOM or not; Big5/CP950 and UTF-16 are refused by name.
@Suite struct RegistryEncodingTests {
    typealias F = RegistryFixtures

    @Test func bomIsStrippedAndHeaderStillMatches() throws {
        let plain = F.bytes(F.taxHeader, F.taxRow())
        let withBOM = [0xEF, 0xBB, 0xBF] + plain
        let a = try F.importTax(plain), b = try F.importTax(withBOM)
        #expect(a.records == b.records)
        #expect(b.records.first?.taxID == F.software)
    }

    @Test func big5FileIsRefusedWithConversionHint() throws {
        // "統一編號,名稱" in Big5: 統 B2CE 一 A440 編 BD73 號 B8B9 , 名 A657 稱 BAD9
        let big5: [UInt8] = [0xB2, 0xCE, 0xA4, 0x40, 0xBD, 0x73, 0xB8, 0xB9, 0x2C, 0xA6, 0x57, 0xBA, 0xD9, 0x0A]
            + Array("82120437,x\n".utf8)
        let failure = try #require(F.failure(big5, as: .chineseCapitalList))
        #expect(failure.issues.map(\.code) == ["registry.encoding.big5"])
        #expect(failure.issues[0].zh.contains("Big5"))
        #expect(failure.issues[0].en.contains("iconv -f CP950 -t UTF-8"))
        #expect(failure.userFacingError.code == "registry.encoding.big5")
    }

    @Test func utf16IsRefused() throws {
        let utf16: [UInt8] = [0xFF, 0xFE] + Array("a,b".utf8).flatMap { [$0, 0] }
        let failure = try #require(F.failure(utf16, as: .taxRegister))
        #expect(failure.issues.map(\.code) == ["registry.encoding.utf16"])
    }

    @Test func otherInvalidUTF8IsRefusedWithOffset() throws {
        let bytes = Array("統一編號,名稱\n".utf8) + [0xC3, 0x28]  // 0xC3 needs a continuation byte
        let failure = try #require(F.failure(bytes, as: .chineseCapitalList))
        #expect(failure.issues.map(\.code) == ["registry.encoding.invalid"])
        #expect(failure.issues[0].en.contains("byte \(bytes.count - 2)"))
    }

    @Test(arguments: [
        ([0xE0, 0x80, 0x80] as [UInt8]),  // overlong
        [0xED, 0xA0, 0x80],  // UTF-16 surrogate
        [0xF4, 0x90, 0x80, 0x80],  // beyond U+10FFFF
        [0xE6, 0x97],  // truncated
    ])
    func malformedSequencesAreFound(_ bytes: [UInt8]) {
        #expect(RegistryTextEncoding.firstInvalidUTF8Offset(bytes[...]) == 0)
    }

    @Test func validUTF8PassesIncludingFourByteCharacters() {
        #expect(RegistryTextEncoding.firstInvalidUTF8Offset(Array("𠀀臺北 abc".utf8)[...]) == nil)
    }

    @Test func emptyFileIsRefused() throws {
        for bytes in [[], [0xEF, 0xBB, 0xBF], Array("\n\r\n  \n".utf8)] as [[UInt8]] {
            let failure = try #require(F.failure(bytes, as: .taxRegister))
            #expect(failure.issues.map(\.code) == ["registry.file.empty"])
        }
    }
}
