import App
import ArgumentParser
import Compliance
import Foundation
import Grants
import Ledger
import Identity
import SuanliKit

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create the demo programme and print its logins.")
    @OptionGroup var options: CommonOptions
    @Flag(help: "Print the logins as one JSON object.") var json = false

    func run() async throws {
        let suanli = try await Suanli.boot(config: try await options.config())
        do {
            let result = try await DemoSeeder(suanli: suanli).seed()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                print(DemoSeeder.text(result))
            }
        } catch {
            await suanli.database.shutdown()
            throw error
        }
        await suanli.database.shutdown()
    }
}

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administration: staff accounts, registry snapshots, the model catalogue.",
        subcommands: [CreateUser.self, ImportRegistry.self, SeedBench.self, ModelCommand.self, DenyOrigin.self])

    /// SPEC C2, T8: the operator loads a downloaded open-data file; eligibility rules read it.
    struct ImportRegistry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-registry",
            abstract: "Import a registry open-data file (tax register, GCIS company registry, Chinese-capital list).",
            discussion: "The layout is recognised from the header row unless --source names it. A file with any "
                + "bad row is refused whole (nothing is written) unless --lenient is given; see samples/registry/README.md.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The CSV file as downloaded (UTF-8, UTF-8 with BOM, or Big5).") var file: String
        @Option(help: "tax-register, gcis or chinese-capital (default: recognised from the header).") var source: String?
        @Flag(help: "Keep the good rows and report the bad ones instead of refusing the file.") var lenient = false

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            let bytes = [UInt8](data)
            let chosen: RegistrySource
            if let source {
                guard let parsed = RegistrySource(rawValue: source) else {
                    throw ValidationError("--source must be tax-register, gcis or chinese-capital")
                }
                chosen = parsed
            } else {
                guard let detected = RegistryImporter.detectSource(bytes) else {
                    throw ValidationError("cannot tell the layout from the header row; name it with --source")
                }
                chosen = detected
            }
            let suanli = try await Suanli.boot(config: try await options.config())
            do {
                let operatorName = ProcessInfo.processInfo.environment["USER"] ?? "root"
                let summary = try await suanli.services.grants.importRegistry(
                    bytes, source: chosen, fileName: (file as NSString).lastPathComponent,
                    mode: lenient ? .lenient : .allOrNothing, by: "cli:\(operatorName)", on: suanli.database.db)
                print("Imported \(summary.recordCount) record(s) from \(chosen.rawValue)"
                      + (summary.datasetDate.map { " dated \($0.isoForm)" } ?? "")
                      + (summary.rejectedCount > 0 ? "; \(summary.rejectedCount) row(s) rejected" : ""))
                for issue in summary.warnings + summary.errors { print("  \(issue.severity.rawValue): \(issue.en)") }
            } catch let refused as RegistryImportRefused {
                await suanli.database.shutdown()
                for issue in refused.failure.errors.prefix(50) { printError("  error: \(issue.en)") }
                throw ValidationError("\(refused.failure.errors.count) row(s) are invalid; nothing was imported "
                                      + "(use --lenient to keep the good rows)")
            } catch {
                await suanli.database.shutdown()
                throw error
            }
            await suanli.database.shutdown()
        }
    }

    struct CreateUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-user",
            abstract: "Create an operator, reviewer or ministry account; prints a one-time initial password.")
        @OptionGroup var options: CommonOptions
        @Option(help: "operator, reviewer or ministry.") var role: String
        @Option(help: "E-mail address (the sign-in name).") var email: String
        @Option(help: "Full name.") var name: String

        func run() async throws {
            guard let role = Role(rawValue: role), role.isStaff else {
                throw ValidationError("--role must be operator, reviewer or ministry")
            }
            let suanli = try await Suanli.boot(config: try await options.config())
            do {
                let operatorName = ProcessInfo.processInfo.environment["USER"] ?? "root"
                let created = try await suanli.services.accounts.createUser(
                    email: email, name: name, role: role, secrets: suanli.secrets, actor: "cli:\(operatorName)",
                    on: suanli.database.db)
                print("Created \(role.rawValue) \(created.email)")
                print("Initial password (shown once; must be changed at first sign-in): \(created.initialPassword)")
                print("A TOTP second factor is set up at first sign-in.")
            } catch let error as SuanliKit.UserFacingError {
                await suanli.database.shutdown()
                throw ValidationError(error.en)
            } catch {
                await suanli.database.shutdown()
                throw error
            }
            await suanli.database.shutdown()
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The tamper-evident audit log.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the hash chain and report the first record altered, removed or inserted.")
        @OptionGroup var options: CommonOptions

        func run() async throws {
            let suanli = try await Suanli.boot(config: try await options.config(), migrate: false)
            let result: AuditVerification
            do {
                result = try await suanli.services.audit.verify(on: suanli.database.db)
            } catch {
                await suanli.database.shutdown()
                throw error
            }
            await suanli.database.shutdown()
            print(result.summary)
            if !result.isIntact { throw ExitCode(2) }
        }
    }
}

struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "The point ledger.", subcommands: [Verify.self, Show.self, Adjust.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay every account's entries through the ledger's rules and compare with the stored balances.",
            discussion: "Exit status 0 when every balance, hold and daily roll-up reconciles with the entries, 2 otherwise.")
        @OptionGroup var options: CommonOptions
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            let suanli = try await Suanli.boot(config: try await options.config(), migrate: false)
            let result: LedgerVerification
            do {
                result = try await suanli.ledger.verify(on: suanli.database.db)
            } catch {
                await suanli.database.shutdown()
                throw error
            }
            await suanli.database.shutdown()
            if json {
                let object: [String: Any] = ["accounts": result.accounts, "entries": result.entries,
                                             "clean": result.isClean, "problems": result.problems]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print("ledger: \(result.accounts) account(s), \(result.entries) entries — "
                      + (result.isClean ? "every balance reconciles" : "\(result.problems.count) problem(s):"))
                for problem in result.problems { print("  " + problem) }
            }
            if !result.isClean { throw ExitCode(2) }
        }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

extension Admin {
    /// Scale data for bench/grants_bench.py: run after `suanli demo` on a throw-away database.
    struct SeedBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seed-bench",
            abstract: "Insert benchmark data: applications across the lifecycle, reviewers and their score sheets.",
            discussion: "For benchmarks only, on a throw-away database after `suanli demo`. Prints a JSON summary.")
        @OptionGroup var options: CommonOptions
        @Option(help: "How many applications.") var applications = 5000
        @Option(help: "How many reviewers in the pool.") var reviewers = 20
        @Option(help: "Rows per transaction.") var batch = 250

        func run() async throws {
            guard applications > 0, reviewers > 0, batch > 0 else {
                throw ValidationError("--applications, --reviewers and --batch must be positive")
            }
            let suanli = try await Suanli.boot(config: try await options.config())
            do {
                let result = try await BenchSeeder(suanli: suanli).seed(
                    applications: applications, reviewers: reviewers, batch: batch)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } catch {
                await suanli.database.shutdown()
                throw error
            }
            await suanli.database.shutdown()
        }
    }
}
