import Foundation
import PropertyBased
import SuanliKit
import Testing

/// ROC calendar dates (SPEC X1, T8): every form people and open data use, both ways.
@Suite struct ROCDateTests {
    @Test(arguments: [
        ("民國115年6月1日", 2026, 6, 1), ("115年06月01日", 2026, 6, 1), ("115/06/01", 2026, 6, 1),
        ("115-6-1", 2026, 6, 1), ("115.06.01", 2026, 6, 1), ("1150601", 2026, 6, 1), ("1110111", 2022, 1, 11),
        ("111年01月11日", 2022, 1, 11), ("990601", 2010, 6, 1), ("2026-06-01", 2026, 6, 1),
        ("１１５／０６／０１".replacingOccurrences(of: "／", with: "/"), 2026, 6, 1), ("民國1年1月1日", 1912, 1, 1),
        ("107/01/01", 2018, 1, 1),
    ])
    func parsesEveryForm(_ text: String, _ year: Int, _ month: Int, _ day: Int) {
        let date = ROCDate.parse(text)
        #expect(date == ROCDate(gregorianYear: year, month: month, day: day), "\(text)")
    }

    @Test(arguments: ["115/02/29", "115/13/01", "115/00/10", "0/01/01", "abc", "", "115/6", "11506011", "113/02/30"])
    func refusesImpossibleDates(_ text: String) {
        #expect(ROCDate.parse(text) == nil, "\(text)")
    }

    @Test func leapDayInALeapYear() {
        #expect(ROCDate.parse("113/02/29") == ROCDate(gregorianYear: 2024, month: 2, day: 29))
    }

    @Test func formatsBothWays() {
        let date = ROCDate(gregorianYear: 2026, month: 6, day: 1)!
        #expect(date.longForm == "民國115年6月1日")
        #expect(date.slashForm == "115/06/01")
        #expect(date.compactForm == "1150601")
        #expect(date.isoForm == "2026-06-01")
        #expect(DateDisplay(language: .zhTW).day(date) == "民國115年6月1日")
        #expect(DateDisplay(language: .en).day(date) == "ROC 115/06/01")
        #expect(DateDisplay(language: .zhTW, gregorian: true).day(date) == "2026-06-01")
    }

    @Test func instantsAreShownInTaipeiTime() {
        // 2026-06-01 16:30 UTC is already 2 June 00:30 in Taipei (UTC+8).
        let instant = Date(timeIntervalSince1970: 1_780_331_400)
        #expect(ROCDate(instant) == ROCDate(gregorianYear: 2026, month: 6, day: 2))
        #expect(DateDisplay(language: .zhTW).instant(instant) == "民國115年6月2日 00:30")
    }

    @Test func everyFormRoundTrips() async {
        let days = Gen.int(in: 0...(365 * 150))
        await propertyCheck(count: 1000, input: days) { offset in
            let instant = Date(timeIntervalSince1970: -1_800_000_000 + Double(offset) * 86_400)
            let date = ROCDate(instant)
            guard date.rocYear >= 1 else { return }
            #expect(ROCDate.parse(date.longForm) == date)
            #expect(ROCDate.parse(date.slashForm) == date)
            #expect(ROCDate.parse(date.compactForm) == date)
            #expect(ROCDate.parse(date.isoForm) == date)
        }
    }

    @Test func startOfDayIsTaipeiMidnight() {
        let date = ROCDate(gregorianYear: 2026, month: 10, day: 30)!
        // 2026-10-30 00:00 Asia/Taipei = 2026-10-29 16:00 UTC.
        #expect(date.startInstant().timeIntervalSince1970 == 1_793_289_600)
    }
}
