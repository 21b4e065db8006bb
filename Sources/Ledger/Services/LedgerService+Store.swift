import FluentKit
import Foundation
import SQLKit

// Rows as the ledger's tables hold them (snake_case, as the columns), and the few queries every
// write shares. Amounts are ticks in 64-bit integer columns.

struct AccountRow: Codable {
    var id: UUID
    var project_id: UUID
    var organisation_id: UUID
    var kind: String
    var status: String
    var term_start: Date
    var term_end: Date
    var granted_ticks: Int
    var balance_ticks: Int
    var held_ticks: Int
    var used_ticks: Int
    var tokens_metered: Int
    var entry_count: Int
    var created_at: Date
    var closed_at: Date?

    var snapshot: AccountSnapshot {
        AccountSnapshot(
            id: id, projectID: project_id, organisationID: organisation_id,
            kind: AccountKind(rawValue: kind) ?? .inference, status: AccountStatus(rawValue: status) ?? .closed,
            termStart: term_start, termEnd: term_end, granted: LedgerAmount(ticks: granted_ticks),
            balance: LedgerAmount(ticks: balance_ticks), held: LedgerAmount(ticks: held_ticks),
            used: LedgerAmount(ticks: used_ticks), tokensMetered: tokens_metered, entryCount: entry_count)
    }
}

struct EntryRow: Codable {
    var id: UUID
    var account_id: UUID
    var seq: Int
    var kind: String
    var amount_ticks: Int
    var reference: String
    var hold: String?
    var tokens: Int
    var model: String?
    var reason: String?
    var actor: String?
    var created_at: Date

    init(account: UUID, seq: Int, entry: LedgerEntry, model: String?, reason: String?, actor: String?, at: Date) {
        id = UUID()
        account_id = account
        self.seq = seq
        kind = entry.kind.rawValue
        amount_ticks = entry.amount.ticks
        reference = entry.reference
        hold = entry.hold
        tokens = entry.tokens
        self.model = model
        self.reason = reason
        self.actor = actor
        created_at = at
    }

    var entry: LedgerEntry? {
        LedgerEntryKind(rawValue: kind).map {
            LedgerEntry(kind: $0, amount: LedgerAmount(ticks: amount_ticks), reference: reference, hold: hold, tokens: tokens)
        }
    }
}

struct HoldRow: Codable {
    var id: UUID
    var account_id: UUID
    var reference: String
    var amount_ticks: Int
    var released_ticks: Int
    var used_ticks: Int
    var holder: String?
    var opened_at: Date
    var expires_at: Date
    var closed_at: Date?
}

struct DailyRow: Codable {
    var id: UUID
    var account_id: UUID
    var day: String
    var model: String
    var requests: Int
    var prompt_tokens: Int
    var completion_tokens: Int
    var gpu_seconds: Int
    var used_ticks: Int

    var usage: DailyUsage {
        DailyUsage(day: day, model: model, requests: requests, promptTokens: prompt_tokens,
                   completionTokens: completion_tokens, gpuSeconds: gpu_seconds, used: LedgerAmount(ticks: used_ticks))
    }
}

extension LedgerService {
    /// Runs `body` in a transaction holding the account's lock and writes back the account row `body`
    /// returns, so instances sharing the database queue on one account.
    func withLockedAccount(
        _ id: UUID, on db: any Database,
        _ body: @escaping @Sendable (any Database, any SQLDatabase, AccountRow) async throws -> AccountRow
    ) async throws -> AccountSnapshot {
        try await withLockedAccount(id, on: db) { tx, sql, account in (try await body(tx, sql, account), ()) }.0
    }

    /// The same, for a write that also returns what it did.
    func withLockedAccount<T: Sendable>(
        _ id: UUID, on db: any Database,
        _ body: @escaping @Sendable (any Database, any SQLDatabase, AccountRow) async throws -> (AccountRow, T)
    ) async throws -> (AccountSnapshot, T) {
        try await db.transaction { tx in
            let sql = try Self.sql(tx)
            // A write first: it takes the row's lock on PostgreSQL and the write lock on SQLite before
            // anything is read. (On SQLite a transaction that reads first and writes later fails with
            // "database is locked" if another instance wrote in between; one that writes first waits
            // its turn under busy_timeout.)
            try await sql.update(LedgerTables.accounts).set("entry_count", to: SQLColumn("entry_count"))
                .where("id", .equal, id).run()
            guard let account = try await sql.select().column("*").from(LedgerTables.accounts).where("id", .equal, id)
                .first(decoding: AccountRow.self) else { throw LedgerError.accountNotFound }
            let (next, outcome) = try await body(tx, sql, account)
            precondition(next.balance_ticks >= 0 && next.held_ticks >= 0, "ledger rules keep balances non-negative")
            try await sql.update(LedgerTables.accounts)
                .set("balance_ticks", to: next.balance_ticks).set("held_ticks", to: next.held_ticks)
                .set("used_ticks", to: next.used_ticks).set("tokens_metered", to: next.tokens_metered)
                .set("entry_count", to: next.entry_count).set("status", to: next.status)
                .set("closed_at", to: next.closed_at)
                .where("id", .equal, id).run()
            return (next.snapshot, outcome)
        }
    }

    static func insert(_ rows: [EntryRow], on sql: any SQLDatabase) async throws {
        guard !rows.isEmpty else { return }
        try await sql.insert(into: LedgerTables.entries).models(rows, nilEncodingStrategy: .asNil).run()
    }

    static func hold(_ account: UUID, _ reference: String, on sql: any SQLDatabase) async throws -> HoldRow? {
        try await sql.select().column("*").from(LedgerTables.holds).where("account_id", .equal, account)
            .where("reference", .equal, reference).first(decoding: HoldRow.self)
    }

    static func exists(_ account: UUID, _ kind: LedgerEntryKind, _ reference: String, on sql: any SQLDatabase)
        async throws -> Bool
    {
        try await sql.select().column("seq").from(LedgerTables.entries).where("account_id", .equal, account)
            .where("kind", .equal, kind.rawValue).where("reference", .equal, reference).first() != nil
    }

    /// Which of these requests already have a usage entry.
    static func billedRequests(_ account: UUID, _ requests: [String], on sql: any SQLDatabase) async throws -> Set<String> {
        guard !requests.isEmpty else { return [] }
        struct Reference: Decodable { var reference: String }
        var billed = Set<String>()
        // Chunked so the IN list stays within SQLite's bound-parameter limit.
        for start in stride(from: 0, to: requests.count, by: 500) {
            let chunk = Array(requests[start..<min(start + 500, requests.count)])
            let rows = try await sql.select().column("reference").from(LedgerTables.entries)
                .where("account_id", .equal, account).where("kind", .equal, LedgerEntryKind.usage.rawValue)
                .where("reference", .in, chunk).all(decoding: Reference.self)
            billed.formUnion(rows.map(\.reference))
        }
        return billed
    }

    /// Adds settled usage to the daily roll-up, one row per (day, model). The account lock is held, so
    /// read-then-write cannot race another writer of this account.
    static func rollUp(_ account: UUID, _ usages: [(UsageRecord, LedgerAmount)], on sql: any SQLDatabase) async throws {
        var sums: [String: DailyRow] = [:]
        for (usage, charge) in usages {
            let day = LedgerDay.key(for: usage.at)
            let key = day + "\u{1F}" + usage.model
            var row = sums[key] ?? DailyRow(id: UUID(), account_id: account, day: day, model: usage.model, requests: 0,
                                            prompt_tokens: 0, completion_tokens: 0, gpu_seconds: 0, used_ticks: 0)
            row.requests += 1
            row.prompt_tokens += usage.promptTokens
            row.completion_tokens += usage.completionTokens
            row.gpu_seconds += usage.gpuSeconds
            row.used_ticks += charge.ticks
            sums[key] = row
        }
        for row in sums.values {
            if let existing = try await sql.select().column("*").from(LedgerTables.daily)
                .where("account_id", .equal, account).where("day", .equal, row.day).where("model", .equal, row.model)
                .first(decoding: DailyRow.self)
            {
                try await sql.update(LedgerTables.daily)
                    .set("requests", to: existing.requests + row.requests)
                    .set("prompt_tokens", to: existing.prompt_tokens + row.prompt_tokens)
                    .set("completion_tokens", to: existing.completion_tokens + row.completion_tokens)
                    .set("gpu_seconds", to: existing.gpu_seconds + row.gpu_seconds)
                    .set("used_ticks", to: existing.used_ticks + row.used_ticks)
                    .where("id", .equal, existing.id).run()
            } else {
                try await sql.insert(into: LedgerTables.daily).model(row, nilEncodingStrategy: .asNil).run()
            }
        }
    }
}
