import Foundation
import SwiftASN1
import X509

/// A parsed X.509 CRL (RFC 5280 §5), read with SwiftASN1 since swift-certificates 1.21.1 has no CRL
/// type (SPEC T1). Parsing checks shape only; `CRLRevocationChecker` checks signature and freshness.
///
///     CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING }
///     TBSCertList ::= SEQUENCE { version INTEGER OPTIONAL, signature AlgorithmIdentifier, issuer Name,
///         thisUpdate Time, nextUpdate Time OPTIONAL,
///         revokedCertificates SEQUENCE OF SEQUENCE { userCertificate INTEGER, revocationDate Time,
///             crlEntryExtensions Extensions OPTIONAL } OPTIONAL,
///         crlExtensions [0] EXPLICIT Extensions OPTIONAL }
struct CertificateRevocationList: Sendable {
    var issuer: DistinguishedName
    var thisUpdate: Date
    var nextUpdate: Date?
    /// Serial-number magnitude → revocation date.
    var revoked: [[UInt8]: Date]
    var tbsBytes: [UInt8]
    var signatureAlgorithm: ASN1ObjectIdentifier
    var signature: [UInt8]
    /// From issuingDistributionPoint: the URIs this (partitioned) CRL covers; empty = not partitioned.
    var scopeURIs: [String] = []
    var onlyCACertificates = false
    var onlyUserCertificates = false
    /// A feature we do not support (delta CRL, indirect CRL, reason-partitioned CRL, unknown critical
    /// extension). Such a CRL can never prove a certificate good.
    var unsupported: String?

    init(berEncoded bytes: [UInt8]) throws {
        typealias R = ASN1Reading
        let outer = try R.children(try BER.parse(bytes), .sequence)
        guard outer.count == 3 else { throw ASN1ShapeError("CertificateList") }
        tbsBytes = Array(outer[0].encodedBytes)
        signatureAlgorithm = try R.oid(try R.children(outer[1], .sequence).first ?? outer[1])
        let bitString = try ASN1BitString(berEncoded: outer[2])
        guard bitString.paddingBits == 0 else { throw ASN1ShapeError("signature padding") }
        signature = Array(bitString.bytes)

        var fields = try R.children(outer[0], .sequence)[...]
        if fields.first?.identifier == .integer { fields.removeFirst() }
        guard fields.count >= 3 else { throw ASN1ShapeError("TBSCertList too short") }
        let innerAlgorithm = try R.oid(try R.children(fields.removeFirst(), .sequence).first ?? outer[1])
        guard innerAlgorithm == signatureAlgorithm else { throw ASN1ShapeError("algorithm mismatch") }
        issuer = try DistinguishedName(derEncoded: fields.removeFirst())
        thisUpdate = try R.time(fields.removeFirst())
        if let node = fields.first, node.identifier == .utcTime || node.identifier == .generalizedTime {
            nextUpdate = try R.time(fields.removeFirst())
        }
        revoked = [:]
        if let node = fields.first, node.identifier == .sequence {
            fields.removeFirst()
            for entry in try R.children(node) {
                try readEntry(entry)
            }
        }
        if let node = fields.first, node.identifier == R.context(0) {
            for ext in try R.children(try R.children(node).first ?? node, .sequence) {
                try readExtension(try Certificate.Extension(derEncoded: ext))
            }
        }
    }

    private mutating func readEntry(_ entry: ASN1Node) throws {
        let parts = try ASN1Reading.children(entry, .sequence)
        guard parts.count >= 2, parts[0].identifier == .integer else { throw ASN1ShapeError("CRL entry") }
        let serial = ASN1Reading.unsignedMagnitude(try ASN1Reading.primitive(parts[0]))
        revoked[serial] = try ASN1Reading.time(parts[1])
        if parts.count > 2 {
            for ext in try ASN1Reading.children(parts[2], .sequence) {
                let parsed = try Certificate.Extension(derEncoded: ext)
                // certificateIssuer (indirect CRL) or anything else critical changes what entries mean.
                if parsed.critical { unsupported = "critical CRL entry extension \(parsed.oid)" }
            }
        }
    }

    private mutating func readExtension(_ ext: Certificate.Extension) throws {
        if ext.oid == BusinessCertificateOID.issuingDistributionPoint {
            try readIssuingDistributionPoint(ext.value)
        } else if ext.critical {
            // Includes deltaCRLIndicator: a delta CRL alone cannot show a certificate good.
            unsupported = "critical CRL extension \(ext.oid)"
        }
    }

    /// IssuingDistributionPoint ::= SEQUENCE { distributionPoint [0] OPTIONAL,
    ///     onlyContainsUserCerts [1] BOOLEAN DEFAULT FALSE, onlyContainsCACerts [2] BOOLEAN DEFAULT FALSE,
    ///     onlySomeReasons [3] OPTIONAL, indirectCRL [4] BOOLEAN DEFAULT FALSE,
    ///     onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
    private mutating func readIssuingDistributionPoint(_ value: ArraySlice<UInt8>) throws {
        for field in try ASN1Reading.children(try DER.parse(value), .sequence) {
            let isTrue = { (try? ASN1Reading.primitive(field))?.first.map { $0 != 0 } ?? false }
            switch field.identifier {
            case ASN1Reading.context(0): scopeURIs = try CRLDistributionPoints.fullNameURIs(field)
            case ASN1Reading.context(1): onlyUserCertificates = isTrue()
            case ASN1Reading.context(2): onlyCACertificates = isTrue()
            case ASN1Reading.context(3): unsupported = "CRL covers only some reasons"
            case ASN1Reading.context(4): if isTrue() { unsupported = "indirect CRL" }
            case ASN1Reading.context(5): if isTrue() { unsupported = "attribute-certificate CRL" }
            default: unsupported = "unknown issuingDistributionPoint field"
            }
        }
    }
}
