import Foundation

/// One thing that happened, as the audit log records it (SPEC X2, C6.4, T3): who, on behalf of which
/// organisation, did what to which subject, when, from where, with what details.
public struct AuditEntry: Sendable, Equatable {
    public var actorUserID: UUID?
    /// Human-readable actor: an e-mail, "system", or "cli:<user>" for administrator commands.
    public var actorLabel: String
    public var organisationID: UUID?
    /// Dotted event type, e.g. "user.login.succeeded", "organisation.member.invited".
    public var action: String
    public var subjectType: String
    public var subjectID: String?
    public var sourceIP: String?
    /// Extra facts as sorted key/value pairs (never secrets or passwords).
    public var details: [String: String]

    public init(
        actorUserID: UUID? = nil, actorLabel: String, organisationID: UUID? = nil, action: String,
        subjectType: String, subjectID: String? = nil, sourceIP: String? = nil, details: [String: String] = [:]
    ) {
        self.actorUserID = actorUserID
        self.actorLabel = actorLabel
        self.organisationID = organisationID
        self.action = action
        self.subjectType = subjectType
        self.subjectID = subjectID
        self.sourceIP = sourceIP
        self.details = details
    }

    /// Details as canonical JSON: keys sorted, so the same facts always hash the same.
    public var canonicalDetails: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(details)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
