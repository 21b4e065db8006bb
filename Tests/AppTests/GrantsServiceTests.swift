import App
import Compliance
import FluentKit
import Foundation
import Grants
import Identity
import Ledger
import Notify
import SQLKit
import SuanliKit
import Testing

/// The demo programme (operator, two reviewers, ministry, three companies, registry samples) on a
/// real database, with the clock on 2026-07-01 10:00 Taipei — inside the seeds' application window.
struct GrantsWorld: Sendable {
    let suanli: Suanli
    let clock: ManualClock
    let programme: StoredProgramme
    let operatorCaller: GrantsCaller
    let ministry: GrantsCaller
    let reviewers: [GrantsCaller]
    /// 雲鼎 (90123453), 語聲 (83124560), 光合 (66571233).
    let companies: [GrantsCaller]

    var grants: GrantsService { suanli.services.grants }
    var db: any Database { suanli.database.db }

    static let start = ISO8601DateFormatter().date(from: "2026-07-01T02:00:00Z")!
    static let companyEmails = ["admin@yunding.demo", "admin@yusheng.demo", "admin@guanghe.demo"]

    static func with<V: Sendable>(_ body: @Sendable (GrantsWorld) async throws -> V) async throws -> V {
        let clock = ManualClock(start)
        return try await TestApp.withSuanli(clock: clock) { suanli in
            try await body(try await make(suanli, clock: clock))
        }
    }

    static func make(_ suanli: Suanli, clock: ManualClock) async throws -> GrantsWorld {
        _ = try await DemoSeeder(suanli: suanli).seed(withInference: false)
        let db = suanli.database.db
        func caller(_ email: String, _ role: GrantsRole) async throws -> GrantsCaller {
            let user = try #require(try await UserModel.query(on: db).filter(\.$email == email).first())
            return GrantsCaller(userID: user.id!, role: role, organisationID: user.organisationID, label: email,
                                sourceIP: "203.0.113.7")
        }
        let programme = try #require(try await suanli.services.grants.currentProgramme(on: db))
        return GrantsWorld(
            suanli: suanli, clock: clock, programme: programme,
            operatorCaller: try await caller("operator@suanli.demo", .operator),
            ministry: try await caller("ministry@suanli.demo", .ministry),
            reviewers: [try await caller("reviewer1@suanli.demo", .reviewer),
                        try await caller("reviewer2@suanli.demo", .reviewer)],
            companies: try await companyEmails.asyncMap { try await caller($0, .applicant) })
    }

    /// A complete draft of the example form.
    func draft(_ company: GrantsCaller, _ category: GrantCategory = .training) async throws -> ApplicationRecord {
        let started = try await grants.startApplication(category: category, by: company, on: db)
        let fields = ApplicationForm.example(category: category, now: clock.now()).fieldValues
        return try await grants.saveForm(started.id, fields: fields, expectedVersion: started.version, by: company,
                                         on: db)
    }

    func submitted(_ company: GrantsCaller, _ category: GrantCategory = .training) async throws
        -> ApplicationRecord
    {
        let draft = try await draft(company, category)
        return try await grants.submit(draft.id, expectedVersion: draft.version, by: company, on: db)
    }

    /// Evaluated, every rule confirmed or set to pass with a reason, then passed.
    func eligible(_ app: ApplicationRecord) async throws -> ApplicationRecord {
        var record = try await grants.evaluateEligibility(app.id, by: operatorCaller, on: db)
        for result in record.eligibility?.results ?? [] where result.rule.isRequirement {
            let decision: EligibilityOverride.Decision = result.outcome == .pass ? .confirm : .setOutcome(.pass)
            record = try await grants.decideEligibilityRule(
                app.id, rule: result.rule, decision: decision,
                reason: result.outcome == .pass ? nil : "已查閱公司登記資料及切結書，確認符合。",
                expectedVersion: record.version, by: operatorCaller, on: db)
        }
        return try await grants.passEligibility(app.id, expectedVersion: record.version, by: operatorCaller, on: db)
    }

    func current(_ id: UUID) async throws -> ApplicationRecord {
        try await grants.application(id, for: operatorCaller, on: db)
    }

    /// Every criterion of the category's rubric at the same score (0–100 of each criterion).
    func entry(_ category: GrantCategory, score: Int, submit: Bool = true) -> ScoreEntry {
        let rubric = programme.settings.rubric(for: category)
        let scores = Dictionary(uniqueKeysWithValues: rubric.criteria.map { ($0.key, score) })
        return ScoreEntry(scores: scores, overallComment: "計畫完整，資料集規劃清楚。", submit: submit)
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

func expectUserError(_ code: String, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation)
    async
{
    do {
        try await body()
        Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as UserFacingError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Grants service")
struct GrantsServiceTests {
    @Test("draft → submit with the example form; notice by e-mail and in-app; audit intact")
    func submitExample() async throws {
        try await GrantsWorld.with { w in
            let company = w.companies[0]
            let draft = try await w.draft(company)
            #expect(draft.status == .draft)
            #expect(draft.title == "金融法規智慧問答助理模型訓練")
            let submitted = try await w.grants.submit(draft.id, expectedVersion: draft.version, by: company, on: w.db)
            #expect(submitted.status == .submitted)
            #expect(submitted.roundID == "2026-R1")
            #expect(submitted.company?.taxID.description.contains("90123453") == true)
            let mail = try await Fixtures.lastMail(to: "admin@yunding.demo", template: "grant-notice", on: w.db)
            #expect(mail != nil)
            #expect(mail?.textBody.contains(submitted.reference) == true)
            let inApp = try await InAppNotifications.list(userID: company.userID, on: w.db)
            #expect(inApp.contains { $0.title.contains(submitted.reference) })
            let audit = try await w.grants.audit.recent(on: w.db, limit: 200).map(\.action)
            #expect(audit.contains("grants.application.started"))
            #expect(audit.contains("grants.application.submitted"))
            let verification = try await w.grants.audit.verify(on: w.db)
            if case .intact = verification {} else { Issue.record("audit log: \(verification)") }
        }
    }

    @Test("every step of an application reaches each company member by e-mail and in-app, and is audited")
    func everyTransitionNotifies() async throws {
        try await GrantsWorld.with { w in
            let company = w.companies[2]
            // A second member of the company must be told too.
            let member = try await w.suanli.services.accounts.createUser(
                email: "pm@guanghe.test", name: "專案經理", role: .applicantMember, organisationID: company.organisationID,
                password: "Guanghe-member-2026", mustChangePassword: false, secrets: w.suanli.secrets, actor: "test",
                on: w.db)
            func notices(_ address: String) async throws -> Int {
                try await Outbox.messages(to: address, on: w.db, limit: 200).filter { $0.templateKey == "grant-notice" }
                    .count
            }
            let app = try await w.submitted(company, .inference)
            var steps = 1
            #expect(try await notices("admin@guanghe.demo") == steps)
            #expect(try await notices("pm@guanghe.test") == steps)
            _ = try await w.eligible(app)  // eligibility review started, then passed
            steps += 2
            let approved = try await w.grants.approve(app.id, level: .l1,
                                                      expectedVersion: try await w.current(app.id).version,
                                                      by: w.operatorCaller, on: w.db)
            steps += 1
            let project = try await w.grants.award(app.id, expectedVersion: approved.version, by: w.ministry, on: w.db)
            steps += 1
            #expect(project.points == 1_000)
            #expect(try await notices("admin@guanghe.demo") == steps)
            #expect(try await notices("pm@guanghe.test") == steps)
            let inApp = try await InAppNotifications.list(userID: member.id, on: w.db)
            #expect(inApp.count == steps)
            #expect(inApp.allSatisfy { $0.title.contains(app.reference) })
            let transitions = try await w.grants.audit.recent(on: w.db, limit: 500)
                .filter { $0.subjectID == app.id.uuidString && $0.action.hasPrefix("grants.application.") }
                .map(\.action)
            for action in ["grants.application.submitted", "grants.application.approve", "grants.application.award"] {
                #expect(transitions.contains { $0.hasPrefix(action) }, "\(action) in \(transitions)")
            }
            let verification = try await w.grants.audit.verify(on: w.db)
            if case .intact = verification {} else { Issue.record("audit log: \(verification)") }
        }
    }

    @Test("a submission missing the consent is refused and changes nothing")
    func submissionValidation() async throws {
        try await GrantsWorld.with { w in
            let company = w.companies[0]
            let started = try await w.grants.startApplication(category: .training, by: company, on: w.db)
            var fields = ApplicationForm.example(category: .training, now: w.clock.now()).fieldValues
            for key in fields.keys where key.lowercased().contains("consent") { fields[key] = nil }
            let saved = try await w.grants.saveForm(started.id, fields: fields, expectedVersion: started.version,
                                                    by: company, on: w.db)
            let mailsBefore = try await Fixtures.count(OutboxMessage.self, on: w.db)
            do {
                _ = try await w.grants.submit(saved.id, expectedVersion: saved.version, by: company, on: w.db)
                Issue.record("submitted without consent")
            } catch let error as UserFacingError {
                #expect(error.code == "grants.invalidInput")
                #expect(!error.fields.isEmpty)
            }
            let after = try await w.grants.application(saved.id, for: company, on: w.db)
            #expect(after.status == .draft)
            #expect(after.version == saved.version)
            #expect(try await Fixtures.count(OutboxMessage.self, on: w.db) == mailsBefore)
        }
    }

    @Test("one category per round: the second category in the same round is refused")
    func oneCategoryPerRound() async throws {
        try await GrantsWorld.with { w in
            let company = w.companies[0]
            _ = try await w.submitted(company, .training)
            let second = try await w.draft(company, .inference)
            do {
                _ = try await w.grants.submit(second.id, expectedVersion: second.version, by: company, on: w.db)
                Issue.record("second category accepted")
            } catch let error as UserFacingError {
                #expect(error.kind != .forbidden)
                #expect(error.zh.contains("類") || error.en.lowercased().contains("category"), "\(error)")
            }
            #expect(try await w.grants.application(second.id, for: company, on: w.db).status == .draft)
        }
    }

    @Test("a submission after the window closes is refused")
    func lateSubmission() async throws {
        try await GrantsWorld.with { w in
            let company = w.companies[1]
            let draft = try await w.draft(company, .inference)
            w.clock.advance(by: 200 * 86_400)  // 2027-01: well past 2026-10-30 23:59
            do {
                _ = try await w.grants.submit(draft.id, expectedVersion: draft.version, by: company, on: w.db)
                Issue.record("late submission accepted")
            } catch let error as UserFacingError {
                #expect(error.kind != .forbidden, "\(error)")
            }
            #expect(try await w.grants.application(draft.id, for: company, on: w.db).status == .draft)
        }
    }

    @Test("two saves from the same version: the second is a stale-version conflict and the first is kept")
    func concurrentEdit() async throws {
        try await GrantsWorld.with { w in
            let company = w.companies[0]
            let draft = try await w.draft(company)
            _ = try await w.grants.saveForm(draft.id, fields: ["title": ["第一位編輯的標題"]],
                                            expectedVersion: draft.version, by: company, on: w.db)
            await expectUserError("grants.staleVersion") {
                _ = try await w.grants.saveForm(draft.id, fields: ["title": ["第二位編輯的標題"]],
                                                expectedVersion: draft.version, by: company, on: w.db)
            }
            #expect(try await w.grants.application(draft.id, for: company, on: w.db).title == "第一位編輯的標題")
            #expect(GrantsFailure.staleVersion.kind == .conflict)
        }
    }

    @Test("a correction opens named sections only; resubmission after the deadline is refused")
    func correction() async throws {
        try await GrantsWorld.with { w in
            let company = w.companies[0]
            let app = try await w.submitted(company)
            let reviewing = try await w.grants.evaluateEligibility(app.id, by: w.operatorCaller, on: w.db)
            let deadline = Cutoff.endOfDay(ROCDate(gregorianYear: 2026, month: 7, day: 8)!)
            let asked = try await w.grants.requestCorrection(
                app.id, items: ["請補充專案重要性說明"], sections: [.importance], deadline: deadline,
                expectedVersion: reviewing.version, by: w.operatorCaller, on: w.db)
            #expect(asked.status == .correctionRequested)
            let mails = try await Outbox.messages(to: "admin@yunding.demo", on: w.db, limit: 50)
            #expect(mails.contains { $0.templateKey == "grant-notice" && $0.textBody.contains("請補充專案重要性說明") })

            await expectUserError("grants.outsideCorrection") {
                _ = try await w.grants.saveForm(app.id, fields: ["title": ["改掉標題"]], expectedVersion: asked.version,
                                                by: company, on: w.db)
            }
            let unchanged = try await w.grants.application(app.id, for: company, on: w.db)
            #expect(unchanged.title == app.title)
            #expect(unchanged.version == asked.version)

            let fixed = try await w.grants.saveForm(
                app.id, fields: ["importance": [app.form.importance + "補充：已取得三家券商意向書。"]],
                expectedVersion: asked.version, by: company, on: w.db)
            #expect(fixed.form.importance.hasSuffix("補充：已取得三家券商意向書。"))

            w.clock.advance(by: 10 * 86_400)
            do {
                _ = try await w.grants.resubmit(app.id, expectedVersion: fixed.version, by: company, on: w.db)
                Issue.record("resubmitted after the deadline")
            } catch let error as UserFacingError {
                #expect(error.kind == .conflict || error.kind == .invalidInput, "\(error)")
            }
            #expect(try await w.grants.application(app.id, for: company, on: w.db).status == .correctionRequested)
        }
    }

    @Test("the worker lapses a missed correction once, also after a restart")
    func workerLapses() async throws {
        try await GrantsWorld.with { w in
            let company = w.companies[0]
            let app = try await w.submitted(company)
            let reviewing = try await w.grants.evaluateEligibility(app.id, by: w.operatorCaller, on: w.db)
            _ = try await w.grants.requestCorrection(
                app.id, items: ["補件"], sections: [.contacts],
                deadline: .endOfDay(ROCDate(gregorianYear: 2026, month: 7, day: 3)!),
                expectedVersion: reviewing.version, by: w.operatorCaller, on: w.db)
            let early = try await w.suanli.grantsWorker.runOnce()
            #expect(early.lapsed.isEmpty)
            w.clock.advance(by: 3 * 86_400)
            let mailsBefore = try await Fixtures.count(OutboxMessage.self, on: w.db)
            let report = try await w.suanli.grantsWorker.runOnce()
            #expect(report.lapsed == [app.reference])
            #expect(try await w.current(app.id).status == .lapsed)
            let mailsAfter = try await Fixtures.count(OutboxMessage.self, on: w.db)
            #expect(mailsAfter == mailsBefore + 1)
            #expect(try await w.suanli.grantsWorker.runOnce().lapsed.isEmpty)
            // A restarted process: a new worker instance, after the old lease ran out.
            w.clock.advance(by: 3_600)
            let restarted = GrantsWorker(grants: w.grants, database: { [db = w.db] in db }, logger: w.suanli.logger)
            let again = try await restarted.runOnce()
            #expect(again.lapsed.isEmpty && again.remindersSent.isEmpty && again.overdueNotified.isEmpty)
            #expect(try await Fixtures.count(OutboxMessage.self, on: w.db) == mailsAfter)
            #expect(try await w.current(app.id).status == .lapsed)
        }
    }

    @Test("eligibility: registry samples give rule-by-rule results with data; override needs a reason")
    func eligibility() async throws {
        try await GrantsWorld.with { w in
            #expect(try await !w.grants.registryDatasets(on: w.db).isEmpty)
            let app = try await w.submitted(w.companies[0])
            let record = try await w.grants.evaluateEligibility(app.id, by: w.operatorCaller, on: w.db)
            #expect(record.status == .eligibilityReview)
            let report = try #require(record.eligibility)
            #expect(report.results.count >= 5)
            #expect(report.results.contains { !$0.data.isEmpty })
            let rule = try #require(report.results.first { $0.rule.isRequirement })
            do {
                _ = try await w.grants.decideEligibilityRule(
                    app.id, rule: rule.rule, decision: .setOutcome(rule.outcome == .fail ? .pass : .fail),
                    reason: "  ", expectedVersion: record.version, by: w.operatorCaller, on: w.db)
                Issue.record("override without a reason accepted")
            } catch {}
            #expect(try await w.current(app.id).version == record.version)
            let audit = try await w.grants.audit.recent(on: w.db, limit: 100).map(\.action)
            #expect(audit.contains("grants.eligibility.evaluated"))
        }
    }

    @Test("eligibility cannot pass while a requirement is unknown or failed")
    func passNeedsAllRules() async throws {
        try await GrantsWorld.with { w in
            let app = try await w.submitted(w.companies[0])
            var record = try await w.grants.evaluateEligibility(app.id, by: w.operatorCaller, on: w.db)
            let rule = try #require(record.eligibility?.results.first { $0.rule.isRequirement })
            record = try await w.grants.decideEligibilityRule(
                app.id, rule: rule.rule, decision: .setOutcome(.fail), reason: "登記資料顯示不符",
                expectedVersion: record.version, by: w.operatorCaller, on: w.db)
            await expectUserError("grants.eligibility.undecided") {
                _ = try await w.grants.passEligibility(app.id, expectedVersion: record.version, by: w.operatorCaller,
                                                       on: w.db)
            }
            #expect(try await w.current(app.id).status == .eligibilityReview)
            let passed = try await w.eligible(app)
            #expect(passed.status == .professionalReview)
        }
    }

    @Test("running the check again keeps the operator's decisions on rules whose result did not change")
    func reevaluationKeepsDecisions() async throws {
        try await GrantsWorld.with { w in
            let app = try await w.submitted(w.companies[0])
            var record = try await w.grants.evaluateEligibility(app.id, by: w.operatorCaller, on: w.db)
            let rule = try #require(record.eligibility?.results.first { $0.rule.isRequirement })
            let target: EligibilityOutcome = rule.outcome == .fail ? .pass : .fail
            record = try await w.grants.decideEligibilityRule(
                app.id, rule: rule.rule, decision: .setOutcome(target), reason: "依佐證文件改判",
                expectedVersion: record.version, by: w.operatorCaller, on: w.db)
            record = try await w.grants.evaluateEligibility(app.id, by: w.operatorCaller, on: w.db)
            let kept = try #require(record.eligibility?.override(for: rule.rule))
            #expect(kept.outcome == target)
            #expect(kept.reason == "依佐證文件改判")
            #expect(record.eligibility?.effectiveOutcome(of: rule.rule) == target)
        }
    }

    @Test("review: declare before scoring, conflicts remove the assignment, sheets hidden, operator cannot score")
    func review() async throws {
        try await GrantsWorld.with { w in
            let app = try await w.eligible(try await w.submitted(w.companies[0]))
            for reviewer in w.reviewers {
                _ = try await w.grants.assign(app.id, reviewer: reviewer.userID, by: w.operatorCaller, on: w.db)
            }
            let (r1, r2) = (w.reviewers[0], w.reviewers[1])
            await expectUserError("grants.review.declareFirst") {
                _ = try await w.grants.saveScores(app.id, w.entry(.training, score: 80), by: r1, on: w.db)
            }
            await expectUserError("grants.forbidden") {
                _ = try await w.grants.saveScores(app.id, w.entry(.training, score: 80), by: w.operatorCaller,
                                                  on: w.db)
            }
            try await w.grants.declareConflict(app.id, hasConflict: false, reason: "", by: r1, on: w.db)
            try await w.grants.declareConflict(app.id, hasConflict: false, reason: "", by: r2, on: w.db)
            _ = try await w.grants.saveScores(app.id, w.entry(.training, score: 80), by: r1, on: w.db)
            let hidden = try await w.grants.visibleSheets(app.id, by: r2, on: w.db)
            #expect(!hidden.contains { $0.reviewer.rawValue == r1.userID.uuidString })
            _ = try await w.grants.saveScores(app.id, w.entry(.training, score: 70), by: r2, on: w.db)
            let visible = try await w.grants.visibleSheets(app.id, by: r2, on: w.db)
            #expect(visible.contains { $0.reviewer.rawValue == r1.userID.uuidString })
        }
    }

    @Test("a declared conflict removes the assignment and refuses scoring")
    func conflict() async throws {
        try await GrantsWorld.with { w in
            let app = try await w.eligible(try await w.submitted(w.companies[0]))
            _ = try await w.grants.assign(app.id, reviewer: w.reviewers[0].userID, by: w.operatorCaller, on: w.db)
            try await w.grants.declareConflict(app.id, hasConflict: true, reason: "曾任該公司顧問", by: w.reviewers[0],
                                               on: w.db)
            let rows = try await w.grants.assignments(of: app.id, on: w.db)
            #expect(rows.allSatisfy { $0.removed || $0.reviewerUserID != w.reviewers[0].userID })
            await expectUserError("grants.notFound") {
                _ = try await w.grants.saveScores(app.id, w.entry(.training, score: 90), by: w.reviewers[0], on: w.db)
            }
        }
    }

    @Test("auto-assignment balances the load across the pool")
    func autoAssignBalances() async throws {
        try await GrantsWorld.with { w in
            for company in w.companies { _ = try await w.eligible(try await w.submitted(company, .inference)) }
            // Two more reviewers, so that the pool is larger than the reviewers per application.
            var extra: [UUID] = []
            for n in 3...4 {
                let user = try await w.suanli.services.accounts.createUser(
                    email: "reviewer\(n)@suanli.test", name: "審查委員 \(n)", role: .reviewer,
                    password: "Suanli-test-reviewer-2026", mustChangePassword: false, secrets: w.suanli.secrets,
                    actor: "test", on: w.db)
                extra.append(user.id)
                try await w.grants.addReviewer(programme: w.programme.id, userID: user.id,
                                               categories: GrantCategory.allCases, by: w.operatorCaller, on: w.db)
            }
            let added = try await w.grants.autoAssign(programme: w.programme.id, round: "2026-R1",
                                                      category: .inference, by: w.operatorCaller, on: w.db)
            let perApp = w.programme.settings.reviewersPerApplication
            #expect(added == 3 * perApp)
            let loads = try await w.grants.reviewers(programme: w.programme.id, on: w.db).map(\.load)
            #expect(loads.count == 4)
            #expect((loads.max() ?? 0) - (loads.min() ?? 0) <= 1, "\(loads)")
        }
    }

    @Test("ranking, award (points, 3-month term), public list, close-out, reminders, overdue, statistics")
    func awardAndCloseOut() async throws {
        try await GrantsWorld.with { w in
            let a = try await w.eligible(try await w.submitted(w.companies[0], .inference))
            let b = try await w.eligible(try await w.submitted(w.companies[1], .inference))
            let c = try await w.submitted(w.companies[2], .inference)  // stays submitted
            for app in [a, b] {
                for reviewer in w.reviewers {
                    _ = try await w.grants.assign(app.id, reviewer: reviewer.userID, by: w.operatorCaller, on: w.db)
                    try await w.grants.declareConflict(app.id, hasConflict: false, reason: "", by: reviewer, on: w.db)
                }
            }
            for reviewer in w.reviewers {
                _ = try await w.grants.saveScores(a.id, w.entry(.inference, score: 60), by: reviewer, on: w.db)
                _ = try await w.grants.saveScores(b.id, w.entry(.inference, score: 90), by: reviewer, on: w.db)
            }
            let ranking = try await w.grants.ranking(programme: w.programme.id, round: "2026-R1", category: .inference,
                                                     by: w.operatorCaller, on: w.db)
            let ranked = ranking.filter { $0.rank != nil }
            #expect(ranked.map(\.applicationID) == [b.id, a.id])
            #expect(ranked.allSatisfy { $0.sheetsSubmitted == w.reviewers.count && $0.reviewerTotals.count == w.reviewers.count })
            // The ranking sums each submitted sheet's stored figures in the database; without them it
            // works the sheets out from their scoring line, and without that from their JSON (sheets
            // written before those columns existed, or after a rubric amendment) — same ranking each way.
            let sql = try #require(w.db as? any SQLDatabase)
            struct Stored: Decodable { var scoring: String?; var total_exact: Int?; var heaviest_score: Int? }
            let stored = try await sql.raw("SELECT scoring, total_exact, heaviest_score FROM grant_score_sheets")
                .all(decoding: Stored.self)
            #expect(!stored.isEmpty && stored.allSatisfy {
                $0.scoring?.contains("|") == true && $0.total_exact != nil && $0.heaviest_score != nil }, "\(stored)")
            try await sql.raw("UPDATE grant_score_sheets SET total_exact = NULL, heaviest_score = NULL").run()
            #expect(try await w.grants.ranking(programme: w.programme.id, round: "2026-R1", category: .inference,
                                               by: w.operatorCaller, on: w.db) == ranking)
            try await sql.raw("UPDATE grant_score_sheets SET scoring = NULL").run()
            #expect(try await w.grants.ranking(programme: w.programme.id, round: "2026-R1", category: .inference,
                                               by: w.operatorCaller, on: w.db) == ranking)

            // Inference: passing the professional review approves; the ministry awards.
            let approvedB = try await w.grants.approve(b.id, level: .l2, expectedVersion: try await w.current(b.id).version,
                                                       by: w.operatorCaller, on: w.db)
            #expect(approvedB.status == .approved)
            let termStart = ROCDate(gregorianYear: 2026, month: 9, day: 1)!
            let project = try await w.grants.award(b.id, termStart: termStart, expectedVersion: approvedB.version,
                                                   by: w.ministry, on: w.db)
            #expect(project.points == 2_000)
            #expect(project.level == .l2)
            #expect(project.term.start == termStart)
            #expect(project.term.lastDay == ROCDate(gregorianYear: 2026, month: 11, day: 30)!)
            // The award opened the project's point account in the Ledger, for exactly the term.
            let account = try #require(try await w.suanli.ledger.account(project: project.id, on: w.db))
            #expect(account.kind == .inference && account.granted == .points(2_000) && account.balance == .points(2_000))
            #expect(account.organisationID == project.organisationID)
            #expect(account.termStart == termStart.startInstant())
            #expect(account.termEnd == ROCDate(gregorianYear: 2026, month: 12, day: 1)!.startInstant())
            #expect(try await w.suanli.ledger.verify(on: w.db).isClean)
            #expect(GrantLevel.l1.points == 1_000 && GrantLevel.l3.points == 6_000)
            #expect(try await w.grants.publishedProjects(on: w.db).map(\.id) == [project.id])
            _ = try await w.grants.reject(a.id, reason: "分數未達門檻", expectedVersion: try await w.current(a.id).version,
                                          by: w.operatorCaller, on: w.db)

            let stats = try await w.grants.statistics(programme: w.programme.id, by: w.ministry, on: w.db)
            #expect(stats.overall.filed == 3)
            #expect(stats.overall.approved == 1)
            #expect(stats.overall.rejected == 1)
            #expect(stats.overall.levels[.l2] == 1)
            _ = c

            // Close-out: not during the term; reminders at 14/7/1 days before the due day; overdue after.
            let company = w.companies[1]
            await expectUserError("grants.closeOut.termRunning") {
                _ = try await w.grants.handInCloseOut(project.id, item: .demoVideo, text: "https://example.com/v",
                                                      file: nil, showcaseOptIn: nil, by: company, on: w.db)
            }
            let due = project.schedule.dueDay
            func moveTo(_ day: ROCDate) { w.clock.set(day.startInstant().addingTimeInterval(3_600)) }
            var reminded: [Int] = []
            for offset in [14, 7, 1] {
                moveTo(due.adding(days: -offset))
                let report = try await w.suanli.grantsWorker.runOnce()
                if report.remindersSent == [project.reference] { reminded.append(offset) }
                #expect(try await w.suanli.grantsWorker.runOnce().remindersSent.isEmpty)
            }
            #expect(reminded == [14, 7, 1])
            moveTo(due.adding(days: 2))
            #expect(try await w.suanli.grantsWorker.runOnce().overdueNotified == [project.reference])
            #expect(try await w.grants.overdueCloseOuts(by: w.operatorCaller, on: w.db).map(\.project.id) == [project.id])

            let pdf = Array("%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8)
            _ = try await w.grants.handInCloseOut(project.id, item: .report, text: nil,
                file: IncomingFile(fileName: "結案報告.pdf", contentType: "application/pdf", bytes: pdf),
                showcaseOptIn: nil, by: company, on: w.db)
            _ = try await w.grants.handInCloseOut(project.id, item: .slides, text: nil,
                file: IncomingFile(fileName: "成果簡報.pdf", contentType: "application/pdf", bytes: pdf),
                showcaseOptIn: false, by: company, on: w.db)
            let done = try await w.grants.handInCloseOut(project.id, item: .demoVideo,
                                                         text: "https://www.youtube.com/watch?v=abc123",
                                                         file: nil, showcaseOptIn: nil, by: company, on: w.db)
            #expect(done.closeOut.missing.isEmpty)
            #expect(try await w.grants.overdueCloseOuts(by: w.operatorCaller, on: w.db).isEmpty)

            let audit = try await w.grants.audit.recent(on: w.db, limit: 500).map(\.action)
            for action in ["grants.application.approve", "grants.closeout.reminded", "grants.closeout.overdue",
                           "grants.closeout.handed_in"] {
                #expect(audit.contains { $0.hasPrefix(action) }, "\(action)")
            }
            let verification = try await w.grants.audit.verify(on: w.db)
            if case .intact = verification {} else { Issue.record("audit log: \(verification)") }
        }
    }
}
