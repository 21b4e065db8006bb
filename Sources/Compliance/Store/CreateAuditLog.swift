import FluentKit

public struct CreateAuditLog: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(AuditRecordModel.schema)
            .id()
            .field("seq", .int64, .required)
            .field("at_us", .int64, .required)
            .field("actor_user_id", .uuid)
            .field("actor_label", .string, .required)
            .field("organisation_id", .uuid)
            .field("action", .string, .required)
            .field("subject_type", .string, .required)
            .field("subject_id", .string)
            .field("source_ip", .string)
            .field("details", .string, .required)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "seq")
            .create()
        try await database.schema(AuditHeadModel.schema)
            .field("id", .int, .identifier(auto: false))
            .field("seq", .int64, .required)
            .field("hash", .string, .required)
            .create()
        let head = AuditHeadModel()
        head.id = 1
        head.seq = 0
        head.hash = AuditChain.genesis
        try await head.create(on: database)
    }

    public func revert(on database: any Database) async throws {
        try await database.schema(AuditHeadModel.schema).delete()
        try await database.schema(AuditRecordModel.schema).delete()
    }
}

public enum ComplianceMigrations {
    public static var all: [any Migration] { [CreateAuditLog()] }
}
