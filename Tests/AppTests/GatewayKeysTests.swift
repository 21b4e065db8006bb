import App
import FluentKit
import Foundation
import Gateway
import Grants
import SuanliKit
import Testing

extension GrantsWorld {
    /// An inference application taken through review to an awarded project of `company`.
    func awardedInference(_ company: GrantsCaller) async throws -> ProjectRecord {
        let app = try await eligible(try await submitted(company, .inference))
        for reviewer in reviewers {
            _ = try await grants.assign(app.id, reviewer: reviewer.userID, by: operatorCaller, on: db)
            try await grants.declareConflict(app.id, hasConflict: false, reason: "", by: reviewer, on: db)
            _ = try await grants.saveScores(app.id, entry(.inference, score: 85), by: reviewer, on: db)
        }
        let approved = try await grants.approve(app.id, level: .l1, expectedVersion: try await current(app.id).version,
                                                by: operatorCaller, on: db)
        return try await grants.award(app.id, expectedVersion: approved.version, by: ministry, on: db)
    }

    func keyActor(_ company: GrantsCaller) -> KeyActor {
        KeyActor(userID: company.userID, label: company.label, organisationID: company.organisationID!,
                 sourceIP: "203.0.113.20")
    }
}

/// Inference API keys on a real database (issue 4, item 2): shown once, stored as a digest, scoped to the
/// company's own inference project, revoked and rotated with immediate effect, every change audited.
@Suite("Gateway keys")
struct GatewayKeysTests {
    @Test("create, authenticate, rotate and revoke a key; the key itself is never stored")
    func lifecycle() async throws {
        try await GrantsWorld.with { w in
            let project = try await w.awardedInference(w.companies[0])
            let keys = w.suanli.gatewayKeys
            let actor = w.keyActor(w.companies[0])
            let policy = KeyPolicy(models: ["gemma-3-270m"], requestsPerMinute: 60, tokensPerMinute: 50_000)
            let created = try await keys.create(project: project.id, name: " 產線檢測服務 ", policy: policy, by: actor, on: w.db)
            #expect(created.summary.name == "產線檢測服務" && created.summary.policy == policy)
            #expect(created.key.hasPrefix(created.summary.prefix))
            let stored = try #require(try await GatewayKeyModel.query(on: w.db).first())
            #expect(stored.keyDigest != created.key && !stored.policy.contains(created.key) && stored.keyDigest.count == 64)

            let authenticated = try #require(try await keys.authenticate(created.key, on: w.db))
            #expect(authenticated.projectID == project.id && authenticated.policy == policy)
            #expect(try await keys.authenticate(created.key + "x", on: w.db) == nil)

            let rotated = try await keys.rotate(created.summary.id, by: actor, on: w.db)
            #expect(rotated.key != created.key && rotated.summary.name == "產線檢測服務" && rotated.summary.policy == policy)
            #expect(try await keys.authenticate(created.key, on: w.db) == nil)
            #expect(try await keys.authenticate(rotated.key, on: w.db)?.id == rotated.summary.id)
            #expect(try await keys.list(project: project.id, organisation: actor.organisationID, on: w.db).map(\.id)
                    == [rotated.summary.id])

            try await keys.revoke(rotated.summary.id, by: actor, on: w.db)
            #expect(try await keys.authenticate(rotated.key, on: w.db) == nil)
            #expect(try await keys.list(project: project.id, organisation: actor.organisationID, on: w.db).isEmpty)
            #expect(try await keys.list(project: project.id, organisation: actor.organisationID, includeRevoked: true,
                                        on: w.db).count == 2)
            #expect(try await w.suanli.services.audit.verify(on: w.db).isIntact)
        }
    }

    @Test("another company cannot create, see, rotate or revoke keys of a project that is not theirs")
    func isolation() async throws {
        try await GrantsWorld.with { w in
            let project = try await w.awardedInference(w.companies[0])
            let keys = w.suanli.gatewayKeys
            let created = try await keys.create(project: project.id, name: "key", policy: KeyPolicy(),
                                                by: w.keyActor(w.companies[0]), on: w.db)
            let intruder = w.keyActor(w.companies[1])
            await #expect(throws: UserFacingError.self) {
                try await keys.create(project: project.id, name: "mine now", policy: KeyPolicy(), by: intruder, on: w.db)
            }
            #expect(try await keys.list(project: project.id, organisation: intruder.organisationID, on: w.db).isEmpty)
            await #expect(throws: UserFacingError.self) { try await keys.revoke(created.summary.id, by: intruder, on: w.db) }
            await #expect(throws: UserFacingError.self) { try await keys.rotate(created.summary.id, by: intruder, on: w.db) }
            #expect(try await keys.authenticate(created.key, on: w.db) != nil)
        }
    }

    @Test("a bad name or policy is refused with field errors and nothing is written; an expired key stops working")
    func badInput() async throws {
        try await GrantsWorld.with { w in
            let project = try await w.awardedInference(w.companies[0])
            let keys = w.suanli.gatewayKeys
            let actor = w.keyActor(w.companies[0])
            do {
                _ = try await keys.create(project: project.id, name: "k", policy: KeyPolicy(requestsPerMinute: 0,
                                          tokensPerMinute: 0), by: actor, on: w.db)
                Issue.record("a zero limit was accepted")
            } catch let error as UserFacingError {
                #expect(error.fields.map(\.field).sorted() == ["requestsPerMinute", "tokensPerMinute"])
            }
            await #expect(throws: UserFacingError.self) {
                try await keys.create(project: project.id, name: "   ", policy: KeyPolicy(), by: actor, on: w.db)
            }
            #expect(try await GatewayKeyModel.query(on: w.db).count() == 0)
            let soon = try await keys.create(project: project.id, name: "short-lived",
                                             policy: KeyPolicy(expiresAt: w.clock.now() + 3_600), by: actor, on: w.db)
            #expect(try await keys.authenticate(soon.key, on: w.db) != nil)
            w.clock.advance(by: 3_600)
            #expect(try await keys.authenticate(soon.key, on: w.db) == nil)
        }
    }
}
