import Compliance
internal import Foundation
import Identity
import SuanliKit

/// Personal access tokens: the secret is shown once, in the answer to POST; creating and revoking
/// are recorded in the audit log as on the portal (SPEC X2).
extension APIHandlers {
    static let tokenNotFound = notFound(code: "token.not_found", zh: "找不到此權杖。", en: "No such token.")

    func listTokens(_ input: Operations.listTokens.Input) async throws -> Operations.listTokens.Output {
        let user = try APIRequest.context().requireUser()
        let tokens = try await services.accessTokens.list(for: user, on: services.db)
        return .ok(.init(body: .json(.init(items: tokens.map(Components.Schemas.AccessToken.init)))))
    }

    func createToken(_ input: Operations.createToken.Input) async throws -> Operations.createToken.Output {
        let context = try APIRequest.context()
        let user = try context.requireUser()
        guard case .json(let body) = input.body else { preconditionFailure("JSON is the only body") }
        var rules = SchemaRules()
        rules.length("name", body.name, min: 1, max: 60)
        rules.notBlank("name", body.name)
        rules.range("expiresInDays", body.expiresInDays, 1...366)
        try rules.check()
        let db = services.db
        // The token and its audit record are written together or not at all (SPEC X3).
        let created = try await db.transaction { [services] tx in
            let created = try await services.accessTokens.create(for: user, name: body.name,
                                                                 expiresInDays: body.expiresInDays, on: tx)
            try await services.audit.record(.init(
                actorUserID: user.id, actorLabel: user.email, organisationID: user.organisationID,
                action: "access_token.created", subjectType: "access_token", subjectID: created.id.uuidString,
                sourceIP: context.sourceIP, details: ["prefix": created.prefix, "via": "api"]), on: tx)
            return created
        }
        // The stored expiry, not a recomputed one: the list is the source of truth.
        let stored = try await services.accessTokens.list(for: user, on: db).first { $0.id == created.id }
        return .created(.init(body: .json(.init(
            id: created.id.uuidString, name: stored?.name ?? body.name.trimmingWhitespace(), prefix: created.prefix,
            token: created.token, expiresAt: stored?.expiresAt))))
    }

    func revokeToken(_ input: Operations.revokeToken.Input) async throws -> Operations.revokeToken.Output {
        let context = try APIRequest.context()
        let user = try context.requireUser()
        let id = try Self.uuid(input.path.id, orElse: Self.tokenNotFound)
        try await services.db.transaction { [services] tx in
            try await services.accessTokens.revoke(id: id, for: user, on: tx)
            try await services.audit.record(.init(
                actorUserID: user.id, actorLabel: user.email, organisationID: user.organisationID,
                action: "access_token.revoked", subjectType: "access_token", subjectID: id.uuidString,
                sourceIP: context.sourceIP, details: ["via": "api"]), on: tx)
        }
        return .noContent(.init())
    }
}

extension Components.Schemas.AccessToken {
    init(_ token: AccessTokens.Summary) {
        self.init(id: token.id.uuidString, name: token.name, prefix: token.prefix, createdAt: token.createdAt,
                  expiresAt: token.expiresAt, lastUsedAt: token.lastUsedAt)
    }
}
