import FluentKit

/// Notify 002: in-app notifications. `user_id` is not a foreign key: Notify does not reach into
/// Identity's tables (ARCHITECTURE: contexts talk through protocols, never tables).
public struct CreateInAppNotifications: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(InAppNotification.schema)
            .id()
            .field("user_id", .uuid, .required)
            .field("organisation_id", .uuid)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("link", .string)
            .field("read_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(InAppNotification.schema).delete()
    }
}
