import FluentKit
import Foundation
import SuanliKit

/// The transactional outbox. Contexts call `enqueue` with the database handle of their own
/// transaction, so the message commits or rolls back together with the change it reports;
/// `MailDeliveryService` sends it afterwards.
public enum Outbox {
    /// Stores `mail` as a pending message, due at once. Call it inside the caller's transaction
    /// (`db.transaction { tx in …; try await Outbox.enqueue(mail, on: tx) }`).
    ///
    /// - Parameter now: the creation time; pass the caller's `WallClock` reading where there is one.
    /// - Throws: `NotifyError.invalidAddress` before anything is written.
    @discardableResult
    public static func enqueue(_ mail: OutgoingMail, on db: any Database, now: Date = Date()) async throws -> UUID {
        let message = OutboxMessage()
        let id = UUID()
        message.id = id
        message.kind = "email"
        message.recipientAddress = try MailAddress.validated(mail.recipientAddress)
        message.recipientName = mail.recipientName
        message.recipientUserID = mail.recipientUserID
        message.language = mail.language.rawValue
        message.subject = mail.subject
        message.textBody = mail.textBody
        message.htmlBody = mail.htmlBody
        message.templateKey = mail.templateKey
        message.status = .pending
        message.attempts = 0
        // nil, not `now`: a new message is due whatever the delivery worker's clock says.
        message.nextAttemptAt = nil
        message.createdAt = now
        try await message.create(on: db)
        return id
    }

    /// Messages to one address, newest first: for support screens and for tests that follow a
    /// link from a mail (verification, password reset).
    public static func messages(
        to address: String,
        on db: any Database,
        limit: Int = 50
    ) async throws -> [OutboxEntry] {
        try await OutboxMessage.query(on: db)
            .filter(\.$recipientAddress == address)
            .sort(\.$createdAt, .descending)
            .limit(limit)
            .all()
            .map(OutboxEntry.init)
    }

    public static func message(id: UUID, on db: any Database) async throws -> OutboxEntry? {
        try await OutboxMessage.find(id, on: db).map(OutboxEntry.init)
    }
}

/// A read-only view of an outbox message.
public struct OutboxEntry: Sendable, Equatable {
    public var id: UUID
    public var recipientAddress: String
    public var recipientUserID: UUID?
    public var language: Language
    public var templateKey: String
    public var subject: String
    public var textBody: String
    public var status: OutboxStatus
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?

    init(_ model: OutboxMessage) {
        id = model.id!
        recipientAddress = model.recipientAddress
        recipientUserID = model.recipientUserID
        language = Language(tag: model.language)
        templateKey = model.templateKey
        subject = model.subject
        textBody = model.textBody
        status = model.status
        attempts = model.attempts
        nextAttemptAt = model.nextAttemptAt
        lastError = model.lastError
        createdAt = model.createdAt
        sentAt = model.sentAt
    }
}
