import SuanliKit

/// Day arithmetic on `ROCDate` without `Calendar`: days are counted with Howard Hinnant's
/// days-from-civil algorithm, so adding days and months is exact integer work and does not depend
/// on the host's time-zone database.
extension ROCDate {
    /// Days since 1970-01-01 (negative before it).
    var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.init(gregorianYear: year, month: month, day: day)!
    }

    public func adding(days: Int) -> ROCDate { ROCDate(dayNumber: dayNumber + days) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: ROCDate) -> Int { other.dayNumber - dayNumber }

    static func length(ofMonth month: Int, in year: Int) -> Int {
        var day = 31
        while ROCDate(gregorianYear: year, month: month, day: day) == nil { day -= 1 }
        return day
    }

    /// The same day `months` later, or nil when that month has no such day (31 Jan + 1 month).
    func correspondingDay(monthsLater months: Int) -> (year: Int, month: Int, exists: Bool) {
        let index = year * 12 + (month - 1) + months
        let targetYear = index / 12, targetMonth = index % 12 + 1
        return (targetYear, targetMonth, day <= ROCDate.length(ofMonth: targetMonth, in: targetYear))
    }
}
