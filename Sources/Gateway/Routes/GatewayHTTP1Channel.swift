import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 child channel with the gateway's event-loop fast path in it (issue 4,
/// item 10): the same pipeline as `HTTP1Channel` (HTTP/1 codec, HTTPTypes conversion, the connection
/// state handler that applies keep-alive, idle time-outs and graceful shutdown), then
/// `GatewayFastPath`, then Hummingbird's request handling. The fast path sits behind the connection
/// state handler so that its requests count as in progress for graceful shutdown and idle time-outs.
public struct GatewayHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    public typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    public let responder: HTTPChannelHandler.Responder
    let runtime: GatewayRuntime
    let idleTimeout: Duration?

    public init(responder: @escaping HTTPChannelHandler.Responder, runtime: GatewayRuntime, idleTimeout: Duration? = nil) {
        self.responder = responder
        self.runtime = runtime
        self.idleTimeout = idleTimeout
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(), withDecoderLimitConfiguration: .init())
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(idleTimeout: idleTimeout,
                                                                                      logger: logger))
            try channel.pipeline.syncOperations.addHandler(GatewayFastPath(runtime: runtime))
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel,
                                       configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    public func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

extension GatewayHTTP1Channel {
    /// The server builder for `Application(server:)`.
    public static func server(runtime: GatewayRuntime) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in GatewayHTTP1Channel(responder: responder, runtime: runtime) }
    }
}
