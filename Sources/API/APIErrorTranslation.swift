import HTTPTypes
import Hummingbird
internal import OpenAPIRuntime
import SuanliKit
import Web

/// swift-openapi-runtime wraps every failure of an operation — our handlers' errors, body decoding,
/// content-type checks — in `ServerError`, which `ErrorMiddleware` would answer with a bare 500.
/// This middleware sits on the `/api/v1` group, inside `ErrorMiddleware` and outside the generated
/// routes, and unwraps it so that errors keep their one mapping to RFC 9457 problem+json
/// (ARCHITECTURE "Errors", SPEC T4):
/// - the handler's own error (`UserFacingError`, `HTTPError`, `SignInRequired`, …) is rethrown;
/// - a body that is not a JSON object → 400 `request.invalid_json`; well-formed JSON with a wrong,
///   missing or unknown field → 422 naming that field in `errors` (SPEC X3);
/// - the runtime's own checks keep their status: 415 (content type), 400 (missing body, a query
///   value of the wrong type).
struct APIErrorTranslationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServerError {
            return try Self.translate(error, language: context.language)
        }
    }

    static func translate(_ error: ServerError, language: Language) throws -> Response {
        let underlying = error.underlyingError
        if let decoding = underlying as? DecodingError {
            switch decoding.apiFailure {
            case .malformed(let problem): return problem.response(status: .badRequest, language: language)
            case .invalid(let problem): throw problem
            }
        }
        // Of the errors reaching here only the runtime's own (its RuntimeError is internal) carry a status.
        guard underlying is any HTTPResponseConvertible else { throw underlying }
        switch error.httpStatus.code {
        case 400:
            let cause = error.causeDescription
            return APIProblem(code: "request.invalid", zh: "請求格式不正確：\(cause)",
                              en: "The request is malformed: \(cause)")
                .response(status: .badRequest, language: language)
        case 500...:
            throw underlying
        default:
            throw HTTPError(error.httpStatus)
        }
    }
}
