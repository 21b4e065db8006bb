internal import Foundation
import Grants
import SuanliKit

/// The operator's and the ministry's side (SPEC C2, C4, C4.6): eligibility, decisions, the reviewer
/// pool and assignment, ranking, award, projects and statistics.
extension APIHandlers {
    func evaluateEligibility(_ input: Operations.evaluateEligibility.Input) async throws
        -> Operations.evaluateEligibility.Output
    {
        let caller = try grantsCaller([.operator])
        let record = try await grants.evaluateEligibility(try Self.grantsID(input.path.id), by: caller,
                                                          on: services.db)
        return .ok(.init(body: .json(try await applicationView(record, for: caller))))
    }

    func decideEligibilityRule(_ input: Operations.decideEligibilityRule.Input) async throws
        -> Operations.decideEligibilityRule.Output
    {
        let caller = try grantsCaller([.operator])
        let id = try Self.grantsID(input.path.id)
        guard case .json(let body) = input.body,
              let rule = EligibilityRuleID(rawValue: input.path.rule.rawValue)
        else { throw GrantsFailure.notFound }
        try Self.checkReason(body.reason)
        let decision: EligibilityOverride.Decision = switch body.decision {
        case .confirm: .confirm
        case .pass: .setOutcome(.pass)
        case .fail: .setOutcome(.fail)
        }
        let record = try await grants.decideEligibilityRule(id, rule: rule, decision: decision, reason: body.reason,
                                                            expectedVersion: body.version, by: caller,
                                                            on: services.db)
        return .ok(.init(body: .json(try await applicationView(record, for: caller))))
    }

    func decideApplication(_ input: Operations.decideApplication.Input) async throws
        -> Operations.decideApplication.Output
    {
        let id = try Self.grantsID(input.path.id)
        guard case .json(let body) = input.body else { throw GrantsFailure.notFound }
        let caller = try grantsCaller(
            body.action == .approve || body.action == .reject ? [.operator, .ministry] : [.operator])
        try Self.checkReason(body.reason)
        var rules = SchemaRules()
        for item in body.items ?? [] { rules.length("items", item, max: 500) }
        rules.items("items", body.items?.count ?? 0, min: 0, max: 20)
        rules.items("sections", body.sections?.count ?? 0, min: 0, max: 20)
        try rules.check()
        let db = services.db
        let version = body.version
        let reason = body.reason ?? ""
        let record: ApplicationRecord
        switch body.action {
        case .pass:
            record = try await grants.passEligibility(id, expectedVersion: version, by: caller, on: db)
        case .ineligible:
            record = try await grants.declareIneligible(id, reason: reason, expectedVersion: version, by: caller,
                                                        on: db)
        case .correction:
            let sections = (body.sections ?? []).compactMap { ApplicationSection(rawValue: $0.rawValue) }
            record = try await grants.requestCorrection(
                id, items: body.items ?? [], sections: sections, deadline: try Self.deadline(body.deadline),
                expectedVersion: version, by: caller, on: db)
        case .reinstate:
            record = try await grants.reinstate(id, deadline: try Self.deadline(body.deadline), reason: reason,
                                                expectedVersion: version, by: caller, on: db)
        case .sendToMeeting:
            record = try await grants.sendToMeeting(id, expectedVersion: version, by: caller, on: db)
        case .approve:
            guard let level = body.level.flatMap({ GrantLevel(rawValue: $0.rawValue) }) else {
                throw GrantsFailure.invalid([FieldError(field: "level", zh: "請選擇等級（L1、L2 或 L3）。",
                                                        en: "Choose a level (L1, L2 or L3).")])
            }
            record = try await grants.approve(id, level: level, expectedVersion: version, by: caller, on: db)
        case .reject:
            record = try await grants.reject(id, reason: reason, expectedVersion: version, by: caller, on: db)
        }
        return .ok(.init(body: .json(try await applicationView(record, for: caller))))
    }

    /// A correction or reinstatement deadline: the end (23:59) of the given day, Taipei time.
    static func deadline(_ text: String?) throws -> Cutoff {
        guard let text else {
            throw GrantsFailure.invalid([FieldError(field: "deadline", zh: "請提供期限日期，例如 2026-11-30。",
                                                    en: "Give the deadline as a date such as 2026-11-30.")])
        }
        return .endOfDay(try isoDay(text, field: "deadline"))
    }

    func assignReviewer(_ input: Operations.assignReviewer.Input) async throws -> Operations.assignReviewer.Output {
        let caller = try grantsCaller([.operator])
        let id = try Self.grantsID(input.path.id)
        guard case .json(let body) = input.body else { throw GrantsFailure.notFound }
        guard let reviewer = UUID(uuidString: body.reviewer) else {
            throw GrantsFailure.invalid([FieldError(field: "reviewer", zh: "請提供審查委員的使用者 ID（UUID）。",
                                                    en: "Give the reviewer's user ID (a UUID).")])
        }
        try await grants.assign(id, reviewer: reviewer, by: caller, on: services.db)
        return .noContent(.init())
    }

    func autoAssignReviewers(_ input: Operations.autoAssignReviewers.Input) async throws
        -> Operations.autoAssignReviewers.Output
    {
        let caller = try grantsCaller([.operator])
        guard case .json(let body) = input.body, let category = GrantCategory(rawValue: body.category.rawValue)
        else { throw GrantsFailure.notFound }
        var rules = SchemaRules()
        rules.length("round", body.round, min: 1, max: 40)
        try rules.check()
        let programme = try await currentProgramme()
        guard programme.round(body.round) != nil else { throw Self.unknownRound }
        let added = try await grants.autoAssign(programme: programme.id, round: body.round, category: category,
                                                by: caller, on: services.db)
        return .ok(.init(body: .json(.init(added: added))))
    }

    static let unknownRound = GrantsFailure.invalid([FieldError(
        field: "round", zh: "本計畫沒有這個梯次，請使用 GET /programme 列出的梯次 ID。",
        en: "The programme has no such round; use a round ID listed by GET /programme.")])

    func getRanking(_ input: Operations.getRanking.Input) async throws -> Operations.getRanking.Output {
        let caller = try grantsCaller([.operator, .ministry])
        var rules = SchemaRules()
        rules.length("round", input.query.round, min: 1, max: 40)
        try rules.check()
        guard let category = GrantCategory(rawValue: input.query.category.rawValue) else {
            throw GrantsFailure.notFound
        }
        let programme = try await currentProgramme()
        guard programme.round(input.query.round) != nil else { throw Self.unknownRound }
        let rows = try await grants.ranking(programme: programme.id, round: input.query.round, category: category,
                                            by: caller, on: services.db)
        return .ok(.init(body: .json(.init(items: rows.map(Components.Schemas.RankingRow.init)))))
    }

    func listReviewers(_ input: Operations.listReviewers.Input) async throws -> Operations.listReviewers.Output {
        _ = try grantsCaller([.operator, .ministry])
        let programme = try await currentProgramme()
        let pool = try await grants.reviewers(programme: programme.id, on: services.db)
        return .ok(.init(body: .json(.init(items: pool.map(Components.Schemas.Reviewer.init)))))
    }

    func addReviewer(_ input: Operations.addReviewer.Input) async throws -> Operations.addReviewer.Output {
        let caller = try grantsCaller([.operator])
        guard case .json(let body) = input.body else { throw GrantsFailure.notFound }
        guard let userID = UUID(uuidString: body.userId) else {
            throw GrantsFailure.invalid([FieldError(field: "userId", zh: "請提供審查委員的使用者 ID（UUID）。",
                                                    en: "Give the reviewer's user ID (a UUID).")])
        }
        let categories = Array(Set((body.categories ?? []).compactMap { GrantCategory(rawValue: $0.rawValue) }))
            .sorted()
        let programme = try await currentProgramme()
        try await grants.addReviewer(programme: programme.id, userID: userID, categories: categories, by: caller,
                                     on: services.db)
        return .noContent(.init())
    }

    func awardApplication(_ input: Operations.awardApplication.Input) async throws
        -> Operations.awardApplication.Output
    {
        let caller = try grantsCaller([.ministry])
        let id = try Self.grantsID(input.path.id)
        guard case .json(let body) = input.body else { throw GrantsFailure.notFound }
        try Self.checkReason(body.reason)
        let start = try body.termStart.map { try Self.isoDay($0, field: "termStart") }
        let project = try await grants.award(id, level: body.level.flatMap { GrantLevel(rawValue: $0.rawValue) },
                                             reason: body.reason, termStart: start, expectedVersion: body.version,
                                             by: caller, on: services.db)
        return .created(.init(body: .json(.init(project))))
    }

    func listProjects(_ input: Operations.listProjects.Input) async throws -> Operations.listProjects.Output {
        let caller = try grantsCaller()
        let projects = try await grants.projects(of: caller, on: services.db)
        return .ok(.init(body: .json(.init(items: projects.map(Components.Schemas.Project.init)))))
    }

    func getProject(_ input: Operations.getProject.Input) async throws -> Operations.getProject.Output {
        let caller = try grantsCaller()
        let project = try await grants.project(try Self.grantsID(input.path.id), for: caller, on: services.db)
        return .ok(.init(body: .json(.init(project))))
    }

    func getStatistics(_ input: Operations.getStatistics.Input) async throws -> Operations.getStatistics.Output {
        let caller = try grantsCaller([.operator, .ministry])
        let programme = try await currentProgramme()
        let statistics = try await grants.statistics(programme: programme.id, by: caller, on: services.db)
        return .ok(.init(body: .json(.init(statistics, code: programme.code))))
    }
}
