import App
import FluentKit
import Identity
import Testing

/// `suanli migrate [--revert]` (issue 2, item 2): every migration is reversible, on SQLite and PostgreSQL.
@Suite struct MigrationTests {
    @Test func migrationsRevertCompletelyAndApplyAgain() async throws {
        try await TestApp.withSuanli { suanli in
            let database = suanli.database
            try await database.revertAll()
            // Nothing of ours is left: querying a table fails.
            await #expect(throws: (any Error).self) { _ = try await UserModel.query(on: database.db).count() }
            try await database.migrate()
            #expect(try await UserModel.query(on: database.db).count() == 0)
            // Applying again is a no-op.
            try await database.migrate()
            #expect(try await suanli.services.audit.verify(on: database.db).isIntact)
        }
    }
}
