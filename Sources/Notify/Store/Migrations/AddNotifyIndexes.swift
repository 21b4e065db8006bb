import FluentKit
import SQLKit

/// The delivery worker looks for due messages and the portal lists a user's newest notices on every
/// page; without these indexes both scan whole tables.
public struct AddNotifyIndexes: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "notify_outbox_due").on("notify_outbox")
            .column("status").column("next_attempt_at").run()
        try await sql.create(index: "notify_notifications_user").on("notify_notifications")
            .column("user_id").column("created_at").run()
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "notify_notifications_user").run()
        try await sql.drop(index: "notify_outbox_due").run()
    }
}
