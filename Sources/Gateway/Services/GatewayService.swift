import Foundation
import Logging
import ServiceLifecycle

/// The gateway's background work, run beside the HTTP server: flushes settled usage every
/// `flushInterval`, gives back idle slices, probes upstreams marked down; at start it gives back the
/// slices a previous run of this instance left open, at shutdown everything it holds.
public struct GatewayService: Service {
    public let runtime: GatewayRuntime

    public init(runtime: GatewayRuntime) { self.runtime = runtime }

    public func run() async throws {
        do {
            try await runtime.leases.recoverOwnSlices()
        } catch {
            runtime.logger.error("gateway: giving back a previous run's slices failed", metadata: ["error": "\(error)"])
        }
        var sinceProbe = Duration.zero
        let interval = runtime.settings.leases.flushInterval
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await runtime.leases.flush()
            sinceProbe += interval
            if sinceProbe >= .seconds(5) {
                sinceProbe = .zero
                if let catalogue = try? await runtime.catalogue() {
                    await runtime.upstreams.probe(Set(catalogue.offered.flatMap(\.upstreams)))
                }
            }
        }
        // Requests still streaming finish first (the server stops before this service on shutdown).
        for _ in 0..<600 where runtime.leases.running > 0 { try? await Task.sleep(for: .milliseconds(100)) }
        await runtime.leases.drain()
    }
}
