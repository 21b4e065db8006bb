import Compliance
import FluentKit
import Foundation
import Ledger
import Logging
import SuanliKit
import Synchronization

/// The gateway's settings (README "Inference gateway" lists them with their configuration keys).
public struct GatewaySettings: Sendable {
    /// Names this instance's leases in the ledger; a restarted instance with the same name gives back
    /// what its previous run held. Unique per running instance.
    public var instance: String
    /// `max_tokens` when the client sends none (still capped to what the points pay).
    public var defaultMaxTokens = 4096
    public var maxBodyBytes = 8 << 20
    /// How long a key's check (key, project, term) is reused before it is read again: a revoked key
    /// stops working within this time on every instance.
    public var keyCacheSeconds: TimeInterval = 10
    public var catalogueRefreshSeconds: TimeInterval = 5
    public var region: RegionPolicy
    /// The operator's MaxMind-format country database; nil = no region check (refused in production).
    public var regionDatabase: MaxMindDB?
    public var leases = LeaseBook.Settings()

    public init(instance: String, region: RegionPolicy = RegionPolicy(), regionDatabase: MaxMindDB? = nil) {
        self.instance = instance
        self.region = region
        self.regionDatabase = regionDatabase
    }
}

/// A key as admission needs it, read from the database at most once per `keyCacheSeconds`.
struct KeyCheck: Sendable {
    let key: AuthenticatedKey?
    let account: AccountSnapshot?
    let readAt: Date
}

/// What the gateway keeps in memory between requests: checked keys, the catalogue, rate windows and
/// the lease book. One per process; every request goes through `GatewayResponder`.
public final class GatewayRuntime: Sendable {
    public let settings: GatewaySettings
    public let keys: GatewayKeys
    public let catalogueService: GatewayCatalogue
    public let ledger: LedgerService
    public let leases: LeaseBook
    public let upstreams: UpstreamPool
    let database: @Sendable () -> any Database
    public let logger: Logger
    private let keyChecks = Mutex<[String: KeyCheck]>([:])
    private let catalogueState = Mutex<(catalogue: ModelCatalogue?, readAt: Date)>((nil, .distantPast))
    private let windows = Mutex<[UUID: RateWindow]>([:])
    private let regionAudits = Mutex<[String: Date]>([:])
    /// Admitted requests this runtime proxied on the event loop (`GatewayFastPath`) and by a task
    /// (`GatewayResponder`); /metrics has the process's totals as `suanli_gateway_proxied_total`.
    let proxiedOnEventLoop = Atomic<Int>(0)
    let proxiedByTask = Atomic<Int>(0)
    public var proxied: (eventLoop: Int, task: Int) {
        (proxiedOnEventLoop.load(ordering: .relaxed), proxiedByTask.load(ordering: .relaxed))
    }

    public init(settings: GatewaySettings, keys: GatewayKeys, catalogue: GatewayCatalogue, ledger: LedgerService,
                database: @escaping @Sendable () -> any Database, logger: Logger) {
        self.settings = settings
        self.keys = keys
        self.catalogueService = catalogue
        self.ledger = ledger
        self.database = database
        self.logger = logger
        leases = LeaseBook(ledger: ledger, instance: settings.instance, settings: settings.leases, database: database,
                           logger: logger)
        upstreams = UpstreamPool(logger: logger)
    }

    var clock: any WallClock { ledger.clock }

    // MARK: Keys

    /// The key and its project's account for a presented secret (cached), or nil if it is not valid.
    func check(presented: String) async throws -> KeyCheck {
        let now = clock.now()
        if let cached = keyChecks.withLock({ $0[presented] }), now.timeIntervalSince(cached.readAt) < settings.keyCacheSeconds,
           cached.key.map({ !$0.policy.isExpired(at: now) }) ?? true {
            return cached
        }
        let db = database()
        let key = try await keys.authenticate(presented, on: db)
        let account = try await key.asyncMap { try await ledger.account(project: $0.projectID, on: db) } ?? nil
        let check = KeyCheck(key: key, account: account, readAt: now)
        keyChecks.withLock { checks in
            if checks.count >= 10_000 { checks.removeAll() }  // bounded: a flood of wrong keys cannot grow it
            checks[presented] = check
        }
        return check
    }

    /// The cached check for a presented secret while it is fresh, without waiting (the event-loop fast
    /// path, `GatewayFastPath`); nil when it would have to be read — the request then takes the
    /// ordinary path, which reads it.
    func cachedCheck(presented: Substring) -> KeyCheck? {
        let now = clock.now()
        guard let cached = keyChecks.withLock({ $0[String(presented)] }),
              now.timeIntervalSince(cached.readAt) < settings.keyCacheSeconds,
              cached.key.map({ !$0.policy.isExpired(at: now) }) ?? true else { return nil }
        return cached
    }

    /// Forgets cached key checks, so a revocation on this instance takes effect at once.
    public func forgetKeys() { keyChecks.withLock { $0.removeAll() } }

    // MARK: Catalogue

    public func catalogue() async throws -> ModelCatalogue {
        let now = clock.now()
        let cached = catalogueState.withLock { $0 }
        if let catalogue = cached.catalogue, now.timeIntervalSince(cached.readAt) < settings.catalogueRefreshSeconds {
            return catalogue
        }
        let fresh = try await catalogueService.catalogue(on: database())
        catalogueState.withLock { $0 = (fresh, now) }
        return fresh
    }

    /// The cached catalogue while it is fresh (the fast path); nil when it would have to be read.
    func cachedCatalogue() -> ModelCatalogue? {
        let cached = catalogueState.withLock { $0 }
        guard let catalogue = cached.catalogue,
              clock.now().timeIntervalSince(cached.readAt) < settings.catalogueRefreshSeconds else { return nil }
        return catalogue
    }

    /// Forgets the cached catalogue (after an operator's change on this instance).
    public func forgetCatalogue() { catalogueState.withLock { $0 = (nil, .distantPast) } }

    // MARK: Rate limits

    func admitRate(key: AuthenticatedKey, tokens: Int, at instant: Date) -> RateWindow.Verdict {
        guard key.policy.requestsPerMinute != nil || key.policy.tokensPerMinute != nil else { return .admitted }
        return windows.withLock { windows in
            windows[key.id, default: RateWindow()].admit(at: instant, reservedTokens: tokens,
                                                          rpm: key.policy.requestsPerMinute,
                                                          tpm: key.policy.tokensPerMinute)
        }
    }

    func settleRate(key: AuthenticatedKey, admittedAt instant: Date, reserved: Int, used: Int) {
        guard key.policy.tokensPerMinute != nil else { return }
        windows.withLock { $0[key.id]?.settle(admittedAt: instant, reservedTokens: reserved, usedTokens: used) }
    }

    // MARK: Region (SPEC C6.1)

    /// The region decision and the client address it was made for (after trusted proxies).
    func regionDecision(peer: String?, forwardedFor: [String]) -> (RegionDecision, IPAddress?) {
        let address = settings.region.clientAddress(peer: peer.flatMap(IPAddress.init), forwardedFor: forwardedFor)
        do {
            return (try settings.region.decide(client: address, database: settings.regionDatabase), address)
        } catch {
            logger.error("gateway: region lookup failed", metadata: ["error": "\(error)"])
            return (.unknownAddress, address)
        }
    }

    /// One audit record per key and country per minute: a blocked client retrying in a loop must not
    /// flood the audit log (every block is still in the request log and /metrics).
    func auditRegionBlock(key: AuthenticatedKey, country: String, address: String?) {
        let now = clock.now()
        let marker = "\(key.id)|\(country)"
        let due = regionAudits.withLock { audits -> Bool in
            if let last = audits[marker], now.timeIntervalSince(last) < 60 { return false }
            if audits.count > 10_000 { audits.removeAll() }
            audits[marker] = now
            return true
        }
        guard due else { return }
        let audit = keys.audit
        let db = database()
        let logger = self.logger
        Task {
            do {
                try await audit.record(AuditEntry(
                    actorLabel: "gateway", organisationID: key.organisationID, action: "gateway.region.blocked",
                    subjectType: "apiKey", subjectID: key.id.uuidString, sourceIP: address,
                    details: ["country": country, "keyPrefix": key.prefix, "project": key.projectID.uuidString]),
                    on: db)
            } catch {
                logger.error("gateway: auditing a region block failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
