import FluentKit
import Foundation

/// Where an outbox message is in its life.
public enum OutboxStatus: String, Codable, Sendable, CaseIterable {
    /// Waiting for its first try or for its next retry (`nextAttemptAt`).
    case pending
    /// Claimed by one delivery worker until `nextAttemptAt` (the claim lease).
    case sending
    case sent
    /// Gave up: permanent rejection, or out of tries.
    case failed
}

/// One outgoing message, written in the same transaction as the change that caused it
/// (transactional outbox), so a mail exists exactly when its cause committed.
public final class OutboxMessage: Model, @unchecked Sendable {
    public static let schema = "notify_outbox"

    @ID(key: .id)
    public var id: UUID?

    /// "email" for now; the column leaves room for other channels without a migration.
    @Field(key: "kind")
    public var kind: String

    @Field(key: "recipient_address")
    public var recipientAddress: String

    @OptionalField(key: "recipient_name")
    public var recipientName: String?

    @OptionalField(key: "recipient_user_id")
    public var recipientUserID: UUID?

    /// `Language.rawValue` ("zh-TW", "en").
    @Field(key: "language")
    public var language: String

    @Field(key: "subject")
    public var subject: String

    @Field(key: "text_body")
    public var textBody: String

    @OptionalField(key: "html_body")
    public var htmlBody: String?

    @Field(key: "template_key")
    public var templateKey: String

    @Field(key: "status")
    public var status: OutboxStatus

    /// Tries started so far; part of the compare-and-set that claims a message.
    @Field(key: "attempts")
    public var attempts: Int

    /// Pending: not before this time (nil = at once). Sending: the claim lease runs out then.
    @OptionalField(key: "next_attempt_at")
    public var nextAttemptAt: Date?

    /// Set by the worker that claimed the message; later updates require it, so a worker whose
    /// lease ran out cannot overwrite the outcome of the worker that took over.
    @OptionalField(key: "claim_token")
    public var claimToken: UUID?

    @OptionalField(key: "last_error")
    public var lastError: String?

    @Field(key: "created_at")
    public var createdAt: Date

    @OptionalField(key: "sent_at")
    public var sentAt: Date?

    public init() {}
}
