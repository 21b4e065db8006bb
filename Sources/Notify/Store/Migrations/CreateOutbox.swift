import FluentKit

/// Notify 001: the e-mail outbox.
public struct CreateOutbox: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(OutboxMessage.schema)
            .id()
            .field("kind", .string, .required)
            .field("recipient_address", .string, .required)
            .field("recipient_name", .string)
            .field("recipient_user_id", .uuid)
            .field("language", .string, .required)
            .field("subject", .string, .required)
            .field("text_body", .string, .required)
            .field("html_body", .string)
            .field("template_key", .string, .required)
            // A string, not a database enum: adding a status later needs no ALTER TYPE on PostgreSQL.
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime)
            .field("claim_token", .uuid)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(OutboxMessage.schema).delete()
    }
}
