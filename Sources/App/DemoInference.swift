import FluentKit
import Foundation
import Gateway
import Grants
import Identity
import Ledger
import SuanliKit

/// The demo's inference tenant (issue 4, item 7): 光合資料 applies for inference points, the operator
/// passes eligibility, both demo reviewers score it, the operator approves level 1 and the ministry
/// awards it — the real workflow, so the project has a ledger account with 1,000 points and a running
/// term — and an API key is issued for it. Running the demo again issues a new key (a key is shown
/// only once) and revokes the previous demo key.
enum DemoInference {
    static let companyEmail = "admin@guanghe.demo"
    static let keyName = "示範金鑰 demo key"

    struct Result: Sendable, Codable {
        var project: String
        var company: String
        var points: String
        var baseURL: String
        var apiKey: String
    }

    static func seed(_ suanli: Suanli, reviewers: [UUID], operatorID: UUID, ministry: UUID) async throws -> Result? {
        let db = suanli.database.db
        let grants = suanli.services.grants
        guard let admin = try await UserModel.query(on: db).filter(\.$email == companyEmail).first(),
              let organisation = admin.organisationID else { return nil }
        let company = GrantsCaller(userID: admin.id!, role: .applicant, organisationID: organisation, label: "cli:demo",
                                   sourceIP: nil)
        let operatorCaller = GrantsCaller(userID: operatorID, role: .operator, organisationID: nil, label: "cli:demo",
                                          sourceIP: nil)
        let ministryCaller = GrantsCaller(userID: ministry, role: .ministry, organisationID: nil, label: "cli:demo",
                                          sourceIP: nil)
        let project: ProjectRecord
        if let existing = try await grants.projects(of: company, on: db).first(where: { $0.category == .inference }) {
            project = existing
        } else {
            project = try await award(suanli, company: company, operatorCaller: operatorCaller,
                                      ministry: ministryCaller, reviewers: reviewers)
        }
        let actor = KeyActor(userID: admin.id!, label: "cli:demo", organisationID: organisation, sourceIP: nil)
        for old in try await suanli.gatewayKeys.list(project: project.id, organisation: organisation, on: db)
        where old.name == keyName {
            try await suanli.gatewayKeys.revoke(old.id, by: actor, on: db)
        }
        let key = try await suanli.gatewayKeys.create(project: project.id, name: keyName, policy: KeyPolicy(),
                                                      by: actor, on: db)
        let account = try await suanli.ledger.account(project: project.id, on: db)
        return Result(project: project.reference, company: project.companyName,
                      points: (account?.remaining ?? .zero).pointsText, baseURL: suanli.config.publicURL + "/v1",
                      apiKey: key.key)
    }

    private static func award(_ suanli: Suanli, company: GrantsCaller, operatorCaller: GrantsCaller,
                              ministry: GrantsCaller, reviewers: [UUID]) async throws -> ProjectRecord {
        let db = suanli.database.db
        let grants = suanli.services.grants
        let started = try await grants.startApplication(category: .inference, by: company, on: db)
        let fields = ApplicationForm.example(category: .inference, now: grants.clock.now()).fieldValues
        let saved = try await grants.saveForm(started.id, fields: fields, expectedVersion: started.version, by: company,
                                              on: db)
        let submitted = try await grants.submit(saved.id, expectedVersion: saved.version, by: company, on: db)
        var record = try await grants.evaluateEligibility(submitted.id, by: operatorCaller, on: db)
        for result in record.eligibility?.results ?? [] where result.rule.isRequirement {
            let decision: EligibilityOverride.Decision = result.outcome == .pass ? .confirm : .setOutcome(.pass)
            record = try await grants.decideEligibilityRule(
                submitted.id, rule: result.rule, decision: decision,
                reason: result.outcome == .pass ? nil : "示範資料：已查閱公司登記資料及切結書，確認符合。",
                expectedVersion: record.version, by: operatorCaller, on: db)
        }
        record = try await grants.passEligibility(submitted.id, expectedVersion: record.version, by: operatorCaller,
                                                  on: db)
        let programme = try await grants.currentProgramme(on: db)
        let rubric = programme?.settings.rubric(for: .inference)
        for reviewer in reviewers {
            let caller = GrantsCaller(userID: reviewer, role: .reviewer, organisationID: nil, label: "cli:demo",
                                      sourceIP: nil)
            _ = try await grants.assign(submitted.id, reviewer: reviewer, by: operatorCaller, on: db)
            try await grants.declareConflict(submitted.id, hasConflict: false, reason: "", by: caller, on: db)
            let scores = Dictionary(uniqueKeysWithValues: (rubric?.criteria ?? []).map { ($0.key, 85) })
            _ = try await grants.saveScores(submitted.id, ScoreEntry(scores: scores, overallComment: "示範評分：計畫完整。",
                                                                     submit: true), by: caller, on: db)
        }
        let current = try await grants.application(submitted.id, for: operatorCaller, on: db)
        let approved = try await grants.approve(submitted.id, level: .l1, expectedVersion: current.version,
                                                by: operatorCaller, on: db)
        return try await grants.award(submitted.id, expectedVersion: approved.version, by: ministry, on: db)
    }
}
