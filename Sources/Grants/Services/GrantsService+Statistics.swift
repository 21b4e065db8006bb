import FluentKit
import Foundation
import SQLKit
import SuanliKit

extension GrantsService {
    /// The ministry's figures for a programme (SPEC C4.6). One grouped count in the database — a few
    /// hundred rows however many applications there are — instead of loading every application.
    public func statistics(programme: UUID, by caller: GrantsCaller, on db: any Database) async throws
        -> ProgrammeStatistics
    {
        try Self.require(caller, [.operator, .ministry])
        let stored = try await self.programme(programme, on: db)
        let numbers = Dictionary(uniqueKeysWithValues: stored.settings.rounds.map { ($0.id.rawValue, $0.number) })
        let sql = try Self.sql(db)
        struct Group: Decodable {
            var round_id: String?
            var category: String
            var status: String
            var level: String?
            var is_startup: Bool
            var domains: String
            var n: Int
        }
        let groups = try await sql.select()
            .column("round_id").column("category").column("status").column("level").column("is_startup")
            .column("domains").column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n")))
            .from(ApplicationModel.schema)
            .where("programme_id", .equal, SQLBind(programme))
            .groupBy("round_id").groupBy("category").groupBy("status").groupBy("level").groupBy("is_startup")
            .groupBy("domains")
            .all(decoding: Group.self)
        var facts: [ApplicationFact] = []
        for group in groups {
            guard let round = group.round_id, let number = numbers[round],
                  let category = GrantCategory(rawValue: group.category),
                  let status = ApplicationStatus(rawValue: group.status) else { continue }
            let fact = ApplicationFact(
                round: RoundID(round), roundNumber: number, category: category, status: status,
                level: group.level.flatMap(GrantLevel.init(rawValue:)), isStartup: group.is_startup,
                domains: group.domains.split(separator: ",").map(String.init))
            facts += repeatElement(fact, count: group.n)
        }
        return ProgrammeStatistics.compute(facts)
    }
}
