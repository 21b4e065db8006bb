// Stand-in until Tests/AppTests/Support/TestDatabase.swift exists: an in-memory SQLite database
// with the Notify migrations. AppTests does not declare FluentSQLiteDriver (it is reachable only
// through App), hence the guard; the owner of Package.swift adds it to the test target.
#if canImport(FluentSQLiteDriver)
import FluentKit
import FluentSQLiteDriver
import Logging
import NIOCore
import NIOPosix
import Notify

enum NotifyTestDB {
    /// Runs `body` against a fresh database and shuts it down afterwards. All handles use one
    /// event loop, hence one SQLite connection: shared-cache in-memory SQLite answers "table is
    /// locked" instead of waiting when two connections write at once.
    static func with<T: Sendable>(_ body: (any Database) async throws -> T) async throws -> T {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        let databases = Databases(threadPool: .singleton, on: eventLoop)
        databases.use(.sqlite(.memory), as: .sqlite)
        var logger = Logger(label: "test.notify.database")
        logger.logLevel = .warning
        do {
            let migrations = Migrations()
            migrations.add(NotifyMigrations.all)
            let migrator = Migrator(databases: databases, migrations: migrations, logger: logger, on: eventLoop)
            try await migrator.setupIfNeeded().get()
            try await migrator.prepareBatch().get()
            let database = databases.database(logger: logger, on: eventLoop)!
            let result = try await body(database)
            await databases.shutdownAsync()
            return result
        } catch {
            await databases.shutdownAsync()
            throw error
        }
    }
}
#endif
