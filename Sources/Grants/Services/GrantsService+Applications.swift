import FluentKit
import SQLKit
import Foundation
import SuanliKit

extension GrantsService {
    // MARK: Reading, scoped by who asks

    /// Loads an application the caller may see. Applicants see their company's; operators and the
    /// ministry see every filed one (a draft is the company's own until it is submitted); reviewers
    /// see the ones assigned to them. Anything else is "not found", exactly like a wrong ID.
    func visibleApplication(_ id: UUID, for caller: GrantsCaller, on db: any Database) async throws
        -> ApplicationModel
    {
        guard let model = try await ApplicationModel.find(id, on: db) else { throw GrantsFailure.notFound }
        switch caller.role {
        case .applicant:
            guard caller.organisationID != nil, model.organisationID == caller.organisationID else {
                throw GrantsFailure.notFound
            }
        case .operator, .ministry, .system:
            guard model.status != ApplicationStatus.draft.rawValue else { throw GrantsFailure.notFound }
        case .reviewer:
            let assigned = try await AssignmentModel.query(on: db).filter(\.$applicationID == id)
                .filter(\.$reviewerUserID == caller.userID).filter(\.$removedAt == nil).first()
            guard assigned != nil, model.status != ApplicationStatus.draft.rawValue else {
                throw GrantsFailure.notFound
            }
        }
        return model
    }

    public func application(_ id: UUID, for caller: GrantsCaller, on db: any Database) async throws
        -> ApplicationRecord
    {
        try ApplicationRecord(try await visibleApplication(id, for: caller, on: db))
    }

    /// The company's own applications, newest first.
    public func applications(of caller: GrantsCaller, on db: any Database) async throws -> [ApplicationSummary] {
        guard caller.role == .applicant, let org = caller.organisationID else { throw GrantsFailure.forbidden }
        return try await ApplicationModel.query(on: db).filter(\.$organisationID == org)
            .sort(\.$createdAt, .descending).all().map(\.summary)
    }

    public struct ApplicationFilter: Sendable, Equatable {
        public var status: ApplicationStatus?
        public var roundID: String?
        public var category: GrantCategory?
        public var search: String?
        public var page: Int
        public var perPage: Int

        public init(status: ApplicationStatus? = nil, roundID: String? = nil, category: GrantCategory? = nil,
                    search: String? = nil, page: Int = 1, perPage: Int = 50) {
            self.status = status
            self.roundID = roundID
            self.category = category
            self.search = search
            self.page = max(1, page)
            self.perPage = min(max(1, perPage), 200)
        }
    }

    /// The operator's list: every filed application, filtered and paged in the database.
    public func filedApplications(_ filter: ApplicationFilter, by caller: GrantsCaller, on db: any Database)
        async throws -> (rows: [ApplicationSummary], total: Int)
    {
        try Self.require(caller, [.operator, .ministry])
        let sql = try Self.sql(db)
        func filtered(_ builder: SQLSelectBuilder) -> SQLSelectBuilder {
            builder.where("status", .notEqual, ApplicationStatus.draft.rawValue)
            if let status = filter.status { builder.where("status", .equal, status.rawValue) }
            if let round = filter.roundID { builder.where("round_id", .equal, round) }
            if let category = filter.category { builder.where("category", .equal, category.rawValue) }
            if let search = filter.search?.trimmingWhitespace(), !search.isEmpty {
                let pattern = "%\(Self.escapeLike(search))%"
                builder.where(group: { group in
                    group.where("reference", .equal, search).orWhere("tax_id", .equal, search)
                        .orWhere("company_name", .like, pattern).orWhere("title", .like, pattern)
                })
            }
            return builder
        }
        struct Count: Decodable { var n: Int }
        let total = try await filtered(sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(ApplicationModel.schema)).first(decoding: Count.self)?.n ?? 0
        let rows = try await filtered(sql.select().columns(ApplicationSummary.columns).from(ApplicationModel.schema))
            .orderBy("submitted_at", .ascending).orderBy("reference", .ascending)
            .limit(filter.perPage).offset((filter.page - 1) * filter.perPage)
            .all().map(ApplicationSummary.init(row:))
        return (rows, total)
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
    }

    // MARK: Drafts

    /// Starts an application (or returns the company's open draft in that category).
    public func startApplication(category: GrantCategory, by caller: GrantsCaller, on db: any Database)
        async throws -> ApplicationRecord
    {
        guard caller.role == .applicant, let org = caller.organisationID else { throw GrantsFailure.forbidden }
        let programme = try await requireCurrentProgramme(on: db)
        guard let company = try await directory.company(org, on: db) else { throw GrantsFailure.notFound }
        if let draft = try await ApplicationModel.query(on: db).filter(\.$organisationID == org)
            .filter(\.$programmeID == programme.id).filter(\.$category == category.rawValue)
            .filter(\.$status == ApplicationStatus.draft.rawValue).first()
        {
            return try ApplicationRecord(draft)
        }
        let now = clock.now()
        try GrantsError.lift { () throws(GrantsError) in try programme.settings.window.check(now) }
        for attempt in 0..<5 {
            do {
                return try await db.transaction { tx in
                    let model = ApplicationModel()
                    model.id = UUID()
                    model.reference = try await nextReference(programme: programme, category: category,
                                                              offset: attempt, on: tx)
                    model.programmeID = programme.id
                    model.organisationID = org
                    model.category = category.rawValue
                    model.title = ""
                    model.companyName = company.name
                    model.taxID = company.taxID
                    model.isStartup = company.isStartup
                    model.domains = ""
                    model.form = try GrantsJSON.encode(ApplicationForm(category: category))
                    try model.store(ApplicationProgress(application: ApplicationID(model.id!.uuidString),
                                                        category: category))
                    model.openSections = "[]"
                    model.version = 1
                    model.createdBy = caller.userID
                    try await model.create(on: tx)
                    try await record("grants.application.started", subject: "application", id: model.id!.uuidString,
                                     by: caller, organisation: org,
                                     details: ["reference": model.reference, "category": category.rawValue], on: tx)
                    return try ApplicationRecord(model)
                }
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 4 {
                continue  // two companies took the same 案號 at once; take the next one
            }
        }
        throw GrantsFailure.staleVersion
    }

    /// 案號: ROC year of the programme's deadline, T/I for the category, then a sequence.
    func nextReference(programme: StoredProgramme, category: GrantCategory, offset: Int, on db: any Database)
        async throws -> String
    {
        let year = programme.settings.window.closes.lastDay.rocYear
        let letter = category == .training ? "T" : "I"
        let count = try await ApplicationModel.query(on: db).filter(\.$programmeID == programme.id)
            .filter(\.$category == category.rawValue).count()
        return String(format: "%03d-%@-%04d", year, letter, count + 1 + offset)
    }

    /// Saves form fields. A draft takes any field; a correction only the sections the operator opened
    /// (SPEC C4.1); a submitted application takes nothing. Drafts are checked for format only, and
    /// bad values come back as field errors with nothing saved.
    public func saveForm(_ id: UUID, fields: [String: [String]], expectedVersion: Int, by caller: GrantsCaller,
                         on db: any Database) async throws -> ApplicationRecord {
        guard caller.role == .applicant else { throw GrantsFailure.forbidden }
        return try await db.transaction { tx in
            try await RowLock.lock(ApplicationModel.schema, id: id, on: tx)
            let model = try await visibleApplication(id, for: caller, on: tx)
            guard model.version == expectedVersion else { throw GrantsFailure.staleVersion }
            let status = ApplicationStatus(rawValue: model.status) ?? .draft
            guard status == .draft || status == .correctionRequested else { throw GrantsFailure.notEditable }
            let before = try model.decodedForm()
            var form = before
            var posted = fields
            // Only a correction has open sections; nil means a draft, where every part may change.
            let open = status == .correctionRequested
                ? Set(try GrantsJSON.decode([ApplicationSection].self, from: model.openSections)) : nil
            if let open {
                // The page disables the parts a correction does not open, and browsers do not post
                // disabled fields: an absent field of a locked part means "unchanged", not "emptied".
                posted = Self.keepingLockedFields(fields, of: before, open: open)
            }
            var errors = form.update(from: posted, at: clock.now(), sourceIP: caller.sourceIP)
            errors += form.problems(for: .draft)
            guard errors.isEmpty else { throw GrantsFailure.invalid(errors) }
            if let open {
                let outside = form.changedSections(comparedTo: before).subtracting(open)
                guard outside.isEmpty else {
                    throw GrantsFailure.outsideCorrection(outside.sorted { $0.rawValue < $1.rawValue })
                }
            }
            model.form = try GrantsJSON.encode(form)
            model.title = form.title.trimmingWhitespace()
            model.domains = form.domains.map(\.rawValue).sorted().joined(separator: ",")
            model.version += 1
            try await model.save(on: tx)
            try await record("grants.application.saved", subject: "application", id: id.uuidString, by: caller,
                             organisation: model.organisationID,
                             details: ["changed": form.changedSections(comparedTo: before).map(\.rawValue).sorted()
                                .joined(separator: ",")], on: tx)
            return try ApplicationRecord(model)
        }
    }

    /// The posted fields with the stored values of every field that belongs to a section the correction
    /// did not open and that was not posted at all.
    public static func keepingLockedFields(_ fields: [String: [String]], of form: ApplicationForm,
                                           open: Set<ApplicationSection>) -> [String: [String]] {
        var posted = fields
        let stored = form.fieldValues
        for section in ApplicationSection.sections(for: form.category) where !open.contains(section) {
            for name in section.fieldNames(for: form.category) where posted[name] == nil {
                posted[name] = stored[name] ?? []
            }
        }
        return posted
    }

    /// Submits a draft: complete, within the window, one category per round (SPEC C1.1, C1.2, C3).
    /// The company data is frozen with it, and the form is locked from now on.
    public func submit(_ id: UUID, expectedVersion: Int, by caller: GrantsCaller, on db: any Database)
        async throws -> ApplicationRecord
    {
        guard caller.role == .applicant, let org = caller.organisationID else { throw GrantsFailure.forbidden }
        return try await db.transaction { tx in
            // One submission per company at a time: the round check below must see the other one.
            try await RowLock.lock("organisations", id: org, on: tx)
            let model = try await visibleApplication(id, for: caller, on: tx)
            guard model.version == expectedVersion else { throw GrantsFailure.staleVersion }
            guard model.status == ApplicationStatus.draft.rawValue else { throw GrantsFailure.notEditable }
            // The draft's own programme decides the window and the rounds, not whichever is newest.
            let programme = try await self.programme(model.programmeID, on: tx)
            guard programme.isPublished else { throw GrantsFailure.noProgramme }
            var form = try model.decodedForm()
            let others = try await ApplicationModel.query(on: tx).filter(\.$organisationID == org)
                .filter(\.$programmeID == model.programmeID).filter(\.$id != id).all()
            let filed = others.compactMap { other -> FiledApplication? in
                guard let round = other.roundID, let category = GrantCategory(rawValue: other.category),
                      let status = ApplicationStatus(rawValue: other.status) else { return nil }
                return FiledApplication(application: ApplicationID(other.id!.uuidString), round: RoundID(round),
                                        category: category, status: status)
            }
            let now = clock.now()
            let round = try GrantsError.lift { () throws(GrantsError) in
                try SubmissionRules.admit(category: form.category, programme: programme.settings,
                                          companyApplications: filed,
                                          differenceFromPrevious: form.differenceFromPrevious, at: now)
            }
            // The latest earlier-round application is the one the statement of differences refers to.
            let numbers = Dictionary(uniqueKeysWithValues: programme.settings.rounds.map { ($0.id.rawValue, $0.number) })
            let previous = others.filter { ($0.roundID.flatMap { numbers[$0] } ?? Int.max) < round.number }
                .max { ($0.submittedAt ?? .distantPast) < ($1.submittedAt ?? .distantPast) }
            form.previousApplication = previous?.reference
            var problems = form.problems(for: .submission)
            if previous == nil { problems.removeAll { $0.field == "differenceFromPrevious" } }
            guard problems.isEmpty else { throw GrantsFailure.invalid(problems) }
            guard let company = try await directory.company(org, on: tx) else { throw GrantsFailure.notFound }
            var progress = try model.decodedProgress()
            let step = try GrantsError.lift { () throws(GrantsError) in
                try progress.apply(.submit(round: round.id), by: caller.actor, at: now)
            }
            model.form = try GrantsJSON.encode(form)
            model.company = try GrantsJSON.encode(company)
            model.companyName = company.name
            model.isStartup = company.isStartup
            model.previousApplicationID = previous?.id
            try model.store(progress)
            model.version += 1
            try await model.save(on: tx)
            try await record("grants.application.submitted", subject: "application", id: id.uuidString,
                             by: caller, organisation: org,
                             details: ["reference": model.reference, "round": round.id.rawValue], on: tx)
            try await notify(model, step, on: tx)
            return try ApplicationRecord(model)
        }
    }

    /// The applicant resubmits after a correction; the deadline must not have passed (SPEC C4.1).
    public func resubmit(_ id: UUID, expectedVersion: Int, by caller: GrantsCaller, on db: any Database)
        async throws -> ApplicationRecord
    {
        try await transition(id, expectedVersion: expectedVersion, by: caller, on: db) { model, form in
            let problems = form.problems(for: .submission).filter { $0.field != "differenceFromPrevious" }
            guard problems.isEmpty else { throw GrantsFailure.invalid(problems) }
            model.openSections = "[]"
            return .resubmit
        }
    }

    public func withdraw(_ id: UUID, reason: String?, expectedVersion: Int, by caller: GrantsCaller,
                         on db: any Database) async throws -> ApplicationRecord {
        try await transition(id, expectedVersion: expectedVersion, by: caller, on: db) { _, _ in
            .withdraw(reason: reason)
        }
    }

    /// One state-machine step with its checks, audit record and notice, in one transaction.
    func transition(
        _ id: UUID, expectedVersion: Int?, by caller: GrantsCaller, on db: any Database,
        details: [String: String] = [:],
        extraNotice: [Bilingual] = [],
        _ prepare: @escaping @Sendable (ApplicationModel, ApplicationForm) async throws -> ApplicationAction
    ) async throws -> ApplicationRecord {
        try await db.transaction { tx in
            try await RowLock.lock(ApplicationModel.schema, id: id, on: tx)
            let model = try await visibleApplication(id, for: caller, on: tx)
            if let expectedVersion { guard model.version == expectedVersion else { throw GrantsFailure.staleVersion } }
            let action = try await prepare(model, try model.decodedForm())
            var progress = try model.decodedProgress()
            let now = clock.now()
            let step = try GrantsError.lift { () throws(GrantsError) in
                try progress.apply(action, by: caller.actor, at: now)
            }
            try model.store(progress)
            model.version += 1
            try await model.save(on: tx)
            var facts = details
            facts["reference"] = model.reference
            facts["from"] = step.from.rawValue
            facts["to"] = step.to.rawValue
            if let reason = step.reason { facts["reason"] = reason }
            if let level = step.level { facts["level"] = level.rawValue }
            try await record("grants.application.\(step.action.rawValue)", subject: "application",
                             id: id.uuidString, by: caller, organisation: model.organisationID, details: facts,
                             on: tx)
            try await notify(model, step, extra: extraNotice, on: tx)
            return try ApplicationRecord(model)
        }
    }
}
