import Foundation

/// A calendar day in the Republic of China (民國) calendar: ROC year = Gregorian year − 1911
/// (SPEC X1, T8). Stored and compared as the Gregorian day; shown as 民國115年6月1日 or 115/06/01.
public struct ROCDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int   // Gregorian
    public let month: Int
    public let day: Int

    public static let offset = 1911
    public static let taipei = TimeZone(identifier: "Asia/Taipei")!

    public init?(gregorianYear year: Int, month: Int, day: Int) {
        guard ROCDate.isValid(year: year, month: month, day: day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public init?(rocYear: Int, month: Int, day: Int) {
        guard rocYear >= 1 else { return nil }
        self.init(gregorianYear: rocYear + ROCDate.offset, month: month, day: day)
    }

    /// The day an instant falls on in Asia/Taipei.
    public init(_ instant: Date, in zone: TimeZone = ROCDate.taipei) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        year = parts.year!
        month = parts.month!
        day = parts.day!
    }

    public var rocYear: Int { year - ROCDate.offset }

    /// "民國115年6月1日"
    public var longForm: String { "民國\(rocYear)年\(month)月\(day)日" }
    /// "115/06/01"
    public var slashForm: String { "\(rocYear)/\(pad(month))/\(pad(day))" }
    /// "1150601" — the 7-digit form used by government open data (year zero-padded to 3 digits).
    public var compactForm: String { "\(pad(rocYear, 3))\(pad(month))\(pad(day))" }
    /// "2026-06-01"
    public var isoForm: String { "\(pad(year, 4))-\(pad(month))-\(pad(day))" }

    public var description: String { slashForm }

    /// Midnight at the start of this day in Asia/Taipei.
    public func startInstant(in zone: TimeZone = ROCDate.taipei) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }

    public static func < (lhs: ROCDate, rhs: ROCDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Parses every form people and open data use: 民國115年6月1日, 115年06月01日, 115/06/01, 115-6-1,
    /// 115.06.01, 1150601 (7 digits) and 990601 (6 digits, years before 100), plus ISO 2026-06-01.
    /// Full-width digits are accepted.
    public static func parse(_ text: String) -> ROCDate? {
        let normalised = String(text.trimmingWhitespace().unicodeScalars.map { scalar -> Character in
            // Full-width digits ０-９ → ASCII.
            if (0xFF10...0xFF19).contains(scalar.value) {
                return Character(UnicodeScalar(scalar.value - 0xFF10 + 48)!)
            }
            return Character(scalar)
        })
        var body = Substring(normalised)
        if body.hasPrefix("民國") { body = body.dropFirst(2) }
        if body.hasSuffix("日") { body = body.dropLast() }
        let parts = body.split(whereSeparator: { "年月/-.".contains($0) }).map(String.init)
        if parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
           let a = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) {
            // A 4-digit first part is a Gregorian year (ISO); otherwise it is the ROC year.
            return parts[0].count == 4 ? ROCDate(gregorianYear: a, month: m, day: d)
                                       : ROCDate(rocYear: a, month: m, day: d)
        }
        if parts.count == 1, let digits = parts.first, digits.allSatisfy(\.isASCIIDigit),
           digits.count == 7 || digits.count == 6 {
            let yearDigits = digits.count - 4
            let y = Int(digits.prefix(yearDigits))!
            let m = Int(digits.dropFirst(yearDigits).prefix(2))!
            let d = Int(digits.suffix(2))!
            return ROCDate(rocYear: y, month: m, day: d)
        }
        return nil
    }

    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1912...9999).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    private func pad(_ n: Int, _ width: Int = 2) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Formats instants for people: Asia/Taipei, ROC calendar by default, Gregorian on request (X1).
public struct DateDisplay: Sendable {
    public var language: Language
    public var gregorian: Bool

    public init(language: Language, gregorian: Bool = false) {
        self.language = language
        self.gregorian = gregorian
    }

    public func day(_ date: ROCDate) -> String {
        if gregorian { return date.isoForm }
        return language == .en ? "ROC \(date.rocYear)/\(twoDigits(date.month))/\(twoDigits(date.day))"
                               : date.longForm
    }

    /// "民國115年6月1日 14:05" (Asia/Taipei).
    public func instant(_ instant: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ROCDate.taipei
        let parts = calendar.dateComponents([.hour, .minute], from: instant)
        return "\(day(ROCDate(instant))) \(twoDigits(parts.hour!)):\(twoDigits(parts.minute!))"
    }

    private func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
