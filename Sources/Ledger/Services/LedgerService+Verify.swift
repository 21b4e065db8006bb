import FluentKit
import Foundation
import SQLKit

/// `suanli ledger verify`: every account's entries replayed through the ledger's rules
/// (`AccountState`) and compared with what the tables say — balance, held, used, token total, each
/// hold and the daily roll-up. A clean ledger reports no problems.
public struct LedgerVerification: Sendable, Equatable {
    public var accounts = 0
    public var entries = 0
    public var problems: [String] = []
    public var isClean: Bool { problems.isEmpty }
}

extension LedgerService {
    public func verify(on db: any Database) async throws -> LedgerVerification {
        let sql = try Self.sql(db)
        var report = LedgerVerification()
        let accounts = try await sql.select().column("*").from(LedgerTables.accounts).orderBy("created_at")
            .all(decoding: AccountRow.self)
        for account in accounts {
            report.accounts += 1
            func problem(_ text: String) { report.problems.append("account \(account.id) (project \(account.project_id)): \(text)") }
            let rows = try await sql.select().column("*").from(LedgerTables.entries).where("account_id", .equal, account.id)
                .orderBy("seq").all(decoding: EntryRow.self)
            report.entries += rows.count
            for (index, row) in rows.enumerated() where row.seq != index + 1 {
                problem("entry sequence has a gap or repeat at \(row.seq) (expected \(index + 1))")
                break
            }
            var entries: [(entry: LedgerEntry, reason: String?)] = []
            for row in rows {
                guard let entry = row.entry else { problem("entry \(row.seq) has an unknown kind \(row.kind)"); continue }
                entries.append((entry, row.reason))
            }
            let state: AccountState
            switch AccountState.replay(entries) {
            case .success(let replayed): state = replayed
            case .failure(let failure):
                problem("entry \(failure.index + 1) (\(failure.entry.kind.rawValue) \(failure.entry.reference)) breaks a rule: "
                        + failure.error.message.en)
                continue
            }
            let used = -rows.filter { $0.kind == LedgerEntryKind.usage.rawValue }.reduce(0) { $0 + $1.amount_ticks }
            let checks: [(String, Int, Int)] = [
                ("balance", account.balance_ticks, state.balance.ticks),
                ("held", account.held_ticks, state.heldTotal.ticks),
                ("used", account.used_ticks, used),
                ("tokens metered", account.tokens_metered, state.metering.tokensMetered),
                ("entry count", account.entry_count, rows.count),
            ]
            for (name, stored, replayed) in checks where stored != replayed {
                problem("\(name) is \(stored) but the entries give \(replayed)")
            }
            if (account.status == AccountStatus.closed.rawValue) != state.closed {
                problem("status is \(account.status) but the entries \(state.closed ? "closed" : "did not close") it")
            }
            let holds = try await sql.select().column("*").from(LedgerTables.holds).where("account_id", .equal, account.id)
                .all(decoding: HoldRow.self)
            if holds.count != state.holds.count { problem("\(holds.count) holds stored, \(state.holds.count) in the entries") }
            for hold in holds {
                guard let replayed = state.holds[hold.reference] else {
                    problem("hold \(hold.reference) has no reservation entry")
                    continue
                }
                if replayed.amount.ticks != hold.amount_ticks || replayed.released.ticks != hold.released_ticks
                    || replayed.used.ticks != hold.used_ticks || (hold.closed_at == nil) != replayed.isOpen
                {
                    problem("hold \(hold.reference) stores \(hold.amount_ticks)/\(hold.released_ticks)/\(hold.used_ticks) "
                            + "(amount/released/used) but the entries give \(replayed.amount.ticks)/"
                            + "\(replayed.released.ticks)/\(replayed.used.ticks)")
                }
            }
            let daily = try await sql.select().column("*").from(LedgerTables.daily).where("account_id", .equal, account.id)
                .all(decoding: DailyRow.self)
            let rolledUp = daily.reduce(0) { $0 + $1.used_ticks }
            if rolledUp != used { problem("the daily roll-up sums to \(rolledUp) ticks, usage entries to \(used)") }
            let usageRows = rows.filter { $0.kind == LedgerEntryKind.usage.rawValue }.count
            let rolledRequests = daily.reduce(0) { $0 + $1.requests }
            if rolledRequests != usageRows { problem("the daily roll-up counts \(rolledRequests) requests, usage entries \(usageRows)") }
        }
        return report
    }
}
