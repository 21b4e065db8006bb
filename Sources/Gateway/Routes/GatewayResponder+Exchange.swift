import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import Logging
import NIOCore
import NIOHTTP1

extension GatewayResponder {
    /// Sends an admitted request to the model's servers (fail-over in `UpstreamPool` order) and streams
    /// the answer back while metering it (issue 4, items 3 and 5).
    ///
    /// The upstream is read by its own task, not the connection's: when the client goes away mid-answer
    /// the task keeps reading the upstream to its end (without forwarding), so the request is billed
    /// exactly what the model server generated and reports — never an estimate (README "Client
    /// disconnects"). Then it settles: the actual usage is kept, the rest of the claim returns to the
    /// instance's slice at once.
    func exchange(_ admitted: Admitted) async -> Response {
        let body = admitted.request.upstreamBody(model: admitted.model.upstreamModel ?? admitted.model.id,
                                                 budget: admitted.budget)
        let pool = runtime.upstreams
        for upstream in pool.order(admitted.model.upstreams) {
            var outbound = HTTPClientRequest(url: upstream + admitted.endpoint.upstreamSuffix)
            outbound.method = .POST
            outbound.headers.add(name: "content-type", value: "application/json")
            outbound.headers.add(name: "accept", value: admitted.request.stream ? "text/event-stream" : "application/json")
            outbound.headers.add(name: "x-request-id", value: admitted.id)
            outbound.body = .bytes(ByteBuffer(bytes: body))
            let response: HTTPClientResponse
            do {
                response = try await pool.client.execute(outbound, timeout: .seconds(600))
            } catch {
                pool.failed(upstream, reason: "\(error)")
                continue
            }
            if UpstreamPool.isFailOver(response.status) {
                _ = try? await response.body.collect(upTo: 1 << 16)
                pool.failed(upstream, reason: "answered \(response.status.code)")
                continue
            }
            pool.succeeded(upstream)
            return forward(response, from: upstream, admitted)
        }
        var log = admitted.log
        log.outcome = RequestOutcome.upstreamError.rawValue
        log.status = 503
        log.duration_ms = Self.milliseconds(since: admitted.startedAt, runtime.clock.now())
        runtime.leases.finish(admitted.grant, usage: nil, log: log)
        runtime.settleRate(key: admitted.key, admittedAt: admitted.startedAt, reserved: admitted.rateTokens, used: 0)
        GatewayMetrics.outcome(.upstreamError)
        return Self.failure(.upstreamUnavailable, requestID: admitted.id)
    }

    private func forward(_ response: HTTPClientResponse, from upstream: String, _ admitted: Admitted) -> Response {
        let metered = admitted.request.stream && response.status == .ok
        var headers: HTTPFields = [:]
        headers[.contentType] = response.headers.first(name: "content-type")
            ?? (metered ? "text/event-stream" : "application/json")
        headers[HTTPField.Name("x-request-id")!] = admitted.id
        headers[HTTPField.Name("x-suanli-max-tokens")!] = String(admitted.budget.maxTokens)
        if metered {
            headers[.cacheControl] = "no-cache"
            headers[HTTPField.Name("x-accel-buffering")!] = "no"
        } else if let length = response.headers.first(name: "content-length") {
            headers[.contentLength] = length  // forwarded byte for byte
        }
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        let runtime = self.runtime
        Task {
            var meter = StreamMeter(clientWantsUsage: admitted.request.clientWantsUsage)
            var capture = UsageCapture()
            var clientGone = false
            var failure: String?
            do {
                for try await chunk in response.body {
                    let out: ByteBuffer
                    if metered {
                        let bytes = meter.feed(chunk.readableBytesView)
                        if bytes.isEmpty { continue }
                        out = ByteBuffer(bytes: bytes)
                    } else {
                        capture.consume(chunk.readableBytesView)
                        out = chunk
                    }
                    if !clientGone, case .terminated = continuation.yield(out) { clientGone = true }
                }
                if metered {
                    let rest = meter.finish()
                    if !rest.isEmpty, !clientGone, case .terminated = continuation.yield(ByteBuffer(bytes: rest)) {
                        clientGone = true
                    }
                }
            } catch {
                failure = "\(error)"
            }
            continuation.finish()
            Self.settle(admitted, runtime: runtime, status: Int(response.status.code), upstream: upstream,
                        reported: metered ? meter.usage : capture.usage,
                        pieces: metered ? meter.completionPieces : 0, clientGone: clientGone, failure: failure)
        }
        return Response(status: .init(code: Int(response.status.code)), headers: headers,
                        body: ResponseBody(asyncSequence: stream))
    }

    /// Bills what the model server reported (README "Metering and rounding"):
    /// - completion tokens are at least the number of streamed text chunks (cross-check);
    /// - never more than the request's reserved worst case (a server that ignores `max_tokens` cannot
    ///   overdraw; the difference is logged);
    /// - nothing when the server reported nothing (it failed before its usage chunk).
    static func settle(_ admitted: Admitted, runtime: GatewayRuntime, status: Int, upstream: String,
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
