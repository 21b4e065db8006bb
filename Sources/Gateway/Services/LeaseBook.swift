import FluentKit
import Foundation
import Ledger
import Logging
import SQLKit
import SuanliKit
import Synchronization

/// How this instance admits requests against a project's points without a database round-trip per
/// request, and still never lets the balance go negative (issue 4, item 4; README "Points under load").
///
/// The instance *leases* a slice of the balance: one ledger reservation (`reserve`, holder = the
/// instance) taken atomically under the account's row lock. Requests are admitted in memory against
/// the slices this instance holds — each reserves its worst case from a slice, and on completion keeps
/// only the upper bound of its real charge until the next flush. A flush (every `flushInterval`)
/// settles the finished requests against their slice in one ledger transaction (`settle … .charged`:
/// each request's exact tokens, charged by the carry rule, billed once by request ID) and writes
/// their request-log rows in the same transaction. Since an instance can only admit against what it
/// holds, and what it holds was taken from the balance atomically, no mix of requests, instances or
/// crashes can spend more than the grant.
///
/// Slices that sit idle are given back (`idleRelease`) so that other instances and the pages see the
/// points; slices older than `maxSliceAge` stop admitting and close once their requests settle, so a
/// hold never outlives its `holdLifetime` (after which any instance may recover it).
///
/// After a crash, the restarted instance (same `instance` name) gives back its own open slices at
/// start; a crash loses the request-log rows and usage of at most one flush interval, in the tenant's
/// favour (their slice returns to the balance unbilled).
public final class LeaseBook: Sendable {
    public struct Settings: Sendable {
        /// The least a new slice takes (when the balance allows): 100 metered units = 1 point.
        public var sliceFloor = LedgerAmount.meteredUnits(100)
        /// A new slice takes this many times the request that needed it, to admit the next ones too.
        public var sliceMultiple = 8
        /// Under sustained load (a new slice needed within `growthWindow` of the last) each slice is twice
        /// the last, up to this and to a quarter of the unheld balance, so that a busy project costs a
        /// ledger reservation every second or so rather than one per few requests (issue 4 item 10),
        /// while other instances still find most of the balance.
        public var sliceCeiling = LedgerAmount.meteredUnits(10_000)
        public var growthWindow: Duration = .seconds(1)
        public var flushInterval: Duration = .milliseconds(200)
        public var idleRelease: TimeInterval = 5
        public var maxSliceAge: TimeInterval = 60
        /// When crash recovery may give a slice back: longer than the longest request could run.
        public var holdLifetime: TimeInterval = 20 * 60
        public init() {}
    }

    /// Admission's claim on a slice: `ticks` reserved for one running request.
    public struct Grant: Sendable, Equatable {
        public let account: UUID
        public let slice: String
        public fileprivate(set) var ticks: Int
    }

    struct Slice {
        let reference: String
        /// Still held by the ledger reservation (its amount less what flushes charged).
        var held: Int
        /// Reserved by running requests plus the upper bounds of finished, unflushed ones.
        var committed = 0
        var running = 0
        let openedAt: Date
        var lastUsed: Date
        var closing = false
        var free: Int { held - committed }
    }

    struct Finished {
        let slice: String
        let bound: Int
        let usage: UsageRecord?
        var log: GatewayRequestRow
    }

    struct AccountLeases {
        var slices: [Slice] = []
        var finished: [Finished] = []
        var toppingUp = false
        /// The balance the last top-up read, and until when a short balance is believed without
        /// reading it again (a client retrying after 429s must not cost a database read each time).
        var lastBalance: Int?
        var shortUntil: ContinuousClock.Instant?
        /// The last slice leased, and when: the next one doubles it under sustained load.
        var lastSlice: (ticks: Int, at: ContinuousClock.Instant)?
    }

    struct State {
        var accounts: [UUID: AccountLeases] = [:]
        /// Refused requests' log rows (no ledger part), written with the next flush.
        var refusals: [GatewayRequestRow] = []
        var sequence = 0
    }

    public let ledger: LedgerService
    public let instance: String
    public let settings: Settings
    let database: @Sendable () -> any Database
    let logger: Logger
    private let state = Mutex(State())

    func withState<T>(_ body: (inout State) -> T) -> T { state.withLock { body(&$0) } }

    func nextBatch() -> Int {
        state.withLock { state -> Int in
            state.sequence += 1
            return state.sequence
        }
    }
    private let waiters = Mutex<[UUID: [CheckedContinuation<Void, Never>]]>([:])

    public init(ledger: LedgerService, instance: String, settings: Settings = Settings(),
                database: @escaping @Sendable () -> any Database, logger: Logger) {
        self.ledger = ledger
        self.instance = instance
        self.settings = settings
        self.database = database
        self.logger = logger
    }

    var now: Date { ledger.clock.now() }

    // MARK: Admission

    /// Claims up to `want` (at least `minimum`) from this instance's slices of `account`, leasing a new
    /// slice from the ledger when none has room. Nil when the balance cannot pay even `minimum`.
    public func claim(account: UUID, want: LedgerAmount, minimum: LedgerAmount) async throws -> Grant? {
        for attempt in 0..<3 {
            if let grant = take(account: account, want: want.ticks, minimum: attempt == 0 ? want.ticks : minimum.ticks) {
                return grant
            }
            if attempt == 2 { break }
            try await topUp(account: account, want: want)
        }
        return take(account: account, want: want.ticks, minimum: minimum.ticks)
    }

    /// `claim`'s first step without waiting: the whole `want` from a slice this instance already holds,
    /// or nil (nothing changed) when that needs a new slice — the request then takes the ordinary path.
    public func claimHeld(account: UUID, want: LedgerAmount) -> Grant? {
        take(account: account, want: want.ticks, minimum: want.ticks)
    }

    private func take(account: UUID, want: Int, minimum: Int) -> Grant? {
        let instant = now
        return state.withLock { state -> Grant? in
            guard var leases = state.accounts[account] else { return nil }
            let open = leases.slices.indices.filter { !leases.slices[$0].closing }
            guard let best = open.max(by: { leases.slices[$0].free < leases.slices[$1].free }),
                  leases.slices[best].free >= minimum else { return nil }
            // The fullest-fitting slice first keeps the newest slice whole for big requests.
            let index = open.filter { leases.slices[$0].free >= want }
                .min(by: { leases.slices[$0].free < leases.slices[$1].free }) ?? best
            let ticks = min(want, leases.slices[index].free)
            leases.slices[index].committed += ticks
            leases.slices[index].running += 1
            leases.slices[index].lastUsed = instant
            state.accounts[account] = leases
            return Grant(account: account, slice: leases.slices[index].reference, ticks: ticks)
        }
    }

    /// Leases a new slice: `sliceMultiple` × `want` (at least `sliceFloor`), or what the balance has.
    /// One top-up per account at a time; concurrent requests wait for it and then try again.
    private func topUp(account: UUID, want: LedgerAmount) async throws {
        enum Role { case leader, follower, short }
        let role = state.withLock { state -> Role in
            if let until = state.accounts[account]?.shortUntil, ContinuousClock.now < until { return .short }
            if state.accounts[account]?.toppingUp == true { return .follower }
            state.accounts[account, default: AccountLeases()].toppingUp = true
            return .leader
        }
        if role == .short { return }
        guard role == .leader else {
            await withCheckedContinuation { continuation in
                let waiting = state.withLock { $0.accounts[account]?.toppingUp == true }
                if waiting {
                    waiters.withLock { $0[account, default: []].append(continuation) }
                    // The leader may have finished between the check and the append.
                    if !state.withLock({ $0.accounts[account]?.toppingUp == true }) { wake(account) }
                } else {
                    continuation.resume()
                }
            }
            return
        }
        defer {
            state.withLock { $0.accounts[account]?.toppingUp = false }
            wake(account)
        }
        let db = database()
        guard let snapshot = try await ledger.account(id: account, on: db) else { return }
        state.withLock { state in
            state.accounts[account]?.lastBalance = snapshot.balance.ticks
            state.accounts[account]?.shortUntil = snapshot.balance < want ? ContinuousClock.now + .milliseconds(500) : nil
        }
        var unheld = snapshot.balance
        let base = max(want.ticks * settings.sliceMultiple, settings.sliceFloor.ticks)
        var size = base
        if let last = state.withLock({ $0.accounts[account]?.lastSlice }),
           ContinuousClock.now - last.at < settings.growthWindow {
            size = max(base, min(last.ticks * 2, settings.sliceCeiling.ticks, unheld.ticks / 4))
        }
        var amount = LedgerAmount(ticks: min(unheld.ticks, size))
        for _ in 0..<3 where amount > .zero {
            let reference = nextReference()
            do {
                try await ledger.reserve(account: account, amount: amount, reference: reference, holder: instance,
                                         expiresAt: now.addingTimeInterval(settings.holdLifetime), on: db)
                let opened = now
                state.withLock { state in
                    state.accounts[account, default: AccountLeases()].slices.append(
                        Slice(reference: reference, held: amount.ticks, openedAt: opened, lastUsed: opened))
                    state.accounts[account]?.lastBalance = max(0, unheld.ticks - amount.ticks)
                    state.accounts[account]?.lastSlice = (amount.ticks, ContinuousClock.now)
                }
                return
            } catch LedgerError.insufficientBalance(let available, _) {
                amount = available  // another instance leased meanwhile: take what is left
                unheld = available
                state.withLock { $0.accounts[account]?.lastBalance = available.ticks }
            }
        }
    }

    private func wake(_ account: UUID) {
        let waiting = waiters.withLock { $0.removeValue(forKey: account) ?? [] }
        for continuation in waiting { continuation.resume() }
    }

    private func nextReference() -> String {
        let sequence = nextBatch()
        return "lease:\(instance):\(Int(now.timeIntervalSince1970 * 1000)):\(sequence)"
    }

    /// Gives back part of a claim admission did not need (after capping `max_tokens`).
    public func shrink(_ grant: inout Grant, to ticks: Int) {
        guard ticks < grant.ticks else { return }
        let excess = grant.ticks - ticks
        let reference = grant.slice
        state.withLock { state in
            guard let index = state.accounts[grant.account]?.slices.firstIndex(where: { $0.reference == reference })
            else { return }
            state.accounts[grant.account]!.slices[index].committed -= excess
        }
        grant.ticks = ticks
    }

    /// A request has ended: its claim is replaced by the upper bound of what it costs until the flush
    /// settles it (`usage` nil: nothing to bill). `usage` tokens must already be clamped to the claim.
    public func finish(_ grant: Grant, usage: UsageRecord?, log: GatewayRequestRow?) {
        let bound = usage.map { InferenceMetering.worstCase(tokens: $0.tokens).ticks } ?? 0
        precondition(bound <= grant.ticks, "a request is never billed beyond its claim")
        precondition(usage == nil || log != nil, "a billed request has its log row")
        let instant = now
        state.withLock { state in
            guard let index = state.accounts[grant.account]?.slices.firstIndex(where: { $0.reference == grant.slice })
            else { return }
            state.accounts[grant.account]!.slices[index].committed -= grant.ticks - bound
            state.accounts[grant.account]!.slices[index].running -= 1
            state.accounts[grant.account]!.slices[index].lastUsed = instant
            if let log {
                state.accounts[grant.account]!.finished.append(
                    Finished(slice: grant.slice, bound: bound, usage: usage, log: log))
            }
        }
    }

    /// A refused request's log row, written with the next flush.
    public func record(refusal row: GatewayRequestRow) {
        state.withLock { $0.refusals.append(row) }
    }

    /// What the account has left as this instance last saw it: the unheld balance its last top-up read
    /// (less the slice it then leased) plus what this instance's open slices still have free. Other
    /// instances' free slices are not seen. For messages, not for admission.
    public func knownRemaining(account: UUID) -> LedgerAmount? {
        state.withLock { state in
            guard let leases = state.accounts[account], let balance = leases.lastBalance else { return nil }
            let free = leases.slices.filter { !$0.closing }.reduce(0) { $0 + max(0, $1.free) }
            return LedgerAmount(ticks: balance + free)
        }
    }

    /// What this instance holds for an account right now (for the operator's view and tests).
    public func held(account: UUID) -> (held: LedgerAmount, committed: LedgerAmount, slices: Int) {
        state.withLock { state in
            let slices = state.accounts[account]?.slices ?? []
            return (LedgerAmount(ticks: slices.reduce(0) { $0 + $1.held }),
                    LedgerAmount(ticks: slices.reduce(0) { $0 + $1.committed }), slices.count)
        }
    }

    /// Requests admitted and not yet finished, on all accounts.
    public var running: Int {
        state.withLock { state in state.accounts.values.reduce(0) { $0 + $1.slices.reduce(0) { $0 + $1.running } } }
    }

    public var unflushed: Int {
        state.withLock { state in state.accounts.values.reduce(state.refusals.count) { $0 + $1.finished.count } }
    }
}
