import FluentKit
import Foundation
import SuanliKit

/// A file as it arrived in an upload.
public struct IncomingFile: Sendable {
    public var fileName: String
    public var contentType: String?
    public var bytes: [UInt8]

    public init(fileName: String, contentType: String?, bytes: [UInt8]) {
        self.fileName = fileName
        self.contentType = contentType
        self.bytes = bytes
    }
}

public struct StoredAttachment: Sendable, Equatable {
    public var id: UUID
    public var applicationID: UUID?
    public var projectID: UUID?
    public var purpose: AttachmentPurpose
    public var fileName: String
    public var contentType: String
    public var size: Int64
    public var sha256: String
    public var uploadedAt: Date

    init(_ model: AttachmentModel) {
        id = model.id!
        applicationID = model.applicationID
        projectID = model.projectID
        purpose = AttachmentPurpose(rawValue: model.purpose) ?? .supporting
        fileName = model.fileName
        contentType = model.contentType
        size = model.size
        sha256 = model.sha256
        uploadedAt = model.uploadedAt
    }
}

extension GrantsService {
    public func attachments(of application: UUID, for caller: GrantsCaller, on db: any Database) async throws
        -> [StoredAttachment]
    {
        _ = try await visibleApplication(application, for: caller, on: db)
        return try await AttachmentModel.query(on: db).filter(\.$applicationID == application)
            .sort(\.$uploadedAt).all().map(StoredAttachment.init)
    }

    /// Adds a file to a draft, or to a correction that opened the attachments (SPEC C3.4, C4.1).
    public func addAttachment(_ application: UUID, purpose: AttachmentPurpose, file: IncomingFile,
                              by caller: GrantsCaller, on db: any Database) async throws -> StoredAttachment {
        guard caller.role == .applicant else { throw GrantsFailure.forbidden }
        return try await db.transaction { tx in
            try await RowLock.lock(ApplicationModel.schema, id: application, on: tx)
            let model = try await visibleApplication(application, for: caller, on: tx)
            try Self.requireAttachmentsEditable(model)
            let existing = try await AttachmentModel.query(on: tx).filter(\.$applicationID == application).all()
            let stored = try await storeAttachment(file, purpose: purpose, applicationID: application, projectID: nil,
                                                   organisationID: model.organisationID, existing: existing,
                                                   by: caller, on: tx)
            model.version += 1
            try await model.save(on: tx)
            return stored
        }
    }

    public func removeAttachment(_ attachment: UUID, by caller: GrantsCaller, on db: any Database) async throws {
        guard caller.role == .applicant else { throw GrantsFailure.forbidden }
        try await db.transaction { tx in
            guard let row = try await AttachmentModel.find(attachment, on: tx), let appID = row.applicationID else {
                throw GrantsFailure.notFound
            }
            let model = try await visibleApplication(appID, for: caller, on: tx)
            try Self.requireAttachmentsEditable(model)
            try await AttachmentBlobModel.query(on: tx).filter(\.$id == attachment).delete()
            try await row.delete(on: tx)
            model.version += 1
            try await model.save(on: tx)
            try await record("grants.attachment.removed", subject: "application", id: appID.uuidString, by: caller,
                             organisation: model.organisationID,
                             details: ["file": row.fileName, "sha256": row.sha256], on: tx)
        }
    }

    /// The file's bytes, for whoever may see the application or project it belongs to.
    public func attachmentContent(_ attachment: UUID, for caller: GrantsCaller, on db: any Database) async throws
        -> (StoredAttachment, [UInt8])
    {
        guard let row = try await AttachmentModel.find(attachment, on: db) else { throw GrantsFailure.notFound }
        if let appID = row.applicationID {
            _ = try await visibleApplication(appID, for: caller, on: db)
        } else if let projectID = row.projectID {
            _ = try await project(projectID, for: caller, on: db)
        } else {
            throw GrantsFailure.notFound
        }
        guard let blob = try await AttachmentBlobModel.find(attachment, on: db) else { throw GrantsFailure.notFound }
        return (StoredAttachment(row), [UInt8](blob.bytes))
    }

    static func requireAttachmentsEditable(_ model: ApplicationModel) throws {
        if model.status == ApplicationStatus.draft.rawValue { return }
        if model.status == ApplicationStatus.correctionRequested.rawValue,
           let open = try? GrantsJSON.decode([ApplicationSection].self, from: model.openSections),
           open.contains(.attachments)
        {
            return
        }
        throw GrantsFailure.notEditable
    }

    /// Checks the file against the policy (type by content, extension, size, count) and stores it
    /// with its SHA-256; nothing is written when a check fails.
    func storeAttachment(_ file: IncomingFile, purpose: AttachmentPurpose, applicationID: UUID?, projectID: UUID?,
                         organisationID: UUID, existing: [AttachmentModel], by caller: GrantsCaller,
                         on db: any Database) async throws -> StoredAttachment {
        let accepted: AttachmentRecord
        do {
            accepted = try attachmentPolicy.check(
                fileName: file.fileName, declaredContentType: file.contentType, head: Array(file.bytes.prefix(4096)),
                size: Int64(file.bytes.count), purpose: purpose, existingCount: existing.count,
                existingTotal: existing.reduce(0) { $0 + $1.size })
            .record(receivedBytes: Int64(file.bytes.count), sha256Hex: ContentDigest.sha256Hex(file.bytes))
        } catch {
            throw error.userFacing
        }
        let model = AttachmentModel()
        model.id = UUID()
        model.applicationID = applicationID
        model.projectID = projectID
        model.organisationID = organisationID
        model.purpose = purpose.rawValue
        model.fileName = accepted.name.display
        model.contentType = accepted.contentType
        model.size = accepted.size
        model.sha256 = accepted.sha256
        model.uploadedBy = caller.userID
        model.uploadedAt = clock.now()
        try await model.create(on: db)
        let blob = AttachmentBlobModel()
        blob.id = model.id
        blob.bytes = Data(file.bytes)
        try await blob.create(on: db)
        try await record("grants.attachment.added", subject: applicationID != nil ? "application" : "project",
                         id: (applicationID ?? projectID)?.uuidString, by: caller, organisation: organisationID,
                         details: ["file": model.fileName, "sha256": model.sha256, "size": String(model.size),
                                   "purpose": purpose.rawValue], on: db)
        return StoredAttachment(model)
    }
}
