import Gateway
import Hummingbird
import Web

/// Routes `/v1/…` to the inference gateway before anything else, and everything else to the portal's
/// router. The gateway's answers are OpenAI JSON and its clients are programs with API keys, so the
/// portal's middleware (sessions, CSRF, HTML error pages) never applies to it — and its hot path
/// skips the router's trie and middleware chain (issue 4, item 10).
struct SuanliResponder<Portal: HTTPResponder>: HTTPResponder where Portal.Context == AppRequestContext {
    let gateway: GatewayResponder<AppRequestContext>
    let portal: Portal

    func respond(to request: Request, context: AppRequestContext) async throws -> Response {
        if GatewayResponder<AppRequestContext>.handles(path: request.uri.path) {
            return try await gateway.respond(to: request, context: context)
        }
        return try await portal.respond(to: request, context: context)
    }
}
