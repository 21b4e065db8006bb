import Foundation
@testable import Grants
import SuanliKit
import Testing

/// Published programmes change only by amendment, each a new version with what, why and who.
@Suite struct AmendmentTests {
    typealias F = Fixture

    func amendment(_ changes: [Amendment.Change], at: Date = Fixture.taipei(2026, 6, 10),
                   by actor: GrantsActor = Fixture.operatorStaff, reason: String = "公告延長收件") -> Amendment {
        Amendment(changes: changes, reason: reason, actor: actor, at: at)
    }

    @Test func anAmendmentMakesTheNextVersionAndKeepsTheOld() throws {
        let v1 = F.programme
        let later = Cutoff.endOfMinute(F.day(2026, 11, 6), hour: 23, minute: 59)!
        var round2 = F.round2
        round2.intakeCloses = later
        round2.reviewStarts = F.day(2026, 11, 9)
        let v2 = try v1.amended(by: amendment([.applicationsClose(later), .rescheduleRound(round2)],
                                              reason: "  配合系統維護延長一週  "))
        #expect(v2.version == 2)
        #expect(v2.settings.window.closes == later)
        #expect(v2.settings.rounds[1] == round2)
        #expect(v2.amendments.count == 1)
        #expect(v2.amendments[0].reason == "配合系統維護延長一週")
        #expect(v2.amendments[0].actor == F.operatorStaff)
        #expect(v2.amendments[0].changes.map(\.label.zh) == ["申請截止時間", "第 2 梯次時程"])
        #expect(v1.version == 1 && v1.settings.window.closes == F.settings.window.closes)
        let v3 = try v2.amended(by: amendment([.trainingMetering(.perEnvironment)], by: F.ministry))
        #expect(v3.version == 3 && v3.amendments.count == 2 && v3.settings.trainingMetering == .perEnvironment)
        #expect(v3.publishedAt == v1.publishedAt && v3.id == v1.id)
    }

    @Test(arguments: [GrantsRole.applicant, .reviewer, .system])
    func onlyStaffAmend(_ role: GrantsRole) {
        #expect(throws: GrantsError.roleMayNotAmend(role)) {
            try F.programme.amended(by: amendment([.trainingMetering(.perEnvironment)], by: F.actor(role)))
        }
    }

    @Test func anAmendmentNeedsChangesAndAReason() {
        #expect(throws: GrantsError.amendmentHasNoChanges) { try F.programme.amended(by: amendment([])) }
        #expect(throws: GrantsError.amendmentNeedsReason) {
            try F.programme.amended(by: amendment([.trainingMetering(.perEnvironment)], reason: " \n"))
        }
        #expect(throws: GrantsError.controlCharacters(field: "reason")) {
            try F.programme.amended(by: amendment([.trainingMetering(.perEnvironment)], reason: "a\u{7}b"))
        }
    }

    @Test func aChangeThatChangesNothingIsRefused() {
        #expect(throws: GrantsError.amendmentChangesNothing(Amendment.Change.trainingMetering(.perGPU).label)) {
            try F.programme.amended(by: amendment([.trainingMetering(.perGPU)]))
        }
    }

    @Test func theWindowCannotBeClosedRetroactively() {
        let past = Cutoff.endOfMinute(F.day(2026, 6, 9), hour: 12, minute: 0)!
        #expect(throws: GrantsError.windowCannotCloseInThePast(past)) {
            try F.programme.amended(by: amendment([.applicationsClose(past)]))
        }
    }

    @Test func aRoundWhoseIntakeClosedKeepsItsCutoff() throws {
        var round1 = F.round1
        round1.intakeCloses = Cutoff.endOfMinute(F.day(2026, 7, 3), hour: 23, minute: 59)!
        round1.reviewStarts = F.day(2026, 7, 4)
        #expect(throws: GrantsError.roundIntakeAlreadyClosed(F.round1.label)) {
            try F.programme.amended(by: amendment([.rescheduleRound(round1)], at: F.taipei(2026, 7, 2)))
        }
        // Before it closed, it may move.
        let moved = try F.programme.amended(by: amendment([.rescheduleRound(round1)], at: F.taipei(2026, 6, 20)))
        #expect(moved.settings.rounds[0].intakeCloses == round1.intakeCloses)
        // Review dates may move after intake closed.
        var later = F.round1
        later.meetingDay = F.day(2026, 7, 22)
        let rescheduled = try F.programme.amended(by: amendment([.rescheduleRound(later)], at: F.taipei(2026, 7, 2)))
        #expect(rescheduled.version == 2)
        // …but an open round's intake cannot be moved into the past.
        var shut = F.round2
        shut.intakeCloses = Cutoff.endOfDay(F.day(2026, 6, 9))
        #expect(throws: GrantsError.windowCannotCloseInThePast(shut.intakeCloses)) {
            try F.programme.amended(by: amendment([.rescheduleRound(shut)]))
        }
    }

    @Test func roundsAreAddedButNotRenumberedOrInvented() throws {
        var ghost = F.round2
        ghost.id = "r9"
        #expect(throws: GrantsError.unknownRound("r9")) {
            try F.programme.amended(by: amendment([.rescheduleRound(ghost)]))
        }
        var renumbered = F.round2
        renumbered.number = 3
        #expect(throws: GrantsError.roundNumberIsFixed(F.round2.label)) {
            try F.programme.amended(by: amendment([.rescheduleRound(renumbered)]))
        }
        #expect(throws: GrantsError.roundAlreadyExists("r2")) {
            try F.programme.amended(by: amendment([.addRound(F.round2)]))
        }
        let round3 = Round(id: "r3", number: 3, intakeCloses: Cutoff.endOfDay(F.day(2026, 12, 15)),
                           reviewStarts: F.day(2026, 12, 16))
        let closes = Cutoff.endOfDay(F.day(2026, 12, 15))
        let v2 = try F.programme.amended(by: amendment([.applicationsClose(closes), .addRound(round3)]))
        #expect(v2.settings.rounds.map(\.id) == ["r1", "r2", "r3"])
    }

    @Test func theResultMustStillBeAValidProgramme() {
        let round3 = Round(id: "r3", number: 4, intakeCloses: Cutoff.endOfDay(F.day(2026, 12, 15)),
                           reviewStarts: F.day(2026, 12, 16))
        #expect {
            try F.programme.amended(by: amendment([.addRound(round3)]))
        } throws: { error in
            guard case .invalidProgramme(let fields) = error as? GrantsError else { return false }
            return fields.contains { $0.field == "rounds" }
        }
    }

    @Test func scoringRulesFreezeWhenTheFirstReviewStarts() throws {
        let rubric = try Rubric(category: .inference, criteria: [
            Criterion(.importance, weight: 3_000), Criterion(.industryApplication, weight: 2_000),
            Criterion(.scenario, weight: 2_000), Criterion(.expectedBenefits, weight: 2_000),
            Criterion(.productisation, weight: 1_000),
        ])
        var bonus = BonusPolicy.standard
        bonus.totalCap = .points(3)
        let before = try F.programme.amended(by: amendment([.rubric(rubric), .bonus(bonus)], at: F.taipei(2026, 6, 30)))
        #expect(before.settings.inferenceRubric == rubric && before.settings.bonus == bonus)
        #expect(throws: GrantsError.scoringRulesFrozen(F.round1.label)) {
            try F.programme.amended(by: amendment([.rubric(rubric)], at: F.taipei(2026, 7, 1)))
        }
        #expect(throws: GrantsError.scoringRulesFrozen(F.round1.label)) {
            try F.programme.amended(by: amendment([.bonus(bonus)], at: F.taipei(2026, 7, 1)))
        }
        // Other settings still change.
        let changes: [Amendment.Change] = [.disagreementSpread(.points(15)), .reviewersPerApplication(5)]
        let later = try F.programme.amended(by: amendment(changes, at: F.taipei(2026, 7, 1)))
        #expect(later.settings.disagreementSpread == .points(15) && later.settings.reviewersPerApplication == 5)
    }

    @Test func contactAndNamesChange() throws {
        var contact = F.settings.contact
        contact.phones = ["(02) 1234-5678"]
        let v2 = try F.programme.amended(by: amendment([
            .contact(contact), .title(Bilingual(zh: "新名稱", en: "New")),
            .executingUnit(Bilingual(zh: "新執行單位", en: "New unit")),
        ]))
        #expect(v2.settings.contact.phones == ["(02) 1234-5678"])
        #expect(v2.settings.title.zh == "新名稱" && v2.settings.executingUnit.zh == "新執行單位")
    }
}
