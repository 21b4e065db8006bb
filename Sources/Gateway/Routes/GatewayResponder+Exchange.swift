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
        admitted.unavailable(runtime: runtime)
        return Self.failure(.upstreamUnavailable, requestID: admitted.id)
    }

    private func forward(_ response: HTTPClientResponse, from upstream: String, _ admitted: Admitted) -> Response {
        let metered = admitted.request.stream && response.status == .ok
        let headers = admitted.answerHeaders(contentType: response.headers.first(name: "content-type"),
                                             contentLength: response.headers.first(name: "content-length"),
                                             metered: metered)
        let runtime = self.runtime
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
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
            GatewayAdmitted.settle(admitted, runtime: runtime, status: Int(response.status.code), upstream: upstream,
                                   reported: metered ? meter.usage : capture.usage,
                                   pieces: metered ? meter.completionPieces : 0, clientGone: clientGone,
                                   failure: failure)
        }
        return Response(status: .init(code: Int(response.status.code)), headers: headers,
                        body: ResponseBody(asyncSequence: stream))
    }
}
