import Foundation
import Hummingbird
import Identity
import SuanliKit

/// Sign-in with password and second factor, forced password change, sign-out, idle-session extension,
/// password reset, e-mail verification and invitations (SPEC T2).
struct AuthController {
    let services: PortalServices
    var renderer: Renderer { services.renderer }

    func register(on router: Router<AppRequestContext>) {
        router.get("/signin", use: signInPage)
        router.post("/signin", use: signIn)
        router.get("/signin/totp", use: totpPage)
        router.post("/signin/totp", use: verifyTOTP)
        router.get("/password/change", use: passwordChangePage)
        router.post("/password/change", use: changePassword)
        router.post("/signout", use: signOut)
        router.post("/session/extend", use: extend)
        router.get("/forgot-password", use: forgotPage)
        router.post("/forgot-password", use: forgot)
        router.get("/reset-password", use: resetPage)
        router.post("/reset-password", use: reset)
        router.get("/verify-email", use: verifyEmail)
        router.get("/verify-email/resend", use: resendPage)
        router.post("/verify-email/resend", use: resend)
        router.get("/invitation", use: invitationPage)
        router.post("/invitation", use: acceptInvitation)
    }

    // MARK: Password sign-in

    func signInForm(_ context: AppRequestContext, values: [String: String], errors: [FieldError]) -> FormView {
        let f = FieldFactory(renderer: renderer, language: context.language, values: values, errors: errors)
        return FormView(
            action: "/signin", submit: f.t("signin_submit"),
            hidden: [HiddenField(name: "next", value: values["next"] ?? "/")],
            fields: [f.input("email", type: "email", autocomplete: "username"),
                     f.input("password", type: "password", hint: "", autocomplete: "current-password")])
    }

    struct SignInPage: Sendable {
        var form: FormView
        var expired: Bool
        var componentURL: String
    }

    func signInPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let user = context.user { return .seeOther(nextStep(for: user, next: "/")) }
        let next = SafeRedirect.local(request.uri.queryParameters.get("next"))
        return renderSignIn(context, values: ["next": next], errors: [],
                            expired: request.uri.queryParameters.get("expired") != nil)
    }

    func renderSignIn(_ context: AppRequestContext, values: [String: String], errors: [FieldError],
                      expired: Bool = false, status: HTTPResponse.Status = .ok, message: String? = nil) -> Response {
        var errors = errors
        if let message, errors.isEmpty { errors = [FieldError(field: "email", zh: message, en: message)] }
        return renderer.render(
            "signin", title: renderer.text("nav_signin", context.language),
            body: SignInPage(form: signInForm(context, values: values, errors: errors), expired: expired,
                             componentURL: services.certificateComponentURL),
            context: context, status: status, errors: errors)
    }

    func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let next = SafeRedirect.local(form.first("next"))
        do {
            let started = try await services.signIn.signIn(email: form["email"], password: form["password"],
                                                           origin: context.origin, on: services.db)
            var response = Response.seeOther(nextStep(for: started.user, next: next))
            response.setSessionCookie(started.token, secure: services.secureCookies)
            return response
        } catch let error as UserFacingError {
            let message = error.message(context.language)
            let fields = error.fields.isEmpty ? [FieldError(field: "email", zh: error.zh, en: error.en)] : error.fields
            _ = message
            return renderSignIn(context, values: ["email": form["email"], "next": next], errors: fields,
                                status: ErrorMiddleware.status(error.kind))
        }
    }

    func nextStep(for user: CurrentUser, next: String) -> String {
        switch user.sessionState {
        case SessionState.mfaPending: "/signin/totp"
        case SessionState.passwordChange: "/password/change"
        default: next
        }
    }

    // MARK: Second factor

    func totpPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = context.user, user.sessionState == SessionState.mfaPending else {
            return .seeOther("/signin")
        }
        return try await renderTOTP(context, user: user, errors: [])
    }

    func renderTOTP(_ context: AppRequestContext, user: CurrentUser, errors: [FieldError],
                    status: HTTPResponse.Status = .ok) async throws -> Response {
        let f = FieldFactory(renderer: renderer, language: context.language, values: [:], errors: errors)
        var code = f.input("code", autocomplete: "one-time-code")
        code.type = "text"
        let enrolment = try await services.signIn.pendingTOTPEnrolment(for: user, on: services.db)
        let page = SimplePage(
            heading: f.t("totp_title"), intro: f.t("totp_intro"),
            paragraphs: enrolment == nil ? [] : [f.t("totp_enrol"), enrolment!.provisioningURI(account: user.email)],
            secret: enrolment?.base32Secret,
            form: FormView(action: "/signin/totp", submit: f.t("totp_submit"), fields: [code]))
        return renderer.render("page", title: f.t("totp_title"), body: page, context: context, status: status,
                               errors: errors)
    }

    func verifyTOTP(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = context.user, user.sessionState == SessionState.mfaPending else {
            return .seeOther("/signin")
        }
        var request = request
        let form = try await request.form(context: context)
        do {
            let updated = try await services.signIn.verifyTOTP(session: user, code: form["code"],
                                                               origin: context.origin, on: services.db)
            return .seeOther(nextStep(for: updated, next: "/"))
        } catch let error as UserFacingError where error.kind == .locked {
            var response = renderSignIn(context, values: [:], errors: [FieldError(field: "email", zh: error.zh,
                                                                                  en: error.en)], status: .init(code: 423))
            response.clearSessionCookie(secure: services.secureCookies)
            return response
        } catch let error as UserFacingError {
            return try await renderTOTP(context, user: user, errors: error.fields, status: .unauthorized)
        }
    }

    // MARK: Forced password change

    func passwordChangePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = context.user, user.sessionState == SessionState.passwordChange else {
            return .seeOther("/signin")
        }
        return renderPasswordChange(context, errors: [])
    }

    func renderPasswordChange(_ context: AppRequestContext, errors: [FieldError],
                              status: HTTPResponse.Status = .ok) -> Response {
        let f = FieldFactory(renderer: renderer, language: context.language, values: [:], errors: errors)
        let page = SimplePage(
            heading: f.t("password_change_title"), intro: f.t("password_change_intro"),
            form: FormView(action: "/password/change", submit: f.t("password_change_submit"), fields: [
                f.input("currentPassword", type: "password", autocomplete: "current-password"),
                f.input("newPassword", type: "password", hint: f.t("field_password_hint"),
                        autocomplete: "new-password"),
                f.input("passwordConfirmation", type: "password", autocomplete: "new-password"),
            ]))
        return renderer.render("page", title: f.t("password_change_title"), body: page, context: context,
                               status: status, errors: errors)
    }

    func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = context.user, user.sessionState == SessionState.passwordChange else {
            return .seeOther("/signin")
        }
        var request = request
        let form = try await request.form(context: context)
        do {
            try await services.accounts.changePassword(
                user: user, currentPassword: form["currentPassword"], newPassword: form["newPassword"],
                confirmation: form["passwordConfirmation"], origin: context.origin, on: services.db)
            return .seeOther("/")
        } catch let error as UserFacingError {
            return renderPasswordChange(context, errors: error.fields, status: .unprocessableContent)
        }
    }

    // MARK: Sign-out and idle sessions

    func signOut(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let user = context.user {
            try await services.signIn.signOut(user, origin: context.origin, on: services.db)
        }
        var response = Response.seeOther("/")
        response.clearSessionCookie(secure: services.secureCookies)
        return response
    }

    func extend(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard let expires = try await services.signIn.extend(user, on: services.db) else { throw SignInRequired() }
        let remaining = max(0, Int(expires.timeIntervalSince(services.clock.now())))
        if request.headers[.accept]?.contains("application/json") == true {
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: "{\"remainingSeconds\":\(remaining)}")))
        }
        return .seeOther(SafeRedirect.local(request.headers[.referer].flatMap { URL(string: $0)?.path }))
    }

    // MARK: Password reset

    func forgotPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        renderEmailForm(context, titleKey: "forgot_title", introKey: "forgot_intro", action: "/forgot-password",
                        submitKey: "forgot_submit", errors: [])
    }

    func renderEmailForm(_ context: AppRequestContext, titleKey: String, introKey: String?, action: String,
                         submitKey: String, errors: [FieldError], values: [String: String] = [:],
                         status: HTTPResponse.Status = .ok) -> Response {
        let f = FieldFactory(renderer: renderer, language: context.language, values: values, errors: errors)
        let page = SimplePage(heading: f.t(titleKey), intro: introKey.map(f.t),
                              form: FormView(action: action, submit: f.t(submitKey),
                                             fields: [f.input("email", type: "email", autocomplete: "email")]))
        return renderer.render("page", title: f.t(titleKey), body: page, context: context, status: status,
                               errors: errors)
    }

    func message(_ context: AppRequestContext, titleKey: String, text: String,
                 links: [LinkView] = []) -> Response {
        let title = renderer.text(titleKey, context.language)
        return renderer.render("page", title: title,
                               body: SimplePage(heading: title, paragraphs: [text], links: links), context: context)
    }

    func forgot(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        do {
            try await services.accounts.requestPasswordReset(email: form["email"], origin: context.origin,
                                                             on: services.db)
        } catch let error as UserFacingError {
            return renderEmailForm(context, titleKey: "forgot_title", introKey: "forgot_intro",
                                   action: "/forgot-password", submitKey: "forgot_submit", errors: error.fields,
                                   values: ["email": form["email"]], status: .unprocessableContent)
        }
        return message(context, titleKey: "forgot_title", text: renderer.text("forgot_done", context.language),
                       links: [LinkView(href: "/signin", label: renderer.text("nav_signin", context.language))])
    }

    func resetPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = request.uri.queryParameters.get("token") ?? ""
        guard try await services.accounts.isTokenUsable(token, purpose: .passwordReset, on: services.db) else {
            throw IdentityErrors.badToken
        }
        return renderReset(context, token: token, errors: [])
    }

    func renderReset(_ context: AppRequestContext, token: String, errors: [FieldError],
                     status: HTTPResponse.Status = .ok) -> Response {
        let f = FieldFactory(renderer: renderer, language: context.language, values: [:], errors: errors)
        let page = SimplePage(heading: f.t("reset_title"), form: FormView(
            action: "/reset-password", submit: f.t("reset_submit"), hidden: [HiddenField(name: "token", value: token)],
            fields: [f.input("newPassword", type: "password", hint: f.t("field_password_hint"),
                             autocomplete: "new-password"),
                     f.input("passwordConfirmation", type: "password", autocomplete: "new-password")]))
        return renderer.render("page", title: f.t("reset_title"), body: page, context: context, status: status,
                               errors: errors)
    }

    func reset(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        do {
            try await services.accounts.resetPassword(token: form["token"], newPassword: form["newPassword"],
                                                      confirmation: form["passwordConfirmation"],
                                                      origin: context.origin, on: services.db)
        } catch let error as UserFacingError where !error.fields.isEmpty {
            return renderReset(context, token: form["token"], errors: error.fields, status: .unprocessableContent)
        }
        return message(context, titleKey: "reset_title", text: renderer.text("reset_done", context.language),
                       links: [LinkView(href: "/signin", label: renderer.text("nav_signin", context.language))])
    }

    // MARK: E-mail verification

    func verifyEmail(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try await services.accounts.verifyEmail(token: request.uri.queryParameters.get("token") ?? "",
                                                    origin: context.origin, on: services.db)
        return message(context, titleKey: "verify_ok_title", text: renderer.text("verify_ok_text", context.language),
                       links: [LinkView(href: "/signin", label: renderer.text("nav_signin", context.language))])
    }

    func resendPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        renderEmailForm(context, titleKey: "resend_title", introKey: nil, action: "/verify-email/resend",
                        submitKey: "resend_submit", errors: [])
    }

    func resend(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        guard EmailAddress.normalise(form["email"]) != nil else {
            return renderEmailForm(context, titleKey: "resend_title", introKey: nil, action: "/verify-email/resend",
                                   submitKey: "resend_submit", errors: [EmailAddress.error()],
                                   values: ["email": form["email"]], status: .unprocessableContent)
        }
        try await services.accounts.resendVerification(email: form["email"], origin: context.origin, on: services.db)
        return message(context, titleKey: "resend_title", text: renderer.text("resend_done", context.language))
    }

    // MARK: Invitations

    func invitationPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = request.uri.queryParameters.get("token") ?? ""
        guard try await services.accounts.isTokenUsable(token, purpose: .invitation, on: services.db) else {
            throw IdentityErrors.badToken
        }
        return renderInvitation(context, token: token, errors: [])
    }

    func renderInvitation(_ context: AppRequestContext, token: String, errors: [FieldError],
                          status: HTTPResponse.Status = .ok) -> Response {
        let f = FieldFactory(renderer: renderer, language: context.language, values: [:], errors: errors)
        let notice = PrivacyNotice.paragraphs(renderer: renderer, language: context.language)
        let page = SimplePage(
            heading: f.t("invitation_title"), intro: f.t("invitation_intro"),
            paragraphs: [f.t("privacy_title")] + notice,
            form: FormView(action: "/invitation", submit: f.t("invitation_submit"),
                           hidden: [HiddenField(name: "token", value: token)],
                           fields: [f.checkbox("privacyNotice", label: f.t("privacy_ack")),
                                    f.input("password", type: "password", autocomplete: "new-password"),
                                    f.input("passwordConfirmation", type: "password", autocomplete: "new-password")]),
            narrow: false)
        return renderer.render("page", title: f.t("invitation_title"), body: page, context: context, status: status,
                               errors: errors)
    }

    func acceptInvitation(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        do {
            _ = try await services.accounts.acceptInvitation(
                token: form["token"], password: form["password"], confirmation: form["passwordConfirmation"],
                privacyNoticeAt: form["privacyNotice"] == "yes" ? services.clock.now() : nil,
                origin: context.origin, on: services.db)
        } catch let error as UserFacingError where !error.fields.isEmpty {
            return renderInvitation(context, token: form["token"], errors: error.fields, status: .unprocessableContent)
        }
        return message(context, titleKey: "invitation_title", text: renderer.text("invitation_done", context.language),
                       links: [LinkView(href: "/signin", label: renderer.text("nav_signin", context.language))])
    }
}

enum PrivacyNotice {
    static func paragraphs(renderer: Renderer, language: Language) -> [String] {
        (1...5).map { renderer.text("privacy_p\($0)", language) }
    }
}
