import FluentKit
import Foundation
import Ledger
import SQLKit

extension LeaseBook {
    /// Settles every finished request (one ledger transaction per slice, with its request-log rows),
    /// writes refusals' rows, and gives back slices that are idle, too old, or closing. A failed
    /// settlement keeps its requests for the next flush: their bounds stay committed, so nothing can
    /// be admitted against points that might still be charged.
    public func flush() async {
        let db = database()
        let work = takeFinished()
        for (account, slices) in work {
            for (slice, items) in slices {
                do {
                    try await settle(account: account, slice: slice, items: items, on: db)
                } catch LedgerError.noOpenReservation, LedgerError.accountClosed {
                    // The term ended (its expiry gave every hold back) or the slice was recovered as
                    // expired: nothing can be charged any more. The requests are logged unbilled, in the
                    // tenant's favour, and the slice is forgotten.
                    logger.warning("gateway: slice closed before its requests settled; logged unbilled",
                                   metadata: ["account": "\(account)", "slice": "\(slice)", "requests": "\(items.count)"])
                    await logUnbilled(account: account, slice: slice, items: items, on: db)
                } catch {
                    logger.error("gateway: settling usage failed; will retry",
                                 metadata: ["account": "\(account)", "slice": "\(slice)", "error": "\(error)"])
                    putBack(account: account, items: items)
                }
            }
        }
        await writeRefusals(on: db)
        await closeSlices(on: db, all: false)
    }

    /// At shutdown: everything settled, every slice given back.
    public func drain() async {
        await flush()
        await closeSlices(on: database(), all: true)
    }

    /// At start: the slices a previous run of this instance held (it crashed or was killed) go back
    /// to the balance at once instead of at their expiry.
    @discardableResult
    public func recoverOwnSlices() async throws -> Int {
        let db = database()
        let open = try await ledger.openHolds(holder: instance, on: db)
        for hold in open {
            do {
                try await ledger.settle(account: hold.account, hold: hold.reference, usages: [], release: .all,
                                        batch: "restart", on: db)
            } catch LedgerError.noOpenReservation {
                continue
            }
        }
        if !open.isEmpty { logger.notice("gateway: gave back slices of a previous run", metadata: ["count": "\(open.count)"]) }
        return open.count
    }

    private func takeFinished() -> [UUID: [String: [Finished]]] {
        withState { state in
            var work: [UUID: [String: [Finished]]] = [:]
            for (account, leases) in state.accounts where !leases.finished.isEmpty {
                work[account] = Dictionary(grouping: leases.finished, by: \.slice)
                state.accounts[account]!.finished = []
            }
            return work
        }
    }

    private func putBack(account: UUID, items: [Finished]) {
        withState { $0.accounts[account]?.finished.insert(contentsOf: items, at: 0) }
    }

    private func settle(account: UUID, slice: String, items: [Finished], on db: any Database) async throws {
        let usages = items.compactMap(\.usage)
        let batch = "flush-\(nextBatch())"
        let charged: Int = try await db.transaction { [ledger] tx in
            var charges: [String: LedgerAmount] = [:]
            if !usages.isEmpty {
                let settlement = try await ledger.settle(account: account, hold: slice, usages: usages,
                                                         release: .charged, batch: batch, on: tx)
                charges = settlement.charges
            }
            let rows = items.map { item -> GatewayRequestRow in
                var row = item.log
                row.charged_ticks = charges[row.id]?.ticks ?? 0
                return row
            }
            try await Self.insert(rows, on: tx)
            return charges.values.reduce(0) { $0 + $1.ticks }
        }
        let bounds = items.reduce(0) { $0 + $1.bound }
        withState { state in
            guard let index = state.accounts[account]?.slices.firstIndex(where: { $0.reference == slice }) else { return }
            state.accounts[account]!.slices[index].held -= charged
            state.accounts[account]!.slices[index].committed -= bounds
        }
    }

    private func logUnbilled(account: UUID, slice: String, items: [Finished], on db: any Database) async {
        do {
            try await Self.insert(items.map { item in
                var row = item.log
                row.charged_ticks = 0
                return row
            }, on: db)
        } catch {
            logger.error("gateway: writing unbilled requests' log failed", metadata: ["error": "\(error)"])
        }
        withState { $0.accounts[account]?.slices.removeAll { $0.reference == slice } }
    }

    private func writeRefusals(on db: any Database) async {
        let rows = withState { state -> [GatewayRequestRow] in
            defer { state.refusals = [] }
            return state.refusals
        }
        guard !rows.isEmpty else { return }
        do {
            try await Self.insert(rows, on: db)
        } catch {
            logger.error("gateway: writing refused requests' log failed", metadata: ["error": "\(error)"])
            withState { state in
                // Kept for the next flush, but never more than 10,000 (a flood of refusals while the
                // database is down is counted in /metrics; its rows are dropped).
                state.refusals = Array((rows + state.refusals).suffix(10_000))
            }
        }
    }

    /// Gives back slices nobody uses: idle ones, old ones, or (at shutdown) all with nothing running.
    private func closeSlices(on db: any Database, all: Bool) async {
        let instant = now
        let closing = withState { state -> [(UUID, String)] in
            var picked: [(UUID, String)] = []
            for (account, leases) in state.accounts {
                let unsettled = Set(leases.finished.map(\.slice))
                for index in leases.slices.indices {
                    let slice = leases.slices[index]
                    guard slice.running == 0, !unsettled.contains(slice.reference), !slice.closing else { continue }
                    let idle = instant.timeIntervalSince(slice.lastUsed) >= settings.idleRelease
                    let old = instant.timeIntervalSince(slice.openedAt) >= settings.maxSliceAge
                    guard all || idle || old || slice.held <= 0 else { continue }
                    state.accounts[account]!.slices[index].closing = true
                    picked.append((account, slice.reference))
                }
            }
            return picked
        }
        for (account, reference) in closing {
            do {
                try await ledger.settle(account: account, hold: reference, usages: [], release: .all,
                                        batch: "close-\(nextBatch())", on: db)
                withState { $0.accounts[account]?.slices.removeAll { $0.reference == reference } }
            } catch LedgerError.noOpenReservation {
                withState { $0.accounts[account]?.slices.removeAll { $0.reference == reference } }
            } catch {
                logger.error("gateway: giving back a slice failed; will retry",
                             metadata: ["slice": "\(reference)", "error": "\(error)"])
                withState { state in
                    guard let index = state.accounts[account]?.slices.firstIndex(where: { $0.reference == reference })
                    else { return }
                    state.accounts[account]!.slices[index].closing = false
                }
            }
        }
        withState { state in
            for (account, leases) in state.accounts
            where leases.slices.isEmpty && leases.finished.isEmpty && !leases.toppingUp {
                state.accounts.removeValue(forKey: account)
            }
        }
    }

    static func insert(_ rows: [GatewayRequestRow], on db: any Database) async throws {
        guard !rows.isEmpty, let sql = db as? any SQLDatabase else { return }
        for chunk in stride(from: 0, to: rows.count, by: 200) {
            try await sql.insert(into: GatewayRequestRow.schema)
                .models(Array(rows[chunk..<min(rows.count, chunk + 200)]), nilEncodingStrategy: .asNil).run()
        }
    }
}
