import App
import Compliance
import FluentKit
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Ledger
import NIOCore
import SuanliKit
import Testing

/// Admission, step by step in its order (issue 4, item 4; README "Admission"): each refusal is
/// OpenAI's error object with the right status and code, is logged (when a key was valid), and leaves
/// the ledger untouched.
@Suite("Gateway admission", .serialized)
struct GatewayAdmissionTests {
    @Test("1. no key, a wrong key or a revoked key: 401 with a message that says what to send")
    func keys() async throws {
        try await GatewayWorld.with { g in
            var headers: HTTPFields = [.contentType: "application/json"]
            let missing = try await g.client.execute(uri: "/v1/chat/completions", method: .post, headers: headers,
                                                     body: ByteBuffer(string: "{}"))
            #expect(missing.status == .unauthorized)
            #expect(try GatewayWorld.error(missing)["code"] as? String == "missing_api_key")
            #expect(missing.headers[.init("x-should-retry")!] == "false")
            headers[.authorization] = "Bearer sk-suanli-nope"
            let wrong = try await g.client.execute(uri: "/v1/models", method: .get, headers: headers)
            #expect(wrong.status == .unauthorized)
            #expect(try GatewayWorld.error(wrong)["code"] as? String == "invalid_api_key")

            #expect(try await g.chat().status == .ok)
            try await g.suanli.gatewayKeys.revoke(g.keyID, by: g.world.keyActor(g.world.companies[0]), on: g.db)
            g.suanli.gateway.forgetKeys()
            let revoked = try await g.chat()
            #expect(revoked.status == .unauthorized)
            #expect((try GatewayWorld.error(revoked)["message"] as? String)?.contains("revoked") == true)
            _ = try await g.settled(1)
        }
    }

    @Test("1. before the term starts and after it ends: 403 project_inactive, logged, nothing reserved")
    func term() async throws {
        try await GatewayWorld.with { g in
            let account = try await g.account()
            g.world.clock.set(account.termEnd.addingTimeInterval(60))
            g.suanli.gateway.forgetKeys()
            let ended = try await g.chat()
            #expect(ended.status == .forbidden)
            let error = try GatewayWorld.error(ended)
            #expect(error["code"] as? String == "project_inactive" && error["type"] as? String == "permission_error")
            g.world.clock.set(account.termStart.addingTimeInterval(-60))
            g.suanli.gateway.forgetKeys()
            #expect(try GatewayWorld.error(try await g.chat())["code"] as? String == "project_inactive")
            let rows = try await g.settled(2)
            #expect(rows.map(\.outcome) == ["project_inactive", "project_inactive"])
            let after = try await g.account()
            #expect(after.held == .zero && after.used == account.used && after.tokensMetered == 0,
                    "refused before any reservation: nothing held or charged")
            // The instance's ledger maintenance may meanwhile have seen the clock past the term's end and
            // expired the account (C1.6): then the whole balance went in one expiry entry, closing it.
            #expect(after.balance == account.balance || (after.status == .closed && after.balance == .zero))
        }
    }

    @Test("2. unknown model 404; a model the deny list refuses 403 and gone from /v1/models; a key's allowlist 403")
    func models() async throws {
        try await GatewayWorld.with(policy: KeyPolicy(models: ["canned-chat", "canned-embeddings"])) { g in
            let unknown = try await g.chat(model: "gpt-4o")
            #expect(unknown.status == .notFound)
            #expect(try GatewayWorld.error(unknown)["code"] as? String == "model_not_found")
            #expect(try GatewayWorld.error(unknown)["param"] as? String == "model")

            try await g.suanli.gatewayCatalogue.upsert(
                CatalogueModel(id: "other-chat", developer: "Google", origin: "US", capabilities: [.chat],
                               upstreams: [g.upstream.url]), by: "test", on: g.db)
            g.suanli.gateway.forgetCatalogue()
            let notAllowed = try await g.chat(model: "other-chat")
            #expect(notAllowed.status == .forbidden)
            #expect(try GatewayWorld.error(notAllowed)["code"] as? String == "model_not_allowed_for_key")

            // An operator adds the model's family to the deny list: refused and no longer listed.
            try await g.suanli.gatewayCatalogue.deny(name: "canned-embeddings", reason: "test", by: "operator", on: g.db)
            g.suanli.gateway.forgetCatalogue()
            let refused = try await g.post("/v1/embeddings", #"{"model":"canned-embeddings","input":"hi"}"#)
            #expect(refused.status == .forbidden)
            #expect(try GatewayWorld.error(refused)["code"] as? String == "model_not_permitted")
            var headers: HTTPFields = [:]
            headers[.authorization] = "Bearer \(g.key)"
            let list = try await g.client.execute(uri: "/v1/models", method: .get, headers: headers)
            let ids = ((try JSONSerialization.jsonObject(with: Data(buffer: list.body)) as? [String: Any])?["data"]
                as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids == ["canned-chat"])
            #expect(g.upstream.received.isEmpty, "nothing reached the model server")
        }
    }

    @Test("3. China, Hong Kong and Macau are refused (C6.1), logged and audited; Taiwan and the US pass",
          arguments: [("1.0.1.9", "CN"), ("1.36.20.1", "HK"), ("60.246.1.1", "MO")])
    func region(address: String, country: String) async throws {
        try await GatewayWorld.with { g in
            let blocksBefore = try await g.regionBlocksCounted()
            let blocked = try await g.chat(from: address)
            #expect(blocked.status == .forbidden)
            let error = try GatewayWorld.error(blocked)
            #expect(error["code"] as? String == "unsupported_country_region_territory")
            #expect((error["message"] as? String)?.contains(country) == true)
            // A client cannot hide behind an X-Forwarded-For entry it wrote itself: only the proxy's counts.
            #expect(try await g.chat(from: "8.8.8.8, \(address)").status == .forbidden)
            #expect(try await g.chat(from: "\(address), 8.8.8.8").status == .ok)
            #expect(try await g.chat(from: "1.160.3.4").status == .ok)
            let rows = try await g.settled(4)
            let denied = rows.filter { $0.outcome == "region_denied" }
            #expect(denied.count == 2 && denied.allSatisfy { $0.country == country && $0.client_ip == address })
            #expect(rows.filter { $0.outcome == "completed" }.compactMap(\.country).sorted() == ["TW", "US"])
            let audits = try await AuditRecordModel.query(on: g.db).filter(\.$action == "gateway.region.blocked").all()
            #expect(audits.count == 1, "one audit record per key and country per minute")
            #expect(audits.first?.sourceIP == address)
            // Counted at /metrics too (the counter is process-wide: other tests may add to it meanwhile).
            #expect(try await g.regionBlocksCounted() >= blocksBefore + 2)
        }
    }

    @Test("4. a key's requests-per-minute limit: 429 with Retry-After, the ledger untouched")
    func rateLimit() async throws {
        try await GatewayWorld.with(policy: KeyPolicy(requestsPerMinute: 2)) { g in
            #expect(try await g.chat().status == .ok)
            #expect(try await g.chat().status == .ok)
            let limited = try await g.chat()
            #expect(limited.status == .tooManyRequests)
            #expect(try GatewayWorld.error(limited)["code"] as? String == "rate_limit_exceeded")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            let rows = try await g.settled(3)
            #expect(rows.map(\.outcome).sorted() == ["completed", "completed", "rate_limited"])
        }
    }

    @Test("5. points: max_tokens capped to what the balance pays; a prompt it cannot pay is 429 insufficient_quota")
    func points() async throws {
        try await GatewayWorld.with { g in
            let account = try await g.account()
            // Leave 2 metered units (2,000 tokens) on the account.
            try await g.suanli.ledger.adjust(account: account.id, amount: LedgerAmount.meteredUnits(2) - account.balance,
                                             reason: "test: almost spent", by: .system, on: g.db)
            let capped = try await g.chat(maxTokens: 100_000)
            #expect(capped.status == .ok)
            let sent = try #require(g.upstream.received.last?["max_tokens"] as? Int)
            #expect(sent < 2_000 && capped.headers[.init("x-suanli-max-tokens")!] == String(sent))
            _ = try await g.settled(1)
            // What is left (after the carry rule charged the first request) cannot pay a 3,000-byte prompt.
            let long = String(repeating: "長", count: 1_000)
            let refused = try await g.post("/v1/chat/completions",
                                           #"{"model":"canned-chat","messages":[{"role":"user","content":"\#(long)"}]}"#)
            #expect(refused.status == .tooManyRequests)
            let error = try GatewayWorld.error(refused)
            #expect(error["type"] as? String == "insufficient_quota" && error["code"] as? String == "insufficient_quota")
            #expect(refused.headers[.init("x-should-retry")!] == "false")
            let rows = try await g.settled(2)
            #expect(rows.last?.outcome == "insufficient_points")
            let after = try await g.account()
            #expect(after.balance >= .zero && after.held == .zero)
            // The message tells the developer what is really left (the instance's own view of it).
            let message = try #require(error["message"] as? String)
            #expect(message.contains("remaining \(after.remaining.pointsText) points"), "\(message)")
            #expect(try await g.suanli.ledger.verify(on: g.db).isClean)
        }
    }

    @Test("bad bodies: 400 with the field named; unknown paths 404 and wrong methods 405, as JSON")
    func badRequests() async throws {
        try await GatewayWorld.with { g in
            let malformed = try await g.post("/v1/chat/completions", #"{"model":"canned-chat","messages":[}"#)
            #expect(malformed.status == .badRequest)
            #expect(try GatewayWorld.error(malformed)["code"] as? String == "invalid_json")
            let noModel = try await g.post("/v1/chat/completions", #"{"messages":[]}"#)
            #expect(try GatewayWorld.error(noModel)["param"] as? String == "model")
            let unknown = try await g.post("/v1/images/generations", "{}")
            #expect(unknown.status == .notFound)
            #expect(try GatewayWorld.error(unknown)["code"] as? String == "unknown_url")
            var headers: HTTPFields = [:]
            headers[.authorization] = "Bearer \(g.key)"
            let get = try await g.client.execute(uri: "/v1/chat/completions", method: .get, headers: headers)
            #expect(get.status == .methodNotAllowed && get.headers[.allow] == "POST")
            #expect(g.upstream.received.isEmpty)
        }
    }
}
