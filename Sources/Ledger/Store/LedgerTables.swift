/// Table and column names, in one place: the ledger reads and writes through SQLKit (ARCHITECTURE:
/// raw SQL where it matters), so no Fluent model mirrors these tables.
enum LedgerTables {
    /// One row per project: the derived figures (balance, held, used, tokens) that make the balance
    /// a single read, kept in the same transaction as the entries they sum.
    static let accounts = "ledger_accounts"
    /// Append-only; (account_id, seq) orders them, (account_id, kind, reference) makes writes idempotent.
    static let entries = "ledger_entries"
    /// Reservations and what each has released and paid for; open ones are recovered after a crash.
    static let holds = "ledger_holds"
    /// Usage per account, day (Asia/Taipei) and model: the daily chart and per-model breakdown in one read.
    static let daily = "ledger_daily"
}
