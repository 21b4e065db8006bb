import Foundation
import Hummingbird
import Identity
import Mustache
import SuanliKit

/// Renders portal pages: mustache templates from the bundle, the zh-TW/en message catalogues, and the
/// layout every page shares (navigation by role, language switch, idle-session warning).
public struct Renderer: Sendable {
    let library: MustacheLibrary
    let messages: [Language: [String: String]]

    public static func load() async throws -> Renderer {
        guard let templates = Bundle.module.url(forResource: "Templates", withExtension: nil),
              let catalogue = Bundle.module.url(forResource: "Messages", withExtension: nil) else {
            throw RendererError.missingResources
        }
        let library = try await MustacheLibrary(directory: templates.path)
        var messages: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let data = try Data(contentsOf: catalogue.appendingPathComponent(language.rawValue + ".json"))
            messages[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return Renderer(library: library, messages: messages)
    }

    /// A message in the given language; falls back to zh-TW, then to the key itself (visible in tests).
    public func text(_ key: String, _ language: Language) -> String {
        messages[language]?[key] ?? messages[.zhTW]?[key] ?? key
    }

    public func catalogue(_ language: Language) -> [String: String] { messages[language] ?? [:] }

    public func render(_ template: String, title: String, body: some Sendable, context: AppRequestContext,
                       status: HTTPResponse.Status = .ok, errors: [FieldError] = [],
                       notice: String? = nil) -> Response {
        let layout = PageView(
            lang: context.language.rawValue, title: title, t: catalogue(context.language),
            user: context.user.flatMap { $0.isFullySignedIn ? UserView($0, context.language) : nil },
            nav: Navigation.items(for: context.user, language: context.language, renderer: self),
            csrf: context.csrfToken, notice: notice,
            errors: errors.map { ErrorView(field: $0.field, message: $0.message(context.language)) },
            hasErrors: !errors.isEmpty,
            errorCount: String(errors.count),
            otherLanguage: context.language == .zhTW ? "en" : "zh-TW",
            otherLanguageLabel: context.language == .zhTW ? "English" : "中文",
            calendarToggle: context.gregorianDates ? "roc" : "gregorian",
            calendarToggleLabel: text(context.gregorianDates ? "calendar_roc" : "calendar_gregorian", context.language),
            idleSeconds: context.user?.isFullySignedIn == true ? String(Int(max(
                0, (context.user?.sessionExpiresAt ?? Date()).timeIntervalSinceNow))) : nil,
            today: context.display.day(ROCDate(Date())),
            body: body)
        let html = library.render(layout, withTemplate: template) ?? "template \(template) missing"
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

enum RendererError: Error { case missingResources }

/// What every page's template sees at the top level; the page's own data is under `body`.
struct PageView<Body: Sendable>: Sendable {
    var lang: String
    var title: String
    var t: [String: String]
    var user: UserView?
    var nav: [NavItem]
    var csrf: String
    var notice: String?
    var errors: [ErrorView]
    var hasErrors: Bool
    var errorCount: String
    var otherLanguage: String
    var otherLanguageLabel: String
    var calendarToggle: String
    var calendarToggleLabel: String
    var idleSeconds: String?
    var today: String
    var body: Body
}

struct ErrorView: Sendable {
    var field: String
    var message: String
}

struct UserView: Sendable {
    var name: String
    var email: String
    var roleLabel: String
    init(_ user: CurrentUser, _ language: Language) {
        name = user.displayName
        email = user.email
        roleLabel = language == .en ? user.role.en : user.role.zh
    }
}

struct NavItem: Sendable {
    var href: String
    var label: String
}

enum Navigation {
    static func items(for user: CurrentUser?, language: Language, renderer: Renderer) -> [NavItem] {
        func item(_ href: String, _ key: String) -> NavItem { NavItem(href: href, label: renderer.text(key, language)) }
        guard let user, user.isFullySignedIn else {
            return [item("/", "nav_home"), item("/awarded", "nav_awarded"), item("/signin", "nav_signin"), item("/signup", "nav_signup"),
                    item("/certificate/environment", "nav_cert_env")]
        }
        var items = [item("/", "nav_home")]
        switch user.role {
        case .applicantAdmin:
            items += [item("/applications", "nav_applications"), item("/projects", "nav_projects"),
                      item("/organisation", "nav_organisation"), item("/organisation/members", "nav_members")]
        case .applicantMember:
            items += [item("/applications", "nav_applications"), item("/projects", "nav_projects"),
                      item("/organisation", "nav_organisation")]
        case .vendor, .buyer:
            items += [item("/organisation", "nav_organisation")]
        case .operator:
            items += [item("/operator/applications", "nav_operator_applications"), item("/operator/ranking", "nav_ranking"),
                      item("/operator/reviewers", "nav_reviewers"), item("/operator/programmes", "nav_programme"),
                      item("/operator/closeouts", "nav_closeouts"), item("/statistics", "nav_statistics"),
                      item("/operator/inference", "nav_inference"), item("/operator/audit", "nav_audit")]
        case .reviewer:
            items += [item("/review", "nav_review")]
        case .ministry:
            items += [item("/operator/applications", "nav_operator_applications"), item("/operator/ranking", "nav_ranking"),
                      item("/statistics", "nav_statistics"), item("/operator/inference", "nav_inference")]
        }
        items += [item("/notifications", "nav_notifications"), item("/account", "nav_account")]
        return items
    }
}
