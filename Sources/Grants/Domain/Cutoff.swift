import Foundation
import SuanliKit

/// The moment something becomes late, compared with the server clock (SPEC C1.1: "將以執行單位之
/// 資訊系統所記錄時間為準"). Deadlines are announced as Taipei wall-clock minutes or days, so a
/// cut-off is built from those, and stores the *first late instant*:
/// - "115 年 10 月 30 日 23:59 截止": a clock that shows 23:59 has not yet passed 23:59, so the whole
///   announced minute is on time and 2026-10-31 00:00:00.000 is the first late instant.
/// - "限期 115/07/15 前補正" (a day): the whole day is on time; midnight after it is late.
/// Taiwan has had no daylight-saving time since 1979, so a Taipei minute is a fixed UTC+8 offset.
public struct Cutoff: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The first instant that is late.
    public let lateFrom: Date

    public init(lateFrom: Date) { self.lateFrom = lateFrom }

    /// On time through the announced Taipei minute `hour:minute` of `day`; nil for an impossible time.
    public static func endOfMinute(_ day: ROCDate, hour: Int, minute: Int) -> Cutoff? {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        let seconds = hour * 3600 + minute * 60 + 60
        return Cutoff(lateFrom: day.startInstant().addingTimeInterval(TimeInterval(seconds)))
    }

    /// On time through the whole Taipei day.
    public static func endOfDay(_ day: ROCDate) -> Cutoff {
        Cutoff(lateFrom: day.adding(days: 1).startInstant())
    }

    public func isLate(_ now: Date) -> Bool { now >= lateFrom }

    /// The Taipei day holding the last on-time instant (the day people were told).
    public var lastDay: ROCDate { ROCDate(lateFrom.addingTimeInterval(-0.001)) }

    /// "民國115年10月30日 23:59" — the last on-time minute, as it was announced.
    public func announced(_ language: Language) -> String {
        DateDisplay(language: language).instant(lateFrom.addingTimeInterval(-60))
    }

    public var description: String { announced(.zhTW) }

    public static func < (lhs: Cutoff, rhs: Cutoff) -> Bool { lhs.lateFrom < rhs.lateFrom }
}
