import SuanliKit

/// A share kept as an exact fraction (ARCHITECTURE: no floating point for counts) and turned into a
/// percentage only when shown, e.g. an approval rate of 1 in 3 is 1/3 and reads "33.3%".
public struct Proportion: Hashable, Sendable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    public init(_ numerator: Int, of denominator: Int) {
        precondition(numerator >= 0 && denominator >= 0, "a proportion counts things")
        self.numerator = numerator
        self.denominator = denominator
    }

    /// Tenths of a percent, rounded half up (1/3 → 333, 2/3 → 667, 1/8 → 125); nil for 0/0.
    public var tenthsOfPercent: Int? {
        denominator == 0 ? nil : IntegerRounding.halfUp.divide(numerator * 1_000, by: denominator)
    }

    /// "33.3%"; "—" when there is nothing to divide by (no applications is not a rate of 0%).
    public var percentText: String { Proportion.percentText(tenths: tenthsOfPercent) }

    public var description: String { "\(numerator)/\(denominator)" }

    public static func percentText(tenths: Int?) -> String {
        guard let tenths else { return "—" }
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// Tenths of a percent for parts of one whole that add up to exactly 100.0% (largest-remainder
    /// method): each part gets its rounded-down share, and the tenths left over go to the parts with
    /// the largest remainders, earlier parts first on a tie. Used for distributions such as the
    /// L1/L2/L3 shares, where rounding each part on its own can show 99.9% or 100.1% in total —
    /// which readers of a ministry report take for an error. All nil when the parts are all zero.
    public static func apportionedTenths(_ parts: [Int]) -> [Int?] {
        let total = parts.reduce(0, +)
        guard total > 0 else { return parts.map { _ in nil } }
        var tenths = parts.map { $0 * 1_000 / total }
        let remainders = parts.map { $0 * 1_000 % total }
        let leftover = 1_000 - tenths.reduce(0, +)
        let order = parts.indices.sorted {
            remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1
        }
        for index in order.prefix(leftover) { tenths[index] += 1 }
        return tenths
    }
}
