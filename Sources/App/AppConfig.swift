import Configuration
import Foundation
import Identity
import Notify

/// Every setting Suanli reads, with its default (README "Configuration"). Keys are dotted
/// (`http.port`); as environment variables they are upper-case with underscores (`HTTP_PORT`).
/// Precedence: command line > environment > `.env` > defaults (swift-configuration).
public struct AppConfig: Sendable {
    /// development | test | production (SPEC T5: separate configurations).
    public var environment: String
    public var host: String
    public var port: Int
    public var varDirectory: String
    /// Empty: SQLite at `<var>/suanli.sqlite`. `postgres://user:pass@host:port/db` for PostgreSQL.
    public var databaseURL: String
    /// PostgreSQL schema to use (created if missing); empty = the server's default search path.
    public var databaseSchema: String
    /// Connections per event loop (PostgreSQL).
    public var databasePoolSize: Int
    /// How long a request waits for a free pooled connection before failing (PostgreSQL).
    public var databasePoolTimeoutSeconds: Int
    public var publicURL: String
    public var identity: IdentitySettings
    public var smtp: SMTPConfiguration?
    public var mailPollSeconds: Int
    /// How often the Grants worker looks for missed correction deadlines and due close-out notices.
    public var workerPollSeconds: Int
    /// Base64 keys; when empty, generated once into `<var>/keys/` with mode 0600.
    public var auditKey: String
    public var secretsKey: String
    /// PEM files for 工商憑證 verification (SPEC T1): pinned roots and the intermediates.
    public var certificateRoots: [String]
    public var certificateIntermediates: [String]
    /// "primary" or "primary-or-attached" (附卡 accepted).
    public var certificateCardPolicy: String
    /// The HiPKI local component (real: http://localhost:61161).
    public var certificateComponentURL: String
    public var trustForwardedFor: Bool
    public var logLevel: String
    public var maxRequestBodyBytes: Int
    /// The inference gateway (README "Inference gateway"): this instance's name for its ledger leases.
    public var gatewayInstance: String
    /// The operator's MaxMind-format country database (SPEC C6.1); required in production.
    public var gatewayRegionDatabase: String
    public var gatewayDeniedRegions: [String]
    /// Proxies whose X-Forwarded-For is believed (CIDR or addresses).
    public var gatewayTrustedProxies: [String]
    public var gatewayDefaultMaxTokens: Int
    public var gatewayFlushMilliseconds: Int

    public init(reader: ConfigReader) {
        environment = reader.string(forKey: "app.environment", default: "development")
        host = reader.string(forKey: "http.host", default: "127.0.0.1")
        port = reader.int(forKey: "http.port", default: 8080)
        varDirectory = reader.string(forKey: "var.dir", default: "var")
        databaseURL = reader.string(forKey: "database.url", default: "")
        databaseSchema = reader.string(forKey: "database.schema", default: "")
        databasePoolSize = reader.int(forKey: "database.pool.size", default: 4)
        databasePoolTimeoutSeconds = max(1, reader.int(forKey: "database.pool.timeout.seconds", default: 30))
        publicURL = reader.string(forKey: "public.url", default: "http://\(host):\(port)")
        var identity = IdentitySettings()
        identity.publicURL = publicURL
        identity.bcryptCost = UInt8(clamping: reader.int(forKey: "security.bcrypt.cost", default: 12))
        identity.sessionIdle = Double(reader.int(forKey: "session.idle.minutes", default: 15) * 60)
        identity.sessionAbsolute = Double(reader.int(forKey: "session.absolute.hours", default: 12) * 3600)
        identity.maxFailedLogins = reader.int(forKey: "login.max.failures", default: 5)
        identity.lockDuration = Double(reader.int(forKey: "login.lock.minutes", default: 15) * 60)
        identity.ipFailureThreshold = reader.int(forKey: "login.ip.threshold", default: 10)
        self.identity = identity
        let smtpHost = reader.string(forKey: "smtp.host", default: "")
        if smtpHost.isEmpty {
            smtp = nil
        } else {
            let security: SMTPConfiguration.Security = switch reader.string(forKey: "smtp.security", default: "none") {
            case "starttls": .startTLS
            case "tls": .tls
            default: .none
            }
            smtp = SMTPConfiguration(
                host: smtpHost, port: reader.int(forKey: "smtp.port"), security: security,
                username: reader.string(forKey: "smtp.username", isSecret: true),
                password: reader.string(forKey: "smtp.password", isSecret: true),
                fromAddress: reader.string(forKey: "smtp.from", default: "no-reply@suanli.local"),
                fromName: reader.string(forKey: "smtp.from.name", default: "算力平台 Suanli"),
                heloName: reader.string(forKey: "smtp.helo", default: "localhost"),
                trustedCAFile: reader.string(forKey: "smtp.ca.file"))
        }
        mailPollSeconds = reader.int(forKey: "mail.poll.seconds", default: 5)
        workerPollSeconds = max(1, reader.int(forKey: "worker.poll.seconds", default: 30))
        auditKey = reader.string(forKey: "audit.key", isSecret: true, default: "")
        secretsKey = reader.string(forKey: "secrets.key", isSecret: true, default: "")
        certificateRoots = reader.stringArray(forKey: "certificate.roots", default: [])
        certificateIntermediates = reader.stringArray(forKey: "certificate.intermediates", default: [])
        certificateCardPolicy = reader.string(forKey: "certificate.card.policy", default: "primary-or-attached")
        certificateComponentURL = reader.string(forKey: "certificate.component.url", default: "http://localhost:61161")
        trustForwardedFor = reader.bool(forKey: "http.trust.forwarded", default: false)
        logLevel = reader.string(forKey: "log.level", default: "info")
        maxRequestBodyBytes = reader.int(forKey: "http.max.body.bytes", default: 2 * 1024 * 1024)
        let hostName = ProcessInfo.processInfo.hostName
        gatewayInstance = reader.string(forKey: "gateway.instance", default: "\(hostName):\(port)")
        gatewayRegionDatabase = reader.string(forKey: "gateway.region.database", default: "")
        gatewayDeniedRegions = reader.stringArray(forKey: "gateway.region.denied", default: ["CN", "HK", "MO"])
        gatewayTrustedProxies = reader.stringArray(forKey: "gateway.trusted.proxies", default: [])
        gatewayDefaultMaxTokens = max(1, reader.int(forKey: "gateway.max.tokens.default", default: 4096))
        gatewayFlushMilliseconds = max(10, reader.int(forKey: "gateway.flush.ms", default: 200))
    }

    static let integerKeys: Set<String> = [
        "http.port", "smtp.port", "database.pool.size", "security.bcrypt.cost", "session.idle.minutes", "session.absolute.hours",
        "login.max.failures", "login.lock.minutes", "login.ip.threshold", "mail.poll.seconds", "http.max.body.bytes",
        "gateway.max.tokens.default", "gateway.flush.ms",
    ]
    static let booleanKeys: Set<String> = ["http.trust.forwarded"]
    static let listKeys: Set<String> = [
        "certificate.roots", "certificate.intermediates", "gateway.region.denied", "gateway.trusted.proxies",
    ]

    /// Command-line values arrive as text; give each key the type its reader asks for.
    static func typed(key: String, _ value: String) -> ConfigValue {
        if integerKeys.contains(key), let number = Int(value) { return .init(.int(number), isSecret: false) }
        if booleanKeys.contains(key) { return .init(.bool(["1", "true", "yes"].contains(value.lowercased())),
                                                    isSecret: false) }
        if listKeys.contains(key) {
            return .init(.stringArray(value.split(separator: ",").map(String.init)), isSecret: false)
        }
        return .init(.string(value), isSecret: key.contains("password") || key.hasSuffix(".key"))
    }

    /// `sqlite:///abs/path.sqlite` names the file; otherwise it lives in the var folder.
    public var sqlitePath: String {
        databaseURL.hasPrefix("sqlite://") ? String(databaseURL.dropFirst("sqlite://".count))
            : varDirectory + "/suanli.sqlite"
    }
    public var usesPostgres: Bool { databaseURL.hasPrefix("postgres") }

    /// Command line > environment > `.env` > defaults.
    public static func reader(overrides: [String: String], environment: [String: String]? = nil,
                              dotEnvPath: String = ".env") async throws -> ConfigReader {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in overrides {
            values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = typed(key: key, value)
        }
        var providers: [any ConfigProvider] = [InMemoryProvider(name: "command-line", values: values)]
        if let environment {
            providers.append(EnvironmentVariablesProvider(environmentVariables: environment))
        } else {
            providers.append(EnvironmentVariablesProvider())
            providers.append(try await EnvironmentVariablesProvider(environmentFilePath: .init(dotEnvPath),
                                                                    allowMissing: true))
        }
        return ConfigReader(providers: providers)
    }
}
