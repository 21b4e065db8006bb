import Compliance
import FluentKit
import Foundation
import SQLKit
import SuanliKit

/// The point ledger (SPEC C1.4, C1.5, C5.6). Every write runs in one transaction that locks the
/// account's row, checks the same rules `AccountState` states (the balance never goes negative, a
/// usage never exceeds its reservation, a request is billed once), appends the entries and updates
/// the derived figures — so a balance is one read and `verify` can always recompute it.
///
/// Concurrency: each write starts by updating the account's row, which takes its row lock on
/// PostgreSQL and the database's write lock on SQLite, so instances sharing the database queue on one
/// account and never both spend the same points.
public struct LedgerService: Sendable {
    public let clock: any WallClock
    public let audit: AuditLog

    public init(clock: any WallClock, audit: AuditLog) {
        self.clock = clock
        self.audit = audit
    }

    static func sql(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw LedgerStoreError.notSQL }
        return sql
    }

    // MARK: Accounts

    /// Opens a project's account with its award's points (idempotent: the project's existing account
    /// is returned unchanged). `termEnd` is the first instant after the term.
    public func openAccount(project: UUID, organisation: UUID, kind: AccountKind, grant: LedgerAmount,
                            termStart: Date, termEnd: Date, reference: String, by actor: LedgerActor,
                            on db: any Database) async throws -> AccountSnapshot {
        if let existing = try await account(project: project, on: db) { return existing }
        guard grant > .zero else { throw LedgerError.wrongSign(.grant, grant) }
        guard termStart < termEnd else { throw LedgerStoreError.invalidTerm }
        let id = UUID()
        let now = clock.now()
        try await db.transaction { tx in
            let sql = try Self.sql(tx)
            try await sql.insert(into: LedgerTables.accounts).model(AccountRow(
                id: id, project_id: project, organisation_id: organisation, kind: kind.rawValue,
                status: AccountStatus.open.rawValue, term_start: termStart, term_end: termEnd,
                granted_ticks: grant.ticks, balance_ticks: grant.ticks, held_ticks: 0, used_ticks: 0,
                tokens_metered: 0, entry_count: 1, created_at: now, closed_at: nil), nilEncodingStrategy: .asNil).run()
            try await Self.insert([EntryRow(account: id, seq: 1, entry: .grant(grant, reference: reference),
                                            model: nil, reason: nil, actor: actor.label, at: now)], on: sql)
            try await audit.record(AuditEntry(
                actorUserID: actor.userID, actorLabel: actor.label, organisationID: organisation,
                action: "ledger.account.opened", subjectType: "ledgerAccount", subjectID: id.uuidString,
                sourceIP: actor.sourceIP,
                details: ["project": project.uuidString, "kind": kind.rawValue, "grantTicks": String(grant.ticks),
                          "points": grant.pointsText]), on: tx)
        }
        guard let opened = try await account(id: id, on: db) else { throw LedgerError.accountNotFound }
        return opened
    }

    public func account(id: UUID, on db: any Database) async throws -> AccountSnapshot? {
        try await Self.sql(db).select().column("*").from(LedgerTables.accounts).where("id", .equal, id)
            .first(decoding: AccountRow.self)?.snapshot
    }

    public func account(project: UUID, on db: any Database) async throws -> AccountSnapshot? {
        try await Self.sql(db).select().column("*").from(LedgerTables.accounts).where("project_id", .equal, project)
            .first(decoding: AccountRow.self)?.snapshot
    }

    public func accounts(organisation: UUID? = nil, on db: any Database) async throws -> [AccountSnapshot] {
        let query = try Self.sql(db).select().column("*").from(LedgerTables.accounts)
        if let organisation { query.where("organisation_id", .equal, organisation) }
        return try await query.orderBy("created_at").all(decoding: AccountRow.self).map(\.snapshot)
    }

    // MARK: Reservations

    /// Holds `amount` for a request (or an instance's lease of a slice) until it is settled. Refused
    /// when the balance cannot pay it, the term is not running or the reference was used before.
    /// `expiresAt` is when crash recovery may give the hold back if nobody settled it.
    @discardableResult
    public func reserve(account id: UUID, amount: LedgerAmount, reference: String, holder: String? = nil,
                        expiresAt: Date, on db: any Database) async throws -> AccountSnapshot {
        guard amount > .zero else { throw LedgerError.wrongSign(.reservation, -amount) }
        let now = clock.now()
        return try await withLockedAccount(id, on: db) { tx, sql, account in
            guard account.snapshot.isRunning(at: now) else { throw LedgerError.accountClosed }
            guard account.balance_ticks >= amount.ticks else {
                throw LedgerError.insufficientBalance(available: LedgerAmount(ticks: account.balance_ticks), needed: amount)
            }
            if try await Self.hold(account.id, reference, on: sql) != nil {
                throw LedgerError.duplicateReference(.reservation, reference)
            }
            var next = account
            next.balance_ticks -= amount.ticks
            next.held_ticks += amount.ticks
            next.entry_count += 1
            try await Self.insert([EntryRow(account: id, seq: next.entry_count,
                                            entry: .reservation(amount, reference: reference), model: nil,
                                            reason: nil, actor: holder, at: now)], on: sql)
            try await sql.insert(into: LedgerTables.holds).model(HoldRow(
                id: UUID(), account_id: id, reference: reference, amount_ticks: amount.ticks, released_ticks: 0,
                used_ticks: 0, holder: holder, opened_at: now, expires_at: expiresAt, closed_at: nil),
                nilEncodingStrategy: .asNil).run()
            return next
        }
    }

    /// How much of a hold a settlement gives back.
    public enum Release: Sendable, Equatable {
        /// Everything it still holds: the hold closes (one request's reservation).
        case all
        /// Exactly what the settled usages cost (a lease's batch; the lease stays open).
        case charged
    }

    /// Settles usages against a hold: gives back what `release` says, then charges each request once
    /// (already-billed requests are skipped), all in one transaction. Inference usage is charged by the
    /// carry rule (`InferenceMetering`); training usage by GPU-seconds.
    @discardableResult
    public func settle(account id: UUID, hold reference: String, usages: [UsageRecord], release: Release = .all,
                       batch: String? = nil, on db: any Database) async throws -> Settlement {
        let now = clock.now()
        let (snapshot, outcome) = try await withLockedAccount(id, on: db) {
            tx, sql, account -> (AccountRow, Settlement) in
            var result = Settlement(charges: [:], alreadyBilled: [], released: .zero, account: account.snapshot)
            guard var hold = try await Self.hold(id, reference, on: sql) else { throw LedgerError.noOpenReservation(reference) }
            let billed = try await Self.billedRequests(id, usages.map(\.request), on: sql)
            var metering = InferenceMetering(tokensMetered: account.tokens_metered)
            var fresh: [(UsageRecord, LedgerAmount)] = []
            var seen = Set<String>()
            for usage in usages {
                guard !billed.contains(usage.request), seen.insert(usage.request).inserted else {
                    result.alreadyBilled.append(usage.request)
                    continue
                }
                guard usage.promptTokens >= 0, usage.completionTokens >= 0, usage.gpuSeconds >= 0 else {
                    throw LedgerError.wrongSign(.usage, .zero)
                }
                let charge = account.kind == AccountKind.training.rawValue
                    ? LedgerAmount.gpuSeconds(usage.gpuSeconds) : metering.record(tokens: usage.tokens)
                fresh.append((usage, charge))
            }
            let charged = fresh.reduce(LedgerAmount.zero) { $0 + $1.1 }
            let stillHeld = hold.amount_ticks - hold.released_ticks
            let release = release == .all ? LedgerAmount(ticks: stillHeld) : charged
            guard hold.closed_at == nil || (release == .zero && fresh.isEmpty) else {
                throw LedgerError.noOpenReservation(reference)
            }
            guard release.ticks <= stillHeld else {
                throw LedgerError.releaseExceedsHold(reference: reference, held: LedgerAmount(ticks: stillHeld),
                                                     released: release)
            }
            guard hold.used_ticks + charged.ticks <= hold.released_ticks + release.ticks else {
                throw LedgerError.usageExceedsReservation(
                    reference: reference, held: LedgerAmount(ticks: hold.released_ticks + release.ticks - hold.used_ticks),
                    used: charged)
            }
            var next = account
            var rows: [EntryRow] = []
            if release > .zero {
                next.entry_count += 1
                let releaseReference = release == LedgerAmount(ticks: stillHeld) && batch == nil
                    ? reference : "\(reference)#\(batch ?? String(next.entry_count))"
                rows.append(EntryRow(account: id, seq: next.entry_count,
                                     entry: .release(release, hold: reference, reference: releaseReference),
                                     model: nil, reason: nil, actor: nil, at: now))
            }
            for (usage, charge) in fresh {
                next.entry_count += 1
                rows.append(EntryRow(account: id, seq: next.entry_count,
                                     entry: .usage(charge, request: usage.request, hold: reference, tokens: usage.tokens),
                                     model: usage.model, reason: nil, actor: nil, at: usage.at))
                result.charges[usage.request] = charge
            }
            next.balance_ticks += release.ticks - charged.ticks
            next.held_ticks -= release.ticks
            next.used_ticks += charged.ticks
            next.tokens_metered = metering.tokensMetered
            hold.released_ticks += release.ticks
            hold.used_ticks += charged.ticks
            if hold.released_ticks == hold.amount_ticks { hold.closed_at = hold.closed_at ?? now }
            try await Self.insert(rows, on: sql)
            try await sql.update(LedgerTables.holds).set("released_ticks", to: hold.released_ticks)
                .set("used_ticks", to: hold.used_ticks).set("closed_at", to: hold.closed_at)
                .where("id", .equal, hold.id).run()
            try await Self.rollUp(id, fresh, on: sql)
            result.released = release
            return (next, result)
        }
        var settlement = outcome
        settlement.account = snapshot
        return settlement
    }

    // MARK: Operator and term end

    /// An operator's correction with a reason (audited). Refused if it would make the balance negative.
    @discardableResult
    public func adjust(account id: UUID, amount: LedgerAmount, reason: String, reference: String? = nil,
                       by actor: LedgerActor, on db: any Database) async throws -> AccountSnapshot {
        let reason = reason.trimmingWhitespace()
        guard !reason.isEmpty else { throw LedgerError.adjustmentNeedsReason }
        guard amount != .zero else { throw LedgerError.wrongSign(.adjustment, amount) }
        guard !reason.hasControlCharacters else { throw LedgerStoreError.controlCharacters }
        let now = clock.now()
        let reference = reference ?? "adjustment-\(UUID().uuidString)"
        return try await withLockedAccount(id, on: db) { tx, sql, account in
            guard account.status == AccountStatus.open.rawValue else { throw LedgerError.accountClosed }
            guard account.balance_ticks + amount.ticks >= 0 else {
                throw LedgerError.insufficientBalance(available: LedgerAmount(ticks: account.balance_ticks), needed: -amount)
            }
            if try await Self.exists(id, .adjustment, reference, on: sql) {
                throw LedgerError.duplicateReference(.adjustment, reference)
            }
            var next = account
            next.balance_ticks += amount.ticks
            next.entry_count += 1
            try await Self.insert([EntryRow(account: id, seq: next.entry_count,
                                            entry: LedgerEntry(kind: .adjustment, amount: amount, reference: reference),
                                            model: nil, reason: reason, actor: actor.label, at: now)], on: sql)
            try await audit.record(AuditEntry(
                actorUserID: actor.userID, actorLabel: actor.label, organisationID: account.organisation_id,
                action: "ledger.adjusted", subjectType: "ledgerAccount", subjectID: id.uuidString, sourceIP: actor.sourceIP,
                details: ["ticks": String(amount.ticks), "points": amount.pointsText, "reason": reason,
                          "reference": reference]), on: tx)
            return next
        }
    }

    /// Gives back holds nobody settled before they expired (an instance died mid-request). What their
    /// requests used and settled stays billed; the rest returns to the balance. Returns how many.
    public func recoverExpiredHolds(on db: any Database) async throws -> Int {
        let now = clock.now()
        struct Open: Decodable { var account_id: UUID; var reference: String }
        let open = try await Self.sql(db).select().column("account_id").column("reference").from(LedgerTables.holds)
            .where(SQLColumn("closed_at"), .is, SQLLiteral.null).where("expires_at", .lessThan, now)
            .all(decoding: Open.self)
        var recovered = 0
        for hold in open {
            do {
                try await settle(account: hold.account_id, hold: hold.reference, usages: [], release: .all,
                                 batch: "recovered", on: db)
                recovered += 1
            } catch LedgerError.noOpenReservation {
                continue  // settled meanwhile by its own instance
            }
        }
        return recovered
    }

    /// Open holds taken by `holder` (a gateway instance's leases), for that instance to settle after a
    /// restart instead of waiting for them to expire.
    public func openHolds(holder: String, on db: any Database) async throws -> [(account: UUID, reference: String)] {
        struct Open: Decodable { var account_id: UUID; var reference: String }
        return try await Self.sql(db).select().column("account_id").column("reference").from(LedgerTables.holds)
            .where(SQLColumn("closed_at"), .is, SQLLiteral.null).where("holder", .equal, holder)
            .orderBy("opened_at").all(decoding: Open.self).map { ($0.account_id, $0.reference) }
    }

    /// Term end (SPEC C1.4/C1.5, issue 4): open holds are released, then whatever is left expires and
    /// the account closes. Idempotent.
    @discardableResult
    public func expire(account id: UUID, by actor: LedgerActor = .system, on db: any Database) async throws
        -> AccountSnapshot
    {
        let account = try await requireAccount(id, on: db)
        guard account.status == .open else { return account }
        struct Open: Decodable { var reference: String }
        let open = try await Self.sql(db).select().column("reference").from(LedgerTables.holds)
            .where("account_id", .equal, id).where(SQLColumn("closed_at"), .is, SQLLiteral.null)
            .all(decoding: Open.self)
        for hold in open {
            try await settle(account: id, hold: hold.reference, usages: [], release: .all, batch: "term-end", on: db)
        }
        let now = clock.now()
        return try await withLockedAccount(id, on: db) { tx, sql, account in
            var next = account
            next.entry_count += 1
            try await Self.insert([EntryRow(account: id, seq: next.entry_count,
                                            entry: LedgerEntry(kind: .expiry, amount: LedgerAmount(ticks: -account.balance_ticks),
                                                               reference: "term-end"),
                                            model: nil, reason: nil, actor: actor.label, at: now)], on: sql)
            next.balance_ticks = 0
            next.status = AccountStatus.closed.rawValue
            next.closed_at = now
            try await audit.record(AuditEntry(
                actorUserID: actor.userID, actorLabel: actor.label, organisationID: account.organisation_id,
                action: "ledger.expired", subjectType: "ledgerAccount", subjectID: id.uuidString,
                details: ["expiredTicks": String(account.balance_ticks),
                          "points": LedgerAmount(ticks: account.balance_ticks).pointsText]), on: tx)
            return next
        }
    }

    /// Expires every open account whose term has ended (idempotent; any instance may run it).
    @discardableResult
    public func expireEndedTerms(on db: any Database) async throws -> Int {
        struct Due: Decodable { var id: UUID }
        let due = try await Self.sql(db).select().column("id").from(LedgerTables.accounts)
            .where("status", .equal, AccountStatus.open.rawValue).where("term_end", .lessThanOrEqual, clock.now())
            .all(decoding: Due.self)
        for account in due { try await expire(account: account.id, on: db) }
        return due.count
    }

    // MARK: Reads

    public func daily(account id: UUID, on db: any Database) async throws -> [DailyUsage] {
        try await Self.sql(db).select().column("*").from(LedgerTables.daily).where("account_id", .equal, id)
            .orderBy("day").orderBy("model").all(decoding: DailyRow.self).map(\.usage)
    }

    func requireAccount(_ id: UUID, on db: any Database) async throws -> AccountSnapshot {
        guard let account = try await account(id: id, on: db) else { throw LedgerError.accountNotFound }
        return account
    }
}

/// Set-up errors, not a user's.
public enum LedgerStoreError: Error, Equatable {
    case notSQL
    case invalidTerm
    case controlCharacters
}
