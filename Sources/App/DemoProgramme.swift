import FluentKit
import Foundation
import Grants
import Identity
import SuanliKit

/// The 2026 compute grant programme of the seeds (計畫須知 115 年度), for `suanli demo`. The seeds'
/// deadline (2026-10-30 23:59) is used while it is still ahead; on a later day the demo keeps the
/// same shape with dates moved forward, so that a demo can always be clicked through to the end.
enum DemoProgramme {
    static let code = "2026"

    static func settings(today: ROCDate) -> ProgrammeSettings {
        let seedsDeadline = ROCDate(gregorianYear: 2026, month: 10, day: 30)!
        let closes = today < seedsDeadline ? seedsDeadline : today.adding(days: 60)
        let round1Closes = today < seedsDeadline ? ROCDate(gregorianYear: 2026, month: 8, day: 31)! : today.adding(days: 30)
        let opens = min(today, ROCDate(gregorianYear: 2026, month: 6, day: 1)!)
        let round1 = Round(id: "2026-R1", number: 1, intakeCloses: .endOfMinute(round1Closes, hour: 23, minute: 59)!,
                           reviewStarts: round1Closes.adding(days: 1), meetingDay: round1Closes.adding(days: 21),
                           announcementDay: round1Closes.adding(days: 28))
        let round2 = Round(id: "2026-R2", number: 2, intakeCloses: .endOfMinute(closes, hour: 23, minute: 59)!,
                           reviewStarts: closes.adding(days: 1), meetingDay: closes.adding(days: 21),
                           announcementDay: closes.adding(days: 28))
        return ProgrammeSettings(
            title: Bilingual(zh: "115 年度 AI 算力補助計畫", en: "2026 AI compute grant programme"),
            organiser: Bilingual(zh: "數位發展部數位產業署", en: "Administration for Digital Industries, moda"),
            executingUnit: Bilingual(zh: "財團法人資訊工業策進會（執行單位）", en: "Institute for Information Industry (operator)"),
            contact: ProgrammeContact(email: "aipower@suanli.demo", phones: ["02-6607-3000"],
                                      website: "https://aipower.dginfra.gov.tw"),
            window: ApplicationWindow(opens: opens.startInstant(),
                                      closes: .endOfMinute(closes, hour: 23, minute: 59)!),
            rounds: [round1, round2])
    }

    /// Publishes the programme (as the ministry) and puts the demo reviewers in its pool; idempotent.
    static func seed(_ suanli: Suanli, ministry: UUID, operatorID: UUID, reviewers: [UUID]) async throws {
        let grants = suanli.services.grants
        let db = suanli.database.db
        let existing = try await grants.programmes(on: db).first { $0.code == code }
        let ministryCaller = GrantsCaller(userID: ministry, role: .ministry, organisationID: nil, label: "cli:demo",
                                          sourceIP: nil)
        var programme = existing
        if programme == nil {
            let draft = try await grants.saveDraftProgramme(
                code: code, settings: settings(today: ROCDate(grants.clock.now())), expectedVersion: nil,
                by: ministryCaller, on: db)
            programme = try await grants.publishProgramme(draft.id, by: ministryCaller, on: db)
        }
        guard let programme else { return }
        let operatorCaller = GrantsCaller(userID: operatorID, role: .operator, organisationID: nil, label: "cli:demo",
                                          sourceIP: nil)
        let pool = Set(try await grants.reviewers(programme: programme.id, on: db).map(\.userID))
        for reviewer in reviewers where !pool.contains(reviewer) {
            try await grants.addReviewer(programme: programme.id, userID: reviewer, categories: GrantCategory.allCases,
                                         by: operatorCaller, on: db)
        }
    }
}
