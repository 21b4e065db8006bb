import Compliance
import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Gateway
import Grants
import Ledger
import Identity
import Logging
import NIOCore
import NIOPosix
import Notify
import SQLKit

/// The small glue between FluentKit and the rest of the app (there is no Hummingbird–Fluent package in
/// the mirror): boots SQLite or PostgreSQL, runs the migrations, and hands out `Database` handles.
public final class DatabaseHandle: Sendable {
    public let databases: Databases
    public let migrations: Migrations
    public let logger: Logger
    public let isPostgres: Bool
    private let eventLoopGroup: any EventLoopGroup
    private let ownsGroup: Bool
    /// SQLite's blocking calls run here. Its own pool (one thread: the one connection runs one statement
    /// at a time): a statement waiting out `busy_timeout` for another connection's write lock then blocks
    /// only this handle, never the thread the lock holder needs to commit. (On NIO's shared pool, two
    /// handles on one file in one process — two gateway instances in a test — could each park a waiter
    /// on both of its threads and stall every holder until the timeout: "database is locked".)
    private let threadPool: NIOThreadPool
    private let ownsThreadPool: Bool
    private let schema: String

    /// Every migration, in order. Later contexts append theirs here.
    public static var allMigrations: [any Migration] {
        ComplianceMigrations.all + IdentityMigrations.all + NotifyMigrations.all + GrantsMigrations.all
            + LedgerMigrations.all + GatewayMigrations.all
    }

    public init(config: AppConfig, logger: Logger) throws {
        self.logger = logger
        isPostgres = config.usesPostgres
        schema = config.databaseSchema
        if isPostgres {
            eventLoopGroup = MultiThreadedEventLoopGroup.singleton
            ownsGroup = false
        } else {
            // SQLite allows one writer: one event loop means one connection, so transactions queue instead of
            // failing with SQLITE_BUSY when a read in a transaction is upgraded to a write.
            eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            ownsGroup = true
        }
        if isPostgres {
            threadPool = NIOThreadPool.singleton
            ownsThreadPool = false
        } else {
            threadPool = NIOThreadPool(numberOfThreads: 1)
            threadPool.start()
            ownsThreadPool = true
        }
        databases = Databases(threadPool: threadPool, on: eventLoopGroup)
        if isPostgres {
            var postgres = try SQLPostgresConfiguration(url: config.databaseURL)
            if !config.databaseSchema.isEmpty { postgres.searchPath = [config.databaseSchema] }
            databases.use(.postgres(configuration: postgres, maxConnectionsPerEventLoop: config.databasePoolSize,
                                    connectionPoolTimeout: .seconds(Int64(config.databasePoolTimeoutSeconds)),
                                    sqlLogLevel: .trace), as: .psql)
        } else {
            try FileManager.default.createDirectory(atPath: config.varDirectory, withIntermediateDirectories: true)
            // The same pool wait as PostgreSQL's (database.pool.timeout.seconds): SQLite's one connection
            // queues every request, and the driver's 10 s default timed out a queue of 100 under load.
            databases.use(.sqlite(.file(config.sqlitePath),
                                  connectionPoolTimeout: .seconds(Int64(config.databasePoolTimeoutSeconds)),
                                  sqlLogLevel: .trace), as: .sqlite)
        }
        migrations = Migrations()
        migrations.add(Self.allMigrations)
    }

    public var db: any Database {
        databases.database(logger: logger, on: eventLoopGroup.any())!
    }

    public var sql: any SQLDatabase { db as! any SQLDatabase }

    /// WAL journal for SQLite (readers never block the writer), a busy timeout for CLI commands that
    /// run beside the server, and a larger page cache. (One connection per event loop, so these stick.)
    public func prepareConnection() async throws {
        if isPostgres {
            if !schema.isEmpty {
                try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
            }
            return
        }
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        try await sql.raw("PRAGMA busy_timeout=5000").run()
        // A 64 MiB page cache instead of SQLite's 2 MiB default: the ranking and the list read a few
        // MiB of a round's rows, and with the default every request went back to the file
        // (bench/grants_bench.py). It is the most the heap grows; pages are cached only as read.
        try await sql.raw("PRAGMA cache_size=-65536").run()
    }

    private var migrator: Migrator {
        Migrator(databases: databases, migrations: migrations, logger: logger, on: eventLoopGroup.any())
    }

    public func migrate() async throws {
        try await prepareConnection()
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
    }

    public func revertAll() async throws {
        try await migrator.setupIfNeeded().get()
        try await migrator.revertAllBatches().get()
    }

    /// Readiness: a round trip to the database.
    public func ping() async -> Bool {
        do {
            try await sql.raw("SELECT 1").run()
            return true
        } catch {
            return false
        }
    }

    public func shutdown() async {
        await databases.shutdownAsync()
        if ownsGroup { try? await eventLoopGroup.shutdownGracefully() }
        if ownsThreadPool { try? await threadPool.shutdownGracefully() }
    }
}
