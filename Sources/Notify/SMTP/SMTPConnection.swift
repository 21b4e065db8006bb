import NIOCore
import NIOPosix
import NIOSSL

/// One TCP (or TLS) connection to an SMTP server: write a command, await its reply.
/// All channel work runs on the channel's event loop; this wrapper is what async code holds.
struct SMTPConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<SMTPReplyHandler>
    private let timeout: TimeAmount

    private init(channel: any Channel, handler: NIOLoopBound<SMTPReplyHandler>, timeout: TimeAmount) {
        self.channel = channel
        self.handler = handler
        self.timeout = timeout
    }

    /// Connects and, for implicit TLS, wraps the connection in TLS from the first byte.
    static func connect(
        host: String,
        port: Int,
        group: any EventLoopGroup,
        implicitTLS: NIOSSLContext?,
        timeout: TimeAmount
    ) async throws -> SMTPConnection {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        do {
            return try await bootstrap.connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = SMTPReplyHandler(eventLoop: channel.eventLoop)
                    if let implicitTLS {
                        let tls = try NIOSSLClientHandler(context: implicitTLS, serverHostname: sniName(for: host))
                        try channel.pipeline.syncOperations.addHandler(tls)
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                    return SMTPConnection(
                        channel: channel,
                        handler: NIOLoopBound(handler, eventLoop: channel.eventLoop),
                        timeout: timeout
                    )
                }
            }
        } catch let error as SMTPError {
            throw error
        } catch {
            throw SMTPError.connectFailed("\(host):\(port): \(error)")
        }
    }

    /// Waits for a reply nobody asked for yet: the greeting.
    func readReply(_ stage: SMTPStage) async throws -> SMTPReply {
        let handler = self.handler
        let timeout = self.timeout
        return try await channel.eventLoop.flatSubmit {
            handler.value.nextReply(stage: stage, timeout: timeout)
        }.get()
    }

    /// Sends one command line (without line end) and returns the reply.
    func command(_ line: String, stage: SMTPStage) async throws -> SMTPReply {
        var buffer = channel.allocator.buffer(capacity: line.utf8.count + 2)
        buffer.writeString(line)
        buffer.writeStaticString("\r\n")
        return try await send(buffer, stage: stage)
    }

    /// Writes raw bytes (the DATA payload) and returns the reply that follows them.
    func send(_ bytes: ByteBuffer, stage: SMTPStage) async throws -> SMTPReply {
        let handler = self.handler
        let timeout = self.timeout
        let channel = self.channel
        return try await channel.eventLoop.flatSubmit {
            // Ask for the reply before writing, so a write error and a closed connection
            // both surface as the failure of this one future.
            let reply = handler.value.nextReply(stage: stage, timeout: timeout)
            channel.writeAndFlush(bytes).whenFailure { _ in
                // Closing fails the waiting reply with `connectionClosed` through the handler.
                channel.close(promise: nil)
            }
            return reply
        }.get()
    }

    /// Puts TLS under the existing connection after the server's `220` to STARTTLS (RFC 3207).
    func startTLS(_ context: NIOSSLContext, host: String) async throws {
        let handler = self.handler
        let channel = self.channel
        try await channel.eventLoop.submit {
            guard !handler.value.hasUnreadInput else {
                throw SMTPError.protocolViolation(.startTLS, "server sent data after the STARTTLS reply")
            }
            let tls = try NIOSSLClientHandler(context: context, serverHostname: sniName(for: host))
            try channel.pipeline.syncOperations.addHandler(tls, position: .first)
        }.get()
    }

    func close() async {
        try? await channel.close()
    }
}

/// SNI carries names only; for an IP literal NIOSSL checks the certificate's IP SANs against the
/// peer address instead.
private func sniName(for host: String) -> String? {
    let isIPv4 = host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
    let isIPv6 = host.contains(":")
    return isIPv4 || isIPv6 ? nil : host
}
