internal import Foundation
import Identity
import SuanliKit

/// The organisation's accounts: one per person, invited by an administrator (SPEC T2).
extension APIHandlers {
    func listMembers(_ input: Operations.listMembers.Input) async throws -> Operations.listMembers.Output {
        let user = try APIRequest.context().require(.applicantAdmin)
        let org = try await organisation(of: user)
        let members = try await services.accounts.members(of: org.id, on: services.db)
        return .ok(.init(body: .json(.init(items: members.map(Components.Schemas.Member.init)))))
    }

    func inviteMember(_ input: Operations.inviteMember.Input) async throws -> Operations.inviteMember.Output {
        let context = try APIRequest.context()
        let user = try context.require(.applicantAdmin)
        guard case .json(let body) = input.body else { preconditionFailure("JSON is the only body") }
        var rules = SchemaRules()
        rules.length("email", body.email, min: 3, max: 254)
        rules.length("name", body.name, min: 1, max: 50)
        rules.notBlank("name", body.name)
        try rules.check()
        let role: Role = body.role == .applicant_admin ? .applicantAdmin : .applicantMember
        // A duplicate address is 409 user.email_taken from the domain, checked before anything is written.
        let id = try await services.accounts.invite(email: body.email, name: body.name, role: role, by: user,
                                                    origin: context.origin, on: services.db)
        return .created(.init(body: .json(.init(
            id: id.uuidString, email: EmailAddress.normalise(body.email) ?? body.email,
            name: body.name.trimmingWhitespace(), role: body.role))))
    }
}

extension Components.Schemas.Member {
    init(_ member: MemberSummary) {
        self.init(id: member.id.uuidString, email: member.email, displayName: member.displayName,
                  role: .init(member.role), verified: member.verified, active: member.active,
                  lastLoginAt: member.lastLoginAt)
    }
}
