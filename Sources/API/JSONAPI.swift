internal import Foundation
import Hummingbird
internal import OpenAPIHummingbird
import Web

/// The JSON API at `/api/v1`, generated from `openapi.yaml` (ARCHITECTURE "Stack").
///
/// Expects the router-wide middleware that `Portal.install` adds — `ErrorMiddleware` (problem+json
/// under `/api/`), `SessionMiddleware` (bearer token or session cookie → `context.user`) and
/// `CSRFMiddleware` (skips bearer requests) — because authentication and error mapping happen there,
/// once, for portal and API alike.
public enum JSONAPI {
    public static let basePath = "/api/v1"

    public static func install(on router: Router<AppRequestContext>, services: PortalServices) throws {
        let group = router.group(.init(basePath))
            .add(middleware: APIErrorTranslationMiddleware())
            .add(middleware: APIContentNegotiationMiddleware())
            .add(middleware: APIContextMiddleware())
        // The group already carries the `/api/v1` prefix of the document's `servers`.
        try APIHandlers(services: services).registerHandlers(on: group, serverURL: URL(string: "/")!)
        APIMethodNotAllowed.register(on: router)
    }
}
