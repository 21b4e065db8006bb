import Crypto
import SwiftASN1
import X509

/// The digests a signature over the challenge may use. SHA-1 only when configured (SPEC T1).
public enum ChallengeDigest: String, Sendable, CaseIterable {
    case sha1, sha256, sha384, sha512

    init?(oid: ASN1ObjectIdentifier) {
        switch oid {
        case [1, 3, 14, 3, 2, 26]: self = .sha1
        case [2, 16, 840, 1, 101, 3, 4, 2, 1]: self = .sha256
        case [2, 16, 840, 1, 101, 3, 4, 2, 2]: self = .sha384
        case [2, 16, 840, 1, 101, 3, 4, 2, 3]: self = .sha512
        default: return nil
        }
    }

    func hash(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .sha1: Array(Insecure.SHA1.hash(data: bytes))
        case .sha256: Array(SHA256.hash(data: bytes))
        case .sha384: Array(SHA384.hash(data: bytes))
        case .sha512: Array(SHA512.hash(data: bytes))
        }
    }

    var rsa: Certificate.SignatureAlgorithm {
        switch self {
        case .sha1: .sha1WithRSAEncryption
        case .sha256: .sha256WithRSAEncryption
        case .sha384: .sha384WithRSAEncryption
        case .sha512: .sha512WithRSAEncryption
        }
    }

    var ecdsa: Certificate.SignatureAlgorithm? {
        switch self {
        case .sha1: nil
        case .sha256: .ecdsaWithSHA256
        case .sha384: .ecdsaWithSHA384
        case .sha512: .ecdsaWithSHA512
        }
    }
}

enum SignatureAlgorithms {
    private static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 1]
    private static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]

    /// Signature algorithms we verify, by OID, with the digest each one implies.
    private static let combined: [ASN1ObjectIdentifier: (ChallengeDigest, Certificate.SignatureAlgorithm)] = [
        [1, 2, 840, 113_549, 1, 1, 5]: (.sha1, .sha1WithRSAEncryption),
        [1, 2, 840, 113_549, 1, 1, 11]: (.sha256, .sha256WithRSAEncryption),
        [1, 2, 840, 113_549, 1, 1, 12]: (.sha384, .sha384WithRSAEncryption),
        [1, 2, 840, 113_549, 1, 1, 13]: (.sha512, .sha512WithRSAEncryption),
        [1, 2, 840, 10045, 4, 3, 2]: (.sha256, .ecdsaWithSHA256),
        [1, 2, 840, 10045, 4, 3, 3]: (.sha384, .ecdsaWithSHA384),
        [1, 2, 840, 10045, 4, 3, 4]: (.sha512, .ecdsaWithSHA512),
    ]

    /// A signature algorithm named on its own (a CRL's, or a certificate's).
    static func algorithm(oid: ASN1ObjectIdentifier) -> (ChallengeDigest, Certificate.SignatureAlgorithm)? {
        combined[oid]
    }

    /// A CMS SignerInfo names the digest and the signature algorithm separately; signers use either
    /// the bare key algorithm (rsaEncryption, as openssl and HiPKI do) or a combined one.
    static func signerInfo(digest: ASN1ObjectIdentifier, signature: ASN1ObjectIdentifier)
        -> (ChallengeDigest, Certificate.SignatureAlgorithm)? {
        guard let digest = ChallengeDigest(oid: digest) else { return nil }
        if signature == rsaEncryption { return (digest, digest.rsa) }
        if signature == ecPublicKey { return digest.ecdsa.map { (digest, $0) } }
        guard let (implied, algorithm) = combined[signature], implied == digest else { return nil }
        return (digest, algorithm)
    }

    /// A raw (PKCS#1 or ECDSA) signature: the algorithm follows from the certificate's key type.
    static func raw(digest: ChallengeDigest, key: Certificate.PublicKey) -> Certificate.SignatureAlgorithm? {
        if P256.Signing.PublicKey(key) != nil || P384.Signing.PublicKey(key) != nil
            || P521.Signing.PublicKey(key) != nil {
            return digest.ecdsa
        }
        return digest.rsa
    }

    static func isSHA1(_ algorithm: Certificate.SignatureAlgorithm) -> Bool {
        algorithm == .sha1WithRSAEncryption
    }
}
