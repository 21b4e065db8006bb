import Foundation
import SuanliKit

/// A change to a published programme: what changed, why, who, when (SPEC X2). 須知 cover: "申請須知
/// 內容若有變動，請以申請網址公告為主" — changes happen, so each one makes a new version instead of
/// editing the old one in place. Some changes are refused because they would be unfair to people
/// who already acted on the old version:
/// - the application window cannot be closed retroactively (before the amendment's time);
/// - a round whose intake has closed keeps its intake cut-off (its applications are fixed);
/// - rubrics and bonus points are frozen once any round's review has started, so that all
///   applications of a programme are scored by the same rules.
/// The training metering setting may change; projects keep the setting in force when they were
/// awarded (the Ledger records it with the award).
public struct Amendment: Hashable, Sendable, Codable {
    public enum Change: Hashable, Sendable, Codable {
        case title(Bilingual)
        case executingUnit(Bilingual)
        case contact(ProgrammeContact)
        case applicationsClose(Cutoff)
        case addRound(Round)
        case rescheduleRound(Round)
        case trainingMetering(TrainingMetering)
        case rubric(Rubric)
        case bonus(BonusPolicy)
        case disagreementSpread(Score)
        case reviewersPerApplication(Int)

        public var label: Bilingual {
            switch self {
            case .title: Bilingual(zh: "計畫名稱", en: "Programme title")
            case .executingUnit: Bilingual(zh: "執行單位", en: "Executing unit")
            case .contact: Bilingual(zh: "聯絡資訊", en: "Contact details")
            case .applicationsClose: Bilingual(zh: "申請截止時間", en: "Application deadline")
            case .addRound(let round): Bilingual(zh: "新增\(round.label.zh)", en: "New \(round.label.en)")
            case .rescheduleRound(let round):
                Bilingual(zh: "\(round.label.zh)時程", en: "\(round.label.en) schedule")
            case .trainingMetering: Bilingual(zh: "訓練類點數計算方式", en: "Training metering")
            case .rubric(let rubric):
                Bilingual(zh: "\(rubric.category.zh)評分項目", en: "\(rubric.category.en) rubric")
            case .bonus: Bilingual(zh: "加分項目配分", en: "Bonus points")
            case .disagreementSpread: Bilingual(zh: "委員評分差距門檻", en: "Reviewer disagreement threshold")
            case .reviewersPerApplication: Bilingual(zh: "每案審查委員人數", en: "Reviewers per application")
            }
        }

        /// Changes how a sheet's total is worked out (stored sheet figures are then stale).
        public var changesScoring: Bool {
            switch self {
            case .rubric, .bonus: true
            default: false
            }
        }
    }

    public var changes: [Change]
    public var reason: String
    public var actor: GrantsActor
    public var at: Date

    public init(changes: [Change], reason: String, actor: GrantsActor, at: Date) {
        self.changes = changes
        self.reason = reason
        self.actor = actor
        self.at = at
    }
}

extension Programme {
    public func amended(by amendment: Amendment) throws(GrantsError) -> Programme {
        let role = amendment.actor.role
        guard role == .operator || role == .ministry else { throw .roleMayNotAmend(role) }
        guard !amendment.changes.isEmpty else { throw .amendmentHasNoChanges }
        let reason = amendment.reason.trimmingWhitespace()
        guard !reason.isEmpty else { throw .amendmentNeedsReason }
        guard !reason.hasControlCharacters else { throw .controlCharacters(field: "reason") }
        var next = settings
        for change in amendment.changes {
            try apply(change, to: &next, at: amendment.at)
        }
        let problems = next.problems
        guard problems.isEmpty else { throw .invalidProgramme(problems) }
        var recorded = amendment
        recorded.reason = reason
        return Programme(
            id: id, settings: next, version: version + 1, publishedAt: publishedAt, publishedBy: publishedBy,
            amendments: amendments + [recorded])
    }

    private func apply(_ change: Amendment.Change, to next: inout ProgrammeSettings, at now: Date) throws(GrantsError) {
        let before = next
        switch change {
        case .title(let title): next.title = title
        case .executingUnit(let unit): next.executingUnit = unit
        case .contact(let contact): next.contact = contact
        case .applicationsClose(let closes):
            guard !closes.isLate(now) else { throw .windowCannotCloseInThePast(closes) }
            next.window.closes = closes
        case .addRound(let round):
            guard !next.rounds.contains(where: { $0.id == round.id }) else { throw .roundAlreadyExists(round.id) }
            next.rounds.append(round)
        case .rescheduleRound(let round):
            guard let index = next.rounds.firstIndex(where: { $0.id == round.id }) else {
                throw .unknownRound(round.id)
            }
            let current = next.rounds[index]
            if current.intakeCloses != round.intakeCloses {
                guard !current.intakeCloses.isLate(now) else { throw .roundIntakeAlreadyClosed(current.label) }
                guard !round.intakeCloses.isLate(now) else { throw .windowCannotCloseInThePast(round.intakeCloses) }
            }
            guard current.number == round.number else { throw .roundNumberIsFixed(current.label) }
            next.rounds[index] = round
        case .trainingMetering(let metering): next.trainingMetering = metering
        case .rubric(let rubric):
            try requireScoringNotStarted(now)
            if rubric.category == .training { next.trainingRubric = rubric } else { next.inferenceRubric = rubric }
        case .bonus(let policy):
            try requireScoringNotStarted(now)
            next.bonus = policy
        case .disagreementSpread(let spread): next.disagreementSpread = spread
        case .reviewersPerApplication(let count): next.reviewersPerApplication = count
        }
        guard next != before else { throw .amendmentChangesNothing(change.label) }
    }

    private func requireScoringNotStarted(_ now: Date) throws(GrantsError) {
        if let started = settings.rounds.first(where: { $0.reviewStarts.startInstant() <= now }) {
            throw .scoringRulesFrozen(started.label)
        }
    }
}
