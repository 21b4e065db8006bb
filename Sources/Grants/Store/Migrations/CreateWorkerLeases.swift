import FluentKit

public struct CreateWorkerLeases: AsyncMigration {
    public init() {}
    public func prepare(on database: any Database) async throws {
        try await database.schema(WorkerLeaseModel.schema)
            .field("name", .string, .identifier(auto: false))
            .field("holder", .string, .required)
            .field("expires_at", .datetime, .required)
            .create()
    }
    public func revert(on database: any Database) async throws {
        try await database.schema(WorkerLeaseModel.schema).delete()
    }
}
