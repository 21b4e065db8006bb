import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// The model servers behind each model (issue 4, item 3): any OpenAI-compatible server (llama-server,
/// vLLM, …) whose base URL ends in `/v1`. Requests go round-robin over the servers believed healthy;
/// a server that refuses the connection or answers 502/503/504 before sending anything is marked
/// down and the request moves to the next one (fail-over). `probe()` (every few seconds, from the
/// gateway's background service) checks servers that are down with `GET /v1/models` and brings them
/// back. When every server is down the request still tries them all — the belief may be stale.
public final class UpstreamPool: Sendable {
    public struct Health: Sendable, Equatable {
        public var healthy = true
        public var consecutiveFailures = 0
        public var lastError: String?
        public var lastChange: Date?
    }

    /// One client per process, made on first use and never shut down (a static is never
    /// deinitialised): commands that boot the app without serving never create it, and the server's
    /// connections to the model servers are reused across everything that talks to them.
    static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(600))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        // Fail over at once instead of retrying a dead server until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public var client: HTTPClient { Self.sharedClient }
    let logger: Logger
    private let state = Mutex<(health: [String: Health], cursor: Int)>(([:], 0))

    public init(logger: Logger) {
        self.logger = logger
    }

    /// The order to try `upstreams` in: healthy ones round-robin, then the ones marked down.
    public func order(_ upstreams: [String]) -> [String] {
        guard upstreams.count > 1 else { return upstreams }
        return state.withLock { state in
            state.cursor &+= 1
            let start = state.cursor % upstreams.count
            let rotated = Array(upstreams[start...] + upstreams[..<start])
            let up = rotated.filter { state.health[$0]?.healthy ?? true }
            return up + rotated.filter { !(state.health[$0]?.healthy ?? true) }
        }
    }

    public func succeeded(_ upstream: String) {
        let now = Date()
        state.withLock { state in
            var health = state.health[upstream] ?? Health()
            if !health.healthy { health.lastChange = now }
            health.healthy = true
            health.consecutiveFailures = 0
            state.health[upstream] = health
        }
    }

    public func failed(_ upstream: String, reason: String) {
        let now = Date()
        let changed = state.withLock { state -> Bool in
            var health = state.health[upstream] ?? Health()
            let was = health.healthy
            health.healthy = false
            health.consecutiveFailures += 1
            health.lastError = reason
            if was { health.lastChange = now }
            state.health[upstream] = health
            return was
        }
        if changed { logger.warning("gateway: upstream marked down", metadata: ["upstream": "\(upstream)", "reason": "\(reason)"]) }
    }

    public func health() -> [String: Health] { state.withLock { $0.health } }

    /// Checks every server marked down (or all of `upstreams`) with `GET <base>/models`.
    public func probe(_ upstreams: Set<String>, all: Bool = false) async {
        let down = state.withLock { state in upstreams.filter { all || !(state.health[$0]?.healthy ?? true) } }
        await withTaskGroup(of: Void.self) { group in
            for upstream in down {
                group.addTask {
                    do {
                        var request = HTTPClientRequest(url: upstream + "/models")
                        request.method = .GET
                        let response = try await self.client.execute(request, timeout: .seconds(3))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        if response.status == .ok {
                            self.succeeded(upstream)
                        } else {
                            self.failed(upstream, reason: "health check answered \(response.status.code)")
                        }
                    } catch {
                        self.failed(upstream, reason: "health check: \(error)")
                    }
                }
            }
        }
    }

    /// Statuses after which another server may answer: the server itself is unavailable.
    public static func isFailOver(_ status: HTTPResponseStatus) -> Bool {
        status == .badGateway || status == .serviceUnavailable || status == .gatewayTimeout
    }
}
