import App
import FluentKit
import Foundation
import Gateway
import Grants
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Ledger
import SuanliKit
import Testing

/// The inference pages through the portal (issue 4, item 6; SPEC C5.6): a key is shown once and stored
/// as a hash, bad input is refused at its field with nothing written, another company sees nothing,
/// and only the operator changes the catalogue and the deny list.
@Suite("Inference pages")
struct InferencePagesTests {
    @Test("the tenant creates a key (shown once, no-store), sees points and usage; other companies get 404")
    func tenant() async throws {
        try await GrantsPagesTests.run { w, client in
            let project = try await w.awardedInference(w.companies[0])
            let base = "/projects/\(project.id.uuidString)/inference"
            let owner = try await GrantsPagesTests.applicant(client, "admin@yunding.demo")
            let page = try await owner.get(base)
            #expect(page.status == .ok && page.contains("剩餘點數") && page.contains("1,000.00"))

            let refused = try await owner.post("\(base)/keys", [("name", "客服"), ("requestsPerMinute", "0")])
            #expect(refused.status == .unprocessableContent && refused.contains("1–100,000"))
            #expect(try await GatewayKeyModel.query(on: w.db).count() == 0)

            let created = try await owner.post("\(base)/keys", [("name", "客服"), ("models", "gemma-3-270m"),
                                                                ("expiresAt", "115/12/31"), ("tokensPerMinute", "50000")])
            #expect(created.status == .created && created.headers[.cacheControl] == "no-store")
            let key = try #require(created.body.firstMatch(of: /sk-suanli-[A-Za-z0-9_-]{8}-[A-Za-z0-9_-]{43}/)).output
            let stored = try #require(try await GatewayKeyModel.query(on: w.db).first())
            #expect(stored.keyDigest != String(key) && stored.policy.contains("50000") && stored.policy.contains("gemma-3-270m"))
            let listed = try await owner.get(base)
            #expect(listed.contains("客服") && !listed.contains(String(key)), "only the prefix is listed again")

            let csv = try await owner.get("\(base)/usage.csv")
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)

            let other = try await GrantsPagesTests.applicant(client, "admin@yusheng.demo", ip: "203.0.113.56")
            for uri in [base, "\(base)/usage.csv"] {
                #expect(try await other.get(uri).status == .notFound, "\(uri)")
            }
            let keyID = stored.id!.uuidString
            for uri in ["\(base)/keys", "\(base)/keys/\(keyID)/revoke", "\(base)/keys/\(keyID)/rotate"] {
                #expect(try await other.post(uri, [("name", "x")]).status == .notFound, "\(uri)")
            }
            #expect(try await GatewayKeyModel.query(on: w.db).filter(\.$revokedAt == nil).count() == 1)

            // A form without the CSRF token is refused (the Browser adds it; a forged post would not).
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            headers[.cookie] = owner.cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")
            headers[.init("X-Forwarded-For")!] = owner.ip
            let forged = try await client.execute(uri: "\(base)/keys/\(keyID)/revoke", method: .post, headers: headers,
                                                  body: .init(string: "x=1"))
            #expect(forged.status == .forbidden)

            let revoked = try await owner.post("\(base)/keys/\(keyID)/revoke", [])
            #expect(revoked.status == .seeOther)
            #expect(try await GatewayKeyModel.query(on: w.db).filter(\.$revokedAt == nil).count() == 0)
            #expect(try await w.suanli.services.audit.verify(on: w.db).isIntact)
        }
    }

    @Test("the operator sees consumption and changes the catalogue and deny list; the ministry only reads")
    func operatorPage() async throws {
        try await GrantsPagesTests.run { w, client in
            let project = try await w.awardedInference(w.companies[0])
            let operatorBrowser = try await GrantsPagesTests.staff(client, w, "operator@suanli.demo")
            let page = try await operatorBrowser.get("/operator/inference")
            #expect(page.status == .ok && page.contains(project.reference) && page.contains("來源禁止清單"))

            let bad = try await operatorBrowser.post("/operator/inference/models", [
                ("id", "Qwen2.5-7B"), ("developer", "Alibaba"), ("origin", "CN"), ("capability", "chat"),
                ("upstreams", "http://10.0.0.5:8000/v1")])
            #expect(bad.status == .unprocessableContent)
            #expect(try await w.suanli.gatewayCatalogue.catalogue(on: w.db).models.isEmpty, "nothing written")

            let saved = try await operatorBrowser.post("/operator/inference/models", [
                ("id", "llama-3.1-8b"), ("developer", "Meta"), ("origin", "US"), ("capability", "chat"),
                ("upstreams", "http://10.0.0.5:8000/v1, http://10.0.0.6:8000/v1"), ("upstreamModel", "meta-llama/Llama-3.1-8B")])
            #expect(saved.status == .seeOther)
            let model = try #require(try await w.suanli.gatewayCatalogue.catalogue(on: w.db).models.first)
            #expect(model.upstreams.count == 2 && model.upstreamModel == "meta-llama/Llama-3.1-8B")

            let denied = try await operatorBrowser.post("/operator/inference/deny",
                                                        [("kind", "name"), ("value", "llama"), ("reason", "測試")])
            #expect(denied.status == .seeOther)
            #expect(try await w.suanli.gatewayCatalogue.catalogue(on: w.db).offered.isEmpty)
            let noReason = try await operatorBrowser.post("/operator/inference/deny", [("kind", "country"), ("value", "RU")])
            #expect(noReason.status == .unprocessableContent && noReason.contains("原因"))

            let ministry = try await GrantsPagesTests.staff(client, w, "ministry@suanli.demo")
            #expect(try await ministry.get("/operator/inference").status == .ok)
            let changed = try await ministry.post("/operator/inference/deny", [("kind", "country"), ("value", "RU"),
                                                                                ("reason", "x")])
            #expect(changed.status == .forbidden)
            let tenant = try await GrantsPagesTests.applicant(client, "admin@yunding.demo")
            #expect(try await tenant.get("/operator/inference").status == .forbidden)
        }
    }
}
