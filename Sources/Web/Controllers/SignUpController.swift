import Foundation
import Hummingbird
import Identity
import SuanliKit

/// Company sign-up (SPEC C2.4, C3.1). The 個資法 §8 notice is shown and acknowledged first; only then
/// does the form that collects personal data appear (SPEC T6).
struct SignUpController {
    let services: PortalServices
    var renderer: Renderer { services.renderer }
    static let consentCookie = "suanli_privacy_ack"
    static let certificateCookie = "suanli_cert_signup"

    func register(on router: Router<AppRequestContext>) {
        router.get("/signup", use: page)
        router.post("/signup/notice", use: acknowledge)
        router.post("/signup", use: submit)
        router.get("/privacy", use: privacy)
    }

    func consentID(_ request: Request) -> UUID? {
        request.cookies[Self.consentCookie].flatMap { UUID(uuidString: $0.value) }
    }

    func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let db = services.db
        guard try await services.accounts.pendingPrivacyConsent(consentID(request), on: db) != nil else {
            return renderNotice(context, errors: [])
        }
        let pending = try await certificateSignup(request)
        var values: [String: String] = ["kind": "company"]
        if let pending {
            values["taxID"] = pending.taxID
            values["name"] = pending.name
        }
        let notice = pending.map {
            renderer.text("cert_signup_notice", context.language).filling(["name": $0.name, "taxID": $0.taxID])
        }
        return renderForm(context, values: values, errors: [], certificate: pending, notice: notice)
    }

    func certificateSignup(_ request: Request) async throws -> CertificateSignups.Pending? {
        let id = request.cookies[Self.certificateCookie].flatMap { UUID(uuidString: $0.value) }
        return try await CertificateSignups(clock: services.clock).find(id, on: services.db)
    }

    func renderNotice(_ context: AppRequestContext, errors: [FieldError], status: HTTPResponse.Status = .ok) -> Response {
        let f = FieldFactory(renderer: renderer, language: context.language, values: [:], errors: errors)
        return renderer.render(
            "privacy", title: f.t("privacy_title"),
            body: NoticePage(version: services.settings.privacyNoticeVersion,
                             paragraphs: PrivacyNotice.paragraphs(renderer: renderer, language: context.language),
                             form: FormView(action: "/signup/notice", submit: f.t("privacy_continue"),
                                            fields: [f.checkbox("privacyNotice", label: f.t("privacy_ack"))])),
            context: context, status: status, errors: errors)
    }

    struct NoticePage: Sendable {
        var version: String
        var paragraphs: [String]
        var form: FormView?
    }

    func privacy(_ request: Request, context: AppRequestContext) async throws -> Response {
        renderer.render("privacy", title: renderer.text("privacy_title", context.language),
                        body: NoticePage(version: services.settings.privacyNoticeVersion,
                                         paragraphs: PrivacyNotice.paragraphs(renderer: renderer,
                                                                              language: context.language),
                                         form: nil),
                        context: context)
    }

    func acknowledge(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        guard form["privacyNotice"] == "yes" else {
            return renderNotice(context, errors: IdentityErrors.privacyNoticeRequired.fields,
                                status: .unprocessableContent)
        }
        let id = try await services.accounts.acknowledgePrivacyNotice(origin: context.origin, on: services.db)
        var response = Response.seeOther("/signup")
        response.setCookie(Cookie(name: Self.consentCookie, value: id.uuidString, maxAge: 86_400, path: "/",
                                  secure: services.secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    static let profileKeys = ["taxID", "name", "kind", "established", "paidInCapital", "representative",
                              "employees", "address", "phone", "businessLines", "mainProducts", "salesRegions"]

    func renderForm(_ context: AppRequestContext, values: [String: String], errors: [FieldError],
                    certificate: CertificateSignups.Pending?, notice: String? = nil,
                    status: HTTPResponse.Status = .ok) -> Response {
        let f = FieldFactory(renderer: renderer, language: context.language, values: values, errors: errors)
        let company = ProfileFields.fields(f, lockIdentity: certificate != nil)
        let admin = [
            f.input("adminName", autocomplete: "name"),
            f.input("adminEmail", type: "email", autocomplete: "email"),
            f.input("adminPhone", type: "tel", required: false, autocomplete: "tel"),
            f.input("password", type: "password", hint: f.t("field_password_hint"), autocomplete: "new-password"),
            f.input("passwordConfirmation", type: "password", autocomplete: "new-password"),
        ]
        let form = FormView(action: "/signup", submit: f.t("signup_submit"), confirm: f.t("signup_confirm"),
                            groups: [FieldGroup(legend: f.t("signup_company"), fields: company),
                                     FieldGroup(legend: f.t("signup_admin"), fields: admin)])
        return renderer.render("page", title: f.t("signup_title"),
                               body: SimplePage(heading: f.t("signup_title"), form: form, narrow: false),
                               context: context, status: status, errors: errors, notice: notice)
    }

    func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let certificate = try await certificateSignup(request)
        var values = form.dictionary
        values["industryCodes"] = form.all("industryCodes").joined(separator: ", ")
        if let certificate {
            // Both come from the verified certificate; a client ignoring `readonly` cannot change them.
            values["taxID"] = certificate.taxID
            values["name"] = certificate.name
        }
        let signUp = AccountService.SignUp(
            profile: OrganisationProfileForm(values: values, industryCodes: form.all("industryCodes")),
            adminName: form["adminName"], adminEmail: form["adminEmail"], adminPhone: form["adminPhone"],
            password: form["password"], passwordConfirmation: form["passwordConfirmation"],
            privacyConsentID: consentID(request), language: context.language,
            certificateTaxID: certificate?.taxID)
        do {
            _ = try await services.accounts.signUp(signUp, origin: context.origin, on: services.db)
        } catch let error as UserFacingError where error.code == IdentityErrors.privacyNoticeRequired.code {
            return renderNotice(context, errors: error.fields, status: .unprocessableContent)
        } catch let error as UserFacingError where !error.fields.isEmpty {
            return renderForm(context, values: values, errors: error.fields, certificate: certificate,
                              status: ErrorMiddleware.status(error.kind))
        }
        let title = renderer.text("signup_done_title", context.language)
        let text = renderer.text("signup_done_text", context.language).filling(["email": form["adminEmail"]])
        var response = renderer.render("page", title: title, body: SimplePage(heading: title, paragraphs: [text]),
                                       context: context)
        for name in [Self.consentCookie, Self.certificateCookie] {
            response.setCookie(Cookie(name: name, value: "", maxAge: 0, path: "/", secure: services.secureCookies,
                                      httpOnly: true, sameSite: .lax))
        }
        return response
    }
}

/// The company-profile fields (附件1), shared by sign-up and the profile editor.
enum ProfileFields {
    static func fields(_ f: FieldFactory, lockIdentity: Bool, includeTaxID: Bool = true) -> [FieldView] {
        let kinds = ["company", "limited_partnership", "foreign_branch", "foundation", "natural_person"]
            .map { ($0, f.t("kind_\($0)")) }
        var fields: [FieldView] = []
        if includeTaxID {
            fields.append(f.input("taxID", autocomplete: "off", readonly: lockIdentity))
        }
        fields += [
            f.input("name", autocomplete: "organization", readonly: lockIdentity),
            f.select("kind", options: kinds),
            f.input("industryCodes"),
            f.input("established"),
            f.input("paidInCapital", type: "text"),
            f.input("representative"),
            f.input("employees", type: "number"),
            f.input("address", autocomplete: "street-address"),
            f.input("phone", type: "tel", required: false),
            f.textarea("businessLines"),
            f.textarea("mainProducts"),
            f.textarea("salesRegions"),
        ]
        return fields
    }
}
