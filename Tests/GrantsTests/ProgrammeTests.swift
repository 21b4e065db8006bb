import Foundation
@testable import Grants
import SuanliKit
import Testing

/// Programmes, rounds and their publication (SPEC C1.1, C1.4).
@Suite struct ProgrammeTests {
    typealias F = Fixture

    @Test func publishesVersionOneWithTheSeedsDefaults() throws {
        let programme = try Programme.publish("p2026", settings: F.settings, by: F.operatorStaff,
                                              at: F.taipei(2026, 6, 1))
        #expect(programme.version == 1)
        #expect(programme.amendments.isEmpty)
        #expect(programme.publishedBy == F.operatorStaff)
        #expect(programme.settings.trainingMetering == .perGPU)
        #expect(programme.settings.rubric(for: .training) == .standard(.training))
        #expect(programme.settings.rubric(for: .inference) == .standard(.inference))
        #expect(programme.settings.bonus == .standard)
        #expect(programme.settings.disagreementSpread == .points(20))
        #expect(programme.settings.organiser.zh == "數位發展部數位產業署")
    }

    @Test(arguments: [GrantsRole.applicant, .reviewer, .system])
    func onlyStaffPublish(_ role: GrantsRole) {
        #expect(throws: GrantsError.roleMayNotPublish(role)) {
            try Programme.publish("p", settings: F.settings, by: F.actor(role), at: F.taipei(2026, 6, 1))
        }
    }

    @Test func theMinistryMayPublishToo() throws {
        #expect(try Programme.publish("p", settings: F.settings, by: F.ministry, at: F.taipei(2026, 6, 1)).version == 1)
    }

    @Test func incompleteSettingsAreRefusedWithEveryProblemNamed() {
        var settings = F.settings
        settings.title.zh = "  "
        settings.executingUnit.zh = ""
        settings.contact.email = "nobody"
        settings.window.opens = F.taipei(2026, 11, 1)
        settings.reviewersPerApplication = 0
        settings.disagreementSpread = Score(hundredths: -1)
        let fields = settings.problems.map(\.field)
        #expect(fields.contains("title.zh"))
        #expect(fields.contains("executingUnit.zh"))
        #expect(fields.contains("contact.email"))
        #expect(fields.contains("window.closes"))
        #expect(fields.contains("reviewersPerApplication"))
        #expect(fields.contains("disagreementSpread"))
        #expect(throws: GrantsError.invalidProgramme(settings.problems)) {
            try Programme.publish("p", settings: settings, by: F.operatorStaff, at: F.taipei(2026, 6, 1))
        }
    }

    @Test func textWithControlCharactersIsRefused() {
        var settings = F.settings
        settings.title.zh = "算力\u{0}平台"
        #expect(settings.problems == [.controlCharacters("title.zh")])
    }

    @Test func theLastRoundMustTakeApplicationsUntilTheWindowCloses() {
        var settings = F.settings
        settings.rounds = [F.round1]
        #expect(settings.problems.map(\.field) == ["rounds.1.intakeCloses"])
        #expect(settings.problems[0].zh.contains("民國115年10月30日 23:59"))
    }

    @Test func roundsAreNumberedInOrderWithIncreasingCutoffs() {
        var settings = F.settings
        settings.rounds = [F.round2, F.round1]
        let zh = settings.problems.map(\.zh).joined()
        #expect(zh.contains("依序編號"))
        #expect(zh.contains("收件截止須晚於"))
        settings.rounds = []
        #expect(settings.problems.map(\.zh).joined().contains("至少設定一個梯次"))
        var twin = F.round2
        twin.id = F.round1.id
        settings.rounds = [F.round1, twin]
        #expect(settings.problems.map(\.en).joined().contains("share an ID"))
    }

    @Test func aRoundsScheduleRunsForwards() {
        var round = F.round1
        #expect(round.problems.isEmpty)
        round.reviewStarts = F.day(2026, 6, 29)
        #expect(round.problems.map(\.field) == ["rounds.1.reviewStarts"])
        round = F.round1
        round.meetingDay = F.day(2026, 6, 30)
        #expect(round.problems.map(\.field).contains("rounds.1.meetingDay"))
        round = F.round1
        round.announcementDay = F.day(2026, 7, 10)  // before the 20 July meeting
        #expect(round.problems.map(\.field) == ["rounds.1.announcementDay"])
        round = F.round1
        round.number = 0
        #expect(round.problems.map(\.field) == ["rounds.0.number"])
        #expect(F.round2.label == Bilingual(zh: "第 2 梯次", en: "Round 2"))
    }

    @Test func aSubmissionJoinsTheFirstRoundStillTakingApplications() {
        let settings = F.settings
        #expect(settings.round(forSubmissionAt: F.taipei(2026, 6, 2))?.id == "r1")
        #expect(settings.round(forSubmissionAt: F.taipei(2026, 6, 30, 23, 59, 59))?.id == "r1")
        #expect(settings.round(forSubmissionAt: F.taipei(2026, 7, 1))?.id == "r2")
        #expect(settings.round(forSubmissionAt: F.taipei(2026, 10, 31)) == nil)
    }

    @Test func theWindowUsesTheServerClock() throws {
        let window = F.settings.window
        #expect(throws: GrantsError.applicationsNotYetOpen(F.taipei(2026, 6, 1))) {
            try window.check(F.taipei(2026, 5, 31, 23, 59, 59))
        }
        try window.check(F.taipei(2026, 6, 1))
        try window.check(F.taipei(2026, 10, 30, 23, 59, 59))
        #expect(throws: GrantsError.applicationsClosed(window.closes)) { try window.check(F.taipei(2026, 10, 31)) }
    }

    @Test func theWindowAgainstAnInjectedClock() {
        let clock = ManualClock(F.taipei(2026, 10, 30, 23, 59, 30))
        let window = F.settings.window
        #expect(throws: Never.self) { try window.check(clock.now()) }
        clock.advance(by: 30)
        #expect(throws: GrantsError.applicationsClosed(window.closes)) { try window.check(clock.now()) }
    }
}
