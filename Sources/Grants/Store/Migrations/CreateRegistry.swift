import FluentKit

public struct CreateRegistry: AsyncMigration {
    public init() {}
    public func prepare(on database: any Database) async throws {
        try await database.schema(RegistryImportModel.schema)
            .id()
            .field("source", .string, .required)
            .field("dataset_date", .string)
            .field("record_count", .int, .required)
            .field("rejected_count", .int, .required)
            .field("file_name", .string, .required)
            .field("sha256", .string, .required)
            .field("imported_by", .string, .required)
            .field("imported_at", .datetime, .required)
            .create()
        try await database.schema(RegistryRecordModel.schema)
            .id()
            .field("import_id", .uuid, .required, .references(RegistryImportModel.schema, .id))
            .field("source", .string, .required)
            .field("tax_id", .string, .required)
            .field("record", .string, .required)
            .create()
    }
    public func revert(on database: any Database) async throws {
        try await database.schema(RegistryRecordModel.schema).delete()
        try await database.schema(RegistryImportModel.schema).delete()
    }
}
