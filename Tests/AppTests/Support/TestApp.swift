import App
import Foundation
import Hummingbird
import HummingbirdTesting
import SuanliKit

/// Builds a Suanli for a test: a fresh SQLite file in a temporary folder, or — when
/// `SUANLI_TEST_DATABASE_URL` names a PostgreSQL server — a fresh schema there, so the whole suite runs on
/// both engines (ARCHITECTURE "Tests"). Cheap bcrypt, trusted X-Forwarded-For so tests can pose as
/// different source addresses, and a manual clock.
enum TestApp {
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["SUANLI_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func config(overrides: [String: String] = [:]) async throws -> AppConfig {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("suanli-test-\(UUID().uuidString.prefix(8))").path
        var values: [String: String] = [
            "var.dir": folder, "app.environment": "test", "security.bcrypt.cost": "4",
            "http.trust.forwarded": "true", "http.port": "0", "log.level": "warning",
            "public.url": "http://suanli.test",
        ]
        if let url = postgresURL {
            values["database.url"] = url
            values["database.schema"] = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12)
                .lowercased()
            values["database.pool.size"] = "1"
        }
        values.merge(overrides) { $1 }
        return AppConfig(reader: try await AppConfig.reader(overrides: values, environment: [:]))
    }

    static func make(clock: ManualClock = ManualClock(Date()), overrides: [String: String] = [:])
        async throws -> Suanli
    {
        try await Suanli.boot(config: try await config(overrides: overrides), clock: clock)
    }

    /// A fresh app for one test: `body` gets it and a router client (no sockets) while its services run;
    /// the database is closed afterwards, whatever happened.
    static func run<Value: Sendable>(
        clock: ManualClock = ManualClock(Date()), overrides: [String: String] = [:],
        _ body: @Sendable (Suanli, any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        try await withSuanli(clock: clock, overrides: overrides) { suanli in
            try await suanli.application(closeDatabase: false).test(.router) { client in
                try await body(suanli, client)
            }
        }
    }

    /// A fresh app without HTTP, for service-level tests.
    static func withSuanli<Value: Sendable>(
        clock: ManualClock = ManualClock(Date()), overrides: [String: String] = [:],
        _ body: @Sendable (Suanli) async throws -> Value
    ) async throws -> Value {
        let suanli = try await make(clock: clock, overrides: overrides)
        do {
            let value = try await body(suanli)
            await suanli.database.shutdown()
            return value
        } catch {
            await suanli.database.shutdown()
            throw error
        }
    }

    /// Router test for an app the caller made; the caller closes the database (`suanli.database.shutdown()`).
    static func withRouter<Value: Sendable>(
        _ suanli: Suanli, _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        try await suanli.application(closeDatabase: false).test(.router) { client in try await body(client) }
    }
}
