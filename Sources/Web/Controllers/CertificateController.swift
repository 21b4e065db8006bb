import Foundation
import Hummingbird
import Identity
import SuanliKit

/// 工商憑證 login (SPEC C2.4, T1): a single-use challenge, the card's signature through the HiPKI local
/// component, full verification on the server, then sign-in — or sign-up with the verified 統一編號.
struct CertificateController {
    let services: PortalServices
    var renderer: Renderer { services.renderer }

    func register(on router: Router<AppRequestContext>) {
        router.post("/signin/certificate/challenge", use: challenge)
        router.post("/signin/certificate", use: verify)
        router.get("/certificate/environment", use: environment)
    }

    struct Challenge: ResponseEncodable {
        var challengeId: String
        var challenge: String
        var expiresAt: Date
    }

    func challenge(_ request: Request, context: AppRequestContext) async throws -> Challenge {
        guard services.certificates != nil else { throw Self.notConfigured }
        let issued = try await services.challenges.issue(origin: context.origin, on: services.db)
        return Challenge(challengeId: issued.id.uuidString, challenge: issued.challenge, expiresAt: issued.expiresAt)
    }

    static let notConfigured = UserFacingError(
        .unavailable, code: "certificate.not_configured",
        zh: "本平台尚未設定憑證信任鏈，暫時無法使用工商憑證登入。",
        en: "Certificate sign-in is not configured on this platform yet.")

    func verify(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let verifier = services.certificates else { throw Self.notConfigured }
        var request = request
        let form = try await request.form(context: context)
        let db = services.db
        do {
            guard let id = UUID(uuidString: form["challengeId"]) else { throw CertificateChallenges.invalidChallenge }
            let challenge = try await services.challenges.consume(id: id, on: db)
            let certificate = form["certificate"].isEmpty ? nil : form["certificate"]
            let signed = try SignedChallenge.cms(encoded: form["signature"], certificate: certificate)
            let verified = try await verifier.verify(challenge: challenge, signature: signed)
            if let started = try await services.signIn.signIn(certificate: verified, origin: context.origin, on: db) {
                var response = Response.seeOther("/")
                response.setSessionCookie(started.token, secure: services.secureCookies)
                return response
            }
            let pendingID = try await CertificateSignups(clock: services.clock).remember(verified, on: db)
            try await services.audit.record(.init(
                actorLabel: "certificate:" + verified.taxID, action: "certificate.verified_unregistered",
                subjectType: "organisation", subjectID: verified.taxID, sourceIP: context.sourceIP,
                details: ["cardType": verified.cardType.rawValue, "serial": verified.serialNumberHex]), on: db)
            var response = Response.seeOther("/signup")
            response.setCookie(Cookie(name: SignUpController.certificateCookie, value: pendingID.uuidString,
                                      maxAge: 3600, path: "/", secure: services.secureCookies, httpOnly: true,
                                      sameSite: .lax))
            return response
        } catch let error as UserFacingError {
            try await services.audit.record(.init(
                actorLabel: "certificate", action: "certificate.sign_in_failed", subjectType: "certificate",
                sourceIP: context.sourceIP, details: ["code": error.code]), on: db)
            throw error
        }
    }

    struct EnvironmentPage: Sendable { var componentURL: String }

    func environment(_ request: Request, context: AppRequestContext) async throws -> Response {
        renderer.render("environment", title: renderer.text("env_title", context.language),
                        body: EnvironmentPage(componentURL: services.certificateComponentURL), context: context)
    }
}
