import Foundation
@testable import Grants
import PropertyBased
import SuanliKit
import Testing

/// Day arithmetic, the 3-month term (SPEC C1.6) and cut-offs (C1.1).
@Suite struct TermTests {
    typealias F = Fixture

    @Test(arguments: [
        // start, last day — 民法 §121 II, start day counted.
        ((2026, 2, 15), (2026, 5, 14)), ((2026, 1, 1), (2026, 3, 31)), ((2026, 1, 31), (2026, 4, 30)),
        ((2026, 1, 30), (2026, 4, 29)), ((2026, 1, 29), (2026, 4, 28)), ((2026, 11, 30), (2027, 2, 28)),
        ((2026, 11, 29), (2027, 2, 28)), ((2026, 11, 28), (2027, 2, 27)), ((2027, 11, 29), (2028, 2, 28)),
        ((2027, 11, 30), (2028, 2, 29)), ((2026, 8, 1), (2026, 10, 31)), ((2026, 10, 15), (2027, 1, 14)),
        ((2026, 12, 31), (2027, 3, 30)), ((2026, 3, 31), (2026, 6, 30)), ((2026, 5, 31), (2026, 8, 30)),
    ])
    func lastDayFollowsTheCivilCode(_ start: (Int, Int, Int), _ last: (Int, Int, Int)) {
        let term = Term(start: F.day(start.0, start.1, start.2))
        #expect(term.lastDay == F.day(last.0, last.1, last.2), "\(start)")
    }

    @Test func accessEndsWhenTheLastDayEndsInTaipei() {
        let term = Term(start: F.day(2026, 1, 31))
        #expect(term.ends.lateFrom == F.taipei(2026, 5, 1))
        #expect(!term.ends.isLate(F.taipei(2026, 4, 30, 23, 59, 59)))
        #expect(term.ends.isLate(F.taipei(2026, 5, 1)))
        #expect(term.contains(F.day(2026, 1, 31)) && term.contains(F.day(2026, 4, 30)))
        #expect(!term.contains(F.day(2026, 1, 30)) && !term.contains(F.day(2026, 5, 1)))
        #expect(term.lengthInDays == 90)
    }

    @Test func everyTermIsAboutThreeMonthsAndEndsBeforeTheNextStartsAfresh() async {
        await propertyCheck(count: 1000, input: Gen.int(in: 0...(365 * 30))) { offset in
            let start = F.day(2020, 1, 1).adding(days: offset)
            let term = Term(start: start)
            // 89…92 days: three months of 28–31 days.
            #expect((89...92).contains(term.lengthInDays), "\(start)")
            // The day after the last day is the corresponding day three months on, when it exists.
            let next = term.lastDay.adding(days: 1)
            #expect(next.day == start.day || next.day == 1, "\(start)")
            #expect((next.year * 12 + next.month) - (start.year * 12 + start.month) >= 3, "\(start)")
        }
    }

    @Test func dayArithmeticRoundTripsThroughTheCalendar() async {
        await propertyCheck(count: 1000, input: Gen.int(in: -20_000...40_000), Gen.int(in: -400...400)) { n, delta in
            let date = ROCDate(dayNumber: n)
            #expect(date.dayNumber == n)
            #expect(date.adding(days: delta).dayNumber == n + delta)
            #expect(date.days(until: date.adding(days: delta)) == delta)
            // Agrees with Foundation's calendar in Taipei.
            let viaFoundation = ROCDate(Date(timeIntervalSince1970: TimeInterval(n) * 86_400 + 12 * 3600))
            #expect(viaFoundation == date)
        }
    }

    @Test func daysAroundKnownDates() {
        #expect(F.day(1970, 1, 1).dayNumber == 0)
        #expect(F.day(2026, 2, 28).adding(days: 1) == F.day(2026, 3, 1))
        #expect(F.day(2028, 2, 28).adding(days: 1) == F.day(2028, 2, 29))
        #expect(F.day(2026, 12, 31).adding(days: 1) == F.day(2027, 1, 1))
        #expect(F.day(2026, 4, 30).adding(days: 30) == F.day(2026, 5, 30))
    }
}

@Suite struct CutoffTests {
    typealias F = Fixture

    /// 須知 肆、三 "至 115 年 10 月 30 日 23:59 截止": the announced minute is on time, midnight is late.
    @Test func theAnnouncedMinuteIsOnTime() {
        let cutoff = Cutoff.endOfMinute(F.day(2026, 10, 30), hour: 23, minute: 59)!
        #expect(cutoff.lateFrom == F.taipei(2026, 10, 31))
        #expect(!cutoff.isLate(F.taipei(2026, 10, 30, 23, 58, 59)))
        #expect(!cutoff.isLate(F.taipei(2026, 10, 30, 23, 59, 0)))
        #expect(!cutoff.isLate(F.taipei(2026, 10, 30, 23, 59, 59).addingTimeInterval(0.999)))
        #expect(cutoff.isLate(F.taipei(2026, 10, 31)))
        #expect(cutoff.lastDay == F.day(2026, 10, 30))
        #expect(cutoff.announced(.zhTW) == "民國115年10月30日 23:59")
        #expect(cutoff.announced(.en) == "ROC 115/10/30 23:59")
        // 2026-10-31 00:00 Taipei is 2026-10-30 16:00 UTC.
        #expect(cutoff.lateFrom == Date(timeIntervalSince1970: 1_793_376_000))
    }

    @Test func aDayDeadlineIncludesTheWholeDay() {
        let cutoff = Cutoff.endOfDay(F.day(2026, 7, 15))
        #expect(!cutoff.isLate(F.taipei(2026, 7, 15, 23, 59, 59)))
        #expect(cutoff.isLate(F.taipei(2026, 7, 16)))
        #expect(cutoff.lastDay == F.day(2026, 7, 15))
    }

    @Test(arguments: [(24, 0), (-1, 0), (12, 60), (12, -1)])
    func refusesImpossibleTimes(_ hour: Int, _ minute: Int) {
        #expect(Cutoff.endOfMinute(F.day(2026, 10, 30), hour: hour, minute: minute) == nil)
    }
}
