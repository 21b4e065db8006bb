import Compliance
import Identity

/// The audit log's integrity check (SPEC X2, T3), for operators. Running it is itself an
/// administrator action and is logged (T3).
extension APIHandlers {
    func verifyAuditLog(_ input: Operations.verifyAuditLog.Input) async throws -> Operations.verifyAuditLog.Output {
        let context = try APIRequest.context()
        let user = try context.require(.operator)
        let db = services.db
        let verification = try await services.audit.verify(on: db)
        try await services.audit.record(.init(
            actorUserID: user.id, actorLabel: user.email, action: "audit.verified", subjectType: "audit_log",
            sourceIP: context.sourceIP, details: ["result": verification.summary, "via": "api"]), on: db)
        return .ok(.init(body: .json(.init(intact: verification.isIntact, summary: verification.summary))))
    }
}
