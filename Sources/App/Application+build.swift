import AsyncHTTPClient
import Compliance
import Configuration
import FluentKit
import Foundation
import Gateway
import Grants
import Hummingbird
import Identity
import Ledger
import Logging
import Notify
import ServiceLifecycle
import SuanliKit
import API
import Web

/// Everything `suanli serve` runs, built from configuration. Tests call it with an in-memory config
/// and port 0 (Hummingbird template style).
public struct Suanli: Sendable {
    public let config: AppConfig
    public let database: DatabaseHandle
    public let services: PortalServices
    public let mailDelivery: MailDeliveryService
    public let grantsWorker: GrantsWorker
    public let ledger: LedgerService
    public let gatewayKeys: GatewayKeys
    public let gatewayCatalogue: GatewayCatalogue
    public let gateway: GatewayRuntime
    public let secrets: SecretBox
    public let logger: Logger

    public static func boot(config: AppConfig, clock: any WallClock = SystemClock(), migrate: Bool = true)
        async throws -> Suanli
    {
        var logger = Logger(label: "suanli")
        logger.logLevel = Logger.Level(rawValue: config.logLevel) ?? .info
        let database = try DatabaseHandle(config: config, logger: logger)
        do {
            if migrate { try await database.migrate() } else { try await database.prepareConnection() }
            let auditKey = try Keys.load(configured: config.auditKey, name: "audit", varDirectory: config.varDirectory)
            let secretsKey = try Keys.load(configured: config.secretsKey, name: "secrets",
                                           varDirectory: config.varDirectory)
            let audit = AuditLog(key: auditKey, clock: clock)
            let secrets = SecretBox(key: secretsKey)
            let accounts = AccountService(settings: config.identity, audit: audit,
                                          messenger: OutboxMessenger(clock: clock))
            let ledger = LedgerService(clock: clock, audit: audit)
            let grants = GrantsService(audit: audit, directory: IdentityGrantsDirectory(accounts: accounts),
                                       portalURL: config.publicURL, awardedPoints: LedgerAwardedPoints(ledger: ledger))
            var services = PortalServices(
                database: { [database] in database.db }, accounts: accounts, grants: grants,
                signIn: SignInService(accounts: accounts, secrets: secrets),
                challenges: CertificateChallenges(clock: clock, ttl: config.identity.certificateChallengeTTL),
                accessTokens: AccessTokens(clock: clock),
                certificates: try Self.certificateVerifier(config: config, clock: clock),
                certificateComponentURL: config.certificateComponentURL,
                audit: audit, renderer: try await Renderer.load(),
                secureCookies: config.publicURL.hasPrefix("https://"), trustForwardedFor: config.trustForwardedFor,
                environment: config.environment)
            let transport = try config.smtp.map { try SMTPClient(configuration: $0, logger: logger) }
            let mailDelivery = MailDeliveryService(
                database: database.db, transport: transport,
                configuration: MailDeliveryConfiguration(pollInterval: .seconds(config.mailPollSeconds)),
                clock: clock, logger: logger)
            let grantsWorker = GrantsWorker(grants: grants, database: { [database] in database.db },
                                            interval: .seconds(config.workerPollSeconds), logger: logger)
            let gatewayKeys = GatewayKeys(audit: audit, projects: GrantsGatewayProjects(grants: grants))
            let gatewayCatalogue = GatewayCatalogue(audit: audit)
            let gateway = GatewayRuntime(
                settings: try Self.gatewaySettings(config: config), keys: gatewayKeys,
                catalogue: gatewayCatalogue, ledger: ledger, database: { [database] in database.db }, logger: logger)
            services.inference = InferenceServices(ledger: ledger, keys: gatewayKeys, catalogue: gatewayCatalogue,
                                                   runtime: gateway)
            return Suanli(config: config, database: database, services: services, mailDelivery: mailDelivery,
                          grantsWorker: grantsWorker, ledger: ledger, gatewayKeys: gatewayKeys,
                          gatewayCatalogue: gatewayCatalogue, gateway: gateway, secrets: secrets, logger: logger)
        } catch {
            await database.shutdown()
            throw error
        }
    }

    /// The gateway's settings from configuration. The region database is required in production:
    /// without it the rule against connections from China, Hong Kong and Macau (SPEC C6.1) could not
    /// be enforced, so the server refuses to start rather than run without it.
    static func gatewaySettings(config: AppConfig) throws -> GatewaySettings {
        var proxies: [IPNetwork] = []
        for text in config.gatewayTrustedProxies where !text.trimmingWhitespace().isEmpty {
            guard let network = IPNetwork(text.trimmingWhitespace()) else {
                throw ConfigurationProblem("gateway.trusted.proxies: '\(text)' is not an address or CIDR network")
            }
            proxies.append(network)
        }
        let denied = Set(config.gatewayDeniedRegions.map { $0.trimmingWhitespace().uppercased() }.filter { !$0.isEmpty })
        var settings = GatewaySettings(instance: config.gatewayInstance,
                                       region: RegionPolicy(deniedCountries: denied, trustedProxies: proxies))
        if config.gatewayRegionDatabase.isEmpty {
            // Development and tests may run without it (GatewayService warns when serving).
            guard config.environment != "production" else {
                throw ConfigurationProblem("gateway.region.database is required in production (SPEC C6.1): "
                                           + "set it to a MaxMind-format country database (GeoLite2-Country.mmdb)")
            }
        } else {
            do {
                settings.regionDatabase = try MaxMindDB(contentsOf: config.gatewayRegionDatabase)
            } catch {
                throw ConfigurationProblem("gateway.region.database \(config.gatewayRegionDatabase): \(error)")
            }
        }
        settings.defaultMaxTokens = config.gatewayDefaultMaxTokens
        settings.leases.flushInterval = .milliseconds(config.gatewayFlushMilliseconds)
        return settings
    }

    /// The 工商憑證 verifier, when trust anchors are configured (SPEC T1). Without them certificate
    /// sign-in answers "not configured" instead of trusting anything.
    static func certificateVerifier(config: AppConfig, clock: any WallClock) throws -> BusinessCertificateVerifier? {
        guard !config.certificateRoots.isEmpty else { return nil }
        func read(_ paths: [String]) throws -> [[UInt8]] {
            try paths.map { path in
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ConfigurationProblem("cannot read certificate file \(path)")
                }
                return Array(data)
            }
        }
        let revocation = CRLRevocationChecker(
            clock: clock, configuration: .init(allowFileURLs: config.environment != "production"))
        return try BusinessCertificateVerifier(
            rootCertificates: read(config.certificateRoots),
            intermediateCertificates: read(config.certificateIntermediates),
            revocation: revocation, clock: clock,
            acceptedCards: config.certificateCardPolicy == "primary" ? .primaryOnly : .primaryAndAttached)
    }

    public func router() throws -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: MetricsMiddleware())
        let database = self.database
        let registry = AppMetrics.registry
        router.get("/healthz") { _, _ in "ok" }
        router.get("/readyz") { _, _ -> Response in
            let ready = await database.ping()
            return Response(status: ready ? .ok : .serviceUnavailable,
                            body: .init(byteBuffer: ByteBuffer(string: ready ? "ready" : "database unavailable")))
        }
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        try Portal.install(on: router, services: services)
        try JSONAPI.install(on: router, services: services)
        return router
    }

    /// The whole HTTP surface: `/v1` to the gateway, the rest to `router()`.
    public func responder() throws -> some HTTPResponder<AppRequestContext> {
        SuanliResponder(gateway: GatewayResponder(runtime: gateway), portal: try router().buildResponder())
    }

    /// The HTTP server plus background services (mail delivery), ready to `runService()`.
    /// - Parameter closeDatabase: tests keep the database open after the server stops, to inspect it.
    public func application(closeDatabase: Bool = true) throws -> some ApplicationProtocol {
        let runtime = gateway
        var app = Application(
            responder: try responder(),
            // HTTP/1.1 as Hummingbird's `.http1()`, with the gateway's event-loop fast path in the pipeline.
            server: GatewayHTTP1Channel.server(runtime: runtime),
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "suanli"),
            services: closeDatabase
                ? [DatabaseShutdown(database: database), mailDelivery, grantsWorker, GatewayService(runtime: gateway)]
                : [mailDelivery, grantsWorker, GatewayService(runtime: gateway)],
            onServerRunning: { [config, logger] channel in
                let port = channel.localAddress?.port ?? config.port
                logger.info("Suanli is listening", metadata: ["url": "http://\(config.host):\(port)"])
                print("Suanli 算力平台 is running at http://\(config.host):\(port)/")
            },
            logger: logger)
        // The slices a previous run of this gateway instance left open go back before any request can
        // lease a new one under the same holder name (a later recovery could close a live slice).
        let gateway = self.gateway
        app.beforeServerStarts {
            do {
                try await gateway.leases.recoverOwnSlices()
            } catch {
                gateway.logger.error("gateway: giving back a previous run's slices failed; they return when they expire",
                                     metadata: ["error": "\(error)"])
            }
        }
        return app
    }
}

struct ConfigurationProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Closes the database pools after the server has stopped.
struct DatabaseShutdown: Service {
    let database: DatabaseHandle
    func run() async throws {
        try? await gracefulShutdown()
        await database.shutdown()
    }
}
