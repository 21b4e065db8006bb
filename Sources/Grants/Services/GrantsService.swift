import Compliance
import FluentKit
import Foundation
import SuanliKit

/// The grant programme's use cases (SPEC C1–C4, C7): each validates first, then writes the change,
/// its audit record and its notices in one transaction (SPEC X2, X3). Split by concern into
/// `GrantsService+*.swift`.
public struct GrantsService: Sendable {
    public let audit: AuditLog
    public let directory: any GrantsDirectory
    public let attachmentPolicy: AttachmentPolicy
    /// The portal's public address, for links in e-mails (no trailing slash).
    public let portalURL: String
    /// Opens an awarded project's point account (the Ledger, through the composition root).
    public let awardedPoints: (any AwardedPoints)?

    public init(audit: AuditLog, directory: any GrantsDirectory, attachmentPolicy: AttachmentPolicy = .standard,
                portalURL: String, awardedPoints: (any AwardedPoints)? = nil) {
        self.audit = audit
        self.directory = directory
        self.awardedPoints = awardedPoints
        self.attachmentPolicy = attachmentPolicy
        self.portalURL = portalURL.hasSuffix("/") ? String(portalURL.dropLast()) : portalURL
    }

    public var clock: any WallClock { audit.clock }

    /// Taipei's calendar day now, by the server clock.
    var today: ROCDate { ROCDate(clock.now()) }

    func record(_ action: String, subject: String, id: String?, by caller: GrantsCaller, organisation: UUID? = nil,
                details: [String: String] = [:], on db: any Database) async throws {
        try await audit.record(AuditEntry(
            actorUserID: caller.role == .system ? nil : caller.userID, actorLabel: caller.label,
            organisationID: organisation, action: action, subjectType: subject, subjectID: id,
            sourceIP: caller.sourceIP, details: details), on: db)
    }

    static func require(_ caller: GrantsCaller, _ roles: Set<GrantsRole>) throws {
        guard roles.contains(caller.role) else { throw GrantsFailure.forbidden }
    }
}

extension GrantsError {
    /// Lets `throws(GrantsError)` domain calls be used in `async throws` service code.
    static func lift<T>(_ body: () throws(GrantsError) -> T) throws -> T {
        do { return try body() } catch { throw error.userFacing }
    }
}
