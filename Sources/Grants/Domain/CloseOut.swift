import Foundation
import SuanliKit

/// Close-out (SPEC C7.1). 附件2/3: "本公司同意提供結案報告乙式、成果簡報乙式及產品 demo 影片乙式，並於
/// 平台使用到期日後 30 個日曆天提交". Counting as 民法 §120 II does (the day the term expires is not
/// counted), the deadline is the 30th calendar day after the term's last day, on time through that
/// whole Taipei day: a term ending 2026-04-30 is due by the end of 2026-05-30. Results are not
/// published (FAQ 結案 3); the year-end showcase is opt-in and recorded as such.
public enum CloseOutItem: String, Sendable, CaseIterable, Codable {
    case report
    case slides
    case demoVideo

    public var label: Bilingual {
        switch self {
        case .report: Bilingual(zh: "結案報告", en: "Close-out report")
        case .slides: Bilingual(zh: "成果簡報", en: "Results slides")
        case .demoVideo: Bilingual(zh: "產品 demo 影片連結", en: "Product demo video link")
        }
    }
}

public struct CloseOutSchedule: Hashable, Sendable {
    public static let daysAfterTerm = 30
    /// Our default: two weeks, one week and one day before the deadline.
    public static let defaultReminderOffsets = [14, 7, 1]

    public let term: Term
    public let reminderOffsets: [Int]

    public init(term: Term, reminderOffsets: [Int] = CloseOutSchedule.defaultReminderOffsets) {
        self.term = term
        self.reminderOffsets = Array(Set(reminderOffsets.filter { $0 >= 0 })).sorted(by: >)
    }

    public var dueDay: ROCDate { term.lastDay.adding(days: CloseOutSchedule.daysAfterTerm) }
    public var deadline: Cutoff { .endOfDay(dueDay) }

    /// The day each reminder goes out, earliest first.
    public var reminderDays: [(offset: Int, day: ROCDate)] {
        reminderOffsets.map { ($0, dueDay.adding(days: -$0)) }
    }

    /// The reminder to send now, if any: the latest one whose day has come and that was not sent.
    /// Sending a later reminder supersedes earlier unsent ones, so a worker that was down for a
    /// week sends one notice, not three. Nothing is sent once the items are in or the deadline passed.
    public func reminderDue(at now: Date, sent: Set<Int>, submission: CloseOutSubmission) -> Int? {
        guard submission.missing.isEmpty == false, !deadline.isLate(now) else { return nil }
        let today = ROCDate(now)
        let reached = reminderOffsets.filter { dueDay.adding(days: -$0) <= today }
        guard let latest = reached.min(), !sent.contains(where: { $0 <= latest }) else { return nil }
        return latest
    }

    public func status(at now: Date, submission: CloseOutSubmission) -> CloseOutStatus {
        let missing = submission.missing
        if missing.isEmpty, let completedAt = submission.completedAt {
            return .complete(late: deadline.isLate(completedAt))
        }
        if deadline.isLate(now) {
            return .overdue(missing: missing, daysLate: dueDay.days(until: ROCDate(now)))
        }
        return .open(missing: missing, daysLeft: ROCDate(now).days(until: dueDay))
    }
}

public enum CloseOutStatus: Hashable, Sendable {
    case open(missing: [CloseOutItem], daysLeft: Int)
    case complete(late: Bool)
    case overdue(missing: [CloseOutItem], daysLate: Int)

    public var isOverdue: Bool {
        if case .overdue = self { return true }
        return false
    }
}

/// What the tenant has handed in. Files are the Store's attachment IDs (stored with checksums,
/// C3.4); the video is a link, which must be http(s).
public struct CloseOutSubmission: Hashable, Sendable, Codable {
    public private(set) var reportFile: String?
    public private(set) var slidesFile: String?
    public private(set) var demoVideoURL: String?
    /// When the last missing item arrived.
    public private(set) var completedAt: Date?
    /// 年底算力應用展示會: opt-in, off unless the tenant says yes.
    public var showcaseOptIn = false

    public init() {}

    public var missing: [CloseOutItem] {
        CloseOutItem.allCases.filter { item in
            switch item {
            case .report: reportFile == nil
            case .slides: slidesFile == nil
            case .demoVideo: demoVideoURL == nil
            }
        }
    }

    public mutating func hand(_ item: CloseOutItem, _ value: String, at now: Date) throws(GrantsError) {
        let text = value.trimmingWhitespace()
        guard !text.isEmpty else { throw .closeOutItemEmpty(item) }
        switch item {
        case .report: reportFile = text
        case .slides: slidesFile = text
        case .demoVideo:
            let lower = text.lowercased()
            guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), text.count > 8,
                  !text.contains(where: \.isWhitespace), !text.hasControlCharacters
            else { throw .demoVideoLinkInvalid(text) }
            demoVideoURL = text
        }
        if missing.isEmpty && completedAt == nil { completedAt = now }
    }
}
