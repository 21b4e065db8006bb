import Compliance
import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import Logging
import NIOCore

/// The OpenAI-compatible surface at `/v1` (issue 4, item 3). It is dispatched before the portal's
/// router, so none of the portal's middleware (sessions, CSRF, HTML errors) touches it: every answer
/// here, errors included, is OpenAI's JSON.
///
/// Admission runs in this order (README "Admission"), each step answering its own error:
/// 1. the key is valid and its project's term is running → 401 / 403 `project_inactive`;
/// 2. the model is in the catalogue, of an allowed origin, and allowed for the key → 404 / 403;
/// 3. the client's address is not in a denied region (SPEC C6.1) → 403 `unsupported_country_region_territory`;
/// 4. the key's RPM/TPM limits → 429 `rate_limit_exceeded`;
/// 5. the points: the request's worst case is reserved, `max_tokens` capped to what the balance
///    pays → 429 `insufficient_quota`.
public struct GatewayResponder<Context: RequestContext & RemoteAddressRequestContext>: HTTPResponder {
    public let runtime: GatewayRuntime

    public init(runtime: GatewayRuntime) { self.runtime = runtime }

    public static func handles(path: String) -> Bool { path == "/v1" || path.hasPrefix("/v1/") }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        if let endpoint = GatewayEndpoint(rawValue: path) {
            guard request.method == .post else { return Self.methodNotAllowed(allow: "POST") }
            return await complete(endpoint, request: request, context: context)
        }
        if path == "/v1/models" || path.hasPrefix("/v1/models/") {
            guard request.method == .get else { return Self.methodNotAllowed(allow: "GET") }
            return await models(request: request, single: path.count > 11 ? String(path.dropFirst(11)) : nil)
        }
        return Self.failure(.unknownURL(method: request.method.rawValue, path: path))
    }

    // MARK: /v1/models

    struct ModelList: Encodable {
        var object = "list"
        var data: [Entry]
        struct Entry: Encodable {
            var id: String
            var object = "model"
            var created: Int
            var owned_by: String
            var origin: String
            var capabilities: [String]
        }
    }

    func models(request: Request, single: String?) async -> Response {
        do {
            let key: AuthenticatedKey
            switch try await authenticate(request) {
            case .success(let check): key = check
            case .failure(let failure): return Self.failure(failure)
            }
            let offered = try await runtime.catalogue().offered.filter { key.policy.allows(model: $0.id) }
            let entries = offered.map {
                ModelList.Entry(id: $0.id, created: 0, owned_by: $0.developer, origin: $0.origin,
                                capabilities: $0.capabilities.map(\.rawValue).sorted())
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            if let single {
                guard let entry = entries.first(where: { $0.id == single }) else {
                    return Self.failure(.unknownModel(single))
                }
                return Self.json(try encoder.encode(entry))
            }
            return Self.json(try encoder.encode(ModelList(data: entries)))
        } catch {
            runtime.logger.error("gateway: listing models failed", metadata: ["error": "\(error)"])
            return Self.failure(.ledgerUnavailable)
        }
    }

    // MARK: Authentication

    func authenticate(_ request: Request) async throws -> Result<AuthenticatedKey, OpenAIFailure> {
        switch try await check(request) {
        case .success(let check): .success(check.key!)
        case .failure(let failure): .failure(failure)
        }
    }

    func check(_ request: Request) async throws -> Result<KeyCheck, OpenAIFailure> {
        guard let header = request.headers[.authorization] else { return .failure(.missingKey) }
        let presented: Substring
        if header.count > 7, header.prefix(7).lowercased() == "bearer " {
            presented = header.dropFirst(7).drop { $0 == " " }
        } else {
            return .failure(.missingKey)
        }
        guard !presented.isEmpty else { return .failure(.missingKey) }
        let check = try await runtime.check(presented: String(presented))
        guard check.key != nil else { return .failure(.invalidKey(String(presented))) }
        return .success(check)
    }

    // MARK: Answers

    static func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func failure(_ failure: OpenAIFailure, requestID: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter = failure.retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let shouldRetry = failure.shouldRetry { headers[HTTPField.Name("x-should-retry")!] = String(shouldRetry) }
        if let requestID { headers[HTTPField.Name("x-request-id")!] = requestID }
        return Response(status: .init(code: failure.status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: failure.json)))
    }

    static func methodNotAllowed(allow: String) -> Response {
        var response = failure(OpenAIFailure(
            status: 405, type: "invalid_request_error", code: "method_not_allowed",
            message: "This endpoint only accepts \(allow).", zh: "此端點只接受 \(allow)。", shouldRetry: false))
        response.headers[.allow] = allow
        return response
    }
}
