import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A bare TCP client for what HTTP client libraries will not send: pipelined requests, a connection
/// closed in the middle of an answer, exact bytes on the wire.
enum RawHTTP {
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received = Mutex<[UInt8]>([])
        let closed = Mutex(false)

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLock { $0.append(contentsOf: buffer.readableBytesView) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            closed.withLock { $0 = true }
            context.fireChannelInactive()
        }

        var text: String { String(decoding: received.withLock { $0 }, as: UTF8.self) }
    }

    /// Sends `bytes` and reads until `done` holds, the server closes, or `timeout` passes; then closes
    /// its side (so a `done` that holds mid-answer is a client going away). Returns what arrived and
    /// whether the server had closed the connection.
    static func exchange(port: Int, _ bytes: String, timeout: Duration = .seconds(10),
                         until done: @escaping @Sendable (String) -> Bool = { _ in false }) async throws
        -> (text: String, serverClosed: Bool)
    {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(string: bytes)).get()
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if collector.closed.withLock({ $0 }) { break }
            if done(collector.text) { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let serverClosed = collector.closed.withLock { $0 }
        if !serverClosed { try? await channel.close() }
        return (collector.text, serverClosed)
    }

    /// An HTTP/1.1 POST of a JSON body, as bytes.
    static func post(_ path: String, json: String, key: String, headers extra: [String] = []) -> String {
        var lines = ["POST \(path) HTTP/1.1", "Host: 127.0.0.1", "Authorization: Bearer \(key)",
                     "Content-Type: application/json", "X-Forwarded-For: 1.160.0.10",
                     "Content-Length: \(json.utf8.count)"]
        lines += extra
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + json
    }

    /// How many complete `HTTP/1.1 200` answers with a Content-Length body `text` holds.
    static func completeAnswers(_ text: String) -> Int {
        var count = 0
        var rest = Substring(text)
        while let headEnd = rest.range(of: "\r\n\r\n") {
            let head = rest[..<headEnd.lowerBound].lowercased()
            guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                  let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
            else { break }
            let body = rest[headEnd.upperBound...]
            guard body.utf8.count >= length else { break }
            count += 1
            rest = Substring(String(decoding: Array(body.utf8).dropFirst(length), as: UTF8.self))
        }
        return count
    }
}
