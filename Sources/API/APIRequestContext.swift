import Hummingbird
import SuanliKit
import Web

/// The router's request context as seen by the generated handlers. swift-openapi-hummingbird hands
/// an operation only the HTTP request, so the context (who is asking, language, source IP — all set
/// by `SessionMiddleware`) travels in a task local, as the Hummingbird project template does.
enum APIRequest {
    @TaskLocal static var current: AppRequestContext?

    /// The context of the request being handled. Missing only if a route was registered without
    /// `APIContextMiddleware`, which is a programming error, not the caller's fault.
    static func context() throws -> AppRequestContext {
        guard let current else { throw APIContextMissing() }
        return current
    }
}

struct APIContextMissing: Error, CustomStringConvertible {
    var description: String { "API handler called without APIContextMiddleware" }
}

/// Publishes the request context to the generated handlers. Registered last on the `/api/v1` group
/// so that every change earlier middleware made to the context is visible.
struct APIContextMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        try await APIRequest.$current.withValue(context) {
            try await next(request, context)
        }
    }
}
