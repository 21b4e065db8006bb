import PropertyBased
import SuanliKit
import Testing

/// 統一編號 checksum (SPEC C3.1, T8): real companies' IDs, the legacy rule, the 7th-digit-7 case, and a
/// reference implementation compared on random input.
@Suite struct TaxIDTests {
    @Test(arguments: [
        "22099131",  // 台灣積體電路製造
        "04541302",  // 鴻海精密工業
        "04595257",  // MOF worked example
        "84149961",  // 廣達電腦
        "10458575", "10458574",  // 7th digit 7: both readings of 28 → 10 are accepted
    ])
    func realIDsAreValid(_ id: String) {
        #expect(TaxID(id) != nil)
    }

    @Test func currentRuleAcceptsIDsTheLegacyRuleRejected() {
        // Digit-sum 25: divisible by 5 (current rule since 2023) but not by 10 (legacy rule).
        #expect(TaxID("10000004") != nil)
        #expect(Reference.sum("10000004") % 10 != 0)
    }

    @Test(arguments: ["11111111", "28302214", "22099132", "04541303"])
    func wrongCheckDigitIsRefused(_ id: String) {
        #expect(TaxID.parse(id) == .failure(.checksum))
    }

    @Test func malformedInputGetsASpecificProblem() {
        #expect(TaxID.parse("") == .failure(.empty))
        #expect(TaxID.parse("2209913") == .failure(.wrongLength(7)))
        #expect(TaxID.parse("220991311") == .failure(.wrongLength(9)))
        #expect(TaxID.parse("2209913A") == .failure(.notDigits))
        #expect(TaxID.parse("２２０９９１３１") == .failure(.notDigits))  // full-width digits
        #expect(TaxID.parse("  22099131\u{3000}").map(\.digits) == .success("22099131"))
        #expect(TaxID.error(.checksum).zh.contains("檢查碼"))
        #expect(TaxID.error(.wrongLength(7)).en.contains("7"))
    }

    @Test func everyLegacyValidIDIsStillValid() async {
        await propertyCheck(count: 2000, input: Gen.int(in: 0...99_999_999)) { n in
            let id = Reference.pad(n)
            if Reference.sum(id) % 10 == 0 { #expect(TaxID(id) != nil) }
        }
    }

    @Test func matchesTheReferenceRuleOnRandomIDs() async {
        await propertyCheck(count: 5000, input: Gen.int(in: 0...99_999_999)) { n in
            let id = Reference.pad(n)
            #expect((TaxID(id) != nil) == Reference.isValid(id), "\(id)")
        }
    }

    @Test func aboutOneInFiveRandomIDsIsValid() {
        // The check digit carries ~log2(5) bits: a typo is caught four times out of five.
        var valid = 0
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 where TaxID(Reference.pad(Int.random(in: 0...99_999_999, using: &generator))) != nil {
            valid += 1
        }
        #expect((3_600...4_600).contains(valid))
    }

    /// Written independently of the implementation, from the MOF description.
    enum Reference {
        static func pad(_ n: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: 8 - s.count) + s
        }

        static func sum(_ id: String) -> Int {
            let weights = [1, 2, 1, 2, 1, 2, 4, 1]
            return zip(id.compactMap(\.wholeNumberValue), weights).map { d, w in
                String(d * w).compactMap(\.wholeNumberValue).reduce(0, +)
            }.reduce(0, +)
        }

        static func isValid(_ id: String) -> Bool {
            let total = sum(id)
            if total % 5 == 0 { return true }
            // 7th digit 7: its term counted 10; it may count 1 or 0 instead.
            return id.compactMap(\.wholeNumberValue)[6] == 7 && ((total - 9) % 5 == 0 || (total - 10) % 5 == 0)
        }
    }
}

/// `trimmingWhitespace`: ASCII and full-width spaces and line breaks at either end, nothing inside.
@Suite struct TrimmingWhitespaceTests {
    @Test(arguments: [("  製造\u{3000}", "製造"), ("\n\t", ""), ("", ""), ("製 造", "製 造"), ("a", "a"),
                      ("\u{3000}\u{3000}智慧 製造\r\n", "智慧 製造"), ("x ", "x"), (" x", "x")])
    func trims(_ text: String, _ expected: String) {
        #expect(text.trimmingWhitespace() == expected)
    }
}
