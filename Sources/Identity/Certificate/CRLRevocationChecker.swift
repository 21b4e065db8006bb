import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import SuanliKit
import X509

/// Revocation by CRL (SPEC T1): fetches the CRL the certificate's distribution point names, checks it
/// was signed by the issuing CA and is current, and keeps it in memory until its nextUpdate.
/// Anything short of a verified, current CRL is `.unknown`, which login refuses.
///
/// OCSP is not used yet; certificates that name only an OCSP responder get `.unknown`.
public actor CRLRevocationChecker: RevocationChecker {
    public struct Configuration: Sendable {
        /// `file://` distribution points (tests, offline mirrors). Off by default: production CRLs come
        /// over HTTP(S).
        public var allowFileURLs = false
        public var fetchTimeout: TimeInterval = 10
        /// MOEACA full CRLs run to megabytes; this only bounds memory.
        public var maxCRLBytes = 64 * 1024 * 1024
        public var allowSHA1 = false
        /// Tolerance for a thisUpdate slightly ahead of our clock. nextUpdate is never extended.
        public var maxClockSkew: TimeInterval = 300

        public init(allowFileURLs: Bool = false, fetchTimeout: TimeInterval = 10,
                    maxCRLBytes: Int = 64 * 1024 * 1024, allowSHA1: Bool = false, maxClockSkew: TimeInterval = 300) {
            self.allowFileURLs = allowFileURLs
            self.fetchTimeout = fetchTimeout
            self.maxCRLBytes = maxCRLBytes
            self.allowSHA1 = allowSHA1
            self.maxClockSkew = maxClockSkew
        }
    }

    private struct CacheKey: Hashable {
        var url: String
        var issuerKey: [UInt8]
    }

    private let clock: any WallClock
    private let httpClient: HTTPClient
    private let configuration: Configuration
    private let logger: Logger
    private var cache: [CacheKey: CertificateRevocationList] = [:]
    private var inFlight: [CacheKey: Task<CertificateRevocationList, any Error>] = [:]

    public init(clock: any WallClock, httpClient: HTTPClient = .shared, configuration: Configuration = .init(),
                logger: Logger = Logger(label: "suanli.identity.crl")) {
        self.clock = clock
        self.httpClient = httpClient
        self.configuration = configuration
        self.logger = logger
    }

    public func status(of certificate: Certificate, issuer: Certificate) async -> RevocationStatus {
        let uris: [String]
        do {
            uris = try CRLDistributionPoints.uris(in: certificate).filter(isUsable)
        } catch {
            return .unknown(reason: "unreadable CRL distribution points")
        }
        guard !uris.isEmpty else { return .unknown(reason: "no usable CRL distribution point") }
        var reasons: [String] = []
        for uri in uris {
            do {
                let crl = try await currentCRL(uri: uri, issuer: issuer)
                try checkScope(crl, uri: uri, certificate: certificate)
                let serial = ASN1Reading.unsignedMagnitude(certificate.serialNumber.bytes)
                if let date = crl.revoked[serial] { return .revoked(at: date) }
                return .good
            } catch {
                reasons.append("\(uri): \(error)")
            }
        }
        logger.warning("CRL revocation status unknown", metadata: ["reasons": "\(reasons)"])
        return .unknown(reason: reasons.joined(separator: "; "))
    }

    /// Drops every cached CRL (e.g. after the operator replaced a CA certificate).
    public func clearCache() {
        cache.removeAll()
    }

    private func isUsable(_ uri: String) -> Bool {
        let lower = uri.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
            || (configuration.allowFileURLs && lower.hasPrefix("file://"))
    }

    private func currentCRL(uri: String, issuer: Certificate) async throws -> CertificateRevocationList {
        let key = CacheKey(url: uri, issuerKey: Array(issuer.publicKey.subjectPublicKeyInfoBytes))
        if let cached = cache[key], isCurrent(cached) { return cached }
        cache[key] = nil
        if let running = inFlight[key] { return try await running.value }

        let task = Task { try await self.fetchAndVerify(uri: uri, issuer: issuer) }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        let crl = try await task.value
        cache[key] = crl
        return crl
    }

    private func isCurrent(_ crl: CertificateRevocationList) -> Bool {
        guard let nextUpdate = crl.nextUpdate else { return false }
        let now = clock.now()
        return crl.thisUpdate <= now + configuration.maxClockSkew && now < nextUpdate
    }

    private func fetchAndVerify(uri: String, issuer: Certificate) async throws -> CertificateRevocationList {
        var bytes = try await fetch(uri)
        if let text = String(bytes: bytes, encoding: .utf8), text.hasPrefix("-----BEGIN") {
            bytes = try CertificateLoading.decodeTextOrBase64(text)
        }
        let crl = try CertificateRevocationList(berEncoded: bytes)
        try verify(crl, issuer: issuer)
        return crl
    }

    private func verify(_ crl: CertificateRevocationList, issuer: Certificate) throws {
        guard crl.issuer == issuer.subject else { throw CRLProblem("CRL issuer is not the certificate's issuer") }
        guard let (digest, algorithm) = SignatureAlgorithms.algorithm(oid: crl.signatureAlgorithm),
              digest != .sha1 || configuration.allowSHA1 else {
            throw CRLProblem("CRL signature algorithm \(crl.signatureAlgorithm) not accepted")
        }
        guard issuer.publicKey.isValidSignature(crl.signature, for: crl.tbsBytes, signatureAlgorithm: algorithm) else {
            throw CRLProblem("CRL signature does not verify")
        }
        if let unsupported = crl.unsupported { throw CRLProblem(unsupported) }
        guard crl.nextUpdate != nil else { throw CRLProblem("CRL has no nextUpdate") }
        guard isCurrent(crl) else { throw CRLProblem("CRL is not current") }
    }

    /// A partitioned CRL only speaks for the certificates of its partition.
    private func checkScope(_ crl: CertificateRevocationList, uri: String, certificate: Certificate) throws {
        if !crl.scopeURIs.isEmpty && !crl.scopeURIs.contains(uri) {
            throw CRLProblem("CRL partition does not cover \(uri)")
        }
        let isCA: Bool
        if case .some(.isCertificateAuthority) = try? certificate.extensions.basicConstraints {
            isCA = true
        } else {
            isCA = false
        }
        if (crl.onlyCACertificates && !isCA) || (crl.onlyUserCertificates && isCA) {
            throw CRLProblem("CRL does not cover this kind of certificate")
        }
    }

    private func fetch(_ uri: String) async throws -> [UInt8] {
        guard let url = URL(string: uri) else { throw CRLProblem("bad URL") }
        if url.isFileURL {
            let data = try Data(contentsOf: url)
            guard data.count <= configuration.maxCRLBytes else { throw CRLProblem("CRL too large") }
            return Array(data)
        }
        var request = HTTPClientRequest(url: uri)
        request.method = .GET
        let response = try await httpClient.execute(request, timeout: .milliseconds(
            Int64(configuration.fetchTimeout * 1000)), logger: logger)
        guard response.status == .ok else { throw CRLProblem("HTTP \(response.status.code)") }
        let body = try await response.body.collect(upTo: configuration.maxCRLBytes)
        return Array(body.readableBytesView)
    }
}

struct CRLProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
