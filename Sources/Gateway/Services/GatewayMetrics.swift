import Metrics

/// The gateway's counters at `/metrics` (issue 4: "blocks counted"): requests by outcome and metered
/// tokens. Region blocks are `suanli_gateway_requests_total{outcome="region_denied"}`.
enum GatewayMetrics {
    static func outcome(_ outcome: RequestOutcome, tokens: Int = 0) {
        Counter(label: "suanli_gateway_requests_total", dimensions: [("outcome", outcome.rawValue)]).increment()
        if tokens > 0 { Counter(label: "suanli_gateway_tokens_total").increment(by: tokens) }
    }
}
