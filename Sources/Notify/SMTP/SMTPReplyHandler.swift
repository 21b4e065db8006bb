import NIOCore
import NIOSSL

/// Splits the server's bytes into lines and lines into replies, and hands each reply to whoever
/// waits for it. Replies that arrive before anyone asks (the greeting) wait in a queue.
///
/// Lives on the channel's event loop; `SMTPConnection` reaches it through `NIOLoopBound`.
final class SMTPReplyHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    /// RFC 5321 §4.5.3.1.5 limits reply lines to 512 octets; allow more for lenient servers but
    /// stop a peer that streams a line forever.
    static let maximumLineLength = 8192

    private var pending = ByteBuffer()
    private var parser = SMTPReplyParser()
    private var replies = CircularBuffer<SMTPReply>()
    private var waiter: Waiter?
    /// Once the connection failed every later request fails the same way.
    private var failure: SMTPError?
    private var context: ChannelHandlerContext?
    /// Kept after the handler leaves the pipeline, so late requests still get a failed future.
    private let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    private struct Waiter {
        var promise: EventLoopPromise<SMTPReply>
        var stage: SMTPStage
        var timeout: Scheduled<Void>?
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        fail(.connectionClosed(waiter?.stage ?? .quit, "handler removed"))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        pending.writeBuffer(&incoming)
        do {
            while let line = try nextLine() {
                if let reply = try parser.feed(line) {
                    deliver(reply)
                }
            }
        } catch {
            fail(.protocolViolation(waiter?.stage ?? .greeting, "\(error)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionClosed(waiter?.stage ?? .quit, nil))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let stage = waiter?.stage ?? .greeting
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            fail(.tlsFailed(String(describing: error)))
        } else {
            fail(.connectionClosed(stage, String(describing: error)))
        }
        context.close(promise: nil)
    }

    /// The next reply, or a failure after `timeout`. One waiter at a time: the client does not
    /// pipeline commands, so a second concurrent wait is a programming error.
    func nextReply(stage: SMTPStage, timeout: TimeAmount) -> EventLoopFuture<SMTPReply> {
        if let reply = replies.popFirst() {
            return eventLoop.makeSucceededFuture(reply)
        }
        if let failure {
            return eventLoop.makeFailedFuture(failure)
        }
        guard context != nil else {
            return eventLoop.makeFailedFuture(SMTPError.connectionClosed(stage, nil))
        }
        precondition(waiter == nil, "SMTP commands are not pipelined; wait for one reply at a time")
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        let timer = eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            fail(.timedOut(stage))
            self.context?.close(promise: nil)
        }
        waiter = Waiter(promise: promise, stage: stage, timeout: timer)
        return promise.futureResult
    }

    /// True when bytes or replies arrived that nobody asked for. Checked right before the TLS
    /// handshake: anything sent in plaintext after STARTTLS could be an injected command response
    /// (the CVE-2011-0411 class of attack), so the session must stop instead of reading it.
    var hasUnreadInput: Bool {
        pending.readableBytes > 0 || !replies.isEmpty || parser.isInsideReply
    }

    private func nextLine() throws -> String? {
        let view = pending.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if pending.readableBytes > Self.maximumLineLength {
                throw SMTPReplyParser.Malformed(line: "reply line longer than \(Self.maximumLineLength) bytes")
            }
            return nil
        }
        let length = newline - view.startIndex
        guard length <= Self.maximumLineLength else {
            throw SMTPReplyParser.Malformed(line: "reply line longer than \(Self.maximumLineLength) bytes")
        }
        var line = pending.readString(length: length)!
        pending.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") {
            line.removeLast()
        }
        pending.discardReadBytes()
        return line
    }

    private func deliver(_ reply: SMTPReply) {
        guard let waiter else {
            replies.append(reply)
            return
        }
        self.waiter = nil
        waiter.timeout?.cancel()
        waiter.promise.succeed(reply)
    }

    private func fail(_ error: SMTPError) {
        if failure == nil {
            failure = error
        }
        guard let waiter else { return }
        self.waiter = nil
        waiter.timeout?.cancel()
        waiter.promise.fail(error)
    }
}
