import SuanliKit

/// An amount of points in the ledger's one unit, the *tick*: 1/1,800 of a point (SPEC C1.4, C1.5).
///
/// Both kinds of project spend points, in different things, and one unit must hold both exactly:
/// - training: 1 point = 0.5 GPU-hour = 1,800 GPU-seconds, so **1 GPU-second = 1 tick**;
/// - inference: 1 point = 100,000 tokens, metered in units of 1,000 tokens (100 units a point), so
///   **1 metered unit = 18 ticks**.
/// 1,800 is the least common multiple of 1,800 and 100, so every charge of either kind is a whole
/// number of ticks and no conversion is ever rounded. Points are shown rounded down
/// (`IntegerRounding.down`): a tenant is never told it has more than it has.
public struct LedgerAmount: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public static let ticksPerPoint = 1_800
    public static let ticksPerGPUSecond = 1
    public static let ticksPerMeteredUnit = ticksPerPoint / InferenceUnits.meteredUnitsPerPoint  // 18

    public let ticks: Int

    public init(ticks: Int) { self.ticks = ticks }

    public static let zero = LedgerAmount(ticks: 0)
    public static func points(_ points: Int) -> LedgerAmount { LedgerAmount(ticks: points * ticksPerPoint) }
    public static func gpuSeconds(_ seconds: Int) -> LedgerAmount { LedgerAmount(ticks: seconds * ticksPerGPUSecond) }
    public static func meteredUnits(_ units: Int) -> LedgerAmount { LedgerAmount(ticks: units * ticksPerMeteredUnit) }

    /// Whole metered inference units this amount pays for (rounded down).
    public var wholeMeteredUnits: Int { IntegerRounding.down.divide(max(0, ticks), by: Self.ticksPerMeteredUnit) }

    /// Points in hundredths, rounded down ("12.34 點" is 1,234): what pages and the API show.
    public var pointHundredths: Int {
        let sign = ticks < 0 ? -1 : 1
        return sign * IntegerRounding.down.divide(abs(ticks) * 100, by: Self.ticksPerPoint)
    }

    /// "1,234.56" — points with two decimals, rounded towards zero, thousands separated.
    public var pointsText: String {
        let hundredths = pointHundredths
        let whole = abs(hundredths) / 100, cents = abs(hundredths) % 100
        let grouped = String(whole).reversed().enumerated()
            .map { $0.offset > 0 && $0.offset % 3 == 0 ? "\($0.element)," : "\($0.element)" }.reversed().joined()
        return (hundredths < 0 ? "-" : "") + grouped + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    public var description: String { "\(ticks) ticks (\(pointsText) points)" }

    public static func < (lhs: LedgerAmount, rhs: LedgerAmount) -> Bool { lhs.ticks < rhs.ticks }
    public static func + (lhs: LedgerAmount, rhs: LedgerAmount) -> LedgerAmount { LedgerAmount(ticks: lhs.ticks + rhs.ticks) }
    public static func - (lhs: LedgerAmount, rhs: LedgerAmount) -> LedgerAmount { LedgerAmount(ticks: lhs.ticks - rhs.ticks) }
    public static prefix func - (amount: LedgerAmount) -> LedgerAmount { LedgerAmount(ticks: -amount.ticks) }
}
