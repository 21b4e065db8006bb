import FluentKit
import SQLKit

/// Lookups by foreign key on every request (a user's sessions, an organisation's members, a user's
/// password history) and the audit view by organisation.
public struct AddIdentityIndexes: AsyncMigration {
    public init() {}

    static let indexes: [(String, String, [String])] = [
        ("users_organisation", "users", ["organisation_id"]),
        ("sessions_user", "sessions", ["user_id"]),
        ("password_history_user", "password_history", ["user_id", "ordinal"]),
        ("one_time_tokens_user", "one_time_tokens", ["user_id"]),
        ("access_tokens_user", "access_tokens", ["user_id"]),
        ("audit_records_organisation", "audit_records", ["organisation_id", "seq"]),
    ]

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (name, table, columns) in Self.indexes {
            var builder = sql.create(index: name).on(table)
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (name, _, _) in Self.indexes.reversed() { try await sql.drop(index: name).run() }
    }
}
