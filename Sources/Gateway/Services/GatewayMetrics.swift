import Metrics

/// The gateway's counters at `/metrics` (issue 4: "blocks counted"): requests by outcome and metered
/// tokens. Region blocks are `suanli_gateway_requests_total{outcome="region_denied"}`. The counters are
/// made once (a lookup in the metrics registry per request showed in the gateway's profile), on the first
/// request: after the app has bootstrapped the metrics system (`AppMetrics`, when the responder is built).
enum GatewayMetrics {
    static let byOutcome: [RequestOutcome: Counter] = Dictionary(uniqueKeysWithValues: RequestOutcome.allCases.map {
        ($0, Counter(label: "suanli_gateway_requests_total", dimensions: [("outcome", $0.rawValue)]))
    })
    static let tokens = Counter(label: "suanli_gateway_tokens_total")
    /// Admitted requests by the path that proxied them: `event_loop` (`GatewayFastPath`) or `task`
    /// (`GatewayResponder`: a key or catalogue read, a new slice, an https model server, …).
    static let eventLoopPath = Counter(label: "suanli_gateway_proxied_total", dimensions: [("path", "event_loop")])
    static let taskPath = Counter(label: "suanli_gateway_proxied_total", dimensions: [("path", "task")])

    static func outcome(_ outcome: RequestOutcome, tokens count: Int = 0) {
        byOutcome[outcome]?.increment()
        if count > 0 { tokens.increment(by: count) }
    }
}
