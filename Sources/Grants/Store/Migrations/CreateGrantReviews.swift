import FluentKit

public struct CreateGrantReviews: AsyncMigration {
    public init() {}
    public func prepare(on database: any Database) async throws {
        try await database.schema(ReviewerModel.schema)
            .id()
            .field("programme_id", .uuid, .required, .references(ProgrammeModel.schema, .id))
            .field("user_id", .uuid, .required)
            .field("name", .string, .required)
            .field("email", .string, .required)
            .field("categories", .string, .required)
            .field("active", .bool, .required)
            .field("added_at", .datetime, .required)
            .unique(on: "programme_id", "user_id")
            .create()
        try await database.schema(AssignmentModel.schema)
            .id()
            .field("application_id", .uuid, .required, .references(ApplicationModel.schema, .id))
            .field("reviewer_user_id", .uuid, .required)
            .field("assigned_by", .string, .required)
            .field("assigned_at", .datetime, .required)
            .field("method", .string, .required)
            .field("conflict", .string, .required)
            .field("conflict_reason", .string)
            .field("declared_at", .datetime)
            .field("removed_at", .datetime)
            .unique(on: "application_id", "reviewer_user_id")
            .create()
        try await database.schema(ScoreSheetModel.schema)
            .id()
            .field("application_id", .uuid, .required, .references(ApplicationModel.schema, .id))
            .field("reviewer_user_id", .uuid, .required)
            .field("sheet", .string, .required)
            .field("submitted_at", .datetime)
            .field("version", .int, .required)
            .field("updated_at", .datetime)
            .unique(on: "application_id", "reviewer_user_id")
            .create()
    }
    public func revert(on database: any Database) async throws {
        try await database.schema(ScoreSheetModel.schema).delete()
        try await database.schema(AssignmentModel.schema).delete()
        try await database.schema(ReviewerModel.schema).delete()
    }
}
