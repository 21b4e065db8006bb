import FluentKit

/// `grant_score_sheets.scoring`: each sheet's scores and bonus on one line (`ScoreSheet.scoringLine`),
/// so the ranking reads a round's sheets without decoding their JSON. Sheets written before this
/// migration keep a NULL line and the ranking reads their JSON instead; nothing is backfilled or lost.
public struct AddScoreSheetScoring: AsyncMigration {
    public init() {}
    public func prepare(on database: any Database) async throws {
        try await database.schema(ScoreSheetModel.schema).field("scoring", .string).update()
    }
    public func revert(on database: any Database) async throws {
        try await database.schema(ScoreSheetModel.schema).deleteField("scoring").update()
    }
}
