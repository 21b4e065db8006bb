import Foundation
@testable import Grants
import Testing

/// Close-out within 30 days after the term (SPEC C7.1): deadline, items, reminders, overdue.
@Suite struct CloseOutTests {
    typealias F = Fixture
    static let term = Term(start: Fixture.day(2026, 1, 31))  // last day 2026-04-30

    static func complete(at time: Date) throws -> CloseOutSubmission {
        var submission = CloseOutSubmission()
        try submission.hand(.report, "att-report", at: time)
        try submission.hand(.slides, "att-slides", at: time)
        try submission.hand(.demoVideo, "https://youtu.be/demo", at: time)
        return submission
    }

    @Test(arguments: [
        ((2026, 1, 31), (2026, 5, 30)), ((2026, 8, 1), (2026, 11, 30)), ((2026, 11, 30), (2027, 3, 30)),
        ((2026, 12, 1), (2027, 3, 30)),
    ])
    func theDeadlineIsThirtyDaysAfterTheLastDay(_ start: (Int, Int, Int), _ due: (Int, Int, Int)) {
        let schedule = CloseOutSchedule(term: Term(start: F.day(start.0, start.1, start.2)))
        #expect(schedule.dueDay == F.day(due.0, due.1, due.2), "\(start)")
        #expect(schedule.deadline == Cutoff.endOfDay(schedule.dueDay))
    }

    @Test func remindersAreTwoWeeksOneWeekAndOneDayBefore() {
        let schedule = CloseOutSchedule(term: Self.term)
        #expect(schedule.reminderDays.map(\.offset) == [14, 7, 1])
        #expect(schedule.reminderDays.map(\.day) == [F.day(2026, 5, 16), F.day(2026, 5, 23), F.day(2026, 5, 29)])
        let custom = CloseOutSchedule(term: Self.term, reminderOffsets: [3, 10, 3, -1])
        #expect(custom.reminderOffsets == [10, 3])
    }

    @Test func oneReminderAtATimeTheLatestDueOne() {
        let schedule = CloseOutSchedule(term: Self.term)
        let empty = CloseOutSubmission()
        #expect(schedule.reminderDue(at: F.taipei(2026, 5, 15, 23), sent: [], submission: empty) == nil)
        #expect(schedule.reminderDue(at: F.taipei(2026, 5, 16, 9), sent: [], submission: empty) == 14)
        #expect(schedule.reminderDue(at: F.taipei(2026, 5, 17, 9), sent: [14], submission: empty) == nil)
        #expect(schedule.reminderDue(at: F.taipei(2026, 5, 23, 9), sent: [14], submission: empty) == 7)
        // A worker that was down since before the 14-day reminder sends only the 7-day one.
        #expect(schedule.reminderDue(at: F.taipei(2026, 5, 24, 9), sent: [], submission: empty) == 7)
        #expect(schedule.reminderDue(at: F.taipei(2026, 5, 29, 9), sent: [14, 7], submission: empty) == 1)
        #expect(schedule.reminderDue(at: F.taipei(2026, 5, 30, 23, 59), sent: [14, 7, 1], submission: empty) == nil)
        // None after the deadline (that is an overdue notice, not a reminder), and none once complete.
        #expect(schedule.reminderDue(at: F.taipei(2026, 5, 31, 9), sent: [14, 7], submission: empty) == nil)
        let done = try! Self.complete(at: F.taipei(2026, 5, 10))
        #expect(schedule.reminderDue(at: F.taipei(2026, 5, 16, 9), sent: [], submission: done) == nil)
    }

    @Test func statusOpenCompleteOrOverdue() throws {
        let schedule = CloseOutSchedule(term: Self.term)
        var partial = CloseOutSubmission()
        try partial.hand(.report, "att-1", at: F.taipei(2026, 5, 20))
        #expect(partial.missing == [.slides, .demoVideo])
        #expect(schedule.status(at: F.taipei(2026, 5, 20), submission: partial) == .open(missing: [.slides, .demoVideo],
                                                                                          daysLeft: 10))
        #expect(schedule.status(at: F.taipei(2026, 5, 30, 23, 59, 59), submission: partial)
                == .open(missing: [.slides, .demoVideo], daysLeft: 0))
        let overdue = schedule.status(at: F.taipei(2026, 6, 2, 8), submission: partial)
        #expect(overdue == .overdue(missing: [.slides, .demoVideo], daysLate: 3) && overdue.isOverdue)
        #expect(schedule.status(at: F.taipei(2026, 6, 2), submission: try Self.complete(at: F.taipei(2026, 5, 30, 23)))
                == .complete(late: false))
        let late = try Self.complete(at: F.taipei(2026, 5, 31, 0, 0, 1))
        #expect(schedule.status(at: F.taipei(2026, 6, 2), submission: late) == .complete(late: true))
        #expect(!CloseOutStatus.complete(late: true).isOverdue)
    }

    @Test func completionTimeIsWhenTheLastItemArrived() throws {
        var submission = CloseOutSubmission()
        try submission.hand(.demoVideo, "https://youtu.be/a", at: F.taipei(2026, 5, 1))
        try submission.hand(.slides, "s", at: F.taipei(2026, 5, 2))
        #expect(submission.completedAt == nil)
        try submission.hand(.report, "r", at: F.taipei(2026, 5, 3))
        #expect(submission.completedAt == F.taipei(2026, 5, 3))
        try submission.hand(.report, "r2", at: F.taipei(2026, 5, 4))
        #expect(submission.completedAt == F.taipei(2026, 5, 3) && submission.reportFile == "r2")
        #expect(!submission.showcaseOptIn, "the showcase is opt-in")
    }

    @Test(arguments: [
        "youtu.be/demo", "ftp://x/y", "https://", "https://exa mple.tw", "javascript:alert(1)", "https://a\u{0}b",
    ])
    func theVideoMustBeAWebLink(_ link: String) {
        var submission = CloseOutSubmission()
        #expect(throws: GrantsError.demoVideoLinkInvalid(link)) {
            try submission.hand(.demoVideo, link, at: F.taipei(2026, 5, 1))
        }
        #expect(submission.demoVideoURL == nil)
    }

    @Test func emptyItemsAreRefused() {
        var submission = CloseOutSubmission()
        for item in CloseOutItem.allCases {
            #expect(throws: GrantsError.closeOutItemEmpty(item)) {
                try submission.hand(item, "  ", at: F.taipei(2026, 5, 1))
            }
        }
        #expect(CloseOutItem.allCases.map(\.label.zh) == ["結案報告", "成果簡報", "產品 demo 影片連結"])
    }
}
