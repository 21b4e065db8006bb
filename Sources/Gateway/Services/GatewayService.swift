import Foundation
import Ledger
import Logging
import ServiceLifecycle

/// The gateway's background work, run beside the HTTP server: flushes settled usage every
/// `flushInterval`, gives back idle slices, probes upstreams marked down, and once a minute runs the
/// ledger's maintenance; at shutdown it gives back everything it holds. (The slices a previous run
/// left open are given back before the server starts: `Suanli.application()`.)
public struct GatewayService: Service {
    public let runtime: GatewayRuntime

    public init(runtime: GatewayRuntime) { self.runtime = runtime }

    public func run() async throws {
        if runtime.settings.regionDatabase == nil {
            runtime.logger.warning("gateway: no region database (gateway.region.database): connections are not checked by country (SPEC C6.1); required in production")
        }
        var sinceProbe = Duration.zero
        var sinceMaintenance = Duration.seconds(60)
        let interval = runtime.settings.leases.flushInterval
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await runtime.leases.flush()
            sinceProbe += interval
            sinceMaintenance += interval
            if sinceMaintenance >= .seconds(60) {
                sinceMaintenance = .zero
                await maintain()
            }
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

    /// Once a minute, on every instance (both steps are idempotent and take the account's lock): holds
    /// nobody settled before they expired go back to the balance, and accounts whose term has ended
    /// expire (SPEC C1.5: points are valid for the term only).
    func maintain() async {
        let db = runtime.database()
        do {
            let recovered = try await runtime.ledger.recoverExpiredHolds(on: db)
            let expired = try await runtime.ledger.expireEndedTerms(on: db)
            if recovered + expired > 0 {
                runtime.logger.notice("ledger maintenance", metadata: ["recoveredHolds": "\(recovered)",
                                                                      "expiredAccounts": "\(expired)"])
            }
        } catch {
            runtime.logger.error("ledger maintenance failed", metadata: ["error": "\(error)"])
        }
    }
}
