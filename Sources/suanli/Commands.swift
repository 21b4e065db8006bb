import App
import ArgumentParser
import Compliance
import Foundation
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
        abstract: "Administration: create staff accounts.", subcommands: [CreateUser.self])

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
