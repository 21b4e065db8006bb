import Foundation
import SuanliKit

/// What a project's points pay for: model tokens (inference) or GPU time (training). Both are kept in
/// ticks (`LedgerAmount`); the kind decides how usage is charged.
public enum AccountKind: String, Sendable, CaseIterable, Codable {
    case inference
    case training
}

public enum AccountStatus: String, Sendable, Codable {
    case open
    /// Term over and the remainder expired; nothing more can be reserved or charged.
    case closed
}

/// A point account as one read gives it (SPEC C5.6: remaining points at any time).
public struct AccountSnapshot: Sendable, Equatable {
    public var id: UUID
    public var projectID: UUID
    public var organisationID: UUID
    public var kind: AccountKind
    public var status: AccountStatus
    /// First instant of the term and the first instant after it (UTC).
    public var termStart: Date
    public var termEnd: Date
    public var granted: LedgerAmount
    /// What may still be reserved: granted ± adjustments − used − held.
    public var balance: LedgerAmount
    /// Held by reservations of requests still running.
    public var held: LedgerAmount
    public var used: LedgerAmount
    /// Inference: the running token total the carry rule charges from (`InferenceMetering`).
    public var tokensMetered: Int
    public var entryCount: Int

    /// Running requests' holds count as not spent: what the tenant has left if they all stopped now.
    public var remaining: LedgerAmount { balance + held }

    public func isRunning(at instant: Date) -> Bool { status == .open && termStart <= instant && instant < termEnd }
}

/// Who wrote an entry, for the entry itself and the audit log.
public struct LedgerActor: Sendable, Equatable {
    public var label: String
    public var userID: UUID?
    public var sourceIP: String?

    public init(label: String, userID: UUID? = nil, sourceIP: String? = nil) {
        self.label = label
        self.userID = userID
        self.sourceIP = sourceIP
    }

    public static let system = LedgerActor(label: "system")
}

/// One request's (or one metering interval's) measured use, with its exact counts.
public struct UsageRecord: Sendable, Equatable {
    /// The request's ID: settling the same request twice bills it once.
    public var request: String
    public var model: String
    public var promptTokens: Int
    public var completionTokens: Int
    public var gpuSeconds: Int
    public var at: Date

    public init(request: String, model: String, promptTokens: Int = 0, completionTokens: Int = 0,
                gpuSeconds: Int = 0, at: Date) {
        self.request = request
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.gpuSeconds = gpuSeconds
        self.at = at
    }

    public var tokens: Int { promptTokens + completionTokens }
}

/// What a settlement wrote.
public struct Settlement: Sendable, Equatable {
    /// Each newly billed request's charge.
    public var charges: [String: LedgerAmount]
    /// Requests that had already been billed, skipped (idempotent retries).
    public var alreadyBilled: [String]
    public var released: LedgerAmount
    public var account: AccountSnapshot
}

/// One row of the daily roll-up (SPEC C5.6: daily usage and per-model breakdown).
public struct DailyUsage: Sendable, Equatable {
    /// yyyy-MM-dd, Asia/Taipei.
    public var day: String
    public var model: String
    public var requests: Int
    public var promptTokens: Int
    public var completionTokens: Int
    public var gpuSeconds: Int
    public var used: LedgerAmount
}

/// The calendar day (Asia/Taipei) a usage belongs to, as the roll-up keys it.
public enum LedgerDay {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Taipei")!
        return calendar
    }()

    public static func key(for instant: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        let (y, m, d) = (parts.year!, parts.month!, parts.day!)
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
    }
}
