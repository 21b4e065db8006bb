import Foundation
import Hummingbird
import Identity
import Notify
import SuanliKit

/// Account settings (language, password, API tokens) and in-app notifications.
struct AccountController {
    let services: PortalServices
    var renderer: Renderer { services.renderer }

    func register(on router: Router<AppRequestContext>) {
        router.get("/account", use: account)
        router.post("/account/language", use: saveLanguage)
        router.post("/account/password", use: changePassword)
        router.post("/account/tokens", use: createToken)
        router.post("/account/tokens/:id/revoke", use: revokeToken)
        router.get("/notifications", use: notifications)
        router.post("/notifications/:id/read", use: markRead)
    }

    struct TokenRow: Sendable {
        var id: String
        var name: String
        var prefix: String
        var created: String
        var expires: String
    }

    struct AccountPage: Sendable {
        var name: String
        var email: String
        var role: String
        var secondFactor: String
        var languageForm: FormView
        var passwordForm: FormView
        var tokenForm: FormView
        var tokens: [TokenRow]
        var hasTokens: Bool
        var newToken: String?
    }

    func account(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let notice = request.uri.queryParameters.get("done").map { renderer.text($0 == "password" ? "password_changed"
            : ($0 == "revoked" ? "tokens_revoked" : "language_saved"), context.language) }
        return try await render(context, user: user, errors: [], values: [:], notice: notice)
    }

    func render(_ context: AppRequestContext, user: CurrentUser, errors: [FieldError], values: [String: String],
                newToken: String? = nil, notice: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        var values = values
        values["language"] = values["language"] ?? context.language.rawValue
        let f = FieldFactory(renderer: renderer, language: context.language, values: values, errors: errors)
        let tokens = try await services.accessTokens.list(for: user, on: services.db).map {
            TokenRow(id: $0.id.uuidString, name: $0.name, prefix: $0.prefix, created: context.display.instant($0.createdAt),
                     expires: $0.expiresAt.map(context.display.instant) ?? f.t("tokens_never"))
        }
        let page = AccountPage(
            name: user.displayName, email: user.email, role: context.language == .en ? user.role.en : user.role.zh,
            secondFactor: f.t(user.role.requiresTOTP ? "account_totp_on" : "account_totp_off"),
            languageForm: FormView(action: "/account/language", submit: f.t("account_language_submit"),
                                   fields: [f.select("language", options: [("zh-TW", f.t("lang_zh")), ("en", "English")])]),
            passwordForm: FormView(action: "/account/password", submit: f.t("password_change_submit"), fields: [
                f.input("currentPassword", type: "password", autocomplete: "current-password"),
                f.input("newPassword", type: "password", hint: f.t("field_password_hint"), autocomplete: "new-password"),
                f.input("passwordConfirmation", type: "password", autocomplete: "new-password"),
            ]),
            tokenForm: FormView(action: "/account/tokens", submit: f.t("tokens_create"), fields: [
                f.input("name", label: f.t("tokens_name"), autocomplete: "off"),
                f.input("expiresInDays", label: f.t("tokens_expires_days"), type: "number",
                        hint: f.t("tokens_expires_hint"), required: false),
            ]),
            tokens: tokens, hasTokens: !tokens.isEmpty, newToken: newToken)
        return renderer.render("account", title: f.t("account_title"), body: page, context: context, status: status,
                               errors: errors, notice: notice)
    }

    func saveLanguage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var request = request
        let form = try await request.form(context: context)
        let language = Language(tag: form["language"])
        try await services.accounts.setLanguage(language, user: user, on: services.db)
        var response = Response.seeOther("/account?done=language")
        response.setCookie(Cookie(name: SessionMiddleware.languageCookie, value: language.rawValue,
                                  maxAge: 365 * 86_400, path: "/", secure: services.secureCookies, httpOnly: true,
                                  sameSite: .lax))
        return response
    }

    func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var request = request
        let form = try await request.form(context: context)
        do {
            try await services.accounts.changePassword(
                user: user, currentPassword: form["currentPassword"], newPassword: form["newPassword"],
                confirmation: form["passwordConfirmation"], origin: context.origin, on: services.db)
        } catch let error as UserFacingError where !error.fields.isEmpty {
            return try await render(context, user: user, errors: error.fields, values: [:],
                                    status: .unprocessableContent)
        }
        return .seeOther("/account?done=password")
    }

    func createToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var request = request
        let form = try await request.form(context: context)
        let daysText = form["expiresInDays"].trimmingWhitespace()
        do {
            guard daysText.isEmpty || Int(daysText) != nil else {
                throw UserFacingError(.invalidInput, code: "token.expiry_invalid", zh: "有效天數須為整數。",
                                      en: "Expiry must be a whole number of days.",
                                      fields: [FieldError(field: "expiresInDays", zh: "請填 1–366 的整數，或留空。",
                                                          en: "Enter a whole number 1–366, or leave it empty.")])
            }
            let created = try await services.accessTokens.create(for: user, name: form["name"],
                                                                 expiresInDays: Int(daysText), on: services.db)
            try await services.audit.record(.init(
                actorUserID: user.id, actorLabel: user.email, organisationID: user.organisationID,
                action: "access_token.created", subjectType: "access_token", subjectID: created.id.uuidString,
                sourceIP: context.sourceIP, details: ["prefix": created.prefix]), on: services.db)
            return try await render(context, user: user, errors: [], values: [:], newToken: created.token)
        } catch let error as UserFacingError where !error.fields.isEmpty {
            return try await render(context, user: user, errors: error.fields, values: form.dictionary,
                                    status: .unprocessableContent)
        }
    }

    func revokeToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard let id = context.parameters.get("id", as: UUID.self) else { throw HTTPError(.notFound) }
        try await services.accessTokens.revoke(id: id, for: user, on: services.db)
        try await services.audit.record(.init(
            actorUserID: user.id, actorLabel: user.email, organisationID: user.organisationID,
            action: "access_token.revoked", subjectType: "access_token", subjectID: id.uuidString,
            sourceIP: context.sourceIP), on: services.db)
        return .seeOther("/account?done=revoked")
    }

    struct NotificationRow: Sendable {
        var id: String
        var title: String
        var body: String
        var link: String?
        var at: String
        var unread: Bool
    }

    struct NotificationsPage: Sendable { var items: [NotificationRow] }

    func notifications(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let items = try await InAppNotifications.list(userID: user.id, on: services.db, limit: 100).map {
            NotificationRow(id: $0.id.uuidString, title: $0.title, body: $0.body,
                            link: $0.link.map { SafeRedirect.local($0) }, at: context.display.instant($0.createdAt),
                            unread: !$0.isRead)
        }
        return renderer.render("notifications", title: renderer.text("notifications_title", context.language),
                               body: NotificationsPage(items: items), context: context)
    }

    func markRead(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard let id = context.parameters.get("id", as: UUID.self) else { throw HTTPError(.notFound) }
        do {
            try await InAppNotifications.markRead(id: id, userID: user.id, on: services.db, now: services.clock.now())
        } catch NotifyError.notificationNotFound {
            throw HTTPError(.notFound)
        }
        return .seeOther("/notifications")
    }
}
