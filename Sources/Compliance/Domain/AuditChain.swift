import Crypto
import Foundation

/// The hash chain that makes the audit log tamper-evident (SPEC X2, T3).
///
/// Each record's MAC covers its own fields and the previous record's MAC, keyed with a secret held
/// outside the database (`audit.key`): someone who can write to the database but does not hold the
/// key cannot alter, remove or insert a record without `suanli audit verify` noticing.
public struct AuditChain: Sendable {
    public static let genesis = String(repeating: "0", count: 64)
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public init(key: [UInt8]) { keyBytes = key }

    public struct Fields: Sendable, Equatable {
        public var seq: Int64
        public var atMicros: Int64
        public var actorUserID: String
        public var actorLabel: String
        public var organisationID: String
        public var action: String
        public var subjectType: String
        public var subjectID: String
        public var sourceIP: String
        public var details: String
        public var prevHash: String

        public init(seq: Int64, atMicros: Int64, actorUserID: String, actorLabel: String, organisationID: String,
                    action: String, subjectType: String, subjectID: String, sourceIP: String, details: String,
                    prevHash: String) {
            self.seq = seq
            self.atMicros = atMicros
            self.actorUserID = actorUserID
            self.actorLabel = actorLabel
            self.organisationID = organisationID
            self.action = action
            self.subjectType = subjectType
            self.subjectID = subjectID
            self.sourceIP = sourceIP
            self.details = details
            self.prevHash = prevHash
        }
    }

    public func mac(_ f: Fields) -> String {
        // Length-prefixed fields, so that no two different records serialise to the same bytes.
        var bytes: [UInt8] = []
        for part in ["v1", String(f.seq), String(f.atMicros), f.actorUserID, f.actorLabel, f.organisationID,
                     f.action, f.subjectType, f.subjectID, f.sourceIP, f.details, f.prevHash] {
            let utf8 = Array(part.utf8)
            bytes += Array(String(utf8.count).utf8) + [0x3A] + utf8
        }
        let code = HMAC<SHA256>.authenticationCode(for: bytes, using: key)
        return code.map { String(format: "%02x", $0) }.joined()
    }
}

/// What `suanli audit verify` found.
public enum AuditVerification: Sendable, Equatable {
    case intact(records: Int64)
    /// The record's contents no longer match its MAC.
    case altered(seq: Int64)
    /// A record is missing before this sequence number (the chain skips it).
    case removed(beforeSeq: Int64)
    /// A record that was never written by the log sits at this sequence number.
    case inserted(seq: Int64)
    /// Records at the end were removed: the head says `expected`, the log ends at `found`.
    case truncated(expected: Int64, found: Int64)

    public var isIntact: Bool { if case .intact = self { true } else { false } }

    public var summary: String {
        switch self {
        case .intact(let n): "intact: \(n) records, chain and MACs verified"
        case .altered(let s): "ALTERED: record #\(s) does not match its MAC"
        case .removed(let s): "REMOVED: a record before #\(s) is missing from the chain"
        case .inserted(let s): "INSERTED: record #\(s) was not written by the audit log"
        case .truncated(let e, let f): "TRUNCATED: the log should end at #\(e) but ends at #\(f)"
        }
    }
}
