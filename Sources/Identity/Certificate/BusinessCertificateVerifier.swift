import Crypto
import Foundation
import SuanliKit
import X509

/// A 工商憑證 that signed the login challenge and passed every check (SPEC C2.4, T1).
public struct VerifiedBusinessCertificate: Sendable, Equatable {
    /// 統一編號: 8 digits with a valid check digit (validated with `SuanliKit.TaxID`).
    public var taxID: String
    public var organisationName: String
    public var cardType: BusinessCardType
    /// Upper-case hex, no separators, no leading zero bytes.
    public var serialNumberHex: String
    /// The issuing CA's name (RFC 4514 text).
    public var issuer: String
    public var notBefore: Date
    public var notAfter: Date
    /// SHA-256 of the certificate's DER, lower-case hex.
    public var fingerprintSHA256: String
}

/// Verifies a HiPKI signature over a login challenge: signature over exactly the challenge, chain
/// leaf → configured MOEACA intermediate → pinned GRCA root, dates against the injected clock,
/// KeyUsage digitalSignature, 統一編號 consistency, card policy, then revocation (SPEC T1).
/// Cheap local checks run before the network one.
public struct BusinessCertificateVerifier: Sendable {
    public enum AcceptedCards: String, Sendable {
        case primaryOnly
        case primaryAndAttached

        func accepts(_ type: BusinessCardType) -> Bool { self == .primaryAndAttached || type == .primary }
    }

    public let roots: [Certificate]
    public let intermediates: [Certificate]
    public let acceptedCards: AcceptedCards
    public let maxClockSkew: TimeInterval
    public let allowSHA1: Bool
    public let requireSubjectSerialNumber: Bool
    private let revocation: any RevocationChecker
    private let clock: any WallClock

    /// - Parameters:
    ///   - roots: pinned GRCA root(s); the client can never add one.
    ///   - intermediates: MOEACA intermediate(s) accepted as issuers of cards.
    ///   - maxClockSkew: how far a notBefore may lie ahead of our clock; expiry is not extended.
    ///   - allowSHA1: accept SHA-1 digests (signature and chain). Off by default.
    ///   - requireSubjectSerialNumber: refuse a card whose Subject has no serialNumber (SPEC T1).
    public init(roots: [Certificate], intermediates: [Certificate], revocation: any RevocationChecker,
                clock: any WallClock, acceptedCards: AcceptedCards = .primaryAndAttached,
                maxClockSkew: TimeInterval = 300, allowSHA1: Bool = false, requireSubjectSerialNumber: Bool = true) {
        self.roots = roots
        self.intermediates = intermediates
        self.revocation = revocation
        self.clock = clock
        self.acceptedCards = acceptedCards
        self.maxClockSkew = maxClockSkew
        self.allowSHA1 = allowSHA1
        self.requireSubjectSerialNumber = requireSubjectSerialNumber
    }

    /// Same, with the CA certificates as PEM (one or many blocks) or DER bytes, e.g. read from files.
    public init(rootCertificates: [[UInt8]], intermediateCertificates: [[UInt8]],
                revocation: any RevocationChecker, clock: any WallClock,
                acceptedCards: AcceptedCards = .primaryAndAttached, maxClockSkew: TimeInterval = 300,
                allowSHA1: Bool = false, requireSubjectSerialNumber: Bool = true) throws {
        func parse(_ inputs: [[UInt8]]) throws -> [Certificate] {
            try inputs.flatMap(CertificateLoading.certificateDERs).map { try Certificate(derEncoded: $0) }
        }
        self.init(roots: try parse(rootCertificates), intermediates: try parse(intermediateCertificates),
                  revocation: revocation, clock: clock, acceptedCards: acceptedCards, maxClockSkew: maxClockSkew,
                  allowSHA1: allowSHA1, requireSubjectSerialNumber: requireSubjectSerialNumber)
    }

    /// Throws a `UserFacingError` from `BusinessCertificateErrors` naming the first check that failed.
    public func verify(challenge: [UInt8], signature: SignedChallenge) async throws -> VerifiedBusinessCertificate {
        let signer = try ChallengeSignatureCheck(allowSHA1: allowSHA1).signer(of: signature, challenge: challenge)
        let leaf = signer.certificate
        let chain = CertificateChainCheck(roots: roots, intermediates: intermediates, allowSHA1: allowSHA1,
                                          maxClockSkew: maxClockSkew)
        let path = try chain.path(for: leaf)
        try chain.checkDates(path, now: clock.now())
        try chain.checkKeyUsage(leaf)
        let fields = try BusinessCertificateFields(leaf, requireSubjectSerialNumber: requireSubjectSerialNumber)
        guard acceptedCards.accepts(fields.cardType) else { throw BusinessCertificateErrors.cardNotAccepted }

        try await checkRevocation(of: leaf, issuer: path.intermediate)
        // The intermediate is checked when it names a CRL (the GRCA ARL); a root has no revoker.
        if path.intermediate.extensions[oid: BusinessCertificateOID.crlDistributionPoints] != nil {
            try await checkRevocation(of: path.intermediate, issuer: path.root)
        }

        return VerifiedBusinessCertificate(
            taxID: fields.taxID,
            organisationName: fields.organisationName,
            cardType: fields.cardType,
            serialNumberHex: ASN1Reading.unsignedMagnitude(leaf.serialNumber.bytes).hex(uppercase: true),
            issuer: leaf.issuer.description,
            notBefore: leaf.notValidBefore,
            notAfter: leaf.notValidAfter,
            fingerprintSHA256: Array(SHA256.hash(data: signer.der)).hex(uppercase: false))
    }

    private func checkRevocation(of certificate: Certificate, issuer: Certificate) async throws {
        switch await revocation.status(of: certificate, issuer: issuer) {
        case .good: return
        case .revoked: throw BusinessCertificateErrors.revoked
        case .unknown: throw BusinessCertificateErrors.revocationUnknown
        }
    }
}

extension [UInt8] {
    fileprivate func hex(uppercase: Bool) -> String {
        if isEmpty { return "00" }
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        return String(decoding: flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
    }
}
