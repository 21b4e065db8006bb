import App
import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing

/// The event-loop fast path (issue 4, item 10; `GatewayFastPath`): an admitted request whose key,
/// catalogue and slice are in memory is proxied on the connection's event loop. It must give what the
/// ordinary path gives — answer, headers, metering, the disconnect rule — and leave HTTP/1.1 intact
/// (keep-alive, pipelining, `Connection: close`).
@Suite("Gateway fast path", .serialized)
struct GatewayFastPathTests {
    static let body = #"{"model":"canned-chat","messages":[{"role":"user","content":"hi"}],"max_tokens":6}"#

    /// Requests this test's gateway proxied on the event loop (or, `path: "task"`, by a task). The
    /// process-wide `suanli_gateway_proxied_total` at /metrics counts other suites' requests too.
    static func proxied(_ g: GatewayWorld, _ path: String) async throws -> Int {
        path == "task" ? g.suanli.gateway.proxied.task : g.suanli.gateway.proxied.eventLoop
    }

    @Test("/metrics counts the requests each path proxied")
    func counted() async throws {
        try await GatewayWorld.with { g in
            for _ in 0..<3 { #expect(try await g.chat(maxTokens: 6).status == .ok) }
            #expect(g.suanli.gateway.proxied == (2, 1))
            let response = try await g.client.execute(uri: "/metrics", method: .get, headers: [:], body: nil)
            let text = String(buffer: response.body)
            #expect(text.contains(#"suanli_gateway_proxied_total{path="event_loop"}"#))
            #expect(text.contains(#"suanli_gateway_proxied_total{path="task"}"#))
        }
    }

    @Test("after the first request reads the key, the next ones are proxied on the event loop with the same answer")
    func sameAnswer() async throws {
        try await GatewayWorld.with { g in
            let before = try await Self.proxied(g, "event_loop")
            let first = try await g.chat(maxTokens: 6)  // reads the key and leases a slice: the ordinary path
            let second = try await g.chat(maxTokens: 6)
            let third = try await g.chat(maxTokens: 6)
            #expect(try await Self.proxied(g, "event_loop") - before == 2)
            for response in [first, second, third] {
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.headers[.init("x-suanli-max-tokens")!] == "6")
                #expect(response.headers[.init("x-request-id")!]?.hasPrefix("req_") == true)
                #expect(response.headers[.contentLength] == String(response.body.readableBytes))
                #expect(response.headers[.date] != nil)
            }
            #expect(second.headers[.server] == "suanli")
            #expect(String(buffer: second.body) == String(buffer: first.body), "forwarded byte for byte")
            let rows = try await g.settled(3)
            #expect(rows.count == 3 && rows.allSatisfy { $0.outcome == "completed" && $0.completion_tokens == 6 })
            #expect(Set(rows.map(\.charged_ticks)).count <= 2, "the carry rule, not a different price per path")
            #expect(Set(rows.map(\.id)) == Set([first, second, third].compactMap { $0.headers[.init("x-request-id")!] }))
            #expect(try await g.suanli.ledger.verify(on: g.db).isClean)
        }
    }

    @Test("streamed on the event loop: the usage chunk only for a client that asked; metered the same")
    func streamed() async throws {
        try await GatewayWorld.with { g in
            _ = try await g.chat(maxTokens: 5)
            let before = try await Self.proxied(g, "event_loop")
            let plain = try await g.chat(maxTokens: 5, stream: true)
            let withUsage = try await g.chat(maxTokens: 5, stream: true, usage: true)
            #expect(try await Self.proxied(g, "event_loop") - before == 2)
            for response in [plain, withUsage] {
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/event-stream") == true)
                #expect(response.headers[.cacheControl] == "no-cache")
                #expect(String(buffer: response.body).hasSuffix("data: [DONE]\n\n"))
            }
            #expect(!String(buffer: plain.body).contains(#""usage""#))
            #expect(String(buffer: withUsage.body).contains(#""completion_tokens":5"#))
            let rows = try await g.settled(3)
            #expect(rows.dropFirst().allSatisfy { $0.streamed && $0.completion_tokens == 5 && $0.outcome == "completed" })
        }
    }

    @Test("a client gone mid-stream on the event loop is billed every token the server generated")
    func disconnect() async throws {
        try await GatewayWorld.with { g in
            _ = try await g.chat(maxTokens: 5)  // the key read, a slice leased
            g.upstream.set(.slow(milliseconds: 30))
            let before = try await Self.proxied(g, "event_loop")
            let json = #"{"model":"canned-chat","messages":[{"role":"user","content":"hi"}],"max_tokens":40,"stream":true}"#
            let (text, serverClosed) = try await RawHTTP.exchange(
                port: g.client.port!, RawHTTP.post("/v1/chat/completions", json: json, key: g.key)) {
                $0.contains("data: {")  // the first chunk, then the client goes away
            }
            #expect(!serverClosed && text.hasPrefix("HTTP/1.1 200"))
            #expect(try await Self.proxied(g, "event_loop") - before == 1)
            let rows = try await g.settled(2)
            let row = try #require(rows.first { $0.streamed })  // (the test clock stands still: same started_at)
            #expect(row.outcome == "client_closed" && row.completion_tokens == 40)
            #expect(g.upstream.finished.withLock { $0 } == 2, "the gateway read the upstream to its end")
            #expect(try await g.suanli.ledger.verify(on: g.db).isClean)
        }
    }

    @Test("pipelined requests are answered in order on one connection; Connection: close is honoured")
    func http11() async throws {
        try await GatewayWorld.with { g in
            _ = try await g.chat(maxTokens: 6)
            let port = g.client.port!
            let three = String(repeating: RawHTTP.post("/v1/chat/completions", json: Self.body, key: g.key), count: 3)
            let pipelined = try await RawHTTP.exchange(port: port, three) { RawHTTP.completeAnswers($0) >= 3 }
            #expect(RawHTTP.completeAnswers(pipelined.text) == 3)
            #expect(!pipelined.serverClosed, "kept alive")
            // A portal request, then a gateway one, pipelined: the order is kept across both paths.
            let mixed = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + RawHTTP.post("/v1/chat/completions", json: Self.body, key: g.key)
            let both = try await RawHTTP.exchange(port: port, mixed) { $0.components(separatedBy: "HTTP/1.1 200").count >= 3 }
            let answers = both.text.components(separatedBy: "HTTP/1.1 ").dropFirst()
            #expect(answers.count == 2)
            #expect(answers.last?.contains("chat.completion") == true && answers.first?.contains("chat.completion") == false)
            let closing = try await RawHTTP.exchange(
                port: port, RawHTTP.post("/v1/chat/completions", json: Self.body, key: g.key, headers: ["Connection: close"]))
            #expect(closing.serverClosed && RawHTTP.completeAnswers(closing.text) == 1)
            #expect(closing.text.lowercased().contains("connection: close"))
            #expect(try await g.settled(6).filter { $0.outcome == "completed" }.count == 6)  // 1 + 3 + 1 + 1
        }
    }

    @Test("no model server answers on the event loop: 503 upstream_unavailable, nothing billed")
    func unavailable() async throws {
        try await GatewayWorld.with { g in
            _ = try await g.chat(maxTokens: 6)
            _ = try await g.settled(1)
            let used = try await g.account().used
            g.upstream.set(.unavailable)
            let before = try await Self.proxied(g, "event_loop")
            let down = try await g.chat(maxTokens: 6)
            #expect(try await Self.proxied(g, "event_loop") - before == 1)
            #expect(down.status == .serviceUnavailable)
            #expect(try GatewayWorld.error(down)["code"] as? String == "upstream_unavailable")
            let rows = try await g.settled(2)
            #expect(rows.filter { $0.outcome == "upstream_error" && $0.status == 503 && $0.charged_ticks == 0 }.count == 1)
            #expect(try await g.account().used == used)
        }
    }

    @Test("model server URLs the event-loop client takes, and the ones left to the ordinary path")
    func addresses() {
        let plain = UpstreamAddress("http://127.0.0.1:8081/v1")
        #expect(plain?.host == "127.0.0.1" && plain?.port == 8081 && plain?.basePath == "/v1"
                && plain?.authority == "127.0.0.1:8081")
        #expect(UpstreamAddress("http://vllm.internal/v1/")?.port == 80)
        #expect(UpstreamAddress("http://vllm.internal/v1/")?.basePath == "/v1")
        #expect(UpstreamAddress("http://[::1]:9000/v1")?.host == "::1")
        #expect(UpstreamAddress("http://[::1]:9000/v1")?.port == 9000)
        for refused in ["https://api.example.com/v1", "http://:80/v1", "http://host:0/v1", "http://host:99999/v1",
                        "http://user:pw@host/v1", "http://host/v1?x=1", "ftp://host/v1", "http://[::1/v1"] {
            #expect(UpstreamAddress(refused) == nil, "\(refused)")
        }
    }
}
