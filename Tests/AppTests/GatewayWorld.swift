import App
import FluentKit
import Foundation
import Gateway
import Grants
import Hummingbird
import HummingbirdTesting
import Ledger
import NIOCore
import SQLKit
import SuanliKit
import Testing

/// An awarded inference project (1,000 points) with an API key, the canned upstream registered as
/// `canned-chat` and `canned-embeddings`, and the gateway served on a real socket (the region check
/// needs the peer's address). Clients pose as other addresses through X-Forwarded-For, since the
/// loopback is a trusted proxy here; the region database is the test fixture (1.0.1.0/24 = CN, 1.36.0.0/16
/// = HK, 60.246.0.0/16 = MO, 1.160.0.0/12 = TW, 8.8.8.0/24 = US).
struct GatewayWorld: Sendable {
    let world: GrantsWorld
    let project: ProjectRecord
    let key: String
    let keyID: UUID
    let client: any TestClientProtocol
    let upstream: CannedUpstream

    var suanli: Suanli { world.suanli }
    var db: any Database { world.db }

    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ComplianceTests/Fixtures/country-v6.mmdb").path

    static func with<Value: Sendable>(
        overrides: [String: String] = [:], policy: KeyPolicy = KeyPolicy(),
        _ body: @Sendable (GatewayWorld) async throws -> Value
    ) async throws -> Value {
        try await CannedUpstream.with { upstream in
            let clock = ManualClock(GrantsWorld.start)
            var settings = ["gateway.flush.ms": "20", "gateway.trusted.proxies": "127.0.0.1,::1",
                            "gateway.region.database": fixture, "gateway.instance": "test-\(UUID().uuidString.prefix(6))"]
            settings.merge(overrides) { $1 }
            return try await TestApp.withSuanli(clock: clock, overrides: settings) { suanli in
                let world = try await GrantsWorld.make(suanli, clock: clock)
                let project = try await world.awardedInference(world.companies[0])
                let created = try await suanli.gatewayKeys.create(project: project.id, name: "測試", policy: policy,
                                                                  by: world.keyActor(world.companies[0]), on: world.db)
                for (id, capability) in [("canned-chat", ModelCapability.chat), ("canned-embeddings", .embeddings)] {
                    try await suanli.gatewayCatalogue.upsert(
                        CatalogueModel(id: id, developer: "Google", origin: "US", capabilities: [capability],
                                       upstreams: [upstream.url]), by: "test", on: world.db)
                }
                return try await suanli.application(closeDatabase: false).test(.live) { client in
                    try await body(GatewayWorld(world: world, project: project, key: created.key,
                                                keyID: created.summary.id, client: client, upstream: upstream))
                }
            }
        }
    }

    /// POSTs JSON to a gateway path with the world's key (or `key`), from `from` (X-Forwarded-For).
    func post(_ path: String, _ json: String, key: String? = nil, from address: String = "1.160.0.10")
        async throws -> TestResponse
    {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[.authorization] = "Bearer \(key ?? self.key)"
        headers[.init("X-Forwarded-For")!] = address
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    func chat(maxTokens: Int? = 10, stream: Bool = false, usage: Bool = false, model: String = "canned-chat",
              key: String? = nil, from address: String = "1.160.0.10") async throws -> TestResponse {
        var body = #"{"model":"\#(model)","messages":[{"role":"user","content":"你好"}]"#
        if let maxTokens { body += #","max_tokens":\#(maxTokens)"# }
        if stream { body += #","stream":true"# }
        if usage { body += #","stream_options":{"include_usage":true}"# }
        return try await post("/v1/chat/completions", body + "}", key: key, from: address)
    }

    /// `suanli_gateway_requests_total{outcome="region_denied"}` as `/metrics` shows it (0 before the first).
    func regionBlocksCounted() async throws -> Int {
        let response = try await client.execute(uri: "/metrics", method: .get, headers: [:], body: nil)
        #expect(response.status == .ok)
        let line = String(buffer: response.body).split(separator: "\n")
            .first { $0.hasPrefix("suanli_gateway_requests_total{") && $0.contains(#"outcome="region_denied""#) }
        guard let line, let value = line.split(separator: " ").last else { return 0 }
        return try #require(Int(value) ?? Double(value).map { Int($0) })
    }

    /// The OpenAI error object's `error` member.
    static func error(_ response: TestResponse) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return try #require(object?["error"] as? [String: Any])
    }

    /// Waits until `count` requests are in the request log and nothing is left to flush.
    func settled(_ count: Int) async throws -> [GatewayRequestRow] {
        let sql = try #require(db as? any SQLDatabase)
        for _ in 0..<300 {
            let rows = try await sql.select().column("*").from(GatewayRequestRow.schema).orderBy("started_at")
                .all(decoding: GatewayRequestRow.self)
            if rows.count >= count, suanli.gateway.leases.unflushed == 0 { return rows }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the gateway did not settle \(count) request(s)")
        return []
    }

    func account() async throws -> AccountSnapshot {
        try #require(try await suanli.ledger.account(project: project.id, on: db))
    }
}
