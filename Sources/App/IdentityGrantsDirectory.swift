import FluentKit
import Foundation
import Grants
import Identity
import SuanliKit

/// Grants' view of Identity (ARCHITECTURE: contexts meet through a small protocol, assembled here).
struct IdentityGrantsDirectory: GrantsDirectory {
    let accounts: AccountService

    func company(_ organisationID: UUID, on db: any Database) async throws -> CompanySnapshot? {
        guard let org = try await accounts.organisation(organisationID, on: db) else { return nil }
        return CompanySnapshot(
            organisationID: org.id, taxID: org.taxID, name: org.name, kind: org.kind, industryCodes: org.industryCodes,
            established: org.established, paidInCapital: org.paidInCapital, representative: org.representative,
            employees: org.employees, address: org.address, phone: org.phone, businessLines: org.businessLines,
            mainProducts: org.mainProducts, salesRegions: org.salesRegions, taxIDProof: org.taxIDProof)
    }

    func members(of organisationID: UUID, on db: any Database) async throws -> [GrantsRecipient] {
        try await UserModel.query(on: db).filter(\.$organisationID == organisationID).filter(\.$active == true)
            .filter(\.$emailVerifiedAt != nil).sort(\.$createdAt).all().map(Self.recipient)
    }

    func staff(_ userID: UUID, on db: any Database) async throws -> GrantsRecipient? {
        guard let user = try await UserModel.find(userID, on: db), user.active,
              Role(rawValue: user.role)?.isStaff == true
        else { return nil }
        return Self.recipient(user)
    }

    func staff(role: GrantsRole, on db: any Database) async throws -> [GrantsRecipient] {
        let identityRole: Role
        switch role {
        case .operator: identityRole = .operator
        case .reviewer: identityRole = .reviewer
        case .ministry: identityRole = .ministry
        case .applicant, .system: return []
        }
        return try await UserModel.query(on: db).filter(\.$role == identityRole.rawValue).filter(\.$active == true)
            .sort(\.$displayName).all().map(Self.recipient)
    }

    static func recipient(_ user: UserModel) -> GrantsRecipient {
        GrantsRecipient(userID: user.id!, name: user.displayName, email: user.email,
                        language: Language(tag: user.language))
    }
}
