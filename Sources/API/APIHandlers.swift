internal import Foundation
import Identity
import SuanliKit
import Web

/// Implements the operations of `openapi.yaml`. Each operation reads the caller from the request
/// context (`APIRequest.context()`), checks the role, calls the same domain services the portal
/// uses and throws their errors unchanged; `APIErrorTranslationMiddleware` and `ErrorMiddleware`
/// turn those into problem+json. One file per resource: `APIHandlers+<Resource>.swift`.
struct APIHandlers: APIProtocol {
    let services: PortalServices

    /// The caller's organisation. Staff belong to none: 403, as on the portal. Every tenant query
    /// goes through this, so it is always scoped by the caller's own organisation.
    func organisation(of user: CurrentUser) async throws -> OrganisationSummary {
        guard let id = user.organisationID else { throw IdentityErrors.forbidden }
        guard let org = try await services.accounts.organisation(id, on: services.db) else {
            throw Self.notFound(code: "organisation.not_found", zh: "找不到您的單位。", en: "Your organisation was not found.")
        }
        return org
    }

    static func notFound(code: String, zh: String, en: String) -> UserFacingError {
        UserFacingError(.notFound, code: code, zh: zh, en: en)
    }

    /// Path IDs are UUIDs; anything else names no resource of the caller's, hence 404 like a stranger's.
    static func uuid(_ text: String, orElse error: UserFacingError) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw error }
        return id
    }
}
