/// The only three ways Suanli turns a ratio into an integer (ARCHITECTURE "Rules that hold
/// everywhere": every rounding rule is written once, named and tested). Amounts here are never
/// negative — a negative amount is a bug upstream, so it traps instead of rounding the wrong way.
public enum IntegerRounding: Sendable {
    /// Towards zero: what is *shown* as remaining never overstates what remains.
    case down
    /// Away from zero: a started metered unit is a used unit.
    case up
    /// To nearest, halves up: scores, rounded once at the end of a computation.
    case halfUp

    public func divide(_ numerator: Int, by denominator: Int) -> Int {
        precondition(numerator >= 0 && denominator > 0, "IntegerRounding works on non-negative amounts")
        let quotient = numerator / denominator
        let remainder = numerator % denominator
        switch self {
        case .down:
            return quotient
        case .up:
            return remainder == 0 ? quotient : quotient + 1
        case .halfUp:
            // remainder / denominator ≥ 1/2  ⇔  2 × remainder ≥ denominator (no fractions needed).
            return 2 * remainder >= denominator ? quotient + 1 : quotient
        }
    }
}
