internal import Foundation
import Identity
import SuanliKit

/// The company profile of 附件1 (SPEC C3.1), read by every member, replaced by its administrators.
extension APIHandlers {
    func getOrganisation(_ input: Operations.getOrganisation.Input) async throws
        -> Operations.getOrganisation.Output
    {
        let user = try APIRequest.context().requireUser()
        return .ok(.init(body: .json(.init(try await organisation(of: user)))))
    }

    func updateOrganisation(_ input: Operations.updateOrganisation.Input) async throws
        -> Operations.updateOrganisation.Output
    {
        let context = try APIRequest.context()
        let user = try context.require(.applicantAdmin)
        guard case .json(let body) = input.body else { preconditionFailure("JSON is the only body") }
        let org = try await organisation(of: user)
        var values = body.formValues
        values["taxID"] = org.taxID  // checked by the domain form; it never changes
        let form = OrganisationProfileForm(values: values, industryCodes: body.industryCodes)
        let problems = Self.fieldProblems(
            api: apiFieldErrors(body, org: org), domain: form.validate(today: ROCDate(services.clock.now())),
            schema: body.schemaRules.errors)
        if !problems.isEmpty {
            throw UserFacingError(.invalidInput, code: "organisation.invalid",
                                  zh: "公司資料有 \(problems.count) 處需要修正。",
                                  en: "\(problems.count) field(s) of the company data need attention.",
                                  fields: problems)
        }
        try await services.accounts.updateProfile(form, expectedVersion: body.version, by: user,
                                                  origin: context.origin, on: services.db)
        return .ok(.init(body: .json(.init(try await organisation(of: user)))))
    }

    /// Every problem at once, one message per field: the API's own rules first (their message is the
    /// right one for a JSON client), then the domain's specific messages, then the document's generic
    /// limits for what the domain lets through (lengths in code points, item patterns, phone length).
    static func fieldProblems(api: [FieldError], domain: Result<OrganisationProfile, UserFacingError>,
                              schema: [FieldError]) -> [FieldError] {
        var fields = api
        let domainFields = if case .failure(let error) = domain { error.fields } else { [FieldError]() }
        for field in domainFields + schema where !fields.contains(where: { $0.field == field.field }) {
            fields.append(field)
        }
        return fields
    }

    /// What the domain form parser would accept but the API may not: dates in other forms than ISO
    /// (the form parser also takes ROC dates such as 107/01/01), and a name proven by a 工商憑證,
    /// which only the certificate may change.
    func apiFieldErrors(_ body: Components.Schemas.OrganisationUpdate, org: OrganisationSummary) -> [FieldError] {
        var errors: [FieldError] = []
        let established = body.established.trimmingWhitespace()
        if established.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) == nil || ROCDate.parse(established) == nil {
            errors.append(FieldError(
                field: "established", zh: "設立日期請用 ISO 格式（YYYY-MM-DD），須為 1912-01-01 以後存在的日期，例如 2018-01-01。",
                en: "Use an existing ISO date (YYYY-MM-DD) from 1912-01-01 on, such as 2018-01-01."))
        }
        if org.taxIDProof == "certificate" && body.name.trimmingWhitespace() != org.name {
            errors.append(FieldError(
                field: "name", zh: "公司名稱已由工商憑證確認，不能在此修改。",
                en: "The name was confirmed by the business certificate and cannot be changed here."))
        }
        return errors
    }
}

extension Components.Schemas.OrganisationUpdate {
    /// The domain's form keys; `taxID` is absent because the 統一編號 never changes.
    var formValues: [String: String] {
        ["name": name, "kind": kind.rawValue, "established": established, "paidInCapital": String(paidInCapital),
         "representative": representative, "employees": String(employees), "address": address,
         "phone": phone ?? "", "businessLines": businessLines ?? "", "mainProducts": mainProducts ?? "",
         "salesRegions": salesRegions ?? ""]
    }

    /// Mirrors `OrganisationUpdate` in openapi.yaml.
    var schemaRules: SchemaRules {
        var rules = SchemaRules()
        rules.length("name", name, min: 1, max: 100)
        rules.notBlank("name", name)
        rules.items("industryCodes", industryCodes.count, min: 1, max: 20)
        for code in industryCodes {
            rules.matches("industryCodes", code, /^[A-Za-z][0-9]{2,4}$/,
                          hint: (zh: "每項一個行業代碼，例如 J6201。", en: "One code per item, e.g. J6201."))
        }
        rules.range("paidInCapital", paidInCapital, 1...Int64.max)
        rules.length("representative", representative, min: 1, max: 50)
        rules.notBlank("representative", representative)
        rules.range("employees", employees, 0...1_000_000)
        rules.length("address", address, min: 5, max: 200)
        rules.length("phone", phone, max: 30)
        rules.matches("phone", phone, /^[0-9+()# -]*$/,
                      hint: (zh: "電話只能包含數字與 - + ( ) #。", en: "Use digits and - + ( ) # only."))
        rules.length("businessLines", businessLines, max: 500)
        rules.length("mainProducts", mainProducts, max: 500)
        rules.length("salesRegions", salesRegions, max: 200)
        rules.range("version", version, 1...Int.max)
        return rules
    }
}

extension Components.Schemas.Organisation {
    init(_ org: OrganisationSummary) {
        self.init(
            id: org.id.uuidString, taxId: org.taxID, name: org.name, kind: .init(rawValue: org.kind) ?? .company,
            industryCodes: org.industryCodes, established: org.established?.isoForm,
            establishedROC: org.established?.longForm, paidInCapital: org.paidInCapital,
            representative: org.representative, employees: Int32(clamping: org.employees), address: org.address,
            phone: org.phone, businessLines: org.businessLines, mainProducts: org.mainProducts,
            salesRegions: org.salesRegions, isStartup: org.isStartup,
            taxIdProof: org.taxIDProof == "certificate" ? .certificate : .declared, version: org.version)
    }
}
