import App
import AsyncHTTPClient
import FluentKit
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Ledger
import NIOCore
import SuanliKit
import Testing

/// Metering against a model server (issue 4, item 5): usage always asked for upstream and billed
/// exactly by the carry rule, the usage chunk hidden from clients that did not ask, under-reporting
/// and over-generation caught, failures billed only what the server reported, fail-over, and the
/// balance never overdrawn by concurrent requests.
@Suite("Gateway metering", .serialized)
struct GatewayMeteringTests {
    @Test("non-streamed chat: exact tokens logged, charged by the carry rule, the ledger reconciles")
    func nonStreamed() async throws {
        try await GatewayWorld.with { g in
            let before = try await g.account()
            let response = try await g.chat(maxTokens: 10)
            #expect(response.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            #expect((object?["usage"] as? [String: Any])?["completion_tokens"] as? Int == 10)
            #expect(g.upstream.received.first?["model"] as? String == "canned-chat")
            let rows = try await g.settled(1)
            #expect(rows.first?.prompt_tokens == CannedUpstream.promptTokens && rows.first?.completion_tokens == 10)
            #expect(rows.first?.outcome == "completed" && rows.first?.charged_ticks == LedgerAmount.meteredUnits(1).ticks)
            let after = try await g.account()
            #expect(after.used == .meteredUnits(1) && after.tokensMetered == 17)
            #expect(after.remaining == before.remaining - .meteredUnits(1))
            // 17 + 17 tokens are still one started unit: the second request is charged nothing.
            _ = try await g.chat(maxTokens: 10)
            #expect(try await g.settled(2).last?.charged_ticks == 0)
            #expect(try await g.suanli.ledger.verify(on: g.db).isClean)
        }
    }

    @Test("streamed chat: include_usage is always asked upstream; the usage chunk reaches only clients that asked")
    func streamed() async throws {
        try await GatewayWorld.with { g in
            let plain = String(buffer: try await g.chat(maxTokens: 5, stream: true).body)
            #expect(plain.contains("t4 ") && plain.hasSuffix("data: [DONE]\n\n") && !plain.contains("usage"))
            let withUsage = String(buffer: try await g.chat(maxTokens: 5, stream: true, usage: true).body)
            #expect(withUsage.contains(#""choices":[],"usage":{"completion_tokens":5"#))
            for body in g.upstream.received {
                #expect((body["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
            }
            let rows = try await g.settled(2)
            #expect(rows.allSatisfy { $0.completion_tokens == 5 && $0.streamed && $0.outcome == "completed" })
        }
    }

    @Test("an upstream that under-reports is billed what it streamed; one that ignores max_tokens only the reservation")
    func crossCheck() async throws {
        try await GatewayWorld.with { g in
            g.upstream.set(.underReports)
            _ = try await g.chat(maxTokens: 6, stream: true)
            var rows = try await g.settled(1)
            #expect(rows.last?.reported_completion_tokens == 5 && rows.last?.completion_tokens == 6)
            g.upstream.set(.ignoresMaxTokens(50_000))
            _ = try await g.chat(maxTokens: 4)
            rows = try await g.settled(2)
            let row = try #require(rows.last)
            #expect(row.reported_completion_tokens == 50_000)
            #expect(row.prompt_tokens + row.completion_tokens <= 4 + row.max_tokens + 1_000, "clamped to the worst case")
            #expect(row.charged_ticks <= LedgerAmount.meteredUnits(2).ticks)
            #expect(try await g.suanli.ledger.verify(on: g.db).isClean)
        }
    }

    @Test("an upstream dying mid-stream is billed nothing (it reported nothing); 503 upstreams fail over")
    func failures() async throws {
        try await GatewayWorld.with { g in
            g.upstream.set(.diesMidStream)
            _ = try? await g.chat(maxTokens: 8, stream: true)
            let rows = try await g.settled(1)
            #expect(rows.first?.outcome == "upstream_error" && rows.first?.charged_ticks == 0)

            // A dead server first in the list, then the live one: the request is answered by the second.
            g.upstream.set(.normal)
            try await g.suanli.gatewayCatalogue.upsert(
                CatalogueModel(id: "canned-chat", developer: "Google", origin: "US", capabilities: [.chat],
                               upstreams: ["http://127.0.0.1:9/v1", g.upstream.url]), by: "test", on: g.db)
            g.suanli.gateway.forgetCatalogue()
            for _ in 0..<3 { #expect(try await g.chat().status == .ok) }
            #expect(g.suanli.gateway.upstreams.health()["http://127.0.0.1:9/v1"]?.healthy == false)

            // Every server unavailable: 503, nothing charged.
            g.upstream.set(.unavailable)
            _ = try await g.settled(4)  // the three answered requests are billed before `used` is read
            let used = try await g.account().used
            let down = try await g.chat()
            #expect(down.status == .serviceUnavailable)
            #expect(try GatewayWorld.error(down)["code"] as? String == "upstream_unavailable")
            _ = try await g.settled(5)
            #expect(try await g.account().used == used)
            #expect(try await g.suanli.ledger.verify(on: g.db).isClean)
        }
    }

    @Test("embeddings are metered from their prompt tokens")
    func embeddings() async throws {
        try await GatewayWorld.with { g in
            let response = try await g.post("/v1/embeddings", #"{"model":"canned-embeddings","input":"你好"}"#)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).contains("embedding"))
            let row = try #require(try await g.settled(1).first)
            #expect(row.prompt_tokens == 5 && row.completion_tokens == 0 && row.endpoint == "/v1/embeddings")
        }
    }

    @Test("a client that disconnects mid-stream is billed every token the server generated")
    func clientDisconnects() async throws {
        try await GatewayWorld.with { g in
            g.upstream.set(.slow(milliseconds: 30))
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(g.client.port!)/v1/chat/completions")
            request.method = .POST
            request.headers.add(name: "authorization", value: "Bearer \(g.key)")
            request.headers.add(name: "x-forwarded-for", value: "1.160.0.10")
            request.body = .bytes(ByteBuffer(string:
                #"{"model":"canned-chat","messages":[{"role":"user","content":"hi"}],"max_tokens":40,"stream":true}"#))
            do {
                let response = try await client.execute(request, timeout: .seconds(10))
                var iterator = response.body.makeAsyncIterator()
                _ = try await iterator.next()  // the first chunk, then the client goes away
            }
            try await client.shutdown()
            let row = try #require(try await g.settled(1).first)
            #expect(row.outcome == "client_closed" && row.completion_tokens == 40)
            #expect(g.upstream.finished.withLock { $0 } == 1, "the gateway read the upstream to its end")
            #expect(try await g.suanli.ledger.verify(on: g.db).isClean)
        }
    }

    @Test("80 concurrent requests against points for about 10: never overdrawn, each admitted one billed once")
    func concurrency() async throws {
        try await GatewayWorld.with { g in
            let account = try await g.account()
            // Each request: prompt bound ~330 + 600 tokens → 1 unit reserved; 10 units left.
            try await g.suanli.ledger.adjust(account: account.id, amount: LedgerAmount.meteredUnits(10) - account.balance,
                                             reason: "test: ten requests left", by: .system, on: g.db)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<80 { group.addTask { try await g.chat(maxTokens: 600, stream: true).status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            let served = statuses.filter { $0 == .ok }.count
            #expect(served >= 10 && statuses.allSatisfy { $0 == .ok || $0 == .tooManyRequests })
            let rows = try await g.settled(80)
            #expect(rows.filter { $0.outcome == "completed" }.count == served)
            #expect(Set(rows.map(\.id)).count == 80)
            try await Task.sleep(for: .milliseconds(200))
            let after = try await g.account()
            #expect(after.balance >= .zero && after.used <= .meteredUnits(10) + (account.granted - account.balance))
            let verification = try await g.suanli.ledger.verify(on: g.db)
            #expect(verification.isClean, "\(verification.problems)")
        }
    }
}
