import Foundation
import SwiftASN1
import X509

/// The CRL locations a certificate names (RFC 5280 §4.2.1.13), read with SwiftASN1 since
/// swift-certificates 1.21.1 has no type for this extension (SPEC T1).
///
///     CRLDistributionPoints ::= SEQUENCE OF DistributionPoint
///     DistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL,
///         reasons [1] OPTIONAL, cRLIssuer [2] OPTIONAL }
///     DistributionPointName ::= CHOICE { fullName [0] GeneralNames, nameRelativeToCRLIssuer [1] }
enum CRLDistributionPoints {
    /// URIs of the full-CRL distribution points, in the certificate's order. Points restricted to some
    /// reasons or served by another CRL issuer are skipped: they cannot prove "not revoked" alone.
    static func uris(in certificate: Certificate) throws -> [String] {
        guard let ext = certificate.extensions[oid: BusinessCertificateOID.crlDistributionPoints] else { return [] }
        var uris: [String] = []
        for point in try ASN1Reading.children(try DER.parse(ext.value), .sequence) {
            let fields = try ASN1Reading.children(point, .sequence)
            let restricted = [ASN1Reading.context(1), ASN1Reading.context(2)]
            if fields.contains(where: { restricted.contains($0.identifier) }) { continue }
            guard let name = fields.first(where: { $0.identifier == ASN1Reading.context(0) }) else { continue }
            uris += try fullNameURIs(name)
        }
        return uris
    }

    /// URIs in a DistributionPointName wrapper ([0] EXPLICIT CHOICE, holding fullName [0] IMPLICIT).
    static func fullNameURIs(_ distributionPointName: ASN1Node) throws -> [String] {
        let choice = try ASN1Reading.children(distributionPointName)
        guard let fullName = choice.first, fullName.identifier == ASN1Reading.context(0) else { return [] }
        return try ASN1Reading.children(fullName).compactMap { node in
            guard case .uniformResourceIdentifier(let uri) = try GeneralName(derEncoded: node) else { return nil }
            return uri
        }
    }
}
