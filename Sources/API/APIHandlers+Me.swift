import Identity
import SuanliKit

extension APIHandlers {
    func getMe(_ input: Operations.getMe.Input) async throws -> Operations.getMe.Output {
        let user = try APIRequest.context().requireUser()
        return .ok(.init(body: .json(.init(
            id: user.id.uuidString, email: user.email, displayName: user.displayName, role: .init(user.role),
            language: user.language == .en ? .en : .zh_hyphen_TW, organisationId: user.organisationID?.uuidString))))
    }
}

extension Components.Schemas.Role {
    /// Spelled out so that a new domain role fails to compile here until the API document has it.
    init(_ role: Role) {
        self = switch role {
        case .applicantAdmin: .applicant_admin
        case .applicantMember: .applicant_member
        case .operator: ._operator
        case .reviewer: .reviewer
        case .ministry: .ministry
        case .vendor: .vendor
        case .buyer: .buyer
        }
    }
}
