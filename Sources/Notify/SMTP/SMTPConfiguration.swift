/// How to reach the SMTP relay. Built by the composition root from configuration keys under
/// `smtp.*`; a missing host means "no mail relay" and the outbox simply keeps messages pending.
public struct SMTPConfiguration: Sendable, Equatable {
    public enum Security: String, Sendable, Equatable {
        /// Plain TCP. Only for a relay on the same host or a test server.
        case none
        /// Plain TCP upgraded with STARTTLS before anything else is sent (port 587). Refuses to go
        /// on in plaintext when the server does not offer STARTTLS.
        case startTLS = "starttls"
        /// TLS from the first byte (port 465, "implicit TLS", RFC 8314).
        case tls
    }

    /// How the server's certificate is checked.
    public enum CertificateVerification: String, Sendable, Equatable {
        case full
        /// Chain checked, host name not: for test servers reached by IP with a name-only certificate.
        case noHostname = "no-hostname"
        /// Nothing checked. Only for tests.
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    public var fromAddress: String
    public var fromName: String
    /// The name announced in EHLO; should be this host's public DNS name.
    public var heloName: String
    /// Limit for connecting and for each server reply.
    public var timeout: Duration
    /// A PEM file of CA certificates trusted instead of the system store (private CAs, tests).
    public var trustedCAFile: String?
    public var certificateVerification: CertificateVerification

    public init(
        host: String,
        port: Int? = nil,
        security: Security = .startTLS,
        username: String? = nil,
        password: String? = nil,
        fromAddress: String,
        fromName: String = "算力平台 Suanli",
        heloName: String = "localhost",
        timeout: Duration = .seconds(30),
        trustedCAFile: String? = nil,
        certificateVerification: CertificateVerification = .full
    ) {
        self.host = host
        self.port = port ?? Self.defaultPort(for: security)
        self.security = security
        self.username = username
        self.password = password
        self.fromAddress = fromAddress
        self.fromName = fromName
        self.heloName = heloName
        self.timeout = timeout
        self.trustedCAFile = trustedCAFile
        self.certificateVerification = certificateVerification
    }

    /// A relay on this machine, where an unencrypted connection never leaves the host.
    public var isLoopback: Bool {
        ["localhost", "127.0.0.1", "::1"].contains(host.lowercased()) || host.hasPrefix("127.")
    }

    public static func defaultPort(for security: Security) -> Int {
        switch security {
        case .none: return 25
        case .startTLS: return 587
        case .tls: return 465
        }
    }
}
