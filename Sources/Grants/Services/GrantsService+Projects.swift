import FluentKit
import Foundation
import SuanliKit

/// An approved project: the tenant of the compute platform (SPEC C1.6, C5.1).
public struct ProjectRecord: Sendable, Equatable {
    public var id: UUID
    public var reference: String
    public var applicationID: UUID
    public var programmeID: UUID
    public var organisationID: UUID
    public var roundID: String
    public var category: GrantCategory
    public var level: GrantLevel
    public var points: Int
    public var title: String
    public var companyName: String
    public var term: Term
    public var contacts: [ContactPerson]
    public var closeOut: CloseOutSubmission
    public var remindersSent: Set<Int>
    public var version: Int

    init(_ model: ProjectModel) throws {
        id = model.id!
        reference = model.reference
        applicationID = model.applicationID
        programmeID = model.programmeID
        organisationID = model.organisationID
        roundID = model.roundID
        category = GrantCategory(rawValue: model.category) ?? .training
        level = GrantLevel(rawValue: model.level) ?? .l1
        points = model.points
        title = model.title
        companyName = model.companyName
        guard let start = ROCDate.parse(model.termStart) else { throw GrantsFailure.notFound }
        term = Term(start: start)
        contacts = try GrantsJSON.decode([ContactPerson].self, from: model.contacts)
        closeOut = try GrantsJSON.decode(CloseOutSubmission.self, from: model.closeOut)
        remindersSent = Set(try GrantsJSON.decode([Int].self, from: model.remindersSent))
        version = model.version
    }

    public var schedule: CloseOutSchedule { CloseOutSchedule(term: term) }
}

extension GrantsService {
    // MARK: Award (SPEC C1.3, C1.6, C4.1)

    /// 核定: the ministry confirms an approved application; this creates the Project with its points
    /// and its 3-month term from the selection notice's day (or the day the operator sets), and
    /// notifies the company — all in one transaction.
    public func award(_ id: UUID, level: GrantLevel? = nil, reason: String? = nil, termStart: ROCDate? = nil,
                      expectedVersion: Int, by caller: GrantsCaller, on db: any Database) async throws
        -> ProjectRecord
    {
        try await db.transaction { tx in
            try await RowLock.lock(ApplicationModel.schema, id: id, on: tx)
            let model = try await visibleApplication(id, for: caller, on: tx)
            guard model.version == expectedVersion else { throw GrantsFailure.staleVersion }
            var progress = try model.decodedProgress()
            let now = clock.now()
            let start = termStart ?? ROCDate(now)
            guard start >= ROCDate(now).adding(days: -31) else {
                throw GrantsFailure.invalid([FieldError(field: "termStart",
                                                        zh: "使用期間起日不得早於核定日一個月以上。",
                                                        en: "The term cannot start more than a month before the award.")])
            }
            let step = try GrantsError.lift { () throws(GrantsError) in
                try progress.apply(.award(level: level, reason: reason), by: caller.actor, at: now)
            }
            guard let awarded = progress.level, let round = progress.round else { throw GrantsFailure.notFound }
            try model.store(progress)
            model.version += 1
            try await model.save(on: tx)
            let form = try model.decodedForm()
            let term = Term(start: start)
            let project = ProjectModel()
            project.id = UUID()
            project.reference = model.reference
            project.applicationID = id
            project.programmeID = model.programmeID
            project.organisationID = model.organisationID
            project.roundID = round.rawValue
            project.category = model.category
            project.level = awarded.rawValue
            project.points = awarded.points
            project.title = model.title
            project.companyName = model.companyName
            project.termStart = term.start.isoForm
            project.termEnd = term.lastDay.isoForm
            project.contacts = try GrantsJSON.encode([form.projectLead, form.projectContact])
            project.closeOut = try GrantsJSON.encode(CloseOutSubmission())
            project.remindersSent = "[]"
            project.overdueNotified = false
            project.version = 1
            try await project.create(on: tx)
            try await record("grants.application.award", subject: "application", id: id.uuidString, by: caller,
                             organisation: model.organisationID,
                             details: ["reference": model.reference, "level": awarded.rawValue,
                                       "points": String(awarded.points), "term": "\(term.start.isoForm)..\(term.lastDay.isoForm)",
                                       "project": project.id!.uuidString, "reason": step.reason ?? ""], on: tx)
            let termLine = Bilingual(
                zh: "核定點數 \(awarded.points) 點；使用期間：\(term.start.longForm) 至 \(term.lastDay.longForm)。",
                en: "\(awarded.points) points; term \(term.start.isoForm) to \(term.lastDay.isoForm).")
            try await notify(model, step, extra: [termLine], on: tx)
            let record = try ProjectRecord(project)
            try await awardedPoints?.projectAwarded(record, by: caller, on: tx)
            return record
        }
    }

    // MARK: Projects

    public func projects(of caller: GrantsCaller, on db: any Database) async throws -> [ProjectRecord] {
        let query = ProjectModel.query(on: db).sort(\.$termStart, .descending)
        switch caller.role {
        case .applicant:
            guard let org = caller.organisationID else { throw GrantsFailure.forbidden }
            query.filter(\.$organisationID == org)
        case .operator, .ministry: break
        default: throw GrantsFailure.forbidden
        }
        return try await query.all().map(ProjectRecord.init)
    }

    public func project(_ id: UUID, for caller: GrantsCaller, on db: any Database) async throws -> ProjectRecord {
        guard let model = try await ProjectModel.find(id, on: db) else { throw GrantsFailure.notFound }
        switch caller.role {
        case .applicant: guard model.organisationID == caller.organisationID else { throw GrantsFailure.notFound }
        case .operator, .ministry, .system: break
        default: throw GrantsFailure.notFound
        }
        return try ProjectRecord(model)
    }

    /// The approved projects as published on the portal (SPEC C4.1 "approval published"): company,
    /// title, category, level, round — no scores, nothing from the forms.
    public func publishedProjects(on db: any Database) async throws -> [ProjectRecord] {
        try await ProjectModel.query(on: db).sort(\.$roundID).sort(\.$category).sort(\.$reference).all()
            .map(ProjectRecord.init)
    }

    // MARK: Close-out (SPEC C7.1)

    /// Hands in one close-out item: a file (stored as an attachment of the project) or the demo link.
    public func handInCloseOut(_ projectID: UUID, item: CloseOutItem, text: String?, file: IncomingFile?,
                               showcaseOptIn: Bool?, by caller: GrantsCaller, on db: any Database) async throws
        -> ProjectRecord
    {
        guard caller.role == .applicant else { throw GrantsFailure.forbidden }
        return try await db.transaction { tx in
            try await RowLock.lock(ProjectModel.schema, id: projectID, on: tx)
            guard let model = try await ProjectModel.find(projectID, on: tx),
                  model.organisationID == caller.organisationID
            else { throw GrantsFailure.notFound }
            let project = try ProjectRecord(model)
            let now = clock.now()
            guard project.term.lastDay < ROCDate(now) else {
                throw UserFacingError(.conflict, code: "grants.closeOut.termRunning",
                                      zh: "使用期間結束後才能繳交結案資料（期間至 \(project.term.lastDay.longForm)）。",
                                      en: "Close-out items are handed in after the term ends "
                                        + "(\(project.term.lastDay.isoForm)).")
            }
            var submission = project.closeOut
            var value = text ?? ""
            if item != .demoVideo {
                guard let file else {
                    throw GrantsFailure.invalid([FieldError(field: "file", zh: "請選擇要上傳的檔案。",
                                                            en: "Choose a file to upload.")])
                }
                let purpose: AttachmentPurpose = item == .report ? .closeOutReport : .closeOutSlides
                let stored = try await storeAttachment(file, purpose: purpose, applicationID: nil,
                                                       projectID: projectID, organisationID: model.organisationID,
                                                       existing: [], by: caller, on: tx)
                value = stored.id.uuidString
            }
            try GrantsError.lift { () throws(GrantsError) in try submission.hand(item, value, at: now) }
            if let showcaseOptIn { submission.showcaseOptIn = showcaseOptIn }
            model.closeOut = try GrantsJSON.encode(submission)
            model.closeOutCompletedAt = submission.completedAt
            model.version += 1
            try await model.save(on: tx)
            try await record("grants.closeout.handed_in", subject: "project", id: projectID.uuidString, by: caller,
                             organisation: model.organisationID,
                             details: ["item": item.rawValue, "complete": submission.missing.isEmpty ? "yes" : "no"],
                             on: tx)
            return try ProjectRecord(model)
        }
    }

    /// Projects whose close-out is late, for the operator's overdue list.
    public func overdueCloseOuts(by caller: GrantsCaller, on db: any Database) async throws
        -> [(project: ProjectRecord, status: CloseOutStatus)]
    {
        try Self.require(caller, [.operator, .ministry])
        let now = clock.now()
        return try await ProjectModel.query(on: db).filter(\.$closeOutCompletedAt == nil).all()
            .map(ProjectRecord.init)
            .map { ($0, $0.schedule.status(at: now, submission: $0.closeOut)) }
            .filter { $0.1.isOverdue }
    }
}
