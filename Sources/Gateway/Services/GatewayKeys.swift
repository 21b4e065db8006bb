import Compliance
import FluentKit
import Foundation
import SuanliKit

/// An inference project as the gateway needs to know it, exported by Grants through the composition
/// root (ARCHITECTURE: contexts talk through small protocols).
public struct GatewayProject: Sendable, Equatable {
    public var id: UUID
    public var organisationID: UUID
    public var reference: String
    public var title: String

    public init(id: UUID, organisationID: UUID, reference: String, title: String) {
        self.id = id
        self.organisationID = organisationID
        self.reference = reference
        self.title = title
    }
}

public protocol GatewayProjects: Sendable {
    /// The organisation's inference project with this ID, or nil (not theirs, not inference, unknown).
    func inferenceProject(_ id: UUID, organisation: UUID, on db: any Database) async throws -> GatewayProject?
}

/// Who manages a key: a member of the project's company, for the key and the audit log.
public struct KeyActor: Sendable, Equatable {
    public var userID: UUID
    public var label: String
    public var organisationID: UUID
    public var sourceIP: String?

    public init(userID: UUID, label: String, organisationID: UUID, sourceIP: String?) {
        self.userID = userID
        self.label = label
        self.organisationID = organisationID
        self.sourceIP = sourceIP
    }
}

/// A key as pages and the API list it: never the key, only its prefix.
public struct KeySummary: Sendable, Equatable {
    public var id: UUID
    public var projectID: UUID
    public var name: String
    public var prefix: String
    public var policy: KeyPolicy
    public var createdAt: Date
    public var createdBy: String
    public var lastUsedAt: Date?
    public var revokedAt: Date?
}

/// A presented key that is valid now: whose it is and what it may do.
public struct AuthenticatedKey: Sendable, Equatable {
    public var id: UUID
    public var prefix: String
    public var projectID: UUID
    public var organisationID: UUID
    public var policy: KeyPolicy
}

/// Creating, listing, rotating and revoking inference API keys (issue 4, item 2), and checking a
/// presented key. Keys are scoped to one project of one company: another company's key IDs answer
/// "not found". Every change is audited.
public struct GatewayKeys: Sendable {
    public let audit: AuditLog
    public let projects: any GatewayProjects
    public var clock: any WallClock { audit.clock }

    public init(audit: AuditLog, projects: any GatewayProjects) {
        self.audit = audit
        self.projects = projects
    }

    public struct Created: Sendable, Equatable {
        /// The key itself — shown this once.
        public var key: String
        public var summary: KeySummary
    }

    static let notFound = UserFacingError(.notFound, code: "gateway.key.notFound", zh: "找不到這把 API 金鑰。",
                                          en: "No such API key.")

    public func create(project projectID: UUID, name rawName: String, policy: KeyPolicy, by actor: KeyActor,
                       on db: any Database) async throws -> Created {
        guard let project = try await projects.inferenceProject(projectID, organisation: actor.organisationID, on: db) else {
            throw UserFacingError(.notFound, code: "gateway.project.notFound", zh: "找不到這個推論計畫，或您沒有權限。",
                                  en: "No such inference project, or it is not yours.")
        }
        let name = try Self.checkedName(rawName)
        let problems = policy.problems(now: clock.now())
        guard problems.isEmpty else {
            throw UserFacingError(.invalidInput, code: "gateway.key.invalid", zh: "金鑰設定有 \(problems.count) 處需要修正。",
                                  en: "\(problems.count) key setting(s) need correcting.", fields: problems)
        }
        return try await db.transaction { tx in
            try await self.insert(project: project, name: name, policy: policy, replaces: nil, by: actor, on: tx)
        }
    }

    func insert(project: GatewayProject, name: String, policy: KeyPolicy, replaces: UUID?, by actor: KeyActor,
                on db: any Database) async throws -> Created {
        let issued = APIKeyFormat.issue()
        let model = GatewayKeyModel()
        model.id = UUID()
        model.organisationID = project.organisationID
        model.projectID = project.id
        model.name = name
        model.prefix = issued.prefix
        model.keyDigest = issued.digest
        model.policy = String(decoding: try JSONEncoder.sorted.encode(policy), as: UTF8.self)
        model.createdBy = actor.label
        model.createdAt = clock.now()
        model.replacesID = replaces
        try await model.create(on: db)
        try await audit.record(AuditEntry(
            actorUserID: actor.userID, actorLabel: actor.label, organisationID: project.organisationID,
            action: replaces == nil ? "gateway.key.created" : "gateway.key.rotated", subjectType: "apiKey",
            subjectID: model.id!.uuidString, sourceIP: actor.sourceIP,
            details: ["project": project.reference, "name": name, "prefix": issued.prefix,
                      "models": policy.models.joined(separator: ","),
                      "rpm": policy.requestsPerMinute.map(String.init) ?? "", "tpm": policy.tokensPerMinute.map(String.init) ?? "",
                      "replaces": replaces?.uuidString ?? ""]), on: db)
        return Created(key: issued.key, summary: try Self.summary(model))
    }

    public func list(project projectID: UUID, organisation: UUID, includeRevoked: Bool = false,
                     on db: any Database) async throws -> [KeySummary] {
        let query = GatewayKeyModel.query(on: db).filter(\.$projectID == projectID)
            .filter(\.$organisationID == organisation)
        if !includeRevoked { query.filter(\.$revokedAt == nil) }
        return try await query.sort(\.$createdAt, .descending).all().map(Self.summary)
    }

    /// Revokes a key at once; requests with it are refused from then on (401).
    public func revoke(_ id: UUID, by actor: KeyActor, on db: any Database) async throws {
        try await db.transaction { tx in
            let model = try await self.owned(id, by: actor, on: tx)
            model.revokedAt = self.clock.now()
            try await model.save(on: tx)
            try await self.audit.record(AuditEntry(
                actorUserID: actor.userID, actorLabel: actor.label, organisationID: model.organisationID,
                action: "gateway.key.revoked", subjectType: "apiKey", subjectID: id.uuidString, sourceIP: actor.sourceIP,
                details: ["prefix": model.prefix, "name": model.name]), on: tx)
        }
    }

    /// A new key with the same name and policy; the old one is revoked in the same transaction.
    public func rotate(_ id: UUID, by actor: KeyActor, on db: any Database) async throws -> Created {
        try await db.transaction { tx in
            let model = try await self.owned(id, by: actor, on: tx)
            guard let project = try await self.projects.inferenceProject(model.projectID, organisation: actor.organisationID,
                                                                        on: tx) else { throw Self.notFound }
            model.revokedAt = self.clock.now()
            try await model.save(on: tx)
            let policy = try JSONDecoder().decode(KeyPolicy.self, from: Data(model.policy.utf8))
            return try await self.insert(project: project, name: model.name, policy: policy, replaces: id, by: actor, on: tx)
        }
    }

    /// The key behind a presented secret, if it is ours, not revoked and not expired.
    public func authenticate(_ presented: String, on db: any Database) async throws -> AuthenticatedKey? {
        guard let digest = APIKeyFormat.digest(ofPresented: presented),
              let model = try await GatewayKeyModel.query(on: db).filter(\.$keyDigest == digest).first(),
              model.revokedAt == nil else { return nil }
        let policy = try JSONDecoder().decode(KeyPolicy.self, from: Data(model.policy.utf8))
        let now = clock.now()
        guard !policy.isExpired(at: now) else { return nil }
        if model.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            model.lastUsedAt = now
            try await model.save(on: db)
        }
        return AuthenticatedKey(id: model.id!, prefix: model.prefix, projectID: model.projectID,
                                organisationID: model.organisationID, policy: policy)
    }

    func owned(_ id: UUID, by actor: KeyActor, on db: any Database) async throws -> GatewayKeyModel {
        guard let model = try await GatewayKeyModel.query(on: db).filter(\.$id == id)
            .filter(\.$organisationID == actor.organisationID).filter(\.$revokedAt == nil).first() else {
            throw Self.notFound
        }
        return model
    }

    static func checkedName(_ raw: String) throws -> String {
        let name = raw.trimmingWhitespace()
        guard !name.isEmpty, name.count <= 60, !name.hasControlCharacters else {
            throw UserFacingError(.invalidInput, code: "gateway.key.name", zh: "請為金鑰命名（60 字以內）。",
                                  en: "Name the key (up to 60 characters).",
                                  fields: [FieldError(field: "name", zh: "請填寫 1–60 字的名稱。",
                                                      en: "Enter a name of 1–60 characters.")])
        }
        return name
    }

    static func summary(_ model: GatewayKeyModel) throws -> KeySummary {
        KeySummary(id: model.id!, projectID: model.projectID, name: model.name, prefix: model.prefix,
                   policy: try JSONDecoder().decode(KeyPolicy.self, from: Data(model.policy.utf8)),
                   createdAt: model.createdAt, createdBy: model.createdBy, lastUsedAt: model.lastUsedAt,
                   revokedAt: model.revokedAt)
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
