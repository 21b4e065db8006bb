import SuanliKit

/// The three-month period of use (SPEC C1.6). 須知: "自入選通知信所示起算，至三個月屆滿止", and 民法
/// §121 II says when a period counted in months expires: on the day before the corresponding day
/// of the last month, or — when that month has no corresponding day — on the last day of that
/// month. The start day itself is a full day of use, so it is counted (the period starts at its
/// 00:00, not part-way through). Hence:
/// - 2026-02-15 → last day 2026-05-14;  2026-01-01 → 2026-03-31;
/// - 2026-01-31 → 2026-04-30 (no 31 April);  2026-01-30 → 2026-04-29;
/// - 2026-11-30 → 2027-02-28, and 2026-11-29 → 2027-02-28 as well (no 29 February in 2027).
/// Access ends when the last day ends (Taipei), and a new term is a new application (FAQ 4).
public struct Term: Hashable, Sendable, Codable {
    public static let months = 3

    public let start: ROCDate
    /// The last day of use, inclusive (使用到期日).
    public let lastDay: ROCDate

    public init(start: ROCDate) {
        self.start = start
        let target = start.correspondingDay(monthsLater: Term.months)
        if target.exists {
            let corresponding = ROCDate(gregorianYear: target.year, month: target.month, day: start.day)!
            lastDay = corresponding.adding(days: -1)
        } else {
            lastDay = ROCDate(
                gregorianYear: target.year, month: target.month,
                day: ROCDate.length(ofMonth: target.month, in: target.year))!
        }
    }

    /// The instant access is revoked and storage clearing starts (SPEC C6.5).
    public var ends: Cutoff { .endOfDay(lastDay) }

    public func contains(_ day: ROCDate) -> Bool { start <= day && day <= lastDay }

    public var lengthInDays: Int { start.days(until: lastDay) + 1 }
}
