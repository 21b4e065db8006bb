import Foundation

/// Per-key request and token limits over a sliding minute (issue 4, item 4 "rate limits"). The
/// minute is kept as 60 one-second buckets, so the count is exact to the second and memory per key
/// is constant. Tokens are counted when a request is admitted, at its reserved worst case, and
/// corrected to what it used when it settles — so concurrent requests cannot together overshoot TPM.
///
/// The window lives in the instance's memory: with N gateway instances a key can reach at most
/// N × its limit (README "Admission"); points, which are exact across instances, are the real bound.
public struct RateWindow: Sendable {
    private var requests = [Int](repeating: 0, count: 60)
    private var tokens = [Int](repeating: 0, count: 60)
    private var stamps = [Int](repeating: Int.min, count: 60)

    public init() {}

    public enum Verdict: Equatable, Sendable {
        case admitted
        /// Over the limit; retry after this many seconds (for `Retry-After`).
        case limited(kind: Kind, retryAfter: Int)
        public enum Kind: String, Sendable { case requests, tokens }
    }

    private mutating func roll(to second: Int) {
        let index = ((second % 60) + 60) % 60
        if stamps[index] != second {
            stamps[index] = second
            requests[index] = 0
            tokens[index] = 0
        }
    }

    private func sums(at second: Int) -> (requests: Int, tokens: Int) {
        var r = 0, t = 0
        for index in 0..<60 where stamps[index] > second - 60 && stamps[index] <= second {
            r += requests[index]
            t += tokens[index]
        }
        return (r, t)
    }

    /// Admits a request of `reservedTokens` if both limits allow it, and counts it.
    public mutating func admit(at instant: Date, reservedTokens: Int, rpm: Int?, tpm: Int?) -> Verdict {
        let second = Int(instant.timeIntervalSince1970.rounded(.down))
        roll(to: second)
        let (r, t) = sums(at: second)
        if let rpm, r + 1 > rpm { return .limited(kind: .requests, retryAfter: retryAfter(second, requests)) }
        // A request larger than the whole TPM may still run alone (otherwise it never could).
        if let tpm, t > 0, t + reservedTokens > tpm {
            return .limited(kind: .tokens, retryAfter: retryAfter(second, tokens))
        }
        let index = ((second % 60) + 60) % 60
        requests[index] += 1
        tokens[index] += reservedTokens
        return .admitted
    }

    /// Corrects a request's tokens from its reserved worst case to what it used.
    public mutating func settle(admittedAt instant: Date, reservedTokens: Int, usedTokens: Int) {
        let second = Int(instant.timeIntervalSince1970.rounded(.down))
        let index = ((second % 60) + 60) % 60
        guard stamps[index] == second else { return }  // that second has left the window already
        tokens[index] = max(0, tokens[index] - reservedTokens + usedTokens)
    }

    /// Seconds until the oldest counted second leaves the window.
    private func retryAfter(_ second: Int, _ counts: [Int]) -> Int {
        let oldest = (0..<60).filter { stamps[$0] > second - 60 && stamps[$0] <= second && counts[$0] > 0 }
            .map { stamps[$0] }.min() ?? second
        return max(1, oldest + 60 - second)
    }
}
