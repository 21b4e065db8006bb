import Foundation
import HTTPTypes
import Hummingbird
import Identity
import SuanliKit

/// Works out who is asking: session cookie (portal) or bearer token (API), the language, the source
/// address (X-Forwarded-For only when configured to trust the proxy), and the CSRF cookie.
public struct SessionMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    public static let sessionCookie = "suanli_session"
    public static let csrfCookie = "suanli_csrf"
    public static let languageCookie = "suanli_lang"
    public static let calendarCookie = "suanli_calendar"

    let services: PortalServices

    public init(services: PortalServices) { self.services = services }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.userAgent = request.headers[.userAgent] ?? ""
        if services.trustForwardedFor, let forwarded = request.headers[.init("X-Forwarded-For")!] {
            // The proxy appends the client it saw last; the left-most entry may be forged by the client.
            context.sourceIP = forwarded.split(separator: ",").last.map { String($0).trimmingWhitespace() }
                ?? context.sourceIP
        }
        context.isHTTPS = services.secureCookies
        do {
            try await identify(request, &context)
        } catch {
            // Runs outside the error middleware: answer plainly rather than as a signed-out visitor.
            context.logger.error("cannot resolve session", metadata: ["error": "\(error)"])
            if request.uri.path.hasPrefix("/api/") {
                let body = #"{"code":"unavailable","status":503,"title":"服務暫時無法使用 Service unavailable","#
                    + #""type":"https://suanli.tw/problems/unavailable"}"#
                return Response(status: .serviceUnavailable, headers: [.contentType: "application/problem+json"],
                                body: .init(byteBuffer: ByteBuffer(string: body)))
            }
            return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "503 服務暫時無法使用 Service unavailable")))
        }
        context.language = Self.language(request: request, user: context.user)
        context.gregorianDates = request.cookies[Self.calendarCookie]?.value == "gregorian"
        let existingCSRF = request.cookies[Self.csrfCookie]?.value ?? ""
        context.csrfToken = existingCSRF.count >= 32 ? existingCSRF : Tokens.random()

        var response = try await next(request, context)
        if existingCSRF != context.csrfToken {
            response.setCookie(Cookie(name: Self.csrfCookie, value: context.csrfToken, path: "/",
                                      secure: services.secureCookies, httpOnly: true, sameSite: .strict))
        }
        return response
    }

    private func identify(_ request: Request, _ context: inout Context) async throws {
        let db = services.db
        if let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") {
            let token = String(authorization.dropFirst(7)).trimmingWhitespace()
            context.user = try await services.accessTokens.resolve(token, settings: services.settings, on: db)
            context.authenticatedByBearer = context.user != nil
        } else if let token = request.cookies[Self.sessionCookie]?.value {
            // Polling the session state (idle warning) must not count as activity.
            let touch = request.uri.path != "/session/status"
            context.user = try await services.signIn.resolve(token: token, touch: touch, on: db)
        }
    }

    /// An explicit choice (`?lang=`, then the cookie) wins, then the user's saved language; otherwise
    /// Traditional Chinese — the portal is zh-TW first whatever the browser says (SPEC X1).
    static func language(request: Request, user: CurrentUser?) -> Language {
        if let chosen = request.uri.queryParameters.get("lang") ?? request.cookies[languageCookie]?.value {
            return Language(tag: chosen)
        }
        return user?.language ?? .zhTW
    }
}

extension Response {
    public mutating func setSessionCookie(_ token: String, secure: Bool) {
        setCookie(Cookie(name: SessionMiddleware.sessionCookie, value: token, path: "/", secure: secure,
                         httpOnly: true, sameSite: .lax))
    }

    public mutating func clearSessionCookie(secure: Bool) {
        setCookie(Cookie(name: SessionMiddleware.sessionCookie, value: "", maxAge: 0, path: "/", secure: secure,
                         httpOnly: true, sameSite: .lax))
    }
}
