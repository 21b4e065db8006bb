import Compliance
import Foundation
import Hummingbird
import Identity
import Notify
import SuanliKit

/// Home page, language and calendar switches, static assets, and the operators' audit view.
struct PublicController {
    let services: PortalServices
    let assets: StaticAssets
    var renderer: Renderer { services.renderer }

    func register(on router: Router<AppRequestContext>) {
        router.get("/", use: home)
        router.get("/language", use: switchLanguage)
        router.get("/calendar", use: switchCalendar)
        router.get("/static/:file", use: asset)
        router.get("/operator/audit", use: audit)
    }

    struct HomePage: Sendable {
        var signedIn: Bool
        var organisation: OrganisationSummary?
        var unreadText: String
    }

    func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        var page = HomePage(signedIn: false, organisation: nil, unreadText: "")
        if let user = context.user, user.isFullySignedIn {
            page.signedIn = true
            if let orgID = user.organisationID {
                page.organisation = try await services.accounts.organisation(orgID, on: services.db)
            }
            let unread = try await InAppNotifications.unreadCount(userID: user.id, on: services.db)
            page.unreadText = renderer.text("home_unread", context.language).filling(["n": String(unread)])
        }
        return renderer.render("home", title: renderer.text("nav_home", context.language), body: page, context: context)
    }

    func switchLanguage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Language(tag: request.uri.queryParameters.get("to"))
        if let user = context.user, user.isFullySignedIn {
            try await services.accounts.setLanguage(language, user: user, on: services.db)
        }
        let back = request.headers[.referer].flatMap { URL(string: $0) }.map { $0.path + ($0.query.map { "?" + $0 } ?? "") }
        var response = Response.seeOther(SafeRedirect.local(back))
        response.setCookie(Cookie(name: SessionMiddleware.languageCookie, value: language.rawValue,
                                  maxAge: 365 * 86_400, path: "/", secure: services.secureCookies, httpOnly: true,
                                  sameSite: .lax))
        return response
    }

    func switchCalendar(_ request: Request, context: AppRequestContext) async throws -> Response {
        let gregorian = request.uri.queryParameters.get("to") == "gregorian"
        let back = request.headers[.referer].flatMap { URL(string: $0) }.map { $0.path + ($0.query.map { "?" + $0 } ?? "") }
        var response = Response.seeOther(SafeRedirect.local(back))
        response.setCookie(Cookie(name: SessionMiddleware.calendarCookie, value: gregorian ? "gregorian" : "roc",
                                  maxAge: 365 * 86_400, path: "/", secure: services.secureCookies, httpOnly: true,
                                  sameSite: .lax))
        return response
    }

    func asset(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let name = context.parameters.get("file"), let file = assets.files[name] else {
            throw HTTPError(.notFound)
        }
        return Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "public, max-age=300"],
                        body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    struct AuditRow: Sendable {
        var seq: String
        var at: String
        var actor: String
        var action: String
        var subject: String
        var ip: String
    }

    struct AuditPage: Sendable {
        var intact: Bool
        var verification: String
        var records: [AuditRow]
    }

    func audit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.require(.operator)
        let db = services.db
        let verification = try await services.audit.verify(on: db)
        let rows = try await services.audit.recent(on: db, limit: 200).map {
            AuditRow(seq: String($0.seq), at: context.display.instant($0.at), actor: $0.actorLabel, action: $0.action,
                     subject: $0.subjectType + ($0.subjectID.map { " " + $0.prefix(8) } ?? ""), ip: $0.sourceIP ?? "—")
        }
        try await services.audit.record(.init(
            actorUserID: user.id, actorLabel: user.email, action: "audit.viewed", subjectType: "audit_log",
            sourceIP: context.sourceIP), on: db)
        return renderer.render("audit", title: renderer.text("audit_title", context.language),
                               body: AuditPage(intact: verification.isIntact, verification: verification.summary,
                                               records: rows), context: context)
    }
}

/// The portal's CSS and JS, read from the bundle once at start-up.
public struct StaticAssets: Sendable {
    public struct File: Sendable {
        var bytes: [UInt8]
        var contentType: String
    }
    var files: [String: File]

    public static func load() throws -> StaticAssets {
        guard let folder = Bundle.module.url(forResource: "Static", withExtension: nil) else {
            throw RendererError.missingResources
        }
        var files: [String: File] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            let type = name.hasSuffix(".css") ? "text/css; charset=utf-8"
                : name.hasSuffix(".js") ? "text/javascript; charset=utf-8" : "application/octet-stream"
            files[name] = File(bytes: Array(data), contentType: type)
        }
        return StaticAssets(files: files)
    }
}

/// Assembles the portal routes and middleware on a router.
public enum Portal {
    public static func install(on router: Router<AppRequestContext>, services: PortalServices) throws {
        let assets = try StaticAssets.load()
        let componentOrigin = URL(string: services.certificateComponentURL).map {
            "\($0.scheme ?? "http")://\($0.host ?? "localhost")\($0.port.map { ":\($0)" } ?? "")"
        } ?? "http://localhost:61161"
        router.add(middleware: SecurityHeadersMiddleware(componentOrigin: componentOrigin))
        // Session before errors: error pages speak the user's language and show their navigation.
        router.add(middleware: SessionMiddleware(services: services))
        router.add(middleware: ErrorMiddleware(renderer: services.renderer))
        router.add(middleware: CSRFMiddleware())
        PublicController(services: services, assets: assets).register(on: router)
        AuthController(services: services).register(on: router)
        SignUpController(services: services).register(on: router)
        CertificateController(services: services).register(on: router)
        OrganisationController(services: services).register(on: router)
        AccountController(services: services).register(on: router)
        ApplicantController(services: services).register(on: router)
        OperatorApplicationsController(services: services).register(on: router)
        ReviewController(services: services).register(on: router)
        ProgrammeController(services: services).register(on: router)
        ProgrammeSetupController(services: services).register(on: router)
        InferenceController(services: services).register(on: router)
        InferenceOperatorController(services: services).register(on: router)
    }
}
