import HTTPTypes
import Hummingbird
import SuanliKit

/// CSRF protection for every state-changing request made with a cookie (ARCHITECTURE "Security"):
/// the form field `_csrf` (or header `X-CSRF-Token`) must equal the CSRF cookie, and a cross-site
/// `Origin` is refused. Requests authenticated by a bearer token carry no ambient credentials and skip it.
public struct CSRFMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    public init() {}

    public static let failure = UserFacingError(
        .forbidden, code: "csrf.invalid",
        zh: "表單已逾時或來源不符，請重新整理頁面後再送出。",
        en: "The form expired or came from another site. Reload the page and submit again.")

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        guard ![.get, .head, .options].contains(request.method), !context.authenticatedByBearer else {
            return try await next(request, context)
        }
        // The JSON API without a session cookie has nothing to forge.
        if request.uri.path.hasPrefix("/api/") && request.cookies[SessionMiddleware.sessionCookie] == nil {
            return try await next(request, context)
        }
        if let origin = request.headers[.origin], let host = request.head.authority,
           origin != "null", !(origin.hasSuffix("://" + host)) {
            throw Self.failure
        }
        let cookie = request.cookies[SessionMiddleware.csrfCookie]?.value ?? ""
        var presented = request.headers[.init("X-CSRF-Token")!] ?? ""
        var request = request
        if presented.isEmpty,
           request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            presented = FormBody(buffer: body).first("_csrf") ?? ""
        } else if presented.isEmpty, MultipartForm.isMultipart(request) {
            // Uploads carry the token as a form part; the collected body is kept for the handler.
            let body = try await request.collectBody(upTo: MultipartForm.maxBody)
            presented = (try? MultipartForm(buffer: body, contentType: request.headers[.contentType]))?
                .first("_csrf") ?? ""
        }
        guard cookie.count >= 32, Tokens.constantTimeEqual(cookie, presented) else { throw Self.failure }
        return try await next(request, context)
    }
}
