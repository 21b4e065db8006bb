import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// A small SMTP submission client (RFC 5321, STARTTLS RFC 3207, AUTH RFC 4954) over SwiftNIO.
/// One connection per message: the platform sends few mails, and a fresh session keeps each
/// failure confined to the message it belongs to.
public struct SMTPClient: MailTransport {
    public let configuration: SMTPConfiguration
    private let group: any EventLoopGroup
    private let tlsContext: NIOSSLContext?
    private let logger: Logger

    /// Throws `SMTPError.configuration` when the TLS settings cannot be used (unreadable CA file) or
    /// credentials would travel unencrypted to a remote host, and `SMTPError.invalidAddress` when
    /// the sender address is not usable.
    public init(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "suanli.notify.smtp")
    ) throws {
        guard MailAddress.isValid(configuration.fromAddress) else {
            throw SMTPError.invalidAddress(configuration.fromAddress)
        }
        if configuration.username != nil, configuration.security == .none, !configuration.isLoopback {
            // SPEC T5: secrets never cross the network in clear text. A relay on this host is fine.
            throw SMTPError.configuration("SMTP credentials need security starttls or tls for a remote host")
        }
        self.configuration = configuration
        self.group = eventLoopGroup
        self.tlsContext = try configuration.makeTLSContext()
        var logger = logger
        logger[metadataKey: "smtp.host"] = "\(configuration.host):\(configuration.port)"
        self.logger = logger
    }

    public func send(_ message: MailMessage) async throws {
        guard MailAddress.isValid(message.toAddress) else {
            throw SMTPError.invalidAddress(message.toAddress)
        }
        var logger = self.logger
        logger[metadataKey: "mail.message-id"] = "\(message.messageID)"
        let timeout = TimeAmount(configuration.timeout)
        let connection = try await SMTPConnection.connect(
            host: configuration.host,
            port: configuration.port,
            group: group,
            implicitTLS: configuration.security == .tls ? tlsContext : nil,
            timeout: timeout
        )
        do {
            try await transfer(message, over: connection, logger: logger)
        } catch {
            // A refused step leaves a working session: say goodbye so the server does not log an
            // aborted connection. Anything else means the connection is unusable anyway.
            if case SMTPError.rejected = error {
                _ = try? await connection.command("QUIT", stage: .quit)
            }
            await connection.close()
            throw error
        }
        // The message is accepted once DATA got its 250; a failing QUIT changes nothing.
        _ = try? await connection.command("QUIT", stage: .quit)
        await connection.close()
        logger.debug("SMTP relay accepted the message")
    }

    private func transfer(_ message: MailMessage, over connection: SMTPConnection, logger: Logger) async throws {
        let greeting = try await connection.readReply(.greeting)
        try expect(greeting, 220, at: .greeting)

        var capabilities = try await hello(connection)
        if configuration.security == .startTLS {
            guard capabilities.startTLS, let tlsContext else { throw SMTPError.startTLSNotOffered }
            try expect(try await connection.command("STARTTLS", stage: .startTLS), 220, at: .startTLS)
            try await connection.startTLS(tlsContext, host: configuration.host)
            // RFC 3207 §4.2: forget everything learnt before TLS and ask again.
            capabilities = try await hello(connection)
            logger.trace("SMTP session upgraded to TLS")
        }

        if let username = configuration.username, let password = configuration.password {
            try await authenticate(connection, username: username, password: password, capabilities: capabilities)
        }

        let mailFrom = try await connection.command("MAIL FROM:<\(configuration.fromAddress)>", stage: .mailFrom)
        try expect(mailFrom, 250, at: .mailFrom)
        let rcptTo = try await connection.command("RCPT TO:<\(message.toAddress)>", stage: .rcptTo)
        // 251: "user not local; will forward" is an acceptance too.
        try expect(rcptTo, 250, 251, at: .rcptTo)
        try expect(try await connection.command("DATA", stage: .data), 354, at: .data)

        let rendered = MIMEWriter.render(
            message,
            fromAddress: configuration.fromAddress,
            fromName: configuration.fromName
        )
        var payload = connection.channel.allocator.buffer(capacity: rendered.utf8.count + 64)
        payload.writeString(MIMEWriter.dataPayload(rendered))
        try expect(try await connection.send(payload, stage: .message), 250, at: .message)
    }

    /// EHLO, or HELO for a server that does not speak ESMTP (RFC 5321 §3.2).
    private func hello(_ connection: SMTPConnection) async throws -> SMTPCapabilities {
        let ehlo = try await connection.command("EHLO \(configuration.heloName)", stage: .ehlo)
        if ehlo.code == 250 {
            return SMTPCapabilities(ehloReply: ehlo)
        }
        guard ehlo.isPermanentFailure else { throw SMTPError.rejected(.ehlo, ehlo) }
        try expect(try await connection.command("HELO \(configuration.heloName)", stage: .helo), 250, at: .helo)
        return SMTPCapabilities()
    }

    private func expect(_ reply: SMTPReply, _ codes: Int..., at stage: SMTPStage) throws {
        guard codes.contains(reply.code) else { throw SMTPError.rejected(stage, reply) }
    }
}
