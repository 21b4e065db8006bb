import Foundation
@testable import Grants
import SuanliKit

/// Shared test data: the 2026 programme as the seed announces it (須知: 115 年 10 月 30 日 23:59 截止),
/// with two rounds, and helpers for Taipei times.
enum Fixture {
    static func day(_ year: Int, _ month: Int, _ day: Int) -> ROCDate {
        ROCDate(gregorianYear: year, month: month, day: day)!
    }

    /// A Taipei wall-clock instant.
    static func taipei(_ y: Int, _ m: Int, _ d: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
        day(y, m, d).startInstant().addingTimeInterval(TimeInterval(hour * 3600 + minute * 60 + second))
    }

    static let applicant = GrantsActor(id: "u-applicant", role: .applicant)
    static let operatorStaff = GrantsActor(id: "u-operator", role: .operator)
    static let reviewer = GrantsActor(id: "u-reviewer", role: .reviewer)
    static let ministry = GrantsActor(id: "u-ministry", role: .ministry)
    static let system = GrantsActor.system

    static func actor(_ role: GrantsRole) -> GrantsActor { GrantsActor(id: "u-\(role.rawValue)", role: role) }

    static let round1 = Round(
        id: "r1", number: 1, intakeCloses: Cutoff.endOfMinute(day(2026, 6, 30), hour: 23, minute: 59)!,
        reviewStarts: day(2026, 7, 1), meetingDay: day(2026, 7, 20), announcementDay: day(2026, 7, 31))
    static let round2 = Round(
        id: "r2", number: 2, intakeCloses: Cutoff.endOfMinute(day(2026, 10, 30), hour: 23, minute: 59)!,
        reviewStarts: day(2026, 11, 2), meetingDay: day(2026, 11, 20), announcementDay: day(2026, 11, 30))

    static var settings: ProgrammeSettings {
        ProgrammeSettings(
            title: Bilingual(zh: "115 年算力平台使用申請", en: "2026 compute platform grants"),
            organiser: Bilingual(zh: "數位發展部數位產業署", en: "Administration for Digital Industries, moda"),
            executingUnit: Bilingual(zh: "台灣智慧雲端服務股份有限公司", en: "Taiwan Smart Cloud Service"),
            coOrganiser: Bilingual(zh: "中華民國資訊軟體服務商業同業公會", en: "CISA"),
            contact: ProgrammeContact(
                email: "aipower.service@twcloud.ai", phones: ["(02) 2898-7447 #86539", "(02) 2898-7447 #86542"],
                website: "https://aipower.dginfra.gov.tw"),
            window: ApplicationWindow(
                opens: taipei(2026, 6, 1),
                closes: Cutoff.endOfMinute(day(2026, 10, 30), hour: 23, minute: 59)!),
            rounds: [round1, round2])
    }

    static var programme: Programme {
        try! Programme.publish("p2026", settings: settings, by: operatorStaff, at: taipei(2026, 6, 1))
    }
}
