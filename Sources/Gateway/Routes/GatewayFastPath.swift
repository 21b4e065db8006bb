import Foundation
import HTTPTypes
import Ledger
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Synchronization

/// The gateway's hot path on the event loop (issue 4, item 10): a metered `POST /v1/…` that this
/// instance can admit from memory (`GatewayRuntime.admitNow`) is proxied to a plain-http model
/// server by channel handlers on the client connection's own event loop — no task, no thread change,
/// no HTTP client library — and metered as it passes, exactly as the ordinary path meters it
/// (`StreamMeter`, `UsageCapture`, `GatewayAdmitted.settle`).
///
/// Everything else passes through untouched to Hummingbird's handler behind it (the portal, `GET
/// /v1/models`, every refusal, a key or catalogue not cached yet, a slice to lease, an `https` model
/// server, a body over `collectLimit`, `Expect: 100-continue`, a request pipelined behind one
/// Hummingbird is still answering). Those take `GatewayResponder`, which gives them the same answers
/// it always has; so the fast path changes how fast an admitted request goes, never what it gets.
///
/// The rule for a client that disconnects (README "Client disconnects") holds here too: the model
/// server's answer is read to its end whatever the client does, and billed what the server reported.
final class GatewayFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Bodies up to this size are read before admission; larger ones take the ordinary path.
    static let collectLimit = 1 << 20

    enum Mode {
        case idle
        /// Passing the current request through to Hummingbird.
        case passing
        case collecting(HTTPRequest, GatewayEndpoint, ByteBuffer)
        case exchanging(FastExchange)
    }

    let runtime: GatewayRuntime
    private var mode = Mode.idle
    /// Requests passed to Hummingbird whose answer has not ended yet.
    private var downstreamOpen = 0
    /// Parts that arrived while an exchange ran (a pipelining client), replayed after it.
    private var queued: [HTTPRequestPart] = []
    private var readHeld = false
    private var context: ChannelHandlerContext?

    init(runtime: GatewayRuntime) { self.runtime = runtime }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // Hummingbird's connection state handler, in front of this one, does not pass channelInactive
        // on; the channel's close future tells when the client has gone.
        context.channel.closeFuture.assumeIsolatedUnsafeUnchecked().whenComplete { [self] _ in clientClosed() }
    }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .exchanging = mode {
            queued.append(part)
            return
        }
        process(part, context: context)
    }

    private func process(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch mode {
        case .idle:
            if case .head(let head) = part, downstreamOpen == 0, head.method == .post,
               let endpoint = GatewayEndpoint(rawValue: head.path ?? ""),
               head.headerFields[.authorization] != nil, head.headerFields[.expect] == nil {
                mode = .collecting(head, endpoint, context.channel.allocator.buffer(capacity: 0))
                return
            }
            if case .head = part {
                downstreamOpen += 1
                mode = .passing
            }
            context.fireChannelRead(wrapInboundOut(part))
        case .passing:
            context.fireChannelRead(wrapInboundOut(part))
            if case .end = part { mode = .idle }
        case .collecting(let head, let endpoint, var body):
            switch part {
            case .head:
                // Cannot happen (the codec ends a request before the next head); hand both on.
                passThrough(head, body, then: part, context: context)
            case .body(var chunk):
                mode = .idle  // drop the buffer's reference while appending (no copy)
                if body.readableBytes + chunk.readableBytes > Self.collectLimit {
                    passThrough(head, body, then: .body(chunk), context: context)
                    return
                }
                body.writeBuffer(&chunk)
                mode = .collecting(head, endpoint, body)
            case .end:
                let peer = context.channel.remoteAddress?.ipAddress
                let bytes = Array(buffer: body)
                if let admitted = runtime.admitNow(endpoint: endpoint, head: head, body: bytes, peer: peer),
                   let addresses = FastExchange.addresses(admitted.model.upstreams) {
                    let exchange = FastExchange(admitted: admitted, addresses: addresses, handler: self,
                                                context: context, closeAfter: head.headerFields[.connection] == "close")
                    mode = .exchanging(exchange)
                    GatewayMetrics.eventLoopPath.increment()
                    runtime.proxiedOnEventLoop.add(1, ordering: .relaxed)
                    exchange.start()
                } else {
                    passThrough(head, body, then: .end(nil), context: context)
                }
            }
        case .exchanging:
            queued.append(part)
        }
    }

    /// Hands a request read so far to Hummingbird, as if it had never been looked at.
    private func passThrough(_ head: HTTPRequest, _ body: ByteBuffer, then part: HTTPRequestPart,
                             context: ChannelHandlerContext) {
        downstreamOpen += 1
        mode = .passing
        context.fireChannelRead(wrapInboundOut(.head(head)))
        if body.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(.body(body))) }
        process(part, context: context)
    }

    /// The exchange has written its answer's end.
    func exchangeEnded(closeConnection: Bool) {
        mode = .idle  // also ends the handler ⇄ exchange reference cycle
        guard let context else {
            queued = []
            return
        }
        if closeConnection {
            queued = []
            context.close(promise: nil)
            return
        }
        while !queued.isEmpty {
            if case .exchanging = mode { break }
            process(queued.removeFirst(), context: context)
        }
        if readHeld, !isExchanging {
            readHeld = false
            context.read()
        }
    }

    private var isExchanging: Bool {
        if case .exchanging = mode { return true }
        return false
    }

    private func clientClosed() {
        if case .exchanging(let exchange) = mode {
            exchange.clientGone = true
            exchange.clientWritable(true)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .exchanging(let exchange) = mode { exchange.clientWritable(context.channel.isWritable) }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        // While an exchange runs, nothing more is read from the client (a pipelining client waits).
        if isExchanging {
            readHeld = true
            return
        }
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { downstreamOpen -= 1 }
        context.write(data, promise: promise)
    }

    func send(_ part: HTTPResponsePart, flush: Bool) {
        guard let context else { return }
        if flush {
            context.writeAndFlush(wrapOutboundOut(part), promise: nil)
        } else {
            context.write(wrapOutboundOut(part), promise: nil)
        }
    }
}

/// One admitted request on the fast path: sends it to the model's servers in fail-over order (as
/// `UpstreamPool.order` gives them), forwards the answer while metering it, settles it.
final class FastExchange: UpstreamExchange {
    let admitted: GatewayAdmitted
    let runtime: GatewayRuntime
    private let order: [(url: String, address: UpstreamAddress)]
    private var next = 0
    /// Strong: the client connection may close (and its pipeline drop the handler) while the model
    /// server's answer is still read and billed; the cycle ends when the exchange does.
    private let handler: GatewayFastPath
    private let eventLoop: any EventLoop
    private let closeAfter: Bool
    var clientGone = false

    private var upstream: (url: String, address: UpstreamAddress)?
    private var connection: (any Channel)?
    private var freshRetry = false
    private var status = 0
    private var failingOver = false
    private var metered = false
    private var meter: StreamMeter
    private var capture = UsageCapture()
    private var headSent = false
    private var finished = false
    private var timeout: Scheduled<Void>?
    private let body: [UInt8]

    /// The longest a model server may take to finish an answer (as the ordinary path's client).
    static let answerTimeout = TimeAmount.seconds(600)

    init(admitted: GatewayAdmitted, addresses: [String: UpstreamAddress], handler: GatewayFastPath,
         context: ChannelHandlerContext, closeAfter: Bool) {
        self.admitted = admitted
        runtime = handler.runtime
        order = handler.runtime.upstreams.order(admitted.model.upstreams).map { ($0, addresses[$0]!) }
        self.handler = handler
        eventLoop = context.eventLoop
        self.closeAfter = closeAfter
        meter = StreamMeter(clientWantsUsage: admitted.request.clientWantsUsage)
        body = admitted.request.upstreamBody(model: admitted.model.upstreamModel ?? admitted.model.id,
                                             budget: admitted.budget)
    }

    /// Every upstream of a model as a plain-http address, or nil (then the ordinary path serves it).
    static func addresses(_ upstreams: [String]) -> [String: UpstreamAddress]? {
        var found: [String: UpstreamAddress] = [:]
        for url in upstreams {
            guard let address = UpstreamAddress(url) else { return nil }
            found[url] = address
        }
        return found.isEmpty ? nil : found
    }

    func start() {
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        timeout = eventLoop.scheduleTask(in: Self.answerTimeout) {
            bound.value.timedOut = true  // first: closing may report the failure at once
            bound.value.connection?.close(promise: nil)
        }
        tryNext()
    }

    private var timedOut = false

    private func tryNext() {
        guard next < order.count else {
            admitted.unavailable(runtime: runtime)
            answerFailure(.upstreamUnavailable)
            return
        }
        let target = order[next]
        next += 1
        freshRetry = false
        connect(to: target)
    }

    private func connect(to target: (url: String, address: UpstreamAddress)) {
        upstream = target
        status = 0
        failingOver = false
        UpstreamChannels.shared.on(eventLoop).acquire(target.address) { [self] result in
            switch result {
            case .failure(let error):
                runtime.upstreams.failed(target.url, reason: "\(error)")
                tryNext()
            case .success(let (channel, connectionHandler, reused)):
                freshRetry = reused
                connection = channel
                connectionHandler.begin(self)
                send(on: channel, to: target.address)
            }
        }
    }

    private func send(on channel: any Channel, to address: UpstreamAddress) {
        var headers = HTTPHeaders()
        headers.reserveCapacity(6)
        headers.add(name: "host", value: address.authority)
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "accept", value: admitted.request.stream ? "text/event-stream" : "application/json")
        headers.add(name: "x-request-id", value: admitted.id)
        headers.add(name: "content-length", value: String(body.count))
        let head = HTTPRequestHead(version: .http1_1, method: .POST,
                                   uri: address.basePath + admitted.endpoint.upstreamSuffix, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: body))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    // MARK: UpstreamExchange

    func upstreamHead(_ head: HTTPResponseHead) {
        status = Int(head.status.code)
        if UpstreamPool.isFailOver(head.status) {
            failingOver = true  // read it to its end (the connection may be reused), then the next server
            return
        }
        runtime.upstreams.succeeded(upstream!.url)
        metered = admitted.request.stream && head.status == .ok
        let fields = admitted.answerHeaders(contentType: head.headers.first(name: "content-type"),
                                            contentLength: head.headers.first(name: "content-length"),
                                            metered: metered)
        var answer = HTTPResponse(status: .init(code: status))
        answer.headerFields = fields
        HTTPDate.stamp(&answer.headerFields)
        if closeAfter { answer.headerFields[.connection] = "close" }
        headSent = true
        handler.send(.head(answer), flush: metered)
    }

    func upstreamBody(_ buffer: ByteBuffer) {
        guard !failingOver else { return }
        if metered {
            let bytes = meter.feed(buffer.readableBytesView)
            if !bytes.isEmpty, !clientGone { handler.send(.body(ByteBuffer(bytes: bytes)), flush: true) }
        } else {
            capture.consume(buffer.readableBytesView)
            // Flushed at once: a body that waited unflushed could fill the client's buffer, and the
            // backpressure below would then stop reading the model server for good.
            if !clientGone { handler.send(.body(buffer), flush: true) }
        }
    }

    func upstreamEnd() {
        connection = nil
        if failingOver {
            runtime.upstreams.failed(upstream!.url, reason: "answered \(status)")
            tryNext()
            return
        }
        if metered {
            let rest = meter.finish()
            if !rest.isEmpty, !clientGone { handler.send(.body(ByteBuffer(bytes: rest)), flush: false) }
        }
        settle(failure: nil)
        finish(closeConnection: closeAfter)
    }

    func upstreamFailed(_ error: any Error, answered: Bool) {
        connection = nil
        let failure = timedOut ? UpstreamConnectionError.timedOut(seconds: Self.answerTimeout.nanoseconds / 1_000_000_000)
            : error
        if !answered || failingOver {
            // Nothing of an answer came: a kept-alive connection the server had just closed is retried
            // once on a new one; otherwise this server is marked down and the next one tried.
            if freshRetry, !timedOut, let target = upstream, !failingOver {
                freshRetry = false
                connect(to: target)
                return
            }
            runtime.upstreams.failed(upstream!.url, reason: "\(failure)")
            if timedOut {
                admitted.unavailable(runtime: runtime)
                answerFailure(.upstreamUnavailable)
            } else {
                tryNext()
            }
            return
        }
        // Mid-answer: bill what the server reported so far (usually nothing), end what the client has.
        settle(failure: "\(failure)")
        if metered, !clientGone {
            let rest = meter.finish()
            if !rest.isEmpty { handler.send(.body(ByteBuffer(bytes: rest)), flush: false) }
            finish(closeConnection: closeAfter)
        } else {
            // A body with a length cannot be ended early: the client must see the connection close.
            finish(closeConnection: true, sendEnd: false)
        }
    }

    func clientWritable(_ writable: Bool) {
        // Backpressure: while the client cannot take more, the model server is not read (unless the
        // client has gone: then its answer is read to the end and billed).
        connection?.setOption(ChannelOptions.autoRead, value: writable || clientGone).whenFailure { _ in }
        if writable { connection?.read() }
    }

    // MARK: Ending

    private func settle(failure: String?) {
        GatewayAdmitted.settle(admitted, runtime: runtime, status: status, upstream: upstream?.url ?? "",
                               reported: metered ? meter.usage : capture.usage,
                               pieces: metered ? meter.completionPieces : 0, clientGone: clientGone,
                               failure: failure)
    }

    private func answerFailure(_ failure: OpenAIFailure) {
        var head = HTTPResponse(status: .init(code: failure.status))
        head.headerFields[.contentType] = "application/json"
        head.headerFields[HTTPField.Name("x-request-id")!] = admitted.id
        head.headerFields[.contentLength] = String(failure.json.count)
        HTTPDate.stamp(&head.headerFields)
        if closeAfter { head.headerFields[.connection] = "close" }
        if let retry = failure.shouldRetry { head.headerFields[HTTPField.Name("x-should-retry")!] = String(retry) }
        handler.send(.head(head), flush: false)
        handler.send(.body(ByteBuffer(bytes: failure.json)), flush: false)
        finish(closeConnection: closeAfter)
    }

    private func finish(closeConnection: Bool, sendEnd: Bool = true) {
        guard !finished else { return }
        finished = true
        timeout?.cancel()
        timeout = nil
        if sendEnd { handler.send(.end(nil), flush: true) }
        handler.exchangeEnded(closeConnection: closeConnection)
    }
}

/// `Date` and `Server` on fast-path answers, as Hummingbird puts them on its own; the date text is made
/// once per second.
enum HTTPDate {
    private static let cached = Mutex<(second: Int, text: String)>((0, ""))

    static func stamp(_ fields: inout HTTPFields) {
        let now = Date()
        let second = Int(now.timeIntervalSince1970)
        let text = cached.withLock { cached -> String in
            if cached.second != second { cached = (second, Self.format(second)) }
            return cached.text
        }
        fields[.date] = text
        fields[.server] = "suanli"
    }

    /// IMF-fixdate (RFC 9110): `Thu, 03 Dec 2026 16:02:14 GMT`.
    static func format(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
