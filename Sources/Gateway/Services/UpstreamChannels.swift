import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A model server's base URL as the event-loop client reaches it: plain `http://host[:port]/path`.
/// (An `https` upstream is served by the ordinary path, through AsyncHTTPClient.)
struct UpstreamAddress: Hashable, Sendable {
    let host: String
    let port: Int
    /// The URL's path without a trailing slash, e.g. `/v1`.
    let basePath: String
    /// The `Host` header: the URL's authority.
    let authority: String

    init?(_ url: String) {
        guard url.hasPrefix("http://") else { return nil }
        let rest = url.dropFirst(7)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var path = String(rest[slash...])
        while path.hasSuffix("/") { path.removeLast() }
        if authority.hasPrefix("[") {  // [v6]:port
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.isEmpty {
                port = 80
            } else {
                guard after.first == ":", let number = Int(after.dropFirst()), (1...65535).contains(number) else { return nil }
                port = number
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                return nil
            }
            port = number
        } else {
            host = String(authority)
            port = 80
        }
        guard !host.isEmpty, !path.contains("?"), !path.contains("#") else { return nil }
        basePath = path
        self.authority = String(authority)
    }
}

/// What an upstream connection reports to the request it carries.
protocol UpstreamExchange: AnyObject {
    func upstreamHead(_ head: HTTPResponseHead)
    func upstreamBody(_ buffer: ByteBuffer)
    func upstreamEnd()
    /// The connection failed or closed before the answer ended; `answered`: its head had arrived.
    func upstreamFailed(_ error: any Error, answered: Bool)
}

enum UpstreamConnectionError: Error, CustomStringConvertible {
    case closed
    case timedOut(seconds: Int64)
    var description: String {
        switch self {
        case .closed: "the model server closed the connection"
        case .timedOut(let seconds): "no complete answer within \(seconds) s"
        }
    }
}

/// The client side of one kept-alive connection to a model server (HTTP/1.1, NIOHTTP1's codec).
/// It carries one request at a time; when an answer ends and both sides keep the connection alive it
/// goes back to its event loop's idle list.
final class UpstreamConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    let address: UpstreamAddress
    weak var pool: LoopUpstreams?
    var exchange: (any UpstreamExchange)?
    private var answered = false
    private var keepAlive = true

    init(address: UpstreamAddress, pool: LoopUpstreams) {
        self.address = address
        self.pool = pool
    }

    func begin(_ exchange: any UpstreamExchange) {
        self.exchange = exchange
        answered = false
        keepAlive = true
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard head.status != .continue else { return }  // 100 Continue: the real head follows
            answered = true
            keepAlive = head.isKeepAlive
            exchange?.upstreamHead(head)
        case .body(let buffer):
            exchange?.upstreamBody(buffer)
        case .end:
            let finished = exchange
            exchange = nil
            if keepAlive, context.channel.isActive {
                pool?.release(context.channel, handler: self)
            } else {
                context.close(promise: nil)
            }
            finished?.upstreamEnd()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        pool?.forget(context.channel, address: address)
        if let failed = exchange {
            exchange = nil
            failed.upstreamFailed(UpstreamConnectionError.closed, answered: answered)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let failed = exchange {
            exchange = nil
            failed.upstreamFailed(error, answered: answered)
        }
        context.close(promise: nil)
    }
}

/// The idle model-server connections of one event loop. Used only on that loop: a client connection
/// and the upstream connections its requests use share the loop, so a proxied request never changes
/// thread (issue 4 item 10).
final class LoopUpstreams {
    let eventLoop: any EventLoop
    /// Idle connections kept per model server; more are closed when they come back.
    static let maxIdlePerUpstream = 64
    static let connectTimeout = TimeAmount.seconds(2)
    private var idle: [UpstreamAddress: [(channel: any Channel, handler: UpstreamConnectionHandler)]] = [:]

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    /// An idle connection to `address` (`reused` true), or a new one.
    func acquire(_ address: UpstreamAddress,
                 _ done: @escaping (Result<(any Channel, UpstreamConnectionHandler, reused: Bool), any Error>) -> Void) {
        eventLoop.preconditionInEventLoop()
        while var list = idle[address], let last = list.popLast() {
            idle[address] = list
            if last.channel.isActive {
                done(.success((last.channel, last.handler, true)))
                return
            }
        }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        ClientBootstrap(group: eventLoop)
            .connectTimeout(Self.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(
                        UpstreamConnectionHandler(address: address, pool: bound.value))
                }
            }
            .connect(host: address.host, port: address.port)
            .assumeIsolatedUnsafeUnchecked()
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    do {
                        let handler = try channel.pipeline.syncOperations.handler(type: UpstreamConnectionHandler.self)
                        done(.success((channel, handler, false)))
                    } catch {
                        channel.close(promise: nil)
                        done(.failure(error))
                    }
                case .failure(let error):
                    done(.failure(error))
                }
            }
    }

    func release(_ channel: any Channel, handler: UpstreamConnectionHandler) {
        var list = idle[handler.address] ?? []
        guard list.count < Self.maxIdlePerUpstream else {
            channel.close(promise: nil)
            return
        }
        list.append((channel, handler))
        idle[handler.address] = list
    }

    func forget(_ channel: any Channel, address: UpstreamAddress) {
        idle[address]?.removeAll { $0.channel === channel }
    }
}

/// Every event loop's `LoopUpstreams`, made on first use.
final class UpstreamChannels: Sendable {
    static let shared = UpstreamChannels()
    private let loops = Mutex<[ObjectIdentifier: NIOLoopBound<LoopUpstreams>]>([:])

    func on(_ eventLoop: any EventLoop) -> LoopUpstreams {
        eventLoop.preconditionInEventLoop()
        let id = ObjectIdentifier(eventLoop)
        if let found = loops.withLock({ $0[id] }) { return found.value }
        let made = LoopUpstreams(eventLoop: eventLoop)
        loops.withLock { $0[id] = NIOLoopBound(made, eventLoop: eventLoop) }
        return made
    }
}
