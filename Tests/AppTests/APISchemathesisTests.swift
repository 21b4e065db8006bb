import API
import App
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Property-based fuzzing of the JSON API with schemathesis (from `.venv`, see requirements-test.txt)
/// against a live server: no 5xx, answers match the document, schema-violating input is refused.
/// Opt-in, it takes minutes: `SUANLI_SCHEMATHESIS=1 swift test --filter APISchemathesisTests`; a value
/// other than `1` replaces the default schemathesis options.
/// `positive_data_acceptance` is left out by default: the domain refuses some schema-valid values that
/// JSON Schema cannot describe (an establishment date in the future).
@Suite struct APISchemathesisTests {
    static let options = ProcessInfo.processInfo.environment["SUANLI_SCHEMATHESIS"]

    @Test(.enabled(if: options != nil)) func fuzzTheDocumentedOperations() async throws {
        let arguments = Self.options == "1"
            ? ["--checks", "all", "--exclude-checks", "positive_data_acceptance", "--max-time", "120"]
            : (Self.options ?? "").split(separator: " ").map(String.init)
        try await APITestApp.run { suanli, _ in
            let admin = try await APITestApp.company(suanli, taxID: "90123453", email: "admin@yunding.test")
            let router = try suanli.router()
            if !router.routes.contains(where: { "\($0.path)".hasPrefix(JSONAPI.basePath) }) {
                try JSONAPI.install(on: router, services: suanli.services)
            }
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  logger: suanli.logger)
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let report = FileManager.default.temporaryDirectory.appendingPathComponent("schemathesis-api.txt")
                FileManager.default.createFile(atPath: report.path, contents: nil)
                let output = try FileHandle(forWritingTo: report)
                let process = Process()
                process.executableURL = URL(fileURLWithPath: ".venv/bin/schemathesis")
                process.arguments = ["run", "Sources/API/openapi.yaml", "--url", "http://127.0.0.1:\(port)/api/v1",
                                     "--header", "Authorization: Bearer \(admin.token)"] + arguments
                process.standardOutput = output
                process.standardError = output
                try process.run()
                while process.isRunning { try await Task.sleep(for: .milliseconds(200)) }
                try output.close()
                #expect(process.terminationStatus == 0, "schemathesis report: \(report.path)")
            }
        }
    }
}
