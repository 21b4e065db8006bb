import Foundation
import Hummingbird
import Identity
import SuanliKit

/// The company profile and its members (SPEC C3.1, T2: no shared accounts — one per person).
struct OrganisationController {
    let services: PortalServices
    var renderer: Renderer { services.renderer }

    func register(on router: Router<AppRequestContext>) {
        router.get("/organisation", use: profile)
        router.post("/organisation", use: update)
        router.get("/organisation/members", use: members)
        router.post("/organisation/members", use: invite)
    }

    struct ProfilePage: Sendable {
        var org: OrganisationSummary
        var proofLabel: String
        var kindLabel: String
        var industryCodes: String
        var established: String
        var capital: String
        var form: FormView?
    }

    func organisation(for user: CurrentUser) async throws -> OrganisationSummary {
        guard let id = user.organisationID, let org = try await services.accounts.organisation(id, on: services.db)
        else { throw IdentityErrors.forbidden }
        return org
    }

    func profile(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let org = try await organisation(for: user)
        let notice = request.uri.queryParameters.get("saved") != nil
            ? renderer.text("org_saved", context.language) : nil
        return renderProfile(context, user: user, org: org, values: Self.values(org), errors: [], notice: notice)
    }

    static func values(_ org: OrganisationSummary) -> [String: String] {
        ["name": org.name, "kind": org.kind, "industryCodes": org.industryCodes.joined(separator: ", "),
         "established": org.established?.slashForm ?? "", "paidInCapital": String(org.paidInCapital),
         "representative": org.representative, "employees": String(org.employees), "address": org.address,
         "phone": org.phone, "businessLines": org.businessLines, "mainProducts": org.mainProducts,
         "salesRegions": org.salesRegions, "version": String(org.version)]
    }

    func renderProfile(_ context: AppRequestContext, user: CurrentUser, org: OrganisationSummary,
                       values: [String: String], errors: [FieldError], notice: String? = nil,
                       status: HTTPResponse.Status = .ok) -> Response {
        let f = FieldFactory(renderer: renderer, language: context.language, values: values, errors: errors)
        let form: FormView? = user.role == .applicantAdmin ? FormView(
            action: "/organisation", submit: f.t("org_save"),
            hidden: [HiddenField(name: "version", value: values["version"] ?? String(org.version))],
            fields: ProfileFields.fields(f, lockIdentity: org.taxIDProof == "certificate", includeTaxID: false))
            : nil
        let page = ProfilePage(
            org: org, proofLabel: f.t(org.taxIDProof == "certificate" ? "proof_certificate" : "proof_declared"),
            kindLabel: f.t("kind_\(org.kind)"), industryCodes: org.industryCodes.joined(separator: "、"),
            established: org.established.map(context.display.day) ?? "—",
            capital: org.paidInCapital.formatted(.number.grouping(.automatic)), form: form)
        return renderer.render("organisation", title: f.t("org_title"), body: page, context: context, status: status,
                               errors: errors, notice: notice)
    }

    func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.require(.applicantAdmin)
        var request = request
        let form = try await request.form(context: context)
        let org = try await organisation(for: user)
        var values = form.dictionary
        if org.taxIDProof == "certificate" { values["name"] = org.name }
        do {
            try await services.accounts.updateProfile(
                OrganisationProfileForm(values: values, industryCodes: form.all("industryCodes")),
                expectedVersion: Int(form["version"]) ?? -1, by: user, origin: context.origin, on: services.db)
        } catch let error as UserFacingError where !error.fields.isEmpty || error.kind == .conflict {
            let fields = error.fields.isEmpty ? [FieldError(field: "name", zh: error.zh, en: error.en)] : error.fields
            return renderProfile(context, user: user, org: org, values: values, errors: fields,
                                 status: ErrorMiddleware.status(error.kind))
        }
        return .seeOther("/organisation?saved=1")
    }

    struct MemberRow: Sendable {
        var name: String
        var email: String
        var role: String
        var verified: Bool
        var status: String
        var lastLogin: String
    }

    struct MembersPage: Sendable {
        var members: [MemberRow]
        var form: FormView
    }

    func members(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.require(.applicantAdmin)
        return try await renderMembers(context, user: user, values: [:], errors: [])
    }

    func renderMembers(_ context: AppRequestContext, user: CurrentUser, values: [String: String],
                       errors: [FieldError], notice: String? = nil,
                       status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let orgID = user.organisationID else { throw IdentityErrors.forbidden }
        let f = FieldFactory(renderer: renderer, language: context.language, values: values, errors: errors)
        let rows = try await services.accounts.members(of: orgID, on: services.db).map { member in
            MemberRow(name: member.displayName, email: member.email,
                      role: context.language == .en ? member.role.en : member.role.zh, verified: member.verified,
                      status: f.t(member.verified ? "members_verified" : "members_pending"),
                      lastLogin: member.lastLoginAt.map(context.display.instant) ?? f.t("members_never"))
        }
        let roles = [Role.applicantMember, .applicantAdmin].map {
            ($0.rawValue, context.language == .en ? $0.en : $0.zh)
        }
        let form = FormView(action: "/organisation/members", submit: f.t("members_invite_submit"), fields: [
            f.input("name", label: f.t("field_displayName"), autocomplete: "off"),
            f.input("email", type: "email", autocomplete: "off"),
            f.select("role", options: roles, label: f.t("field_role")),
        ])
        return renderer.render("members", title: f.t("members_title"), body: MembersPage(members: rows, form: form),
                               context: context, status: status, errors: errors, notice: notice)
    }

    func invite(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.require(.applicantAdmin)
        var request = request
        let form = try await request.form(context: context)
        let role = Role(rawValue: form["role"]) ?? .applicantMember
        do {
            _ = try await services.accounts.invite(email: form["email"], name: form["name"], role: role, by: user,
                                                   origin: context.origin, on: services.db)
        } catch let error as UserFacingError where !error.fields.isEmpty {
            return try await renderMembers(context, user: user, values: form.dictionary, errors: error.fields,
                                           status: ErrorMiddleware.status(error.kind))
        }
        let notice = renderer.text("members_invited", context.language).filling(["email": form["email"]])
        return try await renderMembers(context, user: user, values: [:], errors: [], notice: notice)
    }
}
