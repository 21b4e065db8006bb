import FluentKit
import Foundation

/// One row of the append-only audit log. Only `AuditLog` writes it; nothing updates or deletes it.
public final class AuditRecordModel: Model, @unchecked Sendable {
    public static let schema = "audit_records"

    @ID(key: .id) public var id: UUID?
    @Field(key: "seq") public var seq: Int64
    /// Microseconds since 1970 (UTC): integers round-trip exactly through SQLite and PostgreSQL.
    @Field(key: "at_us") public var atMicros: Int64
    @OptionalField(key: "actor_user_id") public var actorUserID: UUID?
    @Field(key: "actor_label") public var actorLabel: String
    @OptionalField(key: "organisation_id") public var organisationID: UUID?
    @Field(key: "action") public var action: String
    @Field(key: "subject_type") public var subjectType: String
    @OptionalField(key: "subject_id") public var subjectID: String?
    @OptionalField(key: "source_ip") public var sourceIP: String?
    @Field(key: "details") public var details: String
    @Field(key: "prev_hash") public var prevHash: String
    @Field(key: "hash") public var hash: String

    public init() {}

    var chainFields: AuditChain.Fields {
        AuditChain.Fields(
            seq: seq, atMicros: atMicros, actorUserID: actorUserID?.uuidString ?? "", actorLabel: actorLabel,
            organisationID: organisationID?.uuidString ?? "", action: action, subjectType: subjectType,
            subjectID: subjectID ?? "", sourceIP: sourceIP ?? "", details: details, prevHash: prevHash)
    }

    public var at: Date { Date(timeIntervalSince1970: Double(atMicros) / 1_000_000) }
}

/// The single row that names the last record's sequence number and MAC. Writers update it in the same
/// transaction as the record, which serialises appends (a row lock on PostgreSQL) and lets `verify`
/// notice records removed from the end.
final class AuditHeadModel: Model, @unchecked Sendable {
    static let schema = "audit_head"
    @ID(custom: "id", generatedBy: .user) var id: Int?
    @Field(key: "seq") var seq: Int64
    @Field(key: "hash") var hash: String
    init() {}
}
