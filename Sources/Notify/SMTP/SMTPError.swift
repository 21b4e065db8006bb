/// The step of an SMTP session, named in errors and logs.
public enum SMTPStage: String, Sendable, Equatable {
    case connect
    case greeting
    case ehlo
    case helo
    case startTLS = "starttls"
    case auth
    case mailFrom = "mail-from"
    case rcptTo = "rcpt-to"
    case data
    case message
    case quit
}

/// Why a mail could not be handed to the relay. The delivery service only needs `isPermanent`:
/// a permanent error (a 5xx reply, an unusable address) will not go away by trying again.
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// TCP connect failed or timed out, or the host name did not resolve.
    case connectFailed(String)
    /// No complete reply within the configured timeout.
    case timedOut(SMTPStage)
    /// The server closed the connection, or the connection broke.
    case connectionClosed(SMTPStage, String?)
    /// TLS handshake or certificate verification failed.
    case tlsFailed(String)
    /// The server sent something that is not an SMTP reply, or plaintext after STARTTLS.
    case protocolViolation(SMTPStage, String)
    /// The server answered a step with a failure (4xx/5xx) or an unexpected code.
    case rejected(SMTPStage, SMTPReply)
    /// `security: .startTLS` was asked for but the server does not offer it; we never fall back
    /// to plaintext, since that is exactly what a downgrade attack would arrange.
    case startTLSNotOffered
    /// Credentials are configured but the server offers neither AUTH PLAIN nor AUTH LOGIN.
    case authenticationNotOffered([String])
    case authenticationFailed(SMTPReply)
    case invalidAddress(String)
    /// The TLS configuration (CA file, verification) could not be built.
    case configuration(String)

    public var isPermanent: Bool {
        switch self {
        case .rejected(_, let reply), .authenticationFailed(let reply):
            return reply.isPermanentFailure
        case .invalidAddress:
            return true
        case .connectFailed, .timedOut, .connectionClosed, .tlsFailed, .protocolViolation,
            .startTLSNotOffered, .authenticationNotOffered, .configuration:
            // Network and configuration problems get the full back-off: an operator can fix them
            // before the messages run out of tries.
            return false
        }
    }

    public var description: String {
        switch self {
        case .connectFailed(let detail): return "SMTP connect failed: \(detail)"
        case .timedOut(let stage): return "SMTP timed out waiting for the \(stage.rawValue) reply"
        case .connectionClosed(let stage, let detail):
            return "SMTP connection closed during \(stage.rawValue)" + (detail.map { ": \($0)" } ?? "")
        case .tlsFailed(let detail): return "SMTP TLS failed: \(detail)"
        case .protocolViolation(let stage, let detail): return "SMTP protocol error at \(stage.rawValue): \(detail)"
        case .rejected(let stage, let reply): return "SMTP \(stage.rawValue) rejected: \(reply)"
        case .startTLSNotOffered: return "SMTP server does not offer STARTTLS"
        case .authenticationNotOffered(let mechanisms):
            return "SMTP server offers no usable AUTH mechanism (offered: \(mechanisms.joined(separator: " ")))"
        case .authenticationFailed(let reply): return "SMTP authentication failed: \(reply)"
        case .invalidAddress(let address): return "not a usable e-mail address: \(address)"
        case .configuration(let detail): return "SMTP configuration error: \(detail)"
        }
    }
}
