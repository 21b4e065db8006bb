import Foundation

/// Runs `scripts/smtp-sink` (a real aiosmtpd server) for one test and reads what it received.
final class SMTPSink: @unchecked Sendable {
    let port: Int
    /// The CA certificate to trust when the sink offers TLS.
    let caFile: String?
    let folder: URL
    private let process: Process

    /// A message as the sink saw it, decoded by Python's `email` package — an independent parser,
    /// so these tests check our MIME output against someone else's reading of the RFCs.
    struct Received: Decodable {
        var mail_from: String
        var rcpt_tos: [String]
        var login: String?
        var tls: Bool
        var subject: String?
        var from: String?
        var to: String?
        var message_id: String?
        var text: String?
        var html: String?
        var defects: [String]
        var raw: String
    }

    private init(port: Int, caFile: String?, folder: URL, process: Process) {
        self.port = port
        self.caFile = caFile
        self.folder = folder
        self.process = process
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // AppTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
    }

    static var python: String {
        let venv = repositoryRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/env"
    }

    /// Starts a sink with the given `scripts/smtp-sink` options, e.g. `["--starttls"]`.
    static func start(_ options: [String] = []) async throws -> SMTPSink {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sink-\(UUID().uuidString)")
        let folder = work.appendingPathComponent("mail")
        let readyFile = work.appendingPathComponent("ready")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        let script = repositoryRoot.appendingPathComponent("scripts/smtp-sink").path
        let arguments = ["--port", "0", "--dir", folder.path, "--ready-file", readyFile.path] + options
        process.arguments = (python == "/usr/bin/env" ? ["python3", script] : [script]) + arguments
        let errors = work.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<300 {
            if let line = try? String(contentsOf: readyFile, encoding: .utf8), line.hasPrefix("READY") {
                var fields: [String: String] = [:]
                for field in line.split(separator: " ").dropFirst() {
                    let pair = field.split(separator: "=", maxSplits: 1).map(String.init)
                    if pair.count == 2 {
                        fields[pair[0]] = pair[1].trimmingCharacters(in: .whitespacesAndNewlines)
                    }
                }
                let ca = fields["ca"].flatMap { $0 == "-" ? nil : $0 }
                return SMTPSink(port: Int(fields["port"] ?? "") ?? 0, caFile: ca, folder: folder, process: process)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let log = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        await SMTPSink(port: 0, caFile: nil, folder: folder, process: process).stop()
        throw SinkError(
            "smtp-sink did not start (needs aiosmtpd: python3 -m venv .venv && .venv/bin/pip install aiosmtpd)"
                + ": \(log)"
        )
    }

    /// SIGTERM, then SIGKILL if the sink is still there after two seconds. Polls instead of
    /// `waitUntilExit()`, which would block one of the few threads the test runner has.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<40 where process.isRunning {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        try? FileManager.default.removeItem(at: folder.deletingLastPathComponent())
    }

    /// Every message received so far, in arrival order.
    func received() throws -> [Received] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") }
            .sorted()
        return try names.map { name in
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            return try JSONDecoder().decode(Received.self, from: data)
        }
    }

    struct SinkError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// Starts a sink, runs `body`, and stops the sink whatever happens.
func withSMTPSink<T>(_ options: [String] = [], _ body: (SMTPSink) async throws -> T) async throws -> T {
    let sink = try await SMTPSink.start(options)
    do {
        let result = try await body(sink)
        await sink.stop()
        return result
    } catch {
        await sink.stop()
        throw error
    }
}
