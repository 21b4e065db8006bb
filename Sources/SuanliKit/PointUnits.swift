/// What one point buys, as exact integer rules (SPEC C1.4, C1.5). Only the definitions live here;
/// the ledger (a later issue) keeps balances in the smallest unit of each category so that no
/// conversion is ever rounded twice:
/// - training balances in GPU-seconds (1 point = 1,800 GPU-seconds, so points × 1,800 is exact);
/// - inference balances in metered units of 1,000 tokens (1 point = 100 units, exact).
/// Points are shown from those balances, rounded down (`IntegerRounding.down`), so a tenant is
/// never told it has more than it has.

/// Whether a training environment's wall-clock time is multiplied by its GPUs (SPEC C1.4). The FAQ
/// says points are deducted for the time the environment is allocated, idle included, "與使用幾張卡
/// 無直接關聯", so the programme chooses; the default follows the guideline's "0.5 GPU 小時".
public enum TrainingMetering: String, Sendable, CaseIterable, Codable {
    /// Allocated seconds × GPUs in the environment (default).
    case perGPU
    /// Allocated seconds, whatever the number of GPUs.
    case perEnvironment

    public var zh: String {
        switch self {
        case .perGPU: "依 GPU 卡數計（配置秒數 × 卡數）"
        case .perEnvironment: "依環境計（配置秒數，不論卡數）"
        }
    }

    public var en: String {
        switch self {
        case .perGPU: "Per GPU (allocated seconds × GPUs)"
        case .perEnvironment: "Per environment (allocated seconds, any number of GPUs)"
        }
    }
}

public enum TrainingUnits {
    /// 須知「1 點 = 0.5GPU 小時」= 1,800 GPU-seconds.
    public static let gpuSecondsPerPoint = 1_800

    public static func gpuSeconds(forPoints points: Int) -> Int {
        precondition(points >= 0, "points are never negative")
        return points * gpuSecondsPerPoint
    }

    /// GPU-seconds charged for an allocation. Idle time is included (FAQ 算力規格 1: "含閒置時間"),
    /// so the caller passes the whole allocated time in seconds, not the busy time.
    public static func chargedGPUSeconds(allocatedSeconds: Int, gpus: Int, metering: TrainingMetering) -> Int {
        precondition(allocatedSeconds >= 0 && gpus >= 1, "an allocation has time ≥ 0 and at least one GPU")
        switch metering {
        case .perGPU: return allocatedSeconds * gpus
        case .perEnvironment: return allocatedSeconds
        }
    }

    /// Whole points in a GPU-second balance, rounded down, and the seconds left over.
    public static func wholePoints(inGPUSeconds seconds: Int) -> (points: Int, remainderSeconds: Int) {
        let points = IntegerRounding.down.divide(seconds, by: gpuSecondsPerPoint)
        return (points, seconds - points * gpuSecondsPerPoint)
    }
}

public enum InferenceUnits {
    /// 須知「1 點 = 10 萬個 Token 數 Input 或 Output」: input and output tokens count alike.
    public static let tokensPerPoint = 100_000
    /// 須知「最小計量單位為千個 Token 數」.
    public static let tokensPerMeteredUnit = 1_000
    public static let meteredUnitsPerPoint = tokensPerPoint / tokensPerMeteredUnit

    public static func meteredUnits(forPoints points: Int) -> Int {
        precondition(points >= 0, "points are never negative")
        return points * meteredUnitsPerPoint
    }

    /// Metered units for a token count: a started 1,000 tokens is a used unit (`IntegerRounding.up`).
    public static func meteredUnits(forTokens tokens: Int) -> Int {
        IntegerRounding.up.divide(tokens, by: tokensPerMeteredUnit)
    }

    /// Units to deduct when a tenant's running token total grows from `before` to `after`.
    /// Rounding the *running total* rather than each request means a tenant is overcharged by
    /// less than one unit over the whole term, however many small requests it makes, and the sum
    /// of all charges always equals `meteredUnits(forTokens: total)`.
    public static func charge(tokensBefore before: Int, tokensAfter after: Int) -> Int {
        precondition(0 <= before && before <= after, "a running token total only grows")
        return meteredUnits(forTokens: after) - meteredUnits(forTokens: before)
    }

    /// Whole points in a metered-unit balance, rounded down, and the units left over
    /// (each unit is 0.01 point, so the pair reads as "12.34 點").
    public static func wholePoints(inMeteredUnits units: Int) -> (points: Int, remainderUnits: Int) {
        let points = IntegerRounding.down.divide(units, by: meteredUnitsPerPoint)
        return (points, units - points * meteredUnitsPerPoint)
    }
}
