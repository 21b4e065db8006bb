import FluentKit
import Foundation
import SuanliKit

extension GrantsService {
    /// The ministry's figures for a programme (SPEC C4.6), from the list columns only — no form is
    /// decoded, so the page stays fast with thousands of applications.
    public func statistics(programme: UUID, by caller: GrantsCaller, on db: any Database) async throws
        -> ProgrammeStatistics
    {
        try Self.require(caller, [.operator, .ministry])
        let stored = try await self.programme(programme, on: db)
        let numbers = Dictionary(uniqueKeysWithValues: stored.settings.rounds.map { ($0.id.rawValue, $0.number) })
        let rows = try await ApplicationModel.query(on: db).filter(\.$programmeID == programme)
            .field(\.$id).field(\.$roundID).field(\.$category).field(\.$status).field(\.$level)
            .field(\.$isStartup).field(\.$domains).all()
        let facts = rows.compactMap { row -> ApplicationFact? in
            guard let round = row.roundID, let number = numbers[round],
                  let category = GrantCategory(rawValue: row.category),
                  let status = ApplicationStatus(rawValue: row.status) else { return nil }
            return ApplicationFact(
                round: RoundID(round), roundNumber: number, category: category, status: status,
                level: row.level.flatMap(GrantLevel.init(rawValue:)), isStartup: row.isStartup,
                domains: row.domains.split(separator: ",").map(String.init))
        }
        return ProgrammeStatistics.compute(facts)
    }
}
