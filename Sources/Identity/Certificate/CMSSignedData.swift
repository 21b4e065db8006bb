import SwiftASN1
import X509

/// The parts of a CMS SignedData (RFC 5652 §5) that login needs, read with SwiftASN1 because
/// swift-certificates 1.21.1 has CMS only as `@_spi(CMS)` (SPEC T1). Exactly one signer.
///
///     ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT SignedData }
///     SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo,
///         certificates [0] IMPLICIT SET OPTIONAL, crls [1] IMPLICIT OPTIONAL, signerInfos SET }
///     EncapsulatedContentInfo ::= SEQUENCE { eContentType OID, eContent [0] EXPLICIT OCTET STRING OPTIONAL }
///     SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, signedAttrs [0] IMPLICIT OPTIONAL,
///         signatureAlgorithm, signature OCTET STRING, unsignedAttrs [1] IMPLICIT OPTIONAL }
struct CMSSignedData {
    enum SignerID: Equatable {
        /// Issuer name and serial-number magnitude.
        case issuerAndSerial(issuer: DistinguishedName, serial: [UInt8])
        case subjectKeyIdentifier([UInt8])
    }

    var contentType: ASN1ObjectIdentifier
    /// nil when detached.
    var content: [UInt8]?
    /// DER of each certificate in the certificate set (other certificate formats are skipped).
    var certificates: [[UInt8]]
    var signerID: SignerID
    var digestAlgorithm: ASN1ObjectIdentifier
    var signatureAlgorithm: ASN1ObjectIdentifier
    /// The signed attributes and the exact bytes their signature covers (the SET's DER, tag 0x31).
    var signedAttributes: (attributes: [ASN1Attribute], signedBytes: [UInt8])?
    var signature: [UInt8]

    init(berEncoded bytes: [UInt8]) throws {
        typealias R = ASN1Reading
        let contentInfo = try R.children(try BER.parse(bytes), .sequence)
        guard contentInfo.count == 2, try R.oid(contentInfo[0]) == BusinessCertificateOID.signedData else {
            throw ASN1ShapeError("not a CMS SignedData")
        }
        let wrapper = try R.children(contentInfo[1], R.context(0))
        guard wrapper.count == 1 else { throw ASN1ShapeError("SignedData wrapper") }
        var fields = try R.children(wrapper[0], .sequence)[...]
        guard fields.count >= 4 else { throw ASN1ShapeError("SignedData too short") }
        fields.removeFirst(2)  // version, digestAlgorithms

        let encap = try R.children(fields.removeFirst(), .sequence)
        guard let typeNode = encap.first else { throw ASN1ShapeError("encapContentInfo") }
        contentType = try R.oid(typeNode)
        if encap.count > 1 {
            let explicit = try R.children(encap[1], R.context(0))
            guard explicit.count == 1, explicit[0].identifier == .octetString else {
                throw ASN1ShapeError("eContent")
            }
            content = try R.octets(explicit[0])
        } else {
            content = nil
        }

        var certificates: [[UInt8]] = []
        if let node = fields.first, node.identifier == R.context(0) {
            fields.removeFirst()
            certificates = try R.children(node).filter { $0.identifier == .sequence }.map { Array($0.encodedBytes) }
        }
        self.certificates = certificates
        if let node = fields.first, node.identifier == R.context(1) { fields.removeFirst() }

        guard let signerInfosNode = fields.first else { throw ASN1ShapeError("signerInfos") }
        let signerInfos = try R.children(signerInfosNode, .set)
        guard signerInfos.count == 1 else { throw ASN1ShapeError("expected exactly one signer") }
        var signer = try R.children(signerInfos[0], .sequence)[...]
        guard signer.count >= 5 else { throw ASN1ShapeError("SignerInfo too short") }
        signer.removeFirst()  // version
        signerID = try Self.signerID(signer.removeFirst())
        digestAlgorithm = try Self.algorithmOID(signer.removeFirst())
        if let node = signer.first, node.identifier == R.context(0) {
            signer.removeFirst()
            signedAttributes = try Self.attributes(node)
        } else {
            signedAttributes = nil
        }
        guard signer.count >= 2 else { throw ASN1ShapeError("SignerInfo signature") }
        signatureAlgorithm = try Self.algorithmOID(signer.removeFirst())
        let signatureNode = signer.removeFirst()
        guard signatureNode.identifier == .octetString else { throw ASN1ShapeError("signature") }
        signature = try R.octets(signatureNode)
    }

    func attribute(_ type: ASN1ObjectIdentifier) -> [ASN1Attribute] {
        signedAttributes?.attributes.filter { $0.type == type } ?? []
    }

    private static func signerID(_ node: ASN1Node) throws -> SignerID {
        if node.identifier == ASN1Reading.context(0) {
            return .subjectKeyIdentifier(try ASN1Reading.octets(node))
        }
        let parts = try ASN1Reading.children(node, .sequence)
        guard parts.count == 2, parts[0].identifier == .sequence, parts[1].identifier == .integer else {
            throw ASN1ShapeError("IssuerAndSerialNumber")
        }
        return .issuerAndSerial(issuer: try DistinguishedName(derEncoded: parts[0]),
                                serial: ASN1Reading.unsignedMagnitude(try ASN1Reading.primitive(parts[1])))
    }

    private static func algorithmOID(_ node: ASN1Node) throws -> ASN1ObjectIdentifier {
        let parts = try ASN1Reading.children(node, .sequence)
        guard let first = parts.first else { throw ASN1ShapeError("AlgorithmIdentifier") }
        return try ASN1Reading.oid(first)
    }

    /// RFC 5652 §5.4: the signature covers the DER of the attributes with an explicit SET OF tag,
    /// not the [0] IMPLICIT tag they travel under. signedAttrs must be DER even inside BER.
    private static func attributes(_ node: ASN1Node) throws -> (attributes: [ASN1Attribute], signedBytes: [UInt8]) {
        var signedBytes = Array(node.encodedBytes)
        guard signedBytes.first == 0xA0 else { throw ASN1ShapeError("signedAttrs tag") }
        signedBytes[0] = 0x31
        let attributes = try ASN1Reading.children(node).map(ASN1Attribute.init)
        return (attributes, signedBytes)
    }
}
