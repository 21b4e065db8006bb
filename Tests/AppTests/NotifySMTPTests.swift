import Foundation
import SuanliKit
import Testing

@testable import Notify

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SMTP client against a real server (`scripts/smtp-sink`, aiosmtpd).
@Suite("Notify: SMTP client against smtp-sink")
struct NotifySMTPTests {
    static func configuration(
        _ sink: SMTPSink,
        host: String = "127.0.0.1",
        security: SMTPConfiguration.Security = .none,
        username: String? = nil,
        password: String? = nil,
        trustSinkCA: Bool = true
    ) -> SMTPConfiguration {
        SMTPConfiguration(
            host: host,
            port: sink.port,
            security: security,
            username: username,
            password: password,
            fromAddress: "noreply@suanli.example",
            fromName: "算力平台 Suanli",
            heloName: "test.suanli.example",
            timeout: .seconds(10),
            trustedCAFile: trustSinkCA ? sink.caFile : nil
        )
    }

    static func verifyMail(to address: String = "chen@example.com.tw") -> MailMessage {
        let rendered = MailTemplate.verifyEmail(link: "https://suanli.example/verify?t=abc").render(.zhTW)
        return MailMessage(
            messageID: UUID().uuidString.lowercased(),
            date: Date(),
            toAddress: address,
            toName: "陳美玲",
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html
        )
    }

    @Test("a zh-TW message arrives with the right To, subject and body")
    func zhTWMessageArrives() async throws {
        try await withSMTPSink { sink in
            let client = try SMTPClient(configuration: Self.configuration(sink))
            let message = Self.verifyMail()
            try await client.send(message)
            let received = try sink.received()
            try #require(received.count == 1)
            let mail = received[0]
            #expect(mail.mail_from == "noreply@suanli.example")
            #expect(mail.rcpt_tos == ["chen@example.com.tw"])
            #expect(mail.to == "陳美玲 <chen@example.com.tw>")
            #expect(mail.from == "算力平台 Suanli <noreply@suanli.example>")
            #expect(mail.subject == "【算力平台】請驗證您的電子郵件地址")
            #expect(mail.message_id == "<\(message.messageID)@suanli.example>")
            let text = mail.text?.replacingOccurrences(of: "\r\n", with: "\n")
            #expect(text == message.text)
            #expect(mail.html?.contains("<a href=\"https://suanli.example/verify?t=abc\">") == true)
            #expect(mail.defects.isEmpty, "Python's email parser found defects: \(mail.defects)")
            #expect(!mail.tls)
        }
    }

    @Test("a body line starting with a dot survives (dot-stuffing)")
    func dotStuffing() async throws {
        try await withSMTPSink { sink in
            let client = try SMTPClient(configuration: Self.configuration(sink))
            var message = Self.verifyMail()
            message.html = nil
            message.text = ".\n..\n.first\nlast"
            try await client.send(message)
            let text = try sink.received().first?.text?.replacingOccurrences(of: "\r\n", with: "\n")
            #expect(text == ".\n..\n.first\nlast")
        }
    }

    @Test("STARTTLS with a trusted CA, then AUTH PLAIN", arguments: ["127.0.0.1", "localhost"])
    func startTLSAndAuthPlain(host: String) async throws {
        try await withSMTPSink(["--starttls", "--auth", "mailer:s3cret", "--auth-mechanisms", "PLAIN"]) { sink in
            let configuration = Self.configuration(
                sink, host: host, security: .startTLS, username: "mailer", password: "s3cret")
            try await SMTPClient(configuration: configuration).send(Self.verifyMail())
            let mail = try #require(try sink.received().first)
            #expect(mail.tls)
            #expect(mail.login == "mailer")
            #expect(mail.subject == "【算力平台】請驗證您的電子郵件地址")
        }
    }

    @Test("AUTH LOGIN when PLAIN is not offered")
    func authLogin() async throws {
        try await withSMTPSink(["--starttls", "--auth", "mailer:s3cret", "--auth-mechanisms", "LOGIN"]) { sink in
            let configuration = Self.configuration(sink, security: .startTLS, username: "mailer", password: "s3cret")
            try await SMTPClient(configuration: configuration).send(Self.verifyMail())
            #expect(try sink.received().first?.login == "mailer")
        }
    }

    @Test("implicit TLS (port 465 style)")
    func implicitTLS() async throws {
        try await withSMTPSink(["--implicit-tls"]) { sink in
            try await SMTPClient(configuration: Self.configuration(sink, security: .tls)).send(Self.verifyMail())
            #expect(try sink.received().first?.tls == true)
        }
    }

    @Test("a wrong password is a permanent authentication error and nothing is sent")
    func authFailure() async throws {
        try await withSMTPSink(["--starttls", "--auth", "mailer:s3cret"]) { sink in
            let configuration = Self.configuration(sink, security: .startTLS, username: "mailer", password: "wrong")
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPClient(configuration: configuration).send(Self.verifyMail())
            }
            guard case .authenticationFailed(let reply) = error else {
                Issue.record("expected authenticationFailed, got \(String(describing: error))")
                return
            }
            #expect(reply.code == 535)
            #expect(error?.isPermanent == true)
            let received = try sink.received()
            #expect(received.isEmpty)
        }
    }

    @Test("a server that requires AUTH refuses a client without credentials")
    func authRequired() async throws {
        try await withSMTPSink(["--auth", "mailer:s3cret"]) { sink in
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPClient(configuration: Self.configuration(sink)).send(Self.verifyMail())
            }
            guard case .rejected(.mailFrom, let reply) = error else {
                Issue.record("expected a MAIL FROM rejection, got \(String(describing: error))")
                return
            }
            #expect(reply.code == 530)
        }
    }

    @Test("an untrusted certificate stops the session before anything is sent")
    func untrustedCertificate() async throws {
        try await withSMTPSink(["--starttls"]) { sink in
            let configuration = Self.configuration(sink, security: .startTLS, trustSinkCA: false)
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPClient(configuration: configuration).send(Self.verifyMail())
            }
            guard case .tlsFailed = error else {
                Issue.record("expected tlsFailed, got \(String(describing: error))")
                return
            }
            #expect(error?.isPermanent == false)
            let received = try sink.received()
            #expect(received.isEmpty)
        }
    }

    @Test("STARTTLS required but not offered: no plaintext fallback")
    func noDowngrade() async throws {
        try await withSMTPSink { sink in
            let configuration = Self.configuration(sink, security: .startTLS)
            await #expect(throws: SMTPError.startTLSNotOffered) {
                try await SMTPClient(configuration: configuration).send(Self.verifyMail())
            }
            let received = try sink.received()
            #expect(received.isEmpty)
        }
    }

    @Test("a server without ESMTP gets HELO")
    func heloFallback() async throws {
        try await withSMTPSink(["--no-esmtp"]) { sink in
            try await SMTPClient(configuration: Self.configuration(sink)).send(Self.verifyMail())
            #expect(try sink.received().first?.subject == "【算力平台】請驗證您的電子郵件地址")
            // Without EHLO there is no STARTTLS, and TLS is never given up for it.
            let secure = Self.configuration(sink, security: .startTLS)
            await #expect(throws: SMTPError.startTLSNotOffered) {
                try await SMTPClient(configuration: secure).send(Self.verifyMail())
            }
        }
    }

    @Test("credentials are never sent in clear text to a remote host")
    func noPlaintextCredentials() throws {
        let remote = SMTPConfiguration(
            host: "smtp.example.com", security: .none, username: "u", password: "p", fromAddress: "a@b.example")
        #expect(throws: SMTPError.self) { try SMTPClient(configuration: remote) }
        var local = remote
        local.host = "127.0.0.1"
        _ = try SMTPClient(configuration: local)
        var secure = remote
        secure.security = .startTLS
        _ = try SMTPClient(configuration: secure)
    }

    @Test("451 is transient, 550 is permanent")
    func replyClasses() async throws {
        try await withSMTPSink(["--fail-first", "1"]) { sink in
            let client = try SMTPClient(configuration: Self.configuration(sink))
            let error = await #expect(throws: SMTPError.self) { try await client.send(Self.verifyMail()) }
            let expected = SMTPReply(code: 451, lines: ["4.3.0 Temporary failure from smtp-sink (--fail-first)"])
            #expect(error == .rejected(.message, expected))
            #expect(error?.isPermanent == false)
            try await client.send(Self.verifyMail())
            #expect(try sink.received().count == 1)
        }
        try await withSMTPSink(["--reject"]) { sink in
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPClient(configuration: Self.configuration(sink)).send(Self.verifyMail())
            }
            #expect(error?.isPermanent == true)
        }
    }

    @Test("several messages in parallel through one client")
    func parallelSends() async throws {
        try await withSMTPSink { sink in
            let client = try SMTPClient(configuration: Self.configuration(sink))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    group.addTask { try await client.send(Self.verifyMail(to: "user\(index)@example.com")) }
                }
                try await group.waitForAll()
            }
            let recipients = try sink.received().flatMap(\.rcpt_tos).sorted()
            #expect(recipients == (0..<8).map { "user\($0)@example.com" }.sorted())
        }
    }

    @Test("connection refused is a transient connect error")
    func connectionRefused() async throws {
        let port = try SilentListener.unusedPort()
        let configuration = SMTPConfiguration(
            host: "127.0.0.1", port: port, security: .none, fromAddress: "noreply@suanli.example", timeout: .seconds(2))
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient(configuration: configuration).send(Self.verifyMail())
        }
        guard case .connectFailed = error else {
            Issue.record("expected connectFailed, got \(String(describing: error))")
            return
        }
        #expect(error?.isPermanent == false)
    }

    @Test("a server that never greets times out")
    func greetingTimeout() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let configuration = SMTPConfiguration(
            host: "127.0.0.1", port: listener.port, security: .none, fromAddress: "noreply@suanli.example",
            timeout: .milliseconds(300))
        let started = ContinuousClock.now
        await #expect(throws: SMTPError.timedOut(.greeting)) {
            try await SMTPClient(configuration: configuration).send(Self.verifyMail())
        }
        // Generous: the whole suite shares two cores; the point is that it does not wait forever.
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("a missing CA file is reported when the client is made")
    func missingCAFile() {
        let configuration = SMTPConfiguration(
            host: "127.0.0.1", security: .startTLS, fromAddress: "noreply@suanli.example",
            trustedCAFile: "/nonexistent/ca.pem")
        #expect(throws: SMTPError.self) { try SMTPClient(configuration: configuration) }
    }

    @Test("an invalid recipient is refused before connecting")
    func invalidRecipient() async throws {
        let configuration = SMTPConfiguration(host: "127.0.0.1", port: 1, fromAddress: "noreply@suanli.example")
        await #expect(throws: SMTPError.invalidAddress("x@y>\r\nDATA")) {
            try await SMTPClient(configuration: configuration).send(Self.verifyMail(to: "x@y>\r\nDATA"))
        }
    }
}

/// A TCP socket that accepts connections (through the kernel backlog) and never says anything.
final class SilentListener: Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        (descriptor, port) = try Self.bind()
        guard listen(descriptor, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    func close() {
        systemClose(descriptor)
    }

    /// A port nobody listens on: bound once, then released.
    static func unusedPort() throws -> Int {
        let (descriptor, port) = try bind()
        systemClose(descriptor)
        return port
    }

    private static func bind() throws -> (Int32, Int) {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                guard systemBind(descriptor, generic, length) == 0 else { return false }
                return getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}

#if canImport(Glibc)
private let systemBind = Glibc.bind
private func systemClose(_ descriptor: Int32) { _ = Glibc.close(descriptor) }
#else
private let systemBind = Darwin.bind
private func systemClose(_ descriptor: Int32) { _ = Darwin.close(descriptor) }
#endif
