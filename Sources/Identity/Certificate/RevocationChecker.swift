import Foundation
import X509

/// Whether a certificate has been revoked by its issuer (SPEC T1).
public enum RevocationStatus: Sendable, Equatable {
    case good
    case revoked(at: Date?)
    /// Could not be established (no distribution point, fetch failure, bad or stale CRL). Login
    /// treats this as a refusal; `reason` is for logs, not for users.
    case unknown(reason: String)
}

/// Answers revocation questions for the business-certificate verifier. Implementations must never
/// answer `.good` without evidence signed by `issuer`.
public protocol RevocationChecker: Sendable {
    func status(of certificate: Certificate, issuer: Certificate) async -> RevocationStatus
}
