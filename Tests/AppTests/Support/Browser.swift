import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// A cookie-keeping client over the router test client: it behaves like a browser session (session and
/// CSRF cookies, form posts with the hidden `_csrf` field) from a chosen source address.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var ip: String

    init(_ client: any TestClientProtocol, ip: String = "203.0.113.10") {
        self.client = client
        self.ip = ip
    }

    struct Page {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        var location: String? { headers[.location] }
        func contains(_ text: String) -> Bool { body.contains(text) }
    }

    var csrf: String { cookies["suanli_csrf"] ?? "" }

    private func headers(_ extra: HTTPFields = [:]) -> HTTPFields {
        var headers = extra
        headers[.init("X-Forwarded-For")!] = ip
        if !cookies.isEmpty {
            headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")
        }
        return headers
    }

    private func remember(_ response: TestResponse) {
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";").first ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { continue }
            if field.value.contains("Max-Age=0") || parts[1].isEmpty {
                cookies[parts[0]] = nil
            } else {
                cookies[parts[0]] = parts[1]
            }
        }
    }

    @discardableResult
    func get(_ uri: String, headers extra: HTTPFields = [:]) async throws -> Page {
        let response = try await client.execute(uri: uri, method: .get, headers: headers(extra), body: nil)
        remember(response)
        return Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    /// Posts a form; `csrf: false` leaves the token out, as a forged cross-site request would.
    @discardableResult
    func post(_ uri: String, _ fields: [(String, String)], csrf: Bool = true,
              headers extra: HTTPFields = [:]) async throws -> Page {
        if cookies["suanli_csrf"] == nil { try await get("/signin") }
        var all = fields
        if csrf { all.append(("_csrf", self.csrf)) }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var h = extra
        h[.contentType] = "application/x-www-form-urlencoded"
        let response = try await client.execute(uri: uri, method: .post, headers: headers(h),
                                                body: ByteBuffer(string: body))
        remember(response)
        return Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    func post(_ uri: String, _ fields: [String: String], csrf: Bool = true) async throws -> Page {
        try await post(uri, fields.map { ($0.key, $0.value) }, csrf: csrf)
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
