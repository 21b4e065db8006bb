import FluentKit
import Foundation
import SuanliKit

/// What Grants needs to know about companies and people, exported by Identity through the
/// composition root (ARCHITECTURE: contexts talk through small protocols, never each other's tables).
public protocol GrantsDirectory: Sendable {
    func company(_ organisationID: UUID, on db: any Database) async throws -> CompanySnapshot?
    /// Everyone in the company who should hear about its applications (verified, active members).
    func members(of organisationID: UUID, on db: any Database) async throws -> [GrantsRecipient]
    /// A staff member (reviewer, operator), for the reviewer pool.
    func staff(_ userID: UUID, on db: any Database) async throws -> GrantsRecipient?
    /// Everyone with a staff role, for notices to operators.
    func staff(role: GrantsRole, on db: any Database) async throws -> [GrantsRecipient]
}

public struct GrantsRecipient: Sendable, Equatable, Codable {
    public var userID: UUID
    public var name: String
    public var email: String
    public var language: Language

    public init(userID: UUID, name: String, email: String, language: Language) {
        self.userID = userID
        self.name = name
        self.email = email
        self.language = language
    }
}


/// 附件1's company data as it stood when the application was filed (SPEC C3.1). The profile can
/// change afterwards; what the reviewers and the eligibility rules read must not.
public struct CompanySnapshot: Hashable, Sendable, Codable {
    public var organisationID: UUID
    public var taxID: String
    public var name: String
    public var kind: String
    public var industryCodes: [String]
    public var established: ROCDate?
    public var paidInCapital: Int64
    public var representative: String
    public var employees: Int
    public var address: String
    public var phone: String
    public var businessLines: String
    public var mainProducts: String
    public var salesRegions: String
    /// "certificate" when the 統一編號 was proven by a 工商憑證 login, else "declared".
    public var taxIDProof: String

    public init(organisationID: UUID, taxID: String, name: String, kind: String, industryCodes: [String],
                established: ROCDate?, paidInCapital: Int64, representative: String, employees: Int,
                address: String, phone: String, businessLines: String, mainProducts: String, salesRegions: String,
                taxIDProof: String) {
        self.organisationID = organisationID
        self.taxID = taxID
        self.name = name
        self.kind = kind
        self.industryCodes = industryCodes
        self.established = established
        self.paidInCapital = paidInCapital
        self.representative = representative
        self.employees = employees
        self.address = address
        self.phone = phone
        self.businessLines = businessLines
        self.mainProducts = mainProducts
        self.salesRegions = salesRegions
        self.taxIDProof = taxIDProof
    }

    /// SPEC C2.2, with the cut-off the eligibility rule uses; the review's decision may replace it.
    public var isStartup: Bool {
        guard let established else { return false }
        return established >= EligibilityPolicy().startupEstablishedOnOrAfter
    }
}

/// What becomes of an awarded project's points: the composition root opens its point account in the
/// Ledger (issue 4: "one point account per project, created from the award"). Called inside the
/// award's transaction, so a project never exists without its account.
public protocol AwardedPoints: Sendable {
    func projectAwarded(_ project: ProjectRecord, by caller: GrantsCaller, on db: any Database) async throws
}
