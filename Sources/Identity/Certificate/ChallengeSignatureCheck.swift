import SwiftASN1
import X509

/// The certificate that signed the challenge, and its DER (for the fingerprint). Not trusted yet:
/// the chain, dates and revocation are checked afterwards.
struct SignerCertificate {
    var certificate: Certificate
    var der: [UInt8]

    init(der: [UInt8]) throws {
        guard let certificate = try? Certificate(derEncoded: der) else { throw BusinessCertificateErrors.malformed }
        self.certificate = certificate
        self.der = der
    }
}

/// Checks that the signature covers exactly the challenge (SPEC T1), for both shapes HiPKI returns.
struct ChallengeSignatureCheck {
    var allowSHA1: Bool

    func signer(of signed: SignedChallenge, challenge: [UInt8]) throws -> SignerCertificate {
        switch signed {
        case .pkcs1(let signature, let certificateDER, let digest):
            let signer = try SignerCertificate(der: certificateDER)
            try refuseSHA1(digest)
            guard let algorithm = SignatureAlgorithms.raw(digest: digest, key: signer.certificate.publicKey) else {
                throw BusinessCertificateErrors.algorithmRefused
            }
            try verify(signature, over: challenge, by: signer, algorithm: algorithm)
            return signer
        case .cms(let bytes, let separateCertificate):
            guard let cms = try? CMSSignedData(berEncoded: bytes) else { throw BusinessCertificateErrors.malformed }
            return try verify(cms, challenge: challenge, separateCertificate: separateCertificate)
        }
    }

    private func verify(_ cms: CMSSignedData, challenge: [UInt8],
                        separateCertificate: [UInt8]?) throws -> SignerCertificate {
        guard cms.contentType == BusinessCertificateOID.data else { throw BusinessCertificateErrors.malformed }
        guard let (digest, algorithm) = SignatureAlgorithms.signerInfo(digest: cms.digestAlgorithm,
                                                                        signature: cms.signatureAlgorithm)
        else { throw BusinessCertificateErrors.algorithmRefused }
        try refuseSHA1(digest)
        if let content = cms.content, content != challenge { throw BusinessCertificateErrors.contentMismatch }

        let signer = try signerCertificate(cms, separate: separateCertificate)
        if let (attributes, signedBytes) = cms.signedAttributes {
            // The signature covers the attributes; they tie it to the content via messageDigest.
            let digests = attributes.filter { $0.type == BusinessCertificateOID.messageDigestAttribute }
            guard digests.count == 1, digests[0].values.count == 1,
                  let value = try? ASN1Reading.octets(digests[0].values[0]) else {
                throw BusinessCertificateErrors.malformed
            }
            guard value == digest.hash(challenge) else { throw BusinessCertificateErrors.contentMismatch }
            for type in cms.attribute(BusinessCertificateOID.contentTypeAttribute) {
                guard type.values.count == 1, (try? ASN1Reading.oid(type.values[0])) == cms.contentType else {
                    throw BusinessCertificateErrors.malformed
                }
            }
            try verify(cms.signature, over: signedBytes, by: signer, algorithm: algorithm)
        } else {
            try verify(cms.signature, over: challenge, by: signer, algorithm: algorithm)
        }
        return signer
    }

    /// The certificate the SignerInfo names, from the SignedData's set or sent alongside it.
    /// Any other certificates the client sent (e.g. intermediates) are ignored on purpose.
    private func signerCertificate(_ cms: CMSSignedData, separate: [UInt8]?) throws -> SignerCertificate {
        // An unreadable extra certificate is skipped, not fatal: only the signer's must parse.
        let candidates = (cms.certificates + (separate.map { [$0] } ?? [])).compactMap {
            try? SignerCertificate(der: $0)
        }
        let match = candidates.first { candidate in
            let certificate = candidate.certificate
            switch cms.signerID {
            case .issuerAndSerial(let issuer, let serial):
                return issuer == certificate.issuer
                    && serial == ASN1Reading.unsignedMagnitude(certificate.serialNumber.bytes)
            case .subjectKeyIdentifier(let keyID):
                guard let ski = try? certificate.extensions.subjectKeyIdentifier else { return false }
                return Array(ski.keyIdentifier) == keyID
            }
        }
        guard let match else { throw BusinessCertificateErrors.signerMissing }
        return match
    }

    private func verify(_ signature: [UInt8], over bytes: [UInt8], by signer: SignerCertificate,
                        algorithm: Certificate.SignatureAlgorithm) throws {
        guard signer.certificate.publicKey.isValidSignature(signature, for: bytes, signatureAlgorithm: algorithm)
        else { throw BusinessCertificateErrors.signatureInvalid }
    }

    private func refuseSHA1(_ digest: ChallengeDigest) throws {
        if digest == .sha1 && !allowSHA1 { throw BusinessCertificateErrors.algorithmRefused }
    }
}
