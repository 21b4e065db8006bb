internal import Foundation
import Grants
import SuanliKit

/// Domain values → the API document's schemas. Enumerations go through their raw values, which the
/// document spells the same as the domain; `Self.from` keeps an unknown value from becoming a crash.

extension Components.Schemas.Bilingual {
    init(_ text: Bilingual) { self.init(zh: text.zh, en: text.en) }
}

/// Maps a domain raw value to the document's enumeration, which lists the same values.
private func mapped<T: RawRepresentable>(_ value: String) -> T where T.RawValue == String {
    guard let result = T(rawValue: value) else { preconditionFailure("openapi.yaml lacks the value \(value)") }
    return result
}

extension GrantCategory {
    var api: Components.Schemas.GrantCategory { mapped(rawValue) }
}

extension GrantLevel {
    var api: Components.Schemas.GrantLevel { mapped(rawValue) }
}

extension ApplicationStatus {
    var api: Components.Schemas.ApplicationStatus { mapped(rawValue) }
}

extension EligibilityOutcome {
    var api: Components.Schemas.EligibilityOutcome { mapped(rawValue) }
}

extension BonusItem {
    /// The bonus item's name in the API, e.g. `openModel`, `registration.aiTechnicalService`.
    var apiKey: String {
        switch self {
        case .fieldSiteMOU: "fieldSiteMOU"
        case .productisationMaterial: "productisationMaterial"
        case .openDataset: "openDataset"
        case .openModel: "openModel"
        case .openCode: "openCode"
        case .registration(let kind): "registration.\(kind.rawValue)"
        }
    }
}

extension Components.Schemas.GrantProgramme {
    init(_ stored: StoredProgramme) {
        let settings = stored.settings
        self.init(
            id: stored.id.uuidString, code: stored.code, title: .init(settings.title),
            organiser: .init(settings.organiser), executingUnit: .init(settings.executingUnit),
            opens: settings.window.opens, deadline: settings.window.closes.lateFrom,
            rounds: settings.rounds.map { round in
                .init(id: round.id.rawValue, number: round.number, intakeCloses: round.intakeCloses.lateFrom,
                      reviewStarts: round.reviewStarts.isoForm, meetingDay: round.meetingDay?.isoForm,
                      announcementDay: round.announcementDay?.isoForm)
            },
            categories: GrantCategory.allCases.map { category in
                .init(category: category.api, title: .init(zh: category.zh, en: category.en),
                      hasReviewMeeting: category.hasReviewMeeting)
            },
            levels: GrantLevel.allCases.map { .init(level: $0.api, points: $0.points) },
            rubrics: GrantCategory.allCases.map { category in
                .init(category: category.api, criteria: settings.rubric(for: category).criteria.map { criterion in
                    .init(key: mapped(criterion.key.rawValue), title: .init(criterion.label), weight: criterion.weight)
                })
            },
            reviewersPerApplication: settings.reviewersPerApplication, version: stored.version)
    }
}

extension Components.Schemas.ApplicationSummary {
    init(_ row: ApplicationSummary) {
        self.init(id: row.id.uuidString, reference: row.reference, category: row.category.api, status: row.status.api,
                  round: row.roundID, title: row.title, companyName: row.companyName, taxId: row.taxID,
                  isStartup: row.isStartup, level: row.level?.api, submittedAt: row.submittedAt,
                  correctionDeadline: row.correctionDeadline)
    }
}

extension Components.Schemas.Application {
    init(_ record: ApplicationRecord, attachments: [StoredAttachment], showEligibility: Bool,
         actions: [ApplicationActionKind]) {
        let progress = record.progress
        var correction: Components.Schemas.CorrectionNotice?
        if record.status == .correctionRequested, let deadline = progress.correctionDeadline {
            correction = .init(deadline: deadline.lateFrom, items: progress.correctionItems,
                               openSections: record.openSections.map { mapped($0.rawValue) })
        }
        self.init(
            id: record.id.uuidString, reference: record.reference, category: record.category.api,
            status: record.status.api, round: record.roundID, version: record.version, title: record.title,
            companyName: record.companyName, taxId: record.taxID, isStartup: record.isStartup,
            level: progress.level?.api, submittedAt: progress.submittedAt,
            fields: .init(additionalProperties: record.form.fieldValues),
            company: record.company.map(Components.Schemas.CompanySnapshot.init),
            eligibility: showEligibility ? record.eligibility.map(Components.Schemas.EligibilityReport.init) : nil,
            history: progress.history.map(Components.Schemas.ApplicationTransition.init),
            correction: correction, attachments: attachments.map(Components.Schemas.Attachment.init),
            actions: actions.map(\.rawValue))
    }
}

extension Components.Schemas.CompanySnapshot {
    init(_ company: CompanySnapshot) {
        self.init(taxId: company.taxID, name: company.name, kind: company.kind, industryCodes: company.industryCodes,
                  established: company.established?.isoForm, paidInCapital: company.paidInCapital,
                  representative: company.representative, employees: company.employees, address: company.address)
    }
}

extension Components.Schemas.EligibilityReport {
    init(_ report: EligibilityReport) {
        self.init(
            verdict: mapped(report.verdict.rawValue), evaluatedOn: report.evaluatedOn.isoForm,
            results: report.results.map { result in
                let decided = report.override(for: result.rule)
                return .init(
                    rule: mapped(result.rule.rawValue), title: .init(result.rule.title), outcome: result.outcome.api,
                    effectiveOutcome: report.effectiveOutcome(of: result.rule)?.api,
                    explanation: .init(result.explanation),
                    decision: decided.map {
                        .init(outcome: $0.outcome.api, reason: $0.reason, decidedAt: $0.decidedAt)
                    })
            })
    }
}

extension Components.Schemas.ApplicationTransition {
    init(_ step: TransitionRecord) {
        self.init(action: step.action.rawValue, from: step.from.api, to: step.to.api,
                  actorRole: step.actor.role.rawValue, at: step.at, reason: step.reason, level: step.level?.api, deadline: step.deadline?.lateFrom,
                  items: step.items)
    }
}

extension Components.Schemas.Attachment {
    init(_ file: StoredAttachment) {
        self.init(id: file.id.uuidString, purpose: mapped(file.purpose.rawValue), fileName: file.fileName,
                  contentType: file.contentType, size: file.size, sha256: file.sha256, uploadedAt: file.uploadedAt)
    }
}

extension Components.Schemas.ScoreSheet {
    init(_ sheet: ScoreSheet) {
        self.init(
            reviewer: sheet.reviewer.rawValue,
            scores: .init(additionalProperties: Dictionary(uniqueKeysWithValues: sheet.scores.map {
                ($0.key.rawValue, $0.value) })),
            comments: .init(additionalProperties: Dictionary(uniqueKeysWithValues: sheet.comments.map {
                ($0.key.rawValue, $0.value) })),
            overallComment: sheet.overallComment, bonus: sheet.grantedBonus.map(\.apiKey).sorted(),
            submitted: sheet.isSubmitted, submittedAt: sheet.submittedAt)
    }
}

extension Components.Schemas.ReviewAssignment {
    init(_ row: AssignmentSummary) {
        self.init(applicationId: row.applicationID.uuidString, reference: row.reference, title: row.title,
                  companyName: row.companyName, category: row.category.api, status: row.status.api,
                  conflict: .init(rawValue: row.conflict) ?? .undeclared, sheetSubmitted: row.sheetSubmitted)
    }
}

extension Components.Schemas.Reviewer {
    init(_ reviewer: ReviewerSummary) {
        self.init(userId: reviewer.userID.uuidString, name: reviewer.name, email: reviewer.email,
                  categories: reviewer.categories.map(\.api), active: reviewer.active, load: reviewer.load)
    }
}

extension Components.Schemas.RankingRow {
    init(_ row: RankingRow) {
        self.init(rank: row.rank, applicationId: row.applicationID.uuidString, reference: row.reference,
                  title: row.title, companyName: row.companyName, status: row.status.api, level: row.level?.api,
                  isStartup: row.isStartup, mean: row.mean?.description, spread: row.spread?.description,
                  widelyDisagree: row.widelyDisagree, reviewerTotals: row.reviewerTotals.map(\.description),
                  sheetsSubmitted: row.sheetsSubmitted, reviewersAssigned: row.reviewersAssigned)
    }
}

extension Components.Schemas.Project {
    init(_ project: ProjectRecord) {
        self.init(id: project.id.uuidString, reference: project.reference,
                  applicationId: project.applicationID.uuidString, round: project.roundID,
                  category: project.category.api, level: project.level.api, points: project.points,
                  title: project.title, companyName: project.companyName, termStart: project.term.start.isoForm,
                  termEnd: project.term.lastDay.isoForm, version: project.version)
    }
}

extension Components.Schemas.Rate {
    init(_ share: Proportion) {
        self.init(numerator: share.numerator, denominator: share.denominator, percent: share.percentText)
    }
}

extension Components.Schemas.StatisticsTally {
    init(_ tally: StatisticsTally) {
        self.init(
            filed: tally.filed, inReview: tally.inReview, approved: tally.approved, awarded: tally.awarded,
            rejected: tally.rejected, ineligible: tally.ineligible, withdrawn: tally.withdrawn, lapsed: tally.lapsed,
            decided: tally.decided,
            levels: GrantLevel.allCases.map {
                .init(level: $0.api, count: tally.count($0), share: .init(tally.share($0)))
            },
            startupsFiled: tally.startupsFiled, startupsApproved: tally.startupsApproved,
            pointsApproved: tally.pointsApproved, approvalRate: .init(tally.approvalRate),
            approvalRateOfDecided: .init(tally.approvalRateOfDecided),
            startupShareOfFiled: .init(tally.startupShareOfFiled),
            startupShareOfApproved: .init(tally.startupShareOfApproved))
    }
}

extension Components.Schemas.GrantStatistics {
    init(_ statistics: ProgrammeStatistics, code: String) {
        func categories(_ tally: (GrantCategory) -> StatisticsTally) -> [Components.Schemas.CategoryTally] {
            GrantCategory.allCases.map { .init(category: $0.api, tally: .init(tally($0))) }
        }
        self.init(
            programme: code, overall: .init(statistics.overall), byCategory: categories(statistics.tally),
            rounds: statistics.rounds.map { slice in
                .init(round: slice.round.rawValue, number: slice.roundNumber, total: .init(slice.total),
                      byCategory: categories(slice.tally))
            },
            draftsExcluded: statistics.draftsExcluded)
    }
}
