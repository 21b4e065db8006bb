import FluentKit

public struct CreateGrantProjects: AsyncMigration {
    public init() {}
    public func prepare(on database: any Database) async throws {
        try await database.schema(ProjectModel.schema)
            .id()
            .field("reference", .string, .required)
            .field("application_id", .uuid, .required, .references(ApplicationModel.schema, .id))
            .field("programme_id", .uuid, .required)
            .field("organisation_id", .uuid, .required)
            .field("round_id", .string, .required)
            .field("category", .string, .required)
            .field("level", .string, .required)
            .field("points", .int, .required)
            .field("title", .string, .required)
            .field("company_name", .string, .required)
            .field("term_start", .string, .required)
            .field("term_end", .string, .required)
            .field("contacts", .string, .required)
            .field("close_out", .string, .required)
            .field("close_out_completed_at", .datetime)
            .field("reminders_sent", .string, .required)
            .field("overdue_notified", .bool, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .unique(on: "application_id")
            .unique(on: "reference")
            .create()
    }
    public func revert(on database: any Database) async throws {
        try await database.schema(ProjectModel.schema).delete()
    }
}
