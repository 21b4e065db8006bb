/// A score in hundredths of a point — the precision scores are published with (87.35). Integer, so
/// that a total, a mean and a ranking are the same on every machine (ARCHITECTURE: no floating
/// point). Bonus points and spreads use the same unit.
public struct Score: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var hundredths: Int

    public init(hundredths: Int) { self.hundredths = hundredths }

    public static func points(_ points: Int) -> Score { Score(hundredths: points * 100) }

    public static let zero = Score(hundredths: 0)

    /// "87.35", "-0.05" (differences can be negative).
    public var description: String {
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    public static func < (lhs: Score, rhs: Score) -> Bool { lhs.hundredths < rhs.hundredths }
    public static func + (lhs: Score, rhs: Score) -> Score { Score(hundredths: lhs.hundredths + rhs.hundredths) }
    public static func - (lhs: Score, rhs: Score) -> Score { Score(hundredths: lhs.hundredths - rhs.hundredths) }
}
