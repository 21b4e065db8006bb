import FluentKit
import SQLKit
import Foundation
import SuanliKit

public struct ReviewerSummary: Sendable, Equatable {
    public var userID: UUID
    public var name: String
    public var email: String
    public var categories: [GrantCategory]
    public var active: Bool
    /// Assignments not removed by a conflict.
    public var load: Int
}

public struct AssignmentSummary: Sendable, Equatable {
    public var applicationID: UUID
    public var reference: String
    public var title: String
    public var companyName: String
    public var category: GrantCategory
    public var status: ApplicationStatus
    public var reviewerUserID: UUID
    public var reviewerName: String
    public var method: String
    /// "undeclared", "none" or "conflict".
    public var conflict: String
    public var removed: Bool
    public var sheetSubmitted: Bool
}

/// The scores a reviewer enters (SPEC C4.4): per criterion 0–100 with comments, bonus items granted,
/// an overall comment. `submit` locks the sheet.
public struct ScoreEntry: Sendable, Equatable {
    public var scores: [CriterionKey: Int]
    public var comments: [CriterionKey: String]
    public var overallComment: String
    public var bonus: Set<BonusItem>
    public var submit: Bool

    public init(scores: [CriterionKey: Int], comments: [CriterionKey: String] = [:], overallComment: String,
                bonus: Set<BonusItem> = [], submit: Bool) {
        self.scores = scores
        self.comments = comments
        self.overallComment = overallComment
        self.bonus = bonus
        self.submit = submit
    }
}

/// A ranked row with what the operator's ranking page shows.
public struct RankingRow: Sendable, Equatable {
    public var rank: Int?
    public var applicationID: UUID
    public var reference: String
    public var title: String
    public var companyName: String
    public var status: ApplicationStatus
    public var level: GrantLevel?
    public var isStartup: Bool
    public var mean: Score?
    public var spread: Score?
    public var widelyDisagree: Bool
    public var reviewerTotals: [Score]
    public var sheetsSubmitted: Int
    public var reviewersAssigned: Int
}

extension GrantsService {
    // MARK: Reviewer pool

    public func reviewers(programme: UUID, on db: any Database) async throws -> [ReviewerSummary] {
        let pool = try await ReviewerModel.query(on: db).filter(\.$programmeID == programme).sort(\.$name).all()
        var load: [UUID: Int] = [:]
        if let sql = db as? any SQLDatabase {
            // This programme's assignments only, counted in the database.
            struct Row: Decodable { var reviewer_user_id: UUID; var n: Int }
            let rows = try await sql.raw("""
                SELECT a.reviewer_user_id, COUNT(*) AS n FROM grant_assignments a
                JOIN grant_applications p ON p.id = a.application_id
                WHERE p.programme_id = \(bind: programme) AND a.removed_at IS NULL
                GROUP BY a.reviewer_user_id
                """).all(decoding: Row.self)
            for row in rows { load[row.reviewer_user_id] = row.n }
        }
        return pool.map { model in
            ReviewerSummary(userID: model.userID, name: model.name, email: model.email,
                            categories: model.categories.split(separator: ",").compactMap {
                                GrantCategory(rawValue: String($0)) },
                            active: model.active, load: load[model.userID] ?? 0)
        }
    }

    /// Adds a reviewer account (role reviewer, created with `suanli admin create-user`) to the pool.
    public func addReviewer(programme: UUID, userID: UUID, categories: [GrantCategory], by caller: GrantsCaller,
                            on db: any Database) async throws {
        try Self.require(caller, [.operator])
        guard let person = try await directory.staff(userID, on: db),
              try await directory.staff(role: .reviewer, on: db).contains(where: { $0.userID == userID })
        else {
            throw GrantsFailure.invalid([FieldError(field: "reviewer", zh: "找不到這位審查委員的帳號。",
                                                    en: "No reviewer account with that identity.")])
        }
        let categories = categories.isEmpty ? GrantCategory.allCases : categories
        try await db.transaction { tx in
            let model = try await ReviewerModel.query(on: tx).filter(\.$programmeID == programme)
                .filter(\.$userID == userID).first() ?? ReviewerModel()
            if model.id == nil {
                model.id = UUID()
                model.programmeID = programme
                model.userID = userID
                model.addedAt = clock.now()
            }
            model.name = person.name
            model.email = person.email
            model.categories = categories.map(\.rawValue).joined(separator: ",")
            model.active = true
            try await model.save(on: tx)
            try await record("grants.reviewer.added", subject: "reviewer", id: userID.uuidString, by: caller,
                             details: ["categories": model.categories], on: tx)
        }
    }

    // MARK: Assignment (SPEC C4.4)

    public func assignments(of application: UUID, on db: any Database) async throws -> [AssignmentSummary] {
        try await assignmentSummaries(AssignmentModel.query(on: db).filter(\.$applicationID == application), on: db)
    }

    /// The reviewer's own list.
    public func myAssignments(by caller: GrantsCaller, on db: any Database) async throws -> [AssignmentSummary] {
        guard caller.role == .reviewer else { throw GrantsFailure.forbidden }
        return try await assignmentSummaries(
            AssignmentModel.query(on: db).filter(\.$reviewerUserID == caller.userID).filter(\.$removedAt == nil),
            on: db)
    }

    func assignmentSummaries(_ query: QueryBuilder<AssignmentModel>, on db: any Database) async throws
        -> [AssignmentSummary]
    {
        let rows = try await query.sort(\.$assignedAt).all()
        guard !rows.isEmpty else { return [] }
        let apps = try await ApplicationModel.query(on: db).filter(\.$id ~~ Set(rows.map(\.applicationID))).all()
        let byID = Dictionary(uniqueKeysWithValues: apps.map { ($0.id!, $0) })
        let sheets = try await ScoreSheetModel.query(on: db).filter(\.$applicationID ~~ Set(rows.map(\.applicationID)))
            .all()
        let submitted = Set(sheets.filter { $0.submittedAt != nil }.map { "\($0.applicationID)|\($0.reviewerUserID)" })
        let names = Dictionary(try await ReviewerModel.query(on: db).all().map { ($0.userID, $0.name) }) { a, _ in a }
        return rows.compactMap { row in
            guard let app = byID[row.applicationID] else { return nil }
            return AssignmentSummary(
                applicationID: row.applicationID, reference: app.reference, title: app.title,
                companyName: app.companyName, category: GrantCategory(rawValue: app.category) ?? .training,
                status: ApplicationStatus(rawValue: app.status) ?? .draft, reviewerUserID: row.reviewerUserID,
                reviewerName: names[row.reviewerUserID] ?? "", method: row.method, conflict: row.conflict,
                removed: row.removedAt != nil,
                sheetSubmitted: submitted.contains("\(row.applicationID)|\(row.reviewerUserID)"))
        }
    }

    /// Current assignments and declared conflicts of some applications, in domain form.
    func reviewState(_ applications: [UUID], on db: any Database) async throws
        -> (ReviewAssignments, ConflictRegister, [AssignmentModel])
    {
        let rows = try await AssignmentModel.query(on: db).filter(\.$applicationID ~~ Set(applications)).all()
        var byApp: [ApplicationID: Set<ReviewerID>] = [:]
        var declarations: [ConflictDeclaration] = []
        for row in rows {
            let app = ApplicationID(row.applicationID.uuidString), reviewer = ReviewerID(row.reviewerUserID.uuidString)
            if row.removedAt == nil { byApp[app, default: []].insert(reviewer) }
            if row.conflict == "conflict" {
                declarations.append(ConflictDeclaration(reviewer: reviewer, application: app,
                                                        reason: row.conflictReason ?? "",
                                                        declaredAt: row.declaredAt ?? .distantPast))
            }
        }
        return (ReviewAssignments(byApp), ConflictRegister(declarations), rows)
    }

    /// Assigns one reviewer by hand; refused for a declared conflict or a second assignment.
    public func assign(_ application: UUID, reviewer: UUID, by caller: GrantsCaller, on db: any Database)
        async throws
    {
        try Self.require(caller, [.operator])
        try await db.transaction { tx in
            let model = try await visibleApplication(application, for: caller, on: tx)
            try Self.requireInReview(model)
            guard let pool = try await ReviewerModel.query(on: tx).filter(\.$programmeID == model.programmeID)
                .filter(\.$userID == reviewer).filter(\.$active == true).first(),
                  pool.categories.contains(model.category)
            else {
                throw GrantsFailure.invalid([FieldError(field: "reviewer",
                                                        zh: "這位委員不在本計畫此類別的審查委員名單中。",
                                                        en: "This reviewer is not in the programme's pool for this category.")])
            }
            var (assignments, conflicts, _) = try await reviewState([application], on: tx)
            try GrantsError.lift { () throws(GrantsError) in
                try assignments.assign(ReviewerID(reviewer.uuidString), to: ApplicationID(application.uuidString),
                                       conflicts: conflicts)
            }
            try await storeAssignment(application, reviewer: reviewer, method: "manual", by: caller, on: tx)
        }
    }

    func storeAssignment(_ application: UUID, reviewer: UUID, method: String, by caller: GrantsCaller,
                         on db: any Database) async throws {
        let row = AssignmentModel()
        row.id = UUID()
        row.applicationID = application
        row.reviewerUserID = reviewer
        row.assignedBy = caller.label
        row.assignedAt = clock.now()
        row.method = method
        row.conflict = "undeclared"
        try await row.create(on: db)
        try await record("grants.review.assigned", subject: "application", id: application.uuidString, by: caller,
                         details: ["reviewer": reviewer.uuidString, "method": method], on: db)
    }

    static func requireInReview(_ model: ApplicationModel) throws {
        guard model.status == ApplicationStatus.professionalReview.rawValue else {
            throw UserFacingError(.conflict, code: "grants.review.notInReview",
                                  zh: "只有專業審查中的申請案可以指派或評分。",
                                  en: "Only applications in professional review can be assigned or scored.")
        }
    }

    /// Balanced automatic assignment of every application of a round and category in professional
    /// review (SPEC C4.4): tops up to the programme's reviewers-per-application, all or nothing.
    @discardableResult
    public func autoAssign(programme: UUID, round: String, category: GrantCategory, by caller: GrantsCaller,
                           on db: any Database) async throws -> Int {
        try Self.require(caller, [.operator])
        let stored = try await self.programme(programme, on: db)
        return try await db.transaction { tx in
            let apps = try await ApplicationModel.query(on: tx).filter(\.$programmeID == programme)
                .filter(\.$roundID == round).filter(\.$category == category.rawValue)
                .filter(\.$status == ApplicationStatus.professionalReview.rawValue).all()
            let pool = try await ReviewerModel.query(on: tx).filter(\.$programmeID == programme)
                .filter(\.$active == true).all().filter { $0.categories.contains(category.rawValue) }
            let (existing, conflicts, _) = try await reviewState(apps.map { $0.id! }, on: tx)
            let result = try GrantsError.lift { () throws(GrantsError) in
                try AutoAssigner.balance(
                    applications: apps.map { ApplicationID($0.id!.uuidString) },
                    reviewers: pool.map { ReviewerID($0.userID.uuidString) },
                    perApplication: stored.settings.reviewersPerApplication, conflicts: conflicts, existing: existing)
            }
            var added = 0
            for app in apps {
                let appID = ApplicationID(app.id!.uuidString)
                let new = Set(result.reviewers(of: appID)).subtracting(existing.reviewers(of: appID))
                for reviewer in new.sorted() {
                    try await storeAssignment(app.id!, reviewer: UUID(uuidString: reviewer.rawValue)!, method: "auto",
                                              by: caller, on: tx)
                    added += 1
                }
            }
            return added
        }
    }

    /// The reviewer's conflict-of-interest declaration, required before scoring (SPEC C4.4). A
    /// declared conflict removes the assignment (and any draft scores) at once.
    public func declareConflict(_ application: UUID, hasConflict: Bool, reason: String, by caller: GrantsCaller,
                                on db: any Database) async throws {
        guard caller.role == .reviewer else { throw GrantsFailure.forbidden }
        try await db.transaction { tx in
            guard let row = try await AssignmentModel.query(on: tx).filter(\.$applicationID == application)
                .filter(\.$reviewerUserID == caller.userID).filter(\.$removedAt == nil).first()
            else { throw GrantsFailure.notFound }
            if row.conflict != "undeclared" { throw UserFacingError(
                .conflict, code: "grants.review.alreadyDeclared", zh: "您已就本案完成利益迴避聲明。",
                en: "You have already made your conflict-of-interest declaration for this application.") }
            let now = clock.now()
            if hasConflict {
                var (assignments, conflicts, _) = try await reviewState([application], on: tx)
                let declaration = ConflictDeclaration(
                    reviewer: ReviewerID(caller.userID.uuidString), application: ApplicationID(application.uuidString),
                    reason: reason, declaredAt: now)
                _ = try GrantsError.lift { () throws(GrantsError) in
                    try conflicts.declare(declaration, assignments: &assignments)
                }
                row.conflict = "conflict"
                row.conflictReason = reason.trimmingWhitespace()
                row.removedAt = now
                try await ScoreSheetModel.query(on: tx).filter(\.$applicationID == application)
                    .filter(\.$reviewerUserID == caller.userID).delete()
            } else {
                row.conflict = "none"
            }
            row.declaredAt = now
            try await row.save(on: tx)
            try await record("grants.review.conflict_declared", subject: "application", id: application.uuidString,
                             by: caller, details: ["conflict": hasConflict ? "yes" : "no",
                                                   "reason": row.conflictReason ?? ""], on: tx)
        }
    }

    /// Saves (and optionally submits) the reviewer's score sheet. Only an assigned reviewer who has
    /// declared no conflict may score, only while the application is in professional review, and a
    /// submitted sheet is final.
    public func saveScores(_ application: UUID, _ entry: ScoreEntry, by caller: GrantsCaller, on db: any Database)
        async throws -> ScoreSheet
    {
        guard caller.role == .reviewer else { throw GrantsFailure.forbidden }
        return try await db.transaction { tx in
            let model = try await visibleApplication(application, for: caller, on: tx)
            try Self.requireInReview(model)
            guard let row = try await AssignmentModel.query(on: tx).filter(\.$applicationID == application)
                .filter(\.$reviewerUserID == caller.userID).filter(\.$removedAt == nil).first()
            else { throw GrantsFailure.notFound }
            guard row.conflict == "none" else {
                throw UserFacingError(.conflict, code: "grants.review.declareFirst",
                                      zh: "請先完成利益迴避聲明，才能評分。",
                                      en: "Make your conflict-of-interest declaration before scoring.")
            }
            let programme = try await self.programme(model.programmeID, on: tx)
            let category = GrantCategory(rawValue: model.category) ?? .training
            let rubric = programme.settings.rubric(for: category)
            let form = try model.decodedForm()
            let stored = try await ScoreSheetModel.query(on: tx).filter(\.$applicationID == application)
                .filter(\.$reviewerUserID == caller.userID).first()
            var sheet = try stored.map { try GrantsJSON.decode(ScoreSheet.self, from: $0.sheet) }
                ?? ScoreSheet(application: ApplicationID(application.uuidString),
                              reviewer: ReviewerID(caller.userID.uuidString))
            let now = clock.now()
            try GrantsError.lift { () throws(GrantsError) in
                for (key, value) in entry.scores.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    try sheet.score(key, value, comment: entry.comments[key], rubric: rubric)
                }
                try sheet.comment(entry.overallComment)
                for item in sheet.grantedBonus where !entry.bonus.contains(item) { try sheet.withdrawGrant(item) }
                for item in entry.bonus { try sheet.grant(item, claims: form.bonusClaims, category: category) }
                if entry.submit { try sheet.submit(rubric: rubric, at: now) }
            }
            let row2 = stored ?? ScoreSheetModel()
            if row2.id == nil {
                row2.id = UUID()
                row2.applicationID = application
                row2.reviewerUserID = caller.userID
                row2.version = 0
            }
            try row2.store(sheet)
            row2.version += 1
            try await row2.save(on: tx)
            try await record(entry.submit ? "grants.review.submitted" : "grants.review.saved",
                             subject: "application", id: application.uuidString, by: caller,
                             details: ["scores": sheet.scores.sorted { $0.key.rawValue < $1.key.rawValue }
                                .map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: ",")], on: tx)
            return sheet
        }
    }

    /// The sheets a caller may see for an application: staff see all; a reviewer sees their own,
    /// and the others' only after submitting their own (SPEC C4.4).
    public func visibleSheets(_ application: UUID, by caller: GrantsCaller, on db: any Database) async throws
        -> [ScoreSheet]
    {
        let model = try await visibleApplication(application, for: caller, on: db)
        let sheets = try await ScoreSheetModel.query(on: db).filter(\.$applicationID == application).all()
            .map { try GrantsJSON.decode(ScoreSheet.self, from: $0.sheet) }
        let (assignments, _, _) = try await reviewState([model.id!], on: db)
        let panel = ReviewPanel(application: ApplicationID(application.uuidString),
                                assigned: Set(assignments.reviewers(of: ApplicationID(application.uuidString))),
                                sheets: sheets)
        switch caller.role {
        case .operator, .ministry: return panel.visibleScoresForStaff()
        case .reviewer: return panel.visibleScores(for: ReviewerID(caller.userID.uuidString))
        default: throw GrantsFailure.forbidden
        }
    }

    // MARK: Ranking (SPEC C4.4)

    /// The ranked list of one round and category, best first, with the disagreement warning.
    public func ranking(programme: UUID, round: String, category: GrantCategory, by caller: GrantsCaller,
                        on db: any Database) async throws -> [RankingRow] {
        try Self.require(caller, [.operator, .ministry])
        let stored = try await self.programme(programme, on: db)
        let reviewStatuses: [ApplicationStatus] = [.professionalReview, .reviewMeeting, .approved, .awarded, .rejected]
        // List columns only, submitted sheets only (the only ones that count), assignment counts
        // grouped in the database, read through SQLKit rather than Fluent models (see
        // ApplicationSummary+SQL.swift): a round of thousands stays one screenful of work.
        let sql = try Self.sql(db)
        let apps = try await sql.select().columns(ApplicationSummary.columns).from(ApplicationModel.schema)
            .where("programme_id", .equal, programme).where("round_id", .equal, round)
            .where("category", .equal, category.rawValue).where("status", .in, reviewStatuses.map(\.rawValue))
            .all().map(ApplicationSummary.init(row:))
        guard !apps.isEmpty else { return [] }
        let ids = Set(apps.map(\.id))
        struct SheetRow {
            var application_id: UUID
            var reviewer_user_id: UUID
            var scoring: String?
            var sheet: String?
            var submitted_at: Date?
        }
        // The scoring line, and the whole JSON only for sheets written before that column existed.
        // Columns are read by name, not through a Decodable row (that costs a Codable walk a row).
        let sheetRows = try await sql.raw("""
            SELECT s.application_id, s.reviewer_user_id, s.scoring, s.submitted_at,
                   CASE WHEN s.scoring IS NULL THEN s.sheet END AS sheet
            FROM grant_score_sheets s JOIN grant_applications p ON p.id = s.application_id
            WHERE s.submitted_at IS NOT NULL AND p.programme_id = \(bind: programme) AND p.round_id = \(bind: round)
              AND p.category = \(bind: category.rawValue)
            """).all().map { row in
                SheetRow(application_id: try row.decode(column: "application_id", as: UUID.self),
                         reviewer_user_id: try row.decode(column: "reviewer_user_id", as: UUID.self),
                         scoring: try row.decode(column: "scoring", as: String?.self),
                         sheet: try row.decode(column: "sheet", as: String?.self),
                         submitted_at: try row.decode(column: "submitted_at", as: Date?.self))
            }
        struct SheetJSON: Decodable { var sheet: String }
        var sheets: [UUID: [ScoreSheet]] = [:]
        for row in sheetRows where ids.contains(row.application_id) {
            if let line = row.scoring,
               let sheet = ScoreSheet(scoringLine: line, application: ApplicationID(row.application_id.uuidString),
                                      reviewer: ReviewerID(row.reviewer_user_id.uuidString), submittedAt: row.submitted_at) {
                sheets[row.application_id, default: []].append(sheet)
                continue
            }
            var json = row.sheet
            if json == nil {
                json = try await sql.select().column("sheet").from(ScoreSheetModel.schema)
                    .where("application_id", .equal, row.application_id)
                    .where("reviewer_user_id", .equal, row.reviewer_user_id).first(decoding: SheetJSON.self)?.sheet
            }
            guard let json else { continue }
            sheets[row.application_id, default: []].append(try GrantsJSON.decode(ScoreSheet.self, from: json))
        }
        var assigned: [UUID: Int] = [:]
        struct Row: Decodable { var application_id: UUID; var n: Int }
        let rows = try await sql.raw("""
            SELECT a.application_id, COUNT(*) AS n FROM grant_assignments a
            JOIN grant_applications p ON p.id = a.application_id
            WHERE p.programme_id = \(bind: programme) AND p.round_id = \(bind: round)
              AND p.category = \(bind: category.rawValue) AND a.removed_at IS NULL
            GROUP BY a.application_id
            """).all(decoding: Row.self)
        for row in rows { assigned[row.application_id] = row.n }
        let candidates = apps.map { app in
            RankingCandidate(application: ApplicationID(app.id.uuidString), round: RoundID(round),
                             category: category, submittedAt: app.submittedAt ?? .distantPast,
                             sheets: sheets[app.id] ?? [])
        }
        let rankings = try GrantsError.lift { () throws(GrantsError) in
            try Ranking.rank(candidates, rubrics: [category: stored.settings.rubric(for: category)],
                             bonus: stored.settings.bonus, disagreementSpread: stored.settings.disagreementSpread)
        }
        let byID = Dictionary(uniqueKeysWithValues: apps.map { ($0.id.uuidString, $0) })
        var result: [RankingRow] = []
        func row(_ app: ApplicationSummary, rank: Int?, score: AggregateScore?) -> RankingRow {
            return RankingRow(
                rank: rank, applicationID: app.id, reference: app.reference, title: app.title,
                companyName: app.companyName, status: app.status,
                level: app.level, isStartup: app.isStartup, mean: score?.mean,
                spread: score?.spread, widelyDisagree: score?.widelyDisagree ?? false,
                reviewerTotals: score.map { $0.reviewerTotals.sorted { $0.key < $1.key }.map(\.value) } ?? [],
                sheetsSubmitted: (sheets[app.id] ?? []).filter(\.isSubmitted).count,
                reviewersAssigned: assigned[app.id] ?? 0)
        }
        for ranking in rankings {
            for ranked in ranking.ranked {
                if let app = byID[ranked.application.rawValue] {
                    result.append(row(app, rank: ranked.rank, score: ranked.score))
                }
            }
            for unscored in ranking.unscored {
                if let app = byID[unscored.rawValue] { result.append(row(app, rank: nil, score: nil)) }
            }
        }
        return result
    }

    // MARK: Decisions (SPEC C4.1, C4.4)

    /// Training: the professional review is over; the application goes to the review meeting.
    public func sendToMeeting(_ id: UUID, expectedVersion: Int, by caller: GrantsCaller, on db: any Database)
        async throws -> ApplicationRecord
    {
        try await transition(id, expectedVersion: expectedVersion, by: caller, on: db) { _, _ in .sendToMeeting }
    }

    /// The meeting's (training) or the professional review's (inference) decision, with the level.
    public func approve(_ id: UUID, level: GrantLevel, expectedVersion: Int, by caller: GrantsCaller,
                        on db: any Database) async throws -> ApplicationRecord {
        try await transition(id, expectedVersion: expectedVersion, by: caller, on: db) { _, _ in .approve(level) }
    }

    public func reject(_ id: UUID, reason: String, expectedVersion: Int, by caller: GrantsCaller,
                       on db: any Database) async throws -> ApplicationRecord {
        try await transition(id, expectedVersion: expectedVersion, by: caller, on: db) { _, _ in
            .reject(reason: reason)
        }
    }
}
