import Foundation

/// What an entry records. Entries are append-only; an account's balance is the sum of its entries'
/// amounts, so it is always what the project may still spend (held reservations already taken off).
public enum LedgerEntryKind: String, Sendable, CaseIterable, Codable {
    /// The award's points, once per account (positive).
    case grant
    /// Held for a request (or an instance's lease of a slice) before it runs (negative).
    case reservation
    /// What a request actually cost (zero or negative), always settled against a reservation.
    case usage
    /// A reservation's hold given back when it is settled or abandoned (positive, at most what is held).
    case release
    /// An operator's correction, with a reason (either sign, never zero).
    case adjustment
    /// What is left at term end, taken off (zero or negative); the account then closes.
    case expiry

    public var zh: String {
        switch self {
        case .grant: "核定點數"
        case .reservation: "預留"
        case .usage: "使用"
        case .release: "釋回"
        case .adjustment: "人工調整"
        case .expiry: "期滿失效"
        }
    }

    public var en: String {
        switch self {
        case .grant: "Grant"
        case .reservation: "Reservation"
        case .usage: "Usage"
        case .release: "Release"
        case .adjustment: "Adjustment"
        case .expiry: "Expiry"
        }
    }
}

/// One entry as the rules see it. `reference` makes writes idempotent: the store refuses a second
/// entry of the same kind and reference (a request's usage is referenced by the request's ID, so
/// settling it twice bills it once). `hold` names the reservation a usage or release belongs to.
public struct LedgerEntry: Hashable, Sendable {
    public var kind: LedgerEntryKind
    public var amount: LedgerAmount
    public var reference: String
    public var hold: String?
    /// Metered tokens of a usage entry (inference), so a replay rebuilds the running total.
    public var tokens: Int

    public init(kind: LedgerEntryKind, amount: LedgerAmount, reference: String, hold: String? = nil, tokens: Int = 0) {
        self.kind = kind
        self.amount = amount
        self.reference = reference
        self.hold = hold
        self.tokens = tokens
    }

    public static func grant(_ amount: LedgerAmount, reference: String) -> LedgerEntry {
        LedgerEntry(kind: .grant, amount: amount, reference: reference)
    }

    public static func reservation(_ amount: LedgerAmount, reference: String) -> LedgerEntry {
        LedgerEntry(kind: .reservation, amount: -amount, reference: reference)
    }

    public static func release(_ amount: LedgerAmount, hold: String, reference: String? = nil) -> LedgerEntry {
        LedgerEntry(kind: .release, amount: amount, reference: reference ?? hold, hold: hold)
    }

    public static func usage(_ amount: LedgerAmount, request: String, hold: String, tokens: Int) -> LedgerEntry {
        LedgerEntry(kind: .usage, amount: -amount, reference: request, hold: hold, tokens: tokens)
    }
}
