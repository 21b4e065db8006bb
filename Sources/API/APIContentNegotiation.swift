import HTTPTypes
import Hummingbird
import SuanliKit
import Web

/// Settles what the generated code would otherwise check too late or not at all:
/// - `Accept`: the generated serializer validates it only after the handler ran, so a POST with
///   `Accept: text/html` would create the resource and still answer 406. We answer 406 before
///   anything is written (SPEC X3) and then drop the header, which has been dealt with.
/// - Body size: the OpenAPI transport streams the body into the JSON decoder without a limit; every
///   request body of this API is a small JSON object, so anything larger is refused with 413.
struct APIContentNegotiationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let maxBodyBytes = 64 * 1024

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.acceptsJSON(request.headers[values: .accept]) else { throw HTTPError(.notAcceptable) }
        var head = request.head
        head.headerFields[.accept] = nil
        var request = Request(head: head, body: request.body)
        if [.post, .put, .patch].contains(request.method) {
            // File uploads (attachments, SPEC C3.4) are binary bodies up to the attachment limit; the
            // handler checks type and size itself. Everything else is a small JSON object.
            let isUpload = request.headers[.contentType]?.lowercased().hasPrefix("application/octet-stream") == true
            let limit = isUpload ? MultipartForm.maxBody : Self.maxBodyBytes
            do {
                _ = try await request.collectBody(upTo: limit)
            } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
                // NIO's "too many bytes" is not an HTTPError; the error middleware would call it a 500.
                throw HTTPError(.contentTooLarge)
            }
        }
        return try await next(request, context)
    }

    /// True when no `Accept` is given or one of its media ranges covers `application/json`.
    static func acceptsJSON(_ values: [String]) -> Bool {
        let ranges = values.flatMap { $0.split(separator: ",") }
            .map { $0.split(separator: ";").first.map { String($0).trimmingWhitespace().lowercased() } ?? "" }
            .filter { !$0.isEmpty }
        return ranges.isEmpty || ranges.contains { ["*/*", "application/*", "application/json"].contains($0) }
    }
}
