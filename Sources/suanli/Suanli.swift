import App
import ArgumentParser
import Foundation
import Logging

@main
struct SuanliCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suanli",
        abstract: "Suanli 算力平台 — AI compute grants and the AI Toolbox marketplace.",
        subcommands: [Serve.self, Migrate.self, Demo.self, Admin.self, AuditCommand.self, LedgerCommand.self],
        defaultSubcommand: Serve.self)

    static func main() async {
        // Logs go to stderr so that stdout carries only what a command prints (e.g. `demo --json`).
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// Options every subcommand accepts; each maps to a configuration key (README "Configuration").
struct CommonOptions: ParsableArguments {
    @Option(help: "PostgreSQL URL (postgres://user:pass@host:port/db); empty = SQLite in the var folder.")
    var databaseURL: String?
    @Option(help: "Folder for the SQLite database, generated keys and local objects.")
    var varDir: String?
    @Option(help: "Address to listen on.") var host: String?
    @Option(help: "Port to listen on.") var port: Int?
    @Option(help: "Public base URL used in e-mailed links.") var publicURL: String?
    @Option(help: "SMTP relay host.") var smtpHost: String?
    @Option(help: "SMTP relay port.") var smtpPort: Int?
    @Option(help: "SMTP security: none, starttls or tls.") var smtpSecurity: String?
    @Option(help: "development, test or production.") var environment: String?
    @Option(name: .customLong("set"), help: "Any other setting as key=value (repeatable).")
    var settings: [String] = []

    var overrides: [String: String] {
        var values: [String: String] = [:]
        if let databaseURL { values["database.url"] = databaseURL }
        if let varDir { values["var.dir"] = varDir }
        if let host { values["http.host"] = host }
        if let port { values["http.port"] = String(port) }
        if let publicURL { values["public.url"] = publicURL }
        if let smtpHost { values["smtp.host"] = smtpHost }
        if let smtpPort { values["smtp.port"] = String(smtpPort) }
        if let smtpSecurity { values["smtp.security"] = smtpSecurity }
        if let environment { values["app.environment"] = environment }
        for setting in settings {
            let parts = setting.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        return values
    }

    func config() async throws -> AppConfig {
        AppConfig(reader: try await AppConfig.reader(overrides: overrides))
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the portal, the API and the background workers.")
    @OptionGroup var options: CommonOptions

    func run() async throws {
        let suanli = try await Suanli.boot(config: try await options.config())
        try await suanli.application().runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply (or with --revert, undo) database migrations.")
    @OptionGroup var options: CommonOptions
    @Flag(help: "Undo every migration (drops all tables).") var revert = false

    func run() async throws {
        let config = try await options.config()
        let database = try DatabaseHandle(config: config, logger: .init(label: "suanli.migrate"))
        do {
            if revert {
                try await database.revertAll()
                print("All migrations reverted.")
            } else {
                try await database.migrate()
                print("Database is up to date (\(config.usesPostgres ? "PostgreSQL" : config.sqlitePath)).")
            }
        } catch {
            await database.shutdown()
            throw error
        }
        await database.shutdown()
    }
}
