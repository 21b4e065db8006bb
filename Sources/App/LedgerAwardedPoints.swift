import FluentKit
import Foundation
import Grants
import Ledger
import SuanliKit

/// Opens an awarded project's point account (issue 4, item 1): the award's points, for the project's
/// term — from 00:00 of its first day to 24:00 of its last (Asia/Taipei). Inference projects spend
/// them on tokens, training projects on GPU time; the same unit holds both (`LedgerAmount`).
struct LedgerAwardedPoints: AwardedPoints {
    let ledger: LedgerService

    func projectAwarded(_ project: ProjectRecord, by caller: GrantsCaller, on db: any Database) async throws {
        _ = try await ledger.openAccount(
            project: project.id, organisation: project.organisationID,
            kind: project.category == .inference ? .inference : .training, grant: .points(project.points),
            termStart: project.term.start.startInstant(), termEnd: project.term.lastDay.adding(days: 1).startInstant(),
            reference: "award-\(project.reference)",
            by: LedgerActor(label: caller.label, userID: caller.role == .system ? nil : caller.userID,
                            sourceIP: caller.sourceIP), on: db)
    }
}
