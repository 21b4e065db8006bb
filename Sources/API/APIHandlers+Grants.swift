internal import Foundation
import Grants
import Identity
import SuanliKit
import Web

/// The grant programme through the JSON API (SPEC C1–C4, C7): the same `GrantsService` use cases the
/// portal's grant pages call, so that roles, tenant scoping, versions and audit records are the same.
/// The operations are split by who uses them: `+GrantsApplications` (applicants), `+GrantsStaff`
/// (operators and the ministry), `+GrantsReview` (reviewers); `+GrantsMapping` turns domain values
/// into the document's schemas.
extension APIHandlers {
    var grants: GrantsService { services.grants }

    /// The signed-in user as Grants sees them; vendors and buyers have no part in the programme (403).
    func grantsCaller() throws -> GrantsCaller {
        let context = try APIRequest.context()
        let user = try context.requireUser()
        let role: GrantsRole
        switch user.role {
        case .applicantAdmin, .applicantMember: role = .applicant
        case .operator: role = .operator
        case .reviewer: role = .reviewer
        case .ministry: role = .ministry
        case .vendor, .buyer: throw GrantsFailure.forbidden
        }
        return GrantsCaller(userID: user.id, role: role, organisationID: user.organisationID, label: user.email,
                            sourceIP: context.sourceIP, language: context.language)
    }

    func grantsCaller(_ roles: Set<GrantsRole>) throws -> GrantsCaller {
        let caller = try grantsCaller()
        guard roles.contains(caller.role) else { throw GrantsFailure.forbidden }
        return caller
    }

    /// Path IDs that are not UUIDs name nothing the caller may see: 404, like a stranger's ID.
    static func grantsID(_ text: String) throws -> UUID {
        try uuid(text, orElse: GrantsFailure.notFound)
    }

    func currentProgramme() async throws -> StoredProgramme {
        guard let programme = try await grants.currentProgramme(on: services.db) else {
            throw GrantsFailure.noProgramme
        }
        return programme
    }

    /// An ISO date (YYYY-MM-DD) of a request body; anything else is 422 naming the field.
    static func isoDay(_ text: String, field: String) throws -> ROCDate {
        guard text.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil, let day = ROCDate.parse(text) else {
            throw GrantsFailure.invalid([FieldError(field: field, zh: "請輸入 ISO 日期，例如 2026-11-30。",
                                                    en: "Give an ISO date such as 2026-11-30.")])
        }
        return day
    }

    /// Free texts of the bodies: the lengths the document promises, and no control characters.
    static func checkReason(_ text: String?, field: String = "reason", max: Int = 2_000) throws {
        var rules = SchemaRules()
        rules.length(field, text, max: max)
        try rules.check()
    }

    func getProgramme(_ input: Operations.getProgramme.Input) async throws -> Operations.getProgramme.Output {
        _ = try grantsCaller()
        let programme = try await currentProgramme()
        return .ok(.init(body: .json(.init(programme))))
    }
}
