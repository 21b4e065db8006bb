/// When to try a failed delivery again, and when to give up.
///
/// Transient failures (4xx, network, TLS, timeouts) back off along `delays` — the last delay repeats
/// — until `maxAttempts` tries were made. Permanent failures (5xx) would fail the same way again,
/// so they get at most `retriesAfterPermanentFailure` more tries (default one, which absorbs a
/// misconfigured relay or a greylisting server that wrongly answers 5xx).
public struct RetryPolicy: Sendable, Equatable {
    public var delays: [Duration]
    public var maxAttempts: Int
    public var retriesAfterPermanentFailure: Int

    public init(
        delays: [Duration] = [.seconds(30), .seconds(120), .seconds(600), .seconds(3600), .seconds(6 * 3600)],
        maxAttempts: Int = 8,
        retriesAfterPermanentFailure: Int = 1
    ) {
        precondition(!delays.isEmpty, "a retry policy needs at least one delay")
        precondition(maxAttempts >= 1, "maxAttempts counts the first try too")
        self.delays = delays
        self.maxAttempts = maxAttempts
        self.retriesAfterPermanentFailure = max(0, retriesAfterPermanentFailure)
    }

    public enum Decision: Sendable, Equatable {
        case retry(after: Duration)
        case giveUp
    }

    /// The decision after try number `attempt` (1 for the first try) failed.
    public func decision(afterAttempt attempt: Int, permanent: Bool) -> Decision {
        guard attempt < maxAttempts else { return .giveUp }
        if permanent {
            // A permanent answer on a later try gives up at once: the message already had its
            // retries, and another 5xx is what the server promised.
            guard attempt <= retriesAfterPermanentFailure else { return .giveUp }
        }
        let index = min(max(attempt - 1, 0), delays.count - 1)
        return .retry(after: delays[index])
    }
}
