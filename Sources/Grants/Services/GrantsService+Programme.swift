import FluentKit
import SQLKit
import Foundation
import SuanliKit

/// A programme as stored: the editable draft, then the published, versioned programme (SPEC C1).
public struct StoredProgramme: Sendable, Equatable {
    public var id: UUID
    public var code: String
    public var isPublished: Bool
    public var settings: ProgrammeSettings
    public var programme: Programme?
    public var version: Int

    init(_ model: ProgrammeModel) throws {
        id = model.id!
        code = model.code
        isPublished = model.status == "published"
        programme = try model.published.map { try GrantsJSON.decode(Programme.self, from: $0) }
        settings = try programme?.settings ?? GrantsJSON.decode(ProgrammeSettings.self, from: model.settings)
        version = model.version
    }

    public var programmeID: ProgrammeID { ProgrammeID(id.uuidString) }

    public func round(_ id: String?) -> Round? { settings.rounds.first { $0.id.rawValue == id } }
}

extension GrantsService {
    /// The programme applicants see: the newest published one, else nil.
    public func currentProgramme(on db: any Database) async throws -> StoredProgramme? {
        guard let model = try await ProgrammeModel.query(on: db).filter(\.$status == "published")
            .sort(\.$createdAt, .descending).first()
        else { return nil }
        return try StoredProgramme(model)
    }

    public func programmes(on db: any Database) async throws -> [StoredProgramme] {
        try await ProgrammeModel.query(on: db).sort(\.$code, .descending).all().map(StoredProgramme.init)
    }

    public func programme(_ id: UUID, on db: any Database) async throws -> StoredProgramme {
        guard let model = try await ProgrammeModel.find(id, on: db) else { throw GrantsFailure.notFound }
        return try StoredProgramme(model)
    }

    func requireCurrentProgramme(on db: any Database) async throws -> StoredProgramme {
        guard let programme = try await currentProgramme(on: db) else { throw GrantsFailure.noProgramme }
        return programme
    }

    /// Creates or replaces an unpublished draft (SPEC C1). Published programmes change only by amendment.
    @discardableResult
    public func saveDraftProgramme(code: String, settings: ProgrammeSettings, expectedVersion: Int?,
                                   by caller: GrantsCaller, on db: any Database) async throws -> StoredProgramme {
        try Self.require(caller, [.operator, .ministry])
        let code = code.trimmingWhitespace()
        guard !code.isEmpty, code.count <= 20, code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw GrantsFailure.invalid([FieldError(field: "code", zh: "計畫代碼請用 1–20 個英數字或連字號，例如 2026。",
                                                    en: "Use 1–20 letters, digits or hyphens for the code, e.g. 2026.")])
        }
        return try await db.transaction { tx in
            let model = try await ProgrammeModel.query(on: tx).filter(\.$code == code).first() ?? ProgrammeModel()
            if model.id != nil {
                guard model.status == "draft" else { throw GrantsError.scoringRulesFrozen(
                    Bilingual(zh: "已公告的計畫只能以修訂方式變更", en: "A published programme changes only by amendment"))
                    .userFacing }
                guard model.version == expectedVersion else { throw GrantsFailure.staleVersion }
                model.version += 1
            } else {
                model.id = UUID()
                model.code = code
                model.status = "draft"
                model.version = 1
            }
            model.settings = try GrantsJSON.encode(settings)
            try await model.save(on: tx)
            try await record("grants.programme.draft_saved", subject: "programme", id: model.id!.uuidString,
                             by: caller, details: ["code": code], on: tx)
            return try StoredProgramme(model)
        }
    }

    /// Publishes the draft: from now on applications can be filed and the settings are read-only.
    public func publishProgramme(_ id: UUID, by caller: GrantsCaller, on db: any Database) async throws
        -> StoredProgramme
    {
        try await db.transaction { tx in
            guard let model = try await ProgrammeModel.find(id, on: tx) else { throw GrantsFailure.notFound }
            guard model.status == "draft" else { throw GrantsFailure.notEditable }
            let settings = try GrantsJSON.decode(ProgrammeSettings.self, from: model.settings)
            let programme = try GrantsError.lift { () throws(GrantsError) in
                try Programme.publish(ProgrammeID(id.uuidString), settings: settings, by: caller.actor,
                                      at: clock.now())
            }
            model.status = "published"
            model.published = try GrantsJSON.encode(programme)
            model.version += 1
            try await model.save(on: tx)
            try await record("grants.programme.published", subject: "programme", id: id.uuidString, by: caller,
                             details: ["code": model.code], on: tx)
            return try StoredProgramme(model)
        }
    }

    /// An audited amendment of a published programme (new version, reason kept with it).
    public func amendProgramme(_ id: UUID, changes: [Amendment.Change], reason: String, expectedVersion: Int,
                               by caller: GrantsCaller, on db: any Database) async throws -> StoredProgramme {
        try Self.require(caller, [.operator, .ministry])
        return try await db.transaction { tx in
            guard let model = try await ProgrammeModel.find(id, on: tx), let published = model.published else {
                throw GrantsFailure.notFound
            }
            guard model.version == expectedVersion else { throw GrantsFailure.staleVersion }
            let current = try GrantsJSON.decode(Programme.self, from: published)
            let amendment = Amendment(changes: changes, reason: reason, actor: caller.actor, at: clock.now())
            let amended = try GrantsError.lift { () throws(GrantsError) in try current.amended(by: amendment) }
            model.published = try GrantsJSON.encode(amended)
            model.settings = try GrantsJSON.encode(amended.settings)
            model.version += 1
            try await model.save(on: tx)
            if changes.contains(where: \.changesScoring) {
                let sql = try Self.sql(tx)
                // Stored sheet figures were worked out with the old rubric or bonus points: drop them, and
                // the ranking works those sheets out again from the sheets themselves.
                try await sql.raw("""
                    UPDATE grant_score_sheets SET total_exact = NULL, heaviest_score = NULL
                    WHERE application_id IN (SELECT id FROM grant_applications WHERE programme_id = \(bind: id))
                    """).run()
            }
            try await record("grants.programme.amended", subject: "programme", id: id.uuidString, by: caller,
                             details: ["version": String(amended.version), "reason": amendment.reason,
                                       "changes": changes.map(\.label.en).joined(separator: "; ")], on: tx)
            return try StoredProgramme(model)
        }
    }
}
