import FluentKit
import SQLKit

/// The point ledger's tables (SPEC C1.4, C1.5, C5.6; issue 4). Amounts are integer ticks
/// (`LedgerAmount`: 1 point = 1,800 ticks), 64-bit on both databases.
public struct CreateLedger: AsyncMigration {
    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(LedgerTables.accounts)
            .id()
            .field("project_id", .uuid, .required)
            .field("organisation_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("status", .string, .required)
            .field("term_start", .datetime, .required)
            .field("term_end", .datetime, .required)
            .field("granted_ticks", .int64, .required)
            .field("balance_ticks", .int64, .required)
            .field("held_ticks", .int64, .required)
            .field("used_ticks", .int64, .required)
            .field("tokens_metered", .int64, .required)
            .field("entry_count", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("closed_at", .datetime)
            .unique(on: "project_id")
            .create()
        try await database.schema(LedgerTables.entries)
            .id()
            .field("account_id", .uuid, .required, .references(LedgerTables.accounts, .id))
            .field("seq", .int64, .required)
            .field("kind", .string, .required)
            .field("amount_ticks", .int64, .required)
            .field("reference", .string, .required)
            .field("hold", .string)
            .field("tokens", .int64, .required)
            .field("model", .string)
            .field("reason", .string)
            .field("actor", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "account_id", "seq")
            .unique(on: "account_id", "kind", "reference")
            .create()
        try await database.schema(LedgerTables.holds)
            .id()
            .field("account_id", .uuid, .required, .references(LedgerTables.accounts, .id))
            .field("reference", .string, .required)
            .field("amount_ticks", .int64, .required)
            .field("released_ticks", .int64, .required)
            .field("used_ticks", .int64, .required)
            .field("holder", .string)
            .field("opened_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("closed_at", .datetime)
            .unique(on: "account_id", "reference")
            .create()
        try await database.schema(LedgerTables.daily)
            .id()
            .field("account_id", .uuid, .required, .references(LedgerTables.accounts, .id))
            .field("day", .string, .required)
            .field("model", .string, .required)
            .field("requests", .int64, .required)
            .field("prompt_tokens", .int64, .required)
            .field("completion_tokens", .int64, .required)
            .field("gpu_seconds", .int64, .required)
            .field("used_ticks", .int64, .required)
            .unique(on: "account_id", "day", "model")
            .create()
    }

    public func revert(on database: any Database) async throws {
        for table in [LedgerTables.daily, LedgerTables.holds, LedgerTables.entries, LedgerTables.accounts] {
            try await database.schema(table).delete()
        }
    }
}

/// Open holds are found by expiry (crash recovery) and the organisation's accounts by organisation.
public struct AddLedgerIndexes: AsyncMigration {
    public init() {}
    static let indexes: [(name: String, table: String, columns: [String])] = [
        ("ledger_holds_open", LedgerTables.holds, ["closed_at", "expires_at"]),
        ("ledger_accounts_org", LedgerTables.accounts, ["organisation_id"]),
        ("ledger_accounts_status", LedgerTables.accounts, ["status", "term_end"]),
    ]

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in Self.indexes {
            var builder = sql.create(index: index.name).on(index.table)
            for column in index.columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in Self.indexes.reversed() { try await sql.drop(index: index.name).run() }
    }
}

public enum LedgerMigrations {
    public static var all: [any Migration] { [CreateLedger(), AddLedgerIndexes()] }
}
