import Foundation
import HTTPTypes
import Ledger

/// One admitted request's facts, carried to its settlement.
struct GatewayAdmitted: Sendable {
    let id: String
    let endpoint: GatewayEndpoint
    let request: GatewayRequest
    let model: CatalogueModel
    let key: AuthenticatedKey
    let budget: GatewayRequest.Budget
    let grant: LeaseBook.Grant
    let rateTokens: Int
    let startedAt: Date
    var log: GatewayRequestRow
}

extension GatewayAdmitted {
    static func newRequestID() -> String {
        // 24 base-36 digits (124 bits) from two 64-bit draws: one system call each, not one per digit.
        var generator = SystemRandomNumberGenerator()
        var words = [generator.next() as UInt64, generator.next() as UInt64]
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8)
        var digits = [UInt8](repeating: 0, count: 24)
        for index in 0..<24 {
            let word = index % 2
            digits[index] = alphabet[Int(words[word] % 36)]
            words[word] /= 36
        }
        return "req_" + String(decoding: digits, as: UTF8.self)
    }

    /// A request's log row as admission starts it (outcome and figures filled in later).
    static func logRow(id: String, key: AuthenticatedKey, endpoint: GatewayEndpoint, request: GatewayRequest,
                       peer: String?, startedAt: Date) -> GatewayRequestRow {
        GatewayRequestRow(
            id: id, key_id: key.id, project_id: key.projectID, organisation_id: key.organisationID,
            endpoint: endpoint.rawValue, model: request.model, streamed: request.stream, outcome: "", status: 0,
            prompt_tokens: 0, completion_tokens: 0, reported_completion_tokens: nil, charged_ticks: 0,
            max_tokens: 0, client_ip: peer, country: nil, upstream: nil, started_at: startedAt, duration_ms: 0)
    }

    static func milliseconds(since start: Date, _ end: Date) -> Int {
        max(0, Int((end.timeIntervalSince(start) * 1000).rounded()))
    }

    /// The answer's head: the model server's content type, the request ID and the `max_tokens` the
    /// points allowed; a streamed (metered) answer is not buffered by proxies, any other keeps the
    /// server's length (its bytes are forwarded unchanged).
    func answerHeaders(contentType: String?, contentLength: String?, metered: Bool) -> HTTPFields {
        var headers: HTTPFields = [:]
        headers[.contentType] = contentType ?? (metered ? "text/event-stream" : "application/json")
        headers[HTTPField.Name("x-request-id")!] = id
        headers[HTTPField.Name("x-suanli-max-tokens")!] = String(budget.maxTokens)
        if metered {
            headers[.cacheControl] = "no-cache"
            headers[HTTPField.Name("x-accel-buffering")!] = "no"
        } else if let contentLength {
            headers[.contentLength] = contentLength
        }
        return headers
    }

    /// No model server answered (every one refused or failed before its answer): nothing billed, the
    /// claim returns, the request is logged as an upstream error (503).
    func unavailable(runtime: GatewayRuntime) {
        var log = self.log
        log.outcome = RequestOutcome.upstreamError.rawValue
        log.status = 503
        log.duration_ms = Self.milliseconds(since: startedAt, runtime.clock.now())
        runtime.leases.finish(grant, usage: nil, log: log)
        runtime.settleRate(key: key, admittedAt: startedAt, reserved: rateTokens, used: 0)
        GatewayMetrics.outcome(.upstreamError)
    }

    /// Bills what the model server reported (README "Metering and rounding"):
    /// - completion tokens are at least the number of streamed text chunks (cross-check);
    /// - never more than the request's reserved worst case (a server that ignores `max_tokens` cannot
    ///   overdraw; the difference is logged);
    /// - nothing when the server reported nothing (it failed before its usage chunk).
    static func settle(_ admitted: GatewayAdmitted, runtime: GatewayRuntime, status: Int, upstream: String,
                       reported: TokenUsage?, pieces: Int, clientGone: Bool, failure: String?) {
        var log = admitted.log
        log.upstream = upstream
        log.status = status
        log.duration_ms = milliseconds(since: admitted.startedAt, runtime.clock.now())
        let outcome: RequestOutcome = failure != nil || status >= 400 ? .upstreamError
            : clientGone ? .clientClosed : .completed
        log.outcome = outcome.rawValue
        var usage: UsageRecord?
        if let reported {
            var prompt = reported.promptTokens
            var completion = max(reported.completionTokens, pieces)
            if pieces > reported.completionTokens {
                runtime.logger.warning("gateway: upstream reported fewer completion tokens than it streamed",
                                       metadata: ["request": "\(admitted.id)", "reported": "\(reported.completionTokens)",
                                                  "streamed": "\(pieces)"])
            }
            let limit = admitted.budget.worstCaseTokens
            if prompt + completion > limit {
                runtime.logger.warning("gateway: usage beyond the reserved worst case; billed the reservation",
                                       metadata: ["request": "\(admitted.id)", "reported": "\(prompt + completion)",
                                                  "limit": "\(limit)"])
                prompt = min(prompt, limit)
                completion = limit - prompt
            }
            log.prompt_tokens = prompt
            log.completion_tokens = completion
            log.reported_completion_tokens = reported.completionTokens
            usage = UsageRecord(request: admitted.id, model: admitted.model.id, promptTokens: prompt,
                                completionTokens: completion, at: admitted.startedAt)
        } else if failure == nil, status < 400 {
            runtime.logger.warning("gateway: upstream reported no usage; nothing billed",
                                   metadata: ["request": "\(admitted.id)", "upstream": "\(upstream)"])
        }
        if let failure {
            runtime.logger.warning("gateway: upstream stream failed",
                                   metadata: ["request": "\(admitted.id)", "error": "\(failure)"])
        }
        runtime.leases.finish(admitted.grant, usage: usage, log: log)
        runtime.settleRate(key: admitted.key, admittedAt: admitted.startedAt, reserved: admitted.rateTokens,
                           used: usage?.tokens ?? 0)
        GatewayMetrics.outcome(outcome, tokens: usage?.tokens ?? 0)
    }
}
