@testable import SuanliKit
import PropertyBased
import Testing

@Suite struct IntegerRoundingTests {
    @Test(arguments: [
        (IntegerRounding.down, 7, 2, 3), (.down, 8, 2, 4), (.down, 0, 5, 0),
        (.up, 7, 2, 4), (.up, 8, 2, 4), (.up, 1, 1_000, 1), (.up, 0, 1_000, 0),
        (.halfUp, 5, 10, 1), (.halfUp, 4, 10, 0), (.halfUp, 15, 10, 2), (.halfUp, 14, 10, 1),
        (.halfUp, 1, 3, 0), (.halfUp, 2, 3, 1), (.halfUp, 874_950, 100, 8_750),
    ])
    func divides(_ rule: IntegerRounding, _ numerator: Int, _ denominator: Int, _ expected: Int) {
        #expect(rule.divide(numerator, by: denominator) == expected)
    }

    @Test func rulesAgreeOnExactQuotientsAndBracketIt() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...10_000_000), Gen.int(in: 1...100_000)) { n, d in
            let down = IntegerRounding.down.divide(n, by: d)
            let up = IntegerRounding.up.divide(n, by: d)
            let half = IntegerRounding.halfUp.divide(n, by: d)
            #expect(down * d <= n && n < (down + 1) * d)
            #expect(up == (n % d == 0 ? down : down + 1))
            #expect(half == down || half == down + 1)
            // Half-up picks the nearer neighbour; on an exact half, the upper one.
            #expect(abs(2 * n - 2 * half * d) <= d)
            if 2 * (n % d) == d { #expect(half == down + 1) }
        }
    }
}
