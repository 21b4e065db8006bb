import SuanliKit

/// The inference charging rule (SPEC C1.5), written once. README "Metering and rounding" explains it
/// to tenants; `InferenceMeteringTests` holds it.
///
/// 1. Every request's exact token counts (prompt and completion, as the model server reports them)
///    are kept on its usage record; input and output tokens count alike.
/// 2. The project's tokens are added to a running total. What the project has paid for is
///    `ceil(total / 1,000)` metered units: a started 1,000 tokens is a used unit (須知: "最小計量單位為
///    千個 Token 數"). Each request is charged the *growth* of that number, so small requests carry
///    their remainder into the next one instead of each being rounded up: a hundred 10-token
///    requests cost 1 unit, not 100. The sum of all charges is always exactly `ceil(total / 1,000)`.
/// 3. At term end nothing more is charged. The last started unit was paid for when its first token
///    was used, so the only rounding over a whole term is that last unit's unused part (at most 999
///    tokens, 0.0099 point); the rest of the balance expires (`LedgerEntryKind.expiry`).
///
/// A request's charge is never more than `ceil(its tokens / 1,000)` units, so reserving that much
/// before it runs always covers it, whatever the running total.
public struct InferenceMetering: Hashable, Sendable {
    /// The project's metered tokens so far (never decreases).
    public private(set) var tokensMetered: Int

    public init(tokensMetered: Int = 0) {
        precondition(tokensMetered >= 0, "a token total is never negative")
        self.tokensMetered = tokensMetered
    }

    /// Units paid for so far: ceil(tokens / 1,000).
    public var unitsCharged: Int { InferenceUnits.meteredUnits(forTokens: tokensMetered) }

    /// What `tokens` more would cost now, without recording them.
    public func charge(forTokens tokens: Int) -> LedgerAmount {
        precondition(tokens >= 0, "token counts are never negative")
        return .meteredUnits(InferenceUnits.charge(tokensBefore: tokensMetered, tokensAfter: tokensMetered + tokens))
    }

    /// Records a request's tokens and returns its charge.
    public mutating func record(tokens: Int) -> LedgerAmount {
        let amount = charge(forTokens: tokens)
        tokensMetered += tokens
        return amount
    }

    /// The most a request of `tokens` can cost, whatever the running total: what admission reserves.
    public static func worstCase(tokens: Int) -> LedgerAmount {
        precondition(tokens >= 0, "token counts are never negative")
        return .meteredUnits(InferenceUnits.meteredUnits(forTokens: tokens))
    }

    /// The most tokens a request may use so that its worst case fits in `available` — what admission
    /// caps `max_tokens` to (minus the prompt). Zero when not even one token fits.
    public static func affordableTokens(within available: LedgerAmount) -> Int {
        available.wholeMeteredUnits * InferenceUnits.tokensPerMeteredUnit
    }
}
