import Foundation
import X509

/// The path leaf → configured MOEACA intermediate → pinned GRCA root (SPEC T1).
struct CertificatePath {
    var leaf: Certificate
    var intermediate: Certificate
    var root: Certificate
}

/// A fixed-depth chain walk rather than `X509.Verifier`: each failure must map to its own error code
/// (untrusted, expired, not yet valid, key usage), and only configured CA certificates may be used —
/// never one the client sent, so an impostor "MOEACA" with the right name but another key fails.
struct CertificateChainCheck {
    var roots: [Certificate]
    var intermediates: [Certificate]
    var allowSHA1: Bool
    var maxClockSkew: TimeInterval

    func path(for leaf: Certificate) throws -> CertificatePath {
        var sawSHA1 = false
        for intermediate in intermediates where intermediate.subject == leaf.issuer && isCA(intermediate) {
            guard isSigned(leaf, by: intermediate, sawSHA1: &sawSHA1) else { continue }
            for root in roots where root.subject == intermediate.issuer {
                if isSigned(intermediate, by: root, sawSHA1: &sawSHA1) {
                    return CertificatePath(leaf: leaf, intermediate: intermediate, root: root)
                }
            }
        }
        throw sawSHA1 ? BusinessCertificateErrors.algorithmRefused : BusinessCertificateErrors.chainUntrusted
    }

    /// Validity of every certificate on the path at `now`. Skew tolerates a start time slightly ahead of
    /// our clock (a card issued minutes ago); expiry is never extended.
    func checkDates(_ path: CertificatePath, now: Date) throws {
        for certificate in [path.leaf, path.intermediate, path.root] {
            if now + maxClockSkew < certificate.notValidBefore { throw BusinessCertificateErrors.notYetValid }
            if now > certificate.notValidAfter { throw BusinessCertificateErrors.expired }
        }
    }

    /// The card's certificate must allow digitalSignature; a missing KeyUsage extension does not.
    func checkKeyUsage(_ leaf: Certificate) throws {
        guard let usage = try? leaf.extensions.keyUsage, usage.digitalSignature else {
            throw BusinessCertificateErrors.keyUsage
        }
    }

    private func isSigned(_ certificate: Certificate, by issuer: Certificate, sawSHA1: inout Bool) -> Bool {
        if SignatureAlgorithms.isSHA1(certificate.signatureAlgorithm) && !allowSHA1 {
            sawSHA1 = sawSHA1 || issuer.publicKey.isValidSignature(certificate.signature, for: certificate)
            return false
        }
        return issuer.publicKey.isValidSignature(certificate.signature, for: certificate)
    }

    private func isCA(_ certificate: Certificate) -> Bool {
        guard case .some(.isCertificateAuthority) = try? certificate.extensions.basicConstraints else { return false }
        if let usage = try? certificate.extensions.keyUsage, !usage.keyCertSign { return false }
        return true
    }
}
