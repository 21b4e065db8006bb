import FluentKit
import SQLKit

/// Each submitted sheet's figures (`SheetFigures`): exact total with bonus and the heaviest criterion's
/// score, so a round's ranking sums them in the database. NULL on sheets written before, and on every
/// sheet of a programme whose rubric or bonus policy is amended; the ranking computes those from the
/// sheet itself. Two covering indexes let that query read indexes only (half its time at 5,000
/// applications).
public struct AddScoreSheetFigures: AsyncMigration {
    public init() {}
    static let indexes: [(name: String, table: String, columns: [String])] = [
        ("grant_score_sheets_figures", ScoreSheetModel.schema,
         ["application_id", "submitted_at", "total_exact", "heaviest_score"]),
        ("grant_assignments_open", AssignmentModel.schema, ["application_id", "removed_at"]),
    ]

    public func prepare(on database: any Database) async throws {
        try await database.schema(ScoreSheetModel.schema).field("total_exact", .int64).update()
        try await database.schema(ScoreSheetModel.schema).field("heaviest_score", .int64).update()
        guard let sql = database as? any SQLDatabase else { return }
        for index in Self.indexes {
            var builder = sql.create(index: index.name).on(index.table)
            for column in index.columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    public func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            for index in Self.indexes.reversed() { try await sql.drop(index: index.name).run() }
        }
        try await database.schema(ScoreSheetModel.schema).deleteField("heaviest_score").update()
        try await database.schema(ScoreSheetModel.schema).deleteField("total_exact").update()
    }
}
