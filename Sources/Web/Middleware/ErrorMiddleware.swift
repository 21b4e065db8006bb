import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SuanliKit

/// Maps every error to one response shape, in one place (ARCHITECTURE "Errors", SPEC T4): HTML error
/// pages with the real status and a short code on the portal, RFC 9457 problem+json under `/api/`.
/// Internals never reach the client; unexpected errors are logged with an incident ID the page shows.
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let renderer: Renderer

    public init(renderer: Renderer) { self.renderer = renderer }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as SignInRequired {
            _ = error
            if isAPI(request) {
                return problem(status: .unauthorized, code: "auth.required", title: renderer.text(
                    "error_signin_required", context.language), fields: [], context: context)
            }
            let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            let target = "/signin?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")
            return Response(status: .seeOther, headers: [.location: target])
        } catch let error as UserFacingError {
            return respond(status: Self.status(error.kind), code: error.code, message: error.message(context.language),
                           fields: error.fields, request: request, context: context)
        } catch is NIOTooManyBytesError {
            return respond(status: .contentTooLarge, code: "request.too_large",
                           message: renderer.text("error_too_large", context.language), fields: [],
                           request: request, context: context)
        } catch let error as HTTPError {
            let (code, key) = Self.describe(error.status)
            return respond(status: error.status, code: code, message: renderer.text(key, context.language),
                           fields: [], request: request, context: context, headers: error.headers)
        } catch {
            let incident = String(UUID().uuidString.prefix(8))
            context.logger.error("unhandled error", metadata: ["incident": "\(incident)", "error": "\(error)",
                                                               "path": "\(request.uri.path)"])
            return respond(status: .internalServerError, code: "internal." + incident,
                           message: renderer.text("error_internal", context.language), fields: [],
                           request: request, context: context)
        }
    }

    func isAPI(_ request: Request) -> Bool { request.uri.path.hasPrefix("/api/") }

    func respond(status: HTTPResponse.Status, code: String, message: String, fields: [FieldError], request: Request,
                 context: Context, headers: HTTPFields = [:]) -> Response {
        if isAPI(request) || request.headers[.accept]?.contains("application/json") == true {
            return problem(status: status, code: code, title: message, fields: fields, context: context)
        }
        var response = renderer.render(
            "error", title: message, body: ErrorPage(status: String(status.code), code: code, message: message),
            context: context, status: status, errors: fields)
        for field in headers where field.name != .contentType && field.name != .contentLength {
            response.headers.append(field)
        }
        return response
    }

    func problem(status: HTTPResponse.Status, code: String, title: String, fields: [FieldError],
                 context: Context) -> Response {
        var body: [String: Any] = [
            "type": "https://suanli.tw/problems/" + code.split(separator: ".").first.map(String.init)!,
            "title": title, "status": status.code, "code": code,
        ]
        if !fields.isEmpty {
            body["errors"] = fields.map { ["field": $0.field, "message": $0.message(context.language)] }
        }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        var response = Response(status: status, headers: [.contentType: "application/problem+json"],
                                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"suanli\"" }
        return response
    }

    static func status(_ kind: UserFacingError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .invalidInput: .unprocessableContent
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .locked: .init(code: 423, reasonPhrase: "Locked")
        case .tooManyRequests: .tooManyRequests
        case .unavailable: .serviceUnavailable
        }
    }

    static func describe(_ status: HTTPResponse.Status) -> (String, String) {
        switch status.code {
        case 400: ("request.bad", "error_bad_request")
        case 401: ("auth.required", "error_signin_required")
        case 403: ("auth.forbidden", "error_forbidden")
        case 404: ("not_found", "error_not_found")
        case 405: ("method_not_allowed", "error_method")
        case 413: ("request.too_large", "error_too_large")
        case 415: ("request.media_type", "error_media_type")
        default: ("http.\(status.code)", status.code >= 500 ? "error_internal" : "error_bad_request")
        }
    }
}

struct ErrorPage: Sendable {
    var status: String
    var code: String
    var message: String
}

/// Security headers on every response: no framing, no sniffing, a strict CSP (no inline script).
public struct SecurityHeadersMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let componentOrigin: String
    public init(componentOrigin: String) { self.componentOrigin = componentOrigin }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.init("X-Content-Type-Options")!] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "same-origin"
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
            + "form-action 'self'; connect-src 'self' \(componentOrigin)"
        if context.isHTTPS { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }
}
