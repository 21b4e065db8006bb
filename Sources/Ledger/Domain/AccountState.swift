import SuanliKit

/// An account replayed from its entries: the rules every write obeys, in one place. The store applies
/// each new entry here before it writes it, and `suanli ledger verify` replays every account's entries
/// through the same code and compares the result with the stored balance.
///
/// The balance is what the project may still spend: the sum of all entry amounts. A reservation takes
/// its hold off the balance at once; settling gives the hold back (`release`) and takes off what was
/// used (`usage`), released first so the balance never dips below zero in between. Usage against a
/// hold may not exceed what that hold has released — so a request can never spend more than was
/// reserved for it, and the balance never goes negative (`insufficientBalance`).
public struct AccountState: Hashable, Sendable {
    public struct Hold: Hashable, Sendable {
        public let amount: LedgerAmount
        public internal(set) var released: LedgerAmount = .zero
        public internal(set) var used: LedgerAmount = .zero
        /// Still holding points (not fully released).
        public var isOpen: Bool { released < amount }
        public var stillHeld: LedgerAmount { amount - released }
    }

    public private(set) var balance: LedgerAmount = .zero
    public private(set) var granted = false
    public private(set) var closed = false
    public private(set) var holds: [String: Hold] = [:]
    public private(set) var references: Set<String> = []
    public private(set) var metering = InferenceMetering()
    public private(set) var entryCount = 0

    public init() {}

    public var openHolds: [String: Hold] { holds.filter { $0.value.isOpen } }
    public var heldTotal: LedgerAmount { openHolds.values.reduce(.zero) { $0 + $1.stillHeld } }

    /// Applies one entry, or throws without changing anything.
    public mutating func apply(_ entry: LedgerEntry, reason: String? = nil) throws(LedgerError) {
        let key = entry.kind.rawValue + "\u{1F}" + entry.reference
        guard !references.contains(key) else { throw .duplicateReference(entry.kind, entry.reference) }
        guard !closed else { throw .accountClosed }
        let amount = entry.amount
        var next = self
        switch entry.kind {
        case .grant:
            guard amount > .zero else { throw .wrongSign(.grant, amount) }
            guard !granted else { throw .alreadyGranted }
            next.granted = true
        case .reservation:
            guard amount < .zero else { throw .wrongSign(.reservation, amount) }
            guard balance + amount >= .zero else { throw .insufficientBalance(available: balance, needed: -amount) }
            next.holds[entry.reference] = Hold(amount: -amount)
        case .release:
            guard amount >= .zero else { throw .wrongSign(.release, amount) }
            guard let name = entry.hold, var hold = holds[name], hold.isOpen || amount == .zero else {
                throw .noOpenReservation(entry.hold ?? entry.reference)
            }
            guard hold.released + amount <= hold.amount else {
                throw .releaseExceedsHold(reference: name, held: hold.stillHeld, released: amount)
            }
            hold.released = hold.released + amount
            next.holds[name] = hold
        case .usage:
            guard amount <= .zero else { throw .wrongSign(.usage, amount) }
            guard entry.tokens >= 0 else { throw .wrongSign(.usage, amount) }
            guard let name = entry.hold, var hold = holds[name] else {
                throw .noOpenReservation(entry.hold ?? entry.reference)
            }
            guard hold.used - amount <= hold.released else {
                throw .usageExceedsReservation(reference: name, held: hold.released - hold.used, used: -amount)
            }
            hold.used = hold.used - amount
            next.holds[name] = hold
            next.metering = InferenceMetering(tokensMetered: metering.tokensMetered + entry.tokens)
        case .adjustment:
            guard amount != .zero else { throw .wrongSign(.adjustment, amount) }
            guard let reason, !reason.trimmingWhitespace().isEmpty else { throw .adjustmentNeedsReason }
            guard balance + amount >= .zero else { throw .insufficientBalance(available: balance, needed: -amount) }
        case .expiry:
            guard amount <= .zero, balance + amount == .zero else { throw .wrongSign(.expiry, amount) }
            let open = openHolds.count
            guard open == 0 else { throw .openReservations(open) }
            next.closed = true
        }
        next.balance = balance + amount
        guard next.balance >= .zero else { throw .insufficientBalance(available: balance, needed: -amount) }
        next.references.insert(key)
        next.entryCount += 1
        self = next
    }

    /// Replays entries in order; the first that breaks a rule is reported with its position.
    public static func replay(_ entries: [(entry: LedgerEntry, reason: String?)]) -> Result<AccountState, ReplayFailure> {
        var state = AccountState()
        for (index, item) in entries.enumerated() {
            do {
                try state.apply(item.entry, reason: item.reason)
            } catch {
                return .failure(ReplayFailure(index: index, entry: item.entry, error: error))
            }
        }
        return .success(state)
    }

    public struct ReplayFailure: Error, Hashable, Sendable {
        public let index: Int
        public let entry: LedgerEntry
        public let error: LedgerError
    }
}
