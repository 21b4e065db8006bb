import FluentKit

public struct CreateGrantProgrammes: AsyncMigration {
    public init() {}
    public func prepare(on database: any Database) async throws {
        try await database.schema(ProgrammeModel.schema)
            .id()
            .field("code", .string, .required)
            .field("status", .string, .required)
            .field("settings", .string, .required)
            .field("published", .string)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .create()
    }
    public func revert(on database: any Database) async throws {
        try await database.schema(ProgrammeModel.schema).delete()
    }
}
