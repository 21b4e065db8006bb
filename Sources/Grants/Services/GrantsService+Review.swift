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
        let sql = try Self.sql(db)
        // This programme's assignments only, counted in the database.
        struct Row: Decodable { var reviewer_user_id: UUID; var n: Int }
        let rows = try await sql.raw("""
            SELECT a.reviewer_user_id, COUNT(*) AS n FROM grant_assignments a
            JOIN grant_applications p ON p.id = a.application_id
            WHERE p.programme_id = \(bind: programme) AND a.removed_at IS NULL
            GROUP BY a.reviewer_user_id
            """).all(decoding: Row.self)
        for row in rows { load[row.reviewer_user_id] = row.n }
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
            try row2.store(sheet, rubric: rubric, bonus: programme.settings.bonus)
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
    ///
    /// One query reads each application's list columns with its submitted sheets' figures summed in the
    /// database (`SheetFigures`: count, exact totals, heaviest-criterion scores) and its assignment
    /// count, so ranking a round of thousands reads one row per application (issue 3's benchmark).
    /// Sheets without stored figures (older, or after a rubric amendment) are read and worked out here.
    public func ranking(programme: UUID, round: String, category: GrantCategory, by caller: GrantsCaller,
                        on db: any Database) async throws -> [RankingRow] {
        try Self.require(caller, [.operator, .ministry])
        let stored = try await self.programme(programme, on: db)
        let reviewStatuses: [ApplicationStatus] = [.professionalReview, .reviewMeeting, .approved, .awarded, .rejected]
        let sql = try Self.sql(db)
        // Each sheet's figures as "exact:heaviest", comma-separated.
        let pair = "CAST(s.total_exact AS TEXT) || ':' || CAST(s.heaviest_score AS TEXT)"
        let concat = sql.dialect.name == "postgresql" ? "STRING_AGG(\(pair), ',')" : "GROUP_CONCAT(\(pair), ',')"
        let statuses = SQLList(reviewStatuses.map { SQLBind($0.rawValue) })
        let columns = ApplicationSummary.columns.map { "p.\($0)" }.joined(separator: ", ")
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: columns), COALESCE(f.sheets, 0) AS sheets, COALESCE(f.missing, 0) AS missing,
                   f.figures, COALESCE(a.assigned, 0) AS assigned
            FROM grant_applications p
            LEFT JOIN (
                SELECT s.application_id, COUNT(*) AS sheets,
                       SUM(CASE WHEN s.total_exact IS NULL OR s.heaviest_score IS NULL THEN 1 ELSE 0 END) AS missing,
                       \(unsafeRaw: concat) AS figures
                FROM grant_score_sheets s JOIN grant_applications q ON q.id = s.application_id
                WHERE s.submitted_at IS NOT NULL AND q.programme_id = \(bind: programme)
                  AND q.round_id = \(bind: round) AND q.category = \(bind: category.rawValue)
                  AND q.status IN (\(statuses))
                GROUP BY s.application_id
            ) f ON f.application_id = p.id
            LEFT JOIN (
                SELECT x.application_id, COUNT(*) AS assigned
                FROM grant_assignments x JOIN grant_applications q ON q.id = x.application_id
                WHERE x.removed_at IS NULL AND q.programme_id = \(bind: programme)
                  AND q.round_id = \(bind: round) AND q.category = \(bind: category.rawValue)
                  AND q.status IN (\(statuses))
                GROUP BY x.application_id
            ) a ON a.application_id = p.id
            WHERE p.programme_id = \(bind: programme) AND p.round_id = \(bind: round)
              AND p.category = \(bind: category.rawValue) AND p.status IN (\(statuses))
            """).all()
        struct Read {
            var app: ApplicationSummary
            var sheets: Int
            var figures: [SheetFigures]?
            var assigned: Int
        }
        var reads: [Read] = []
        reads.reserveCapacity(rows.count)
        for row in rows {
            let sheets = try row.decode(column: "sheets", as: Int.self)
            let missing = try row.decode(column: "missing", as: Int.self)
            var figures: [SheetFigures]? = sheets == 0 ? [] : nil
            if sheets > 0 && missing == 0 {
                figures = Self.figures(try row.decode(column: "figures", as: String?.self) ?? "")
            }
            reads.append(Read(app: try ApplicationSummary(row: row), sheets: sheets,
                              figures: figures, assigned: try row.decode(column: "assigned", as: Int.self)))
        }
        guard !reads.isEmpty else { return [] }
        let sheets = try await sheetsWithoutFigures(reads.filter { $0.figures == nil }.map(\.app.id), on: sql)
        let candidates = reads.map { read in
            let application = ApplicationID(read.app.id.uuidString)
            let submittedAt = read.app.submittedAt ?? .distantPast
            if let figures = read.figures {
                return RankingCandidate(application: application, round: RoundID(round), category: category,
                                        submittedAt: submittedAt, figures: figures)
            }
            return RankingCandidate(application: application, round: RoundID(round), category: category,
                                    submittedAt: submittedAt, sheets: sheets[read.app.id] ?? [])
        }
        let rankings = try GrantsError.lift { () throws(GrantsError) in
            try Ranking.rank(candidates, rubrics: [category: stored.settings.rubric(for: category)],
                             bonus: stored.settings.bonus, disagreementSpread: stored.settings.disagreementSpread)
        }
        let byID = Dictionary(uniqueKeysWithValues: reads.map { ($0.app.id.uuidString, $0) })
        func row(_ read: Read, rank: Int?, score: AggregateScore?) -> RankingRow {
            RankingRow(
                rank: rank, applicationID: read.app.id, reference: read.app.reference, title: read.app.title,
                companyName: read.app.companyName, status: read.app.status, level: read.app.level,
                isStartup: read.app.isStartup, mean: score?.mean, spread: score?.spread,
                widelyDisagree: score?.widelyDisagree ?? false, reviewerTotals: score?.reviewerTotals ?? [],
                sheetsSubmitted: read.sheets, reviewersAssigned: read.assigned)
        }
        var result: [RankingRow] = []
        for ranking in rankings {
            for ranked in ranking.ranked {
                if let read = byID[ranked.application.rawValue] { result.append(row(read, rank: ranked.rank, score: ranked.score)) }
            }
            for unscored in ranking.unscored {
                if let read = byID[unscored.rawValue] { result.append(row(read, rank: nil, score: nil)) }
            }
        }
        return result
    }

    /// "exact:heaviest,exact:heaviest…" as the ranking query concatenates them; nil if malformed (the
    /// ranking then reads those sheets).
    static func figures(_ text: String) -> [SheetFigures]? {
        var figures: [SheetFigures] = []
        for pair in text.utf8.split(separator: UInt8(ascii: ",")) {
            let parts = pair.split(separator: UInt8(ascii: ":"))
            guard parts.count == 2, let exact = Int(String(decoding: parts[0], as: UTF8.self)),
                  let heaviest = Int(String(decoding: parts[1], as: UTF8.self)) else { return nil }
            figures.append(SheetFigures(exact: exact, heaviest: heaviest))
        }
        return figures.isEmpty ? nil : figures
    }

    /// The submitted sheets of these applications, for those whose figures are not stored: from the
    /// scoring line, or the JSON for sheets older than that column.
    func sheetsWithoutFigures(_ applications: [UUID], on sql: any SQLDatabase) async throws -> [UUID: [ScoreSheet]] {
        guard !applications.isEmpty else { return [:] }
        var sheets: [UUID: [ScoreSheet]] = [:]
        for start in stride(from: 0, to: applications.count, by: 500) {
            let chunk = Array(applications[start..<min(start + 500, applications.count)])
            let rows = try await sql.select().column("application_id").column("reviewer_user_id").column("scoring")
                .column("submitted_at").column("sheet").from(ScoreSheetModel.schema)
                .where(SQLColumn("submitted_at"), .isNot, SQLLiteral.null).where("application_id", .in, chunk).all()
            for row in rows {
                let application = try row.decode(column: "application_id", as: UUID.self)
                let reviewer = try row.decode(column: "reviewer_user_id", as: UUID.self)
                if let line = try row.decode(column: "scoring", as: String?.self),
                   let sheet = ScoreSheet(scoringLine: line, application: ApplicationID(application.uuidString),
                                          reviewer: ReviewerID(reviewer.uuidString),
                                          submittedAt: try row.decode(column: "submitted_at", as: Date?.self)) {
                    sheets[application, default: []].append(sheet)
                } else {
                    sheets[application, default: []].append(
                        try GrantsJSON.decode(ScoreSheet.self, from: try row.decode(column: "sheet", as: String.self)))
                }
            }
        }
        return sheets
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
