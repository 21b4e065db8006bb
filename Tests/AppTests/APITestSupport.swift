import API
import App
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import SuanliKit
import Testing

/// A JSON client for `/api/v1` over the router test client, plus accounts with personal access tokens.
struct APIClient: Sendable {
    let client: any TestClientProtocol
    var token: String?
    var cookies: String?
    var ip = "198.51.100.7"

    struct Reply: @unchecked Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var text: String
        /// The body as a JSON object; empty when the body is not one.
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        }
        var code: String? { json["code"] as? String }
        var contentType: String { headers[.contentType] ?? "" }
        var fieldErrors: [String] { (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }
    }

    func with(token: String?) -> APIClient {
        var copy = self
        copy.token = token
        return copy
    }

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ path: String, raw: String? = nil,
              headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        headers[.init("X-Forwarded-For")!] = ip
        if let token { headers[.authorization] = "Bearer " + token }
        if let cookies { headers[.cookie] = cookies }
        if raw != nil && headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(uri: JSONAPI.basePath + path, method: method, headers: headers,
                                                body: raw.map { ByteBuffer(string: $0) })
        return Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
    }

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ path: String, json: [String: Any],
              headers: HTTPFields = [:]) async throws -> Reply {
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        return try await send(method, path, raw: String(decoding: data, as: UTF8.self), headers: headers)
    }
}

enum APITestApp {
    /// A fresh app for one test: `body` gets it and a JSON client over its router (no sockets); the
    /// database is closed afterwards. Until `Suanli.router()` installs the JSON API itself, it is added here.
    static func run<Value: Sendable>(
        _ body: @Sendable (Suanli, APIClient) async throws -> Value
    ) async throws -> Value {
        let suanli = try await TestApp.make()
        do {
            let router = try suanli.router()
            if !router.routes.contains(where: { "\($0.path)".hasPrefix(JSONAPI.basePath) }) {
                try JSONAPI.install(on: router, services: suanli.services)
            }
            let app = Application(router: router, logger: suanli.logger)
            let value = try await app.test(.router) { client in try await body(suanli, APIClient(client: client)) }
            await suanli.database.shutdown()
            return value
        } catch {
            await suanli.database.shutdown()
            throw error
        }
    }

    struct Account: Sendable {
        var userID: UUID
        var organisationID: UUID?
        var email: String
        var token: String
    }

    static let password = "Cloud2026secure"

    /// A registered, verified company and its administrator, with a personal access token.
    static func company(_ suanli: Suanli, taxID: String, email: String) async throws -> Account {
        let services = suanli.services
        let db = suanli.database.db
        let origin = RequestOrigin(sourceIP: "198.51.100.1")
        let consent = try await services.accounts.acknowledgePrivacyNotice(origin: origin, on: db)
        var values = Dictionary(uniqueKeysWithValues: Fixtures.company(taxID: taxID, email: email))
        values["name"] = "測試公司 \(taxID)"
        let form = AccountService.SignUp(
            profile: OrganisationProfileForm(values: values, industryCodes: [values["industryCodes"]!]),
            adminName: "黃志明", adminEmail: email, adminPhone: "0912-345-678", password: password,
            passwordConfirmation: password, privacyConsentID: consent, language: .en)
        let registered = try await services.accounts.signUp(form, origin: origin, on: db)
        let mail = try await Fixtures.lastMail(to: email, on: db)
        let link = try #require(Fixtures.link(in: mail, path: "/verify-email?token="))
        _ = try await services.accounts.verifyEmail(token: String(link.split(separator: "=").last!), origin: origin,
                                                    on: db)
        let token = try await token(suanli, email: email)
        return Account(userID: registered.userID, organisationID: registered.organisationID, email: email,
                       token: token)
    }

    /// Another account (member of an organisation, or programme staff) with a personal access token.
    static func user(_ suanli: Suanli, email: String, role: Role, organisationID: UUID?) async throws -> Account {
        let created = try await suanli.services.accounts.createUser(
            email: email, name: "測試 \(role.rawValue)", role: role, organisationID: organisationID,
            password: password, mustChangePassword: false, secrets: suanli.secrets, actor: "test",
            on: suanli.database.db)
        return Account(userID: created.id, organisationID: organisationID, email: email,
                       token: try await token(suanli, email: email))
    }

    /// Signs in with the password and creates a token, as the account page would.
    static func token(_ suanli: Suanli, email: String) async throws -> String {
        let db = suanli.database.db
        let session = try await suanli.services.signIn.signIn(
            email: email, password: password, origin: RequestOrigin(sourceIP: "198.51.100.1"), on: db)
        return try await suanli.services.accessTokens.create(for: session.user, name: "tests", expiresInDays: 30,
                                                             on: db).token
    }

    /// The PUT body that mirrors a GET answer, as a client editing the profile would send it.
    static func update(from organisation: [String: Any]) -> [String: Any] {
        var body = organisation
        for readOnly in ["id", "taxId", "establishedROC", "isStartup", "taxIdProof"] { body[readOnly] = nil }
        return body
    }
}
