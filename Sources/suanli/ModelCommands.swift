import App
import ArgumentParser
import Foundation
import Gateway
import SuanliKit

/// `suanli admin model …` and `suanli admin deny-origin`: the inference catalogue (SPEC C5.3; issue 4).
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "The inference model catalogue.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a model to the catalogue, or replace its entry.",
            discussion: "A model whose developer is in a refused region (CN, HK, MO and the operator's additions) or "
                + "whose name is a refused family (e.g. DeepSeek, Qwen) is refused. Example:\n"
                + "suanli admin model add --id gemma-3-270m --developer Google --origin US --capability chat "
                + "--upstream http://127.0.0.1:8081/v1")
        @OptionGroup var options: CommonOptions
        @Option(help: "The name clients send as `model`.") var id: String
        @Option(help: "Who made the model (e.g. Google, Meta, 國家實驗研究院).") var developer: String
        @Option(help: "The developer's country, ISO 3166-1 alpha-2 (e.g. US, TW).") var origin: String
        @Option(help: "chat or embeddings; repeat for both.") var capability: [String] = ["chat"]
        @Option(help: "An OpenAI-compatible base URL ending in /v1; repeat for fail-over.") var upstream: [String]
        @Option(help: "The model name the upstream expects, if not --id.") var upstreamModel: String?
        @Flag(help: "List it disabled.") var disabled = false

        func run() async throws {
            let capabilities = try Set(capability.map { name in
                guard let value = ModelCapability(rawValue: name) else {
                    throw ValidationError("--capability must be chat or embeddings")
                }
                return value
            })
            let model = CatalogueModel(id: id, developer: developer, origin: origin, capabilities: capabilities,
                                       upstreams: upstream, upstreamModel: upstreamModel, enabled: !disabled)
            try await withSuanli(options) { suanli in
                try await suanli.gatewayCatalogue.upsert(model, by: cliActor, on: suanli.database.db)
                print("Listed \(model.id) (\(model.developer), \(model.origin.uppercased())) → \(model.upstreams.joined(separator: ", "))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the catalogue, with refused models flagged.")
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await withSuanli(options) { suanli in
                let catalogue = try await suanli.gatewayCatalogue.catalogue(on: suanli.database.db)
                for model in catalogue.models {
                    let state = catalogue.denyList.refusal(of: model).map { "REFUSED: \($0.en)" }
                        ?? (model.enabled ? "offered" : "disabled")
                    print("\(model.id)\t\(model.developer)\t\(model.origin)\t"
                          + "\(model.capabilities.map(\.rawValue).sorted().joined(separator: ","))\t"
                          + "\(model.upstreams.joined(separator: " "))\t\(state)")
                }
                print("Deny list: countries \(catalogue.denyList.countries.sorted().joined(separator: ", "))"
                      + (catalogue.denyList.names.isEmpty ? "" : "; names \(catalogue.denyList.names.joined(separator: ", "))"))
            }
        }
    }
}

struct DenyOrigin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deny-origin",
        abstract: "Add a developer country or a model family / developer name to the origin deny list.",
        discussion: "CN, HK, MO and the Chinese model families are always refused; this adds to them.")
    @OptionGroup var options: CommonOptions
    @Option(help: "ISO 3166-1 alpha-2 country code.") var country: String?
    @Option(help: "A model family or developer name, matched anywhere in a model's name.") var name: String?
    @Option(help: "Why (kept in the audit log).") var reason: String

    func run() async throws {
        guard (country == nil) != (name == nil) else { throw ValidationError("give exactly one of --country and --name") }
        try await withSuanli(options) { suanli in
            try await suanli.gatewayCatalogue.deny(country: country, name: name, reason: reason, by: cliActor,
                                                   on: suanli.database.db)
            print("Denied \(country.map { "country \($0.uppercased())" } ?? "name \(name!)")")
        }
    }
}

var cliActor: String { "cli:\(ProcessInfo.processInfo.environment["USER"] ?? "root")" }

/// Boots, runs `body`, always closes the database; a user-facing error becomes a plain message.
func withSuanli(_ options: CommonOptions, _ body: (Suanli) async throws -> Void) async throws {
    let suanli = try await Suanli.boot(config: try await options.config())
    do {
        try await body(suanli)
    } catch let error as SuanliKit.UserFacingError {
        await suanli.database.shutdown()
        let fields = error.fields.map { "  \($0.field): \($0.en)" }.joined(separator: "\n")
        throw ValidationError(error.en + (fields.isEmpty ? "" : "\n" + fields))
    } catch {
        await suanli.database.shutdown()
        throw error
    }
    await suanli.database.shutdown()
}
