import FluentKit
import Foundation
import SQLKit

enum RowLock {
    /// Takes the row's write lock for the rest of the transaction on PostgreSQL (`SELECT … FOR
    /// UPDATE`), so that two concurrent writers of one record queue and the second sees the first's
    /// version. SQLite needs nothing: its one connection already runs transactions one at a time.
    static func lock(_ table: String, id: UUID, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.select().column("id").from(table).where("id", .equal, SQLBind(id)).for(.update).run()
    }
}
