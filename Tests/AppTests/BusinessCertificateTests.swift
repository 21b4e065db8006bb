import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Identity
import SuanliKit
import Testing
import X509

/// 工商憑證 login verification against a real openssl-made PKI (`scripts/make-test-pki`), SPEC C2.4, T1.
/// Every refusal asserts its own error code, so a check that silently stopped working fails here.
@Suite struct BusinessCertificateTests {
    // MARK: Accepted

    @Test(arguments: ["attached.p7s", "detached.p7s", "noattr.p7s", "keyid.attached.p7s", "ber.p7s", "pkcs1.sig"])
    func primaryCardIsAccepted(form: String) async throws {
        let pki = try await TestPKI.files()
        let result = try await pki.verifier().verify(challenge: pki.challenge, signature: pki.signed("primary", form))
        #expect(result.taxID == "12345675")
        #expect(result.organisationName == "測試科技股份有限公司")
        #expect(result.cardType == .primary)
        #expect(result.serialNumberHex == "1000")
        #expect(result.issuer.contains("Test MOEA Certification Authority"))
        #expect(result.notBefore == TestPKI.date("2025-01-01T00:00:00Z"))
        #expect(result.notAfter == TestPKI.date("2030-01-01T00:00:00Z"))
        let der = try pki.certificateDER("primary")
        #expect(result.fingerprintSHA256 == SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined())
    }

    @Test func ecdsaCardIsAccepted() async throws {
        let pki = try await TestPKI.files()
        for form in ["attached.p7s", "pkcs1.sig"] {
            let result = try await pki.verifier().verify(challenge: pki.challenge, signature: pki.signed("ec", form))
            #expect(result.taxID == "12345675")
        }
    }

    @Test func attachedCardIsRecordedAndFollowsPolicy() async throws {
        let pki = try await TestPKI.files()
        let signed = try pki.signed("attached", "attached.p7s")
        let result = try await pki.verifier(acceptedCards: .primaryAndAttached).verify(
            challenge: pki.challenge, signature: signed)
        #expect(result.cardType == .attached)
        #expect(result.taxID == "12345675")
        await expectRefusal("certificate.card_not_accepted") {
            try await pki.verifier(acceptedCards: .primaryOnly).verify(challenge: pki.challenge, signature: signed)
        }
        // The primary card still passes a primary-only policy.
        let primary = try await pki.verifier(acceptedCards: .primaryOnly).verify(
            challenge: pki.challenge, signature: pki.signed("primary", "attached.p7s"))
        #expect(primary.cardType == .primary)
    }

    @Test func hiPKIReplyIsRead() async throws {
        let pki = try await TestPKI.files()
        let cms = Data(try pki.bytes("primary.attached.p7s")).base64EncodedString()
        let pkcs7 = try SignedChallenge.hiPKIResponse(
            #"{"ret_code":0,"signature":"\#(cms)"}"#, signatureType: .pkcs7)
        #expect(try await pki.verifier().verify(challenge: pki.challenge, signature: pkcs7).taxID == "12345675")

        let signature = Data(try pki.bytes("primary.pkcs1.sig")).base64EncodedString()
        let certificate = Data(try pki.certificateDER("primary")).base64EncodedString()
        let pkcs1 = try SignedChallenge.hiPKIResponse(
            #"{"ret_code":0,"signature":"\#(signature)","certb64":"\#(certificate)"}"#, signatureType: .pkcs1)
        #expect(try await pki.verifier().verify(challenge: pki.challenge, signature: pkcs1).taxID == "12345675")

        #expect(throws: BusinessCertificateErrors.malformed) {
            try SignedChallenge.hiPKIResponse(#"{"ret_code":5001,"last_error":1}"#, signatureType: .pkcs7)
        }
    }

    // MARK: Signature over exactly the challenge

    @Test(arguments: [
        ("primary.wrong.attached.p7s", "certificate.content_mismatch"),
        ("primary.wrong.detached.p7s", "certificate.content_mismatch"),
        ("primary.wrong.pkcs1.sig", "certificate.signature_invalid"),
    ])
    func signatureOverOtherBytesIsRefused(file: String, code: String) async throws {
        let pki = try await TestPKI.files()
        let signed = try pki.signed(file: file, card: "primary")
        await expectRefusal(code) { try await pki.verifier().verify(challenge: pki.challenge, signature: signed) }
    }

    @Test func validSignatureForAnotherChallengeIsRefused() async throws {
        let pki = try await TestPKI.files()
        let other = Array("suanli-login-challenge:ffffffffffffffffffffffffffffffff".utf8)
        for (form, code) in [("attached.p7s", "content_mismatch"), ("detached.p7s", "content_mismatch"),
                             ("noattr.p7s", "content_mismatch"), ("pkcs1.sig", "signature_invalid")] {
            let signed = try pki.signed("primary", form)
            await expectRefusal("certificate." + code) {
                try await pki.verifier().verify(challenge: other, signature: signed)
            }
        }
    }

    @Test(arguments: ["attached.p7s", "detached.p7s", "noattr.p7s", "pkcs1.sig"])
    func tamperedSignatureIsRefused(form: String) async throws {
        let pki = try await TestPKI.files()
        let signed: SignedChallenge
        // The signature value is the last field of the DER (openssl adds no unsigned attributes).
        switch try pki.signed("primary", form) {
        case .cms(var bytes, let certificate):
            bytes[bytes.count - 1] ^= 0x01
            signed = .cms(signedData: bytes, certificate: certificate)
        case .pkcs1(var signature, let certificate, let digest):
            signature[signature.count / 2] ^= 0x01
            signed = .pkcs1(signature: signature, certificate: certificate, digest: digest)
        }
        await expectRefusal("certificate.signature_invalid") {
            try await pki.verifier().verify(challenge: pki.challenge, signature: signed)
        }
    }

    @Test func sha1IsRefusedUnlessAllowed() async throws {
        let pki = try await TestPKI.files()
        for file in ["primary.sha1.attached.p7s", "primary.sha1.pkcs1.sig"] {
            let signed = try pki.signed(file: file, card: "primary", digest: .sha1)
            await expectRefusal("certificate.algorithm_refused") {
                try await pki.verifier().verify(challenge: pki.challenge, signature: signed)
            }
            let allowed = try await pki.verifier(allowSHA1: true).verify(challenge: pki.challenge, signature: signed)
            #expect(allowed.taxID == "12345675")
        }
    }

    @Test func unreadableInputIsMalformed() async throws {
        let pki = try await TestPKI.files()
        await expectRefusal("certificate.malformed") {
            try await pki.verifier().verify(
                challenge: pki.challenge, signature: .cms(signedData: [0x30, 0x03, 1, 2, 3]))
        }
        await expectRefusal("certificate.malformed") {
            try await pki.verifier().verify(challenge: pki.challenge, signature: .pkcs1(
                signature: try pki.bytes("primary.pkcs1.sig"), certificate: [0x30, 0x00]))
        }
        #expect(throws: BusinessCertificateErrors.malformed) { try SignedChallenge.cms(encoded: "***not base64***") }
    }

    // MARK: Chain

    @Test(arguments: ["foreign", "fake"])
    func certificateOutsideThePinnedChainIsRefused(card: String) async throws {
        // foreign: another root entirely. fake: an impostor MOEACA (same name, other key) that the client
        // ships inside the SignedData together with an impostor GRCA — both must be ignored.
        let pki = try await TestPKI.files()
        for form in ["attached.p7s", "pkcs1.sig"] {
            let signed = try pki.signed(card, form)
            await expectRefusal("certificate.chain_untrusted") {
                try await pki.verifier().verify(challenge: pki.challenge, signature: signed)
            }
        }
    }

    @Test func chainNeedsTheConfiguredIntermediate() async throws {
        let pki = try await TestPKI.files()
        let clock = ManualClock(TestPKI.now)
        let noIntermediate = try BusinessCertificateVerifier(
            rootCertificates: [try pki.bytes("grca.pem")], intermediateCertificates: [],
            revocation: CRLRevocationChecker(clock: clock, configuration: .init(allowFileURLs: true)), clock: clock)
        await expectRefusal("certificate.chain_untrusted") {
            try await noIntermediate.verify(challenge: pki.challenge, signature: pki.signed("primary", "attached.p7s"))
        }
    }

    // MARK: Dates

    @Test func expiredCardIsRefused() async throws {
        let pki = try await TestPKI.files()
        await expectRefusal("certificate.expired") {
            try await pki.verifier().verify(challenge: pki.challenge, signature: pki.signed("expired", "attached.p7s"))
        }
        let later = ManualClock(TestPKI.date("2031-06-01T00:00:00Z"))
        await expectRefusal("certificate.expired") {
            try await pki.verifier(clock: later).verify(
                challenge: pki.challenge, signature: pki.signed("primary", "attached.p7s"))
        }
    }

    @Test func notYetValidCardIsRefused() async throws {
        let pki = try await TestPKI.files()
        await expectRefusal("certificate.not_yet_valid") {
            try await pki.verifier().verify(challenge: pki.challenge, signature: pki.signed("notyet", "attached.p7s"))
        }
        let earlier = ManualClock(TestPKI.date("2024-06-01T00:00:00Z"))
        await expectRefusal("certificate.not_yet_valid") {
            try await pki.verifier(clock: earlier).verify(
                challenge: pki.challenge, signature: pki.signed("primary", "attached.p7s"))
        }
    }

    @Test func clockSkewOnlyEasesTheStartDate() async throws {
        // One minute before the card's notBefore: refused without skew, past the date check with 5 minutes
        // (and then refused only because the CRL is not yet issued at that time).
        let pki = try await TestPKI.files()
        let clock = ManualClock(TestPKI.date("2024-12-31T23:59:00Z"))
        let signed = try pki.signed("primary", "attached.p7s")
        await expectRefusal("certificate.not_yet_valid") {
            try await pki.verifier(clock: clock, maxClockSkew: 0).verify(challenge: pki.challenge, signature: signed)
        }
        await expectRefusal("certificate.revocation_unknown") {
            try await pki.verifier(clock: clock, maxClockSkew: 300).verify(challenge: pki.challenge, signature: signed)
        }
    }

    // MARK: Certificate content

    @Test(arguments: [
        ("nods", "certificate.key_usage"),
        ("mismatch", "certificate.taxid_mismatch"),
        ("nosda", "certificate.taxid_missing"),
    ])
    func certificateContentIsChecked(card: String, code: String) async throws {
        let pki = try await TestPKI.files()
        let signed = try pki.signed(card, "attached.p7s")
        await expectRefusal(code) { try await pki.verifier().verify(challenge: pki.challenge, signature: signed) }
    }

    // MARK: Revocation

    @Test(arguments: [
        ("revoked", "certificate.revoked"),
        ("unreachable", "certificate.revocation_unknown"),
        ("badcrl", "certificate.revocation_unknown"),
    ])
    func revocationIsChecked(card: String, code: String) async throws {
        let pki = try await TestPKI.files()
        let signed = try pki.signed(card, "attached.p7s")
        await expectRefusal(code) { try await pki.verifier().verify(challenge: pki.challenge, signature: signed) }
    }

    @Test func staleCRLIsUnknown() async throws {
        // Cards are valid until 2030 but the CRLs' nextUpdate is 2029-01-01.
        let pki = try await TestPKI.files()
        let clock = ManualClock(TestPKI.date("2029-06-01T00:00:00Z"))
        await expectRefusal("certificate.revocation_unknown") {
            try await pki.verifier(clock: clock).verify(
                challenge: pki.challenge, signature: pki.signed("primary", "attached.p7s"))
        }
    }

    @Test func crlCheckerAnswers() async throws {
        let pki = try await TestPKI.files()
        let clock = ManualClock(TestPKI.now)
        let issuer = try pki.certificate("moeaca")
        let checker = CRLRevocationChecker(clock: clock, configuration: .init(allowFileURLs: true))
        #expect(await checker.status(of: try pki.certificate("primary"), issuer: issuer) == .good)
        #expect(await checker.status(of: try pki.certificate("revoked"), issuer: issuer)
            == .revoked(at: TestPKI.date("2026-03-01T00:00:00Z")))
        // The intermediate against the GRCA ARL.
        #expect(await checker.status(of: issuer, issuer: try pki.certificate("grca")) == .good)
        // A CRL verified against the wrong issuer key proves nothing.
        let wrongIssuer = await checker.status(
            of: try pki.certificate("primary"), issuer: try pki.certificate("fake-moeaca"))
        #expect(wrongIssuer != .good)
        // file:// distribution points are off unless configured.
        let strict = CRLRevocationChecker(clock: clock)
        #expect(await strict.status(of: try pki.certificate("primary"), issuer: issuer)
            == .unknown(reason: "no usable CRL distribution point"))
    }

    @Test func crlIsFetchedOverHTTPAndCached() async throws {
        let requests = RequestLog()
        let folder = try TestPKI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let router = Router()
        router.get("/:name") { _, context -> Response in
            let name = context.parameters.get("name") ?? ""
            requests.append(name)
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else {
                return Response(status: .notFound)
            }
            return Response(status: .ok, headers: [.contentType: "application/pkix-crl"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let pki = try TestPKI.make(in: folder, crlBase: "http://127.0.0.1:\(port)")
            let clock = ManualClock(TestPKI.now)
            let verifier = try pki.verifier(clock: clock, checker: CRLRevocationChecker(clock: clock))
            for _ in 0..<2 {
                let result = try await verifier.verify(
                    challenge: pki.challenge, signature: pki.signed("primary", "pkcs1.sig"))
                #expect(result.taxID == "12345675")
            }
            #expect(requests.names == ["moeaca.crl", "grca.crl"], "each CRL fetched once, then cached")
            await expectRefusal("certificate.revoked") {
                try await verifier.verify(challenge: pki.challenge, signature: pki.signed("revoked", "pkcs1.sig"))
            }
            await expectRefusal("certificate.revocation_unknown") {
                try await verifier.verify(challenge: pki.challenge, signature: pki.signed("unreachable", "pkcs1.sig"))
            }
            await expectRefusal("certificate.revocation_unknown") {
                try await verifier.verify(challenge: pki.challenge, signature: pki.signed("badcrl", "pkcs1.sig"))
            }
        }
    }
}

// MARK: - Helpers

/// Runs `body` and checks it was refused with exactly `code` (SPEC T1: each check has its own code).
private func expectRefusal<T>(_ code: String, sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () async throws -> T) async {
    do {
        _ = try await body()
        Issue.record("expected refusal \(code), but it was accepted", sourceLocation: sourceLocation)
    } catch let error as UserFacingError {
        #expect(error.code == code, sourceLocation: sourceLocation)
        #expect(error.kind == .unauthenticated, sourceLocation: sourceLocation)
        #expect(!error.zh.isEmpty && !error.en.isEmpty, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected refusal \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

private final class RequestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ name: String) { lock.withLock { stored.append(name) } }
    var names: [String] { lock.withLock { stored } }
}

/// The PKI made by `scripts/make-test-pki`, generated once per test run with file:// CRL locations.
private struct TestPKI: Sendable {
    let folder: URL
    let challenge: [UInt8]

    /// "Now" for tests: inside every validity window the script writes (certificates 2025–2030, CRLs 2026–2029).
    static let now = date("2026-06-15T00:00:00Z")

    private static let shared = Task<TestPKI, any Error> {
        let folder = try temporaryFolder()
        return try make(in: folder, crlBase: folder.absoluteString)
    }

    static func files() async throws -> TestPKI { try await shared.value }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("suanli-test-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func make(in folder: URL, crlBase: String) throws -> TestPKI {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", root.appendingPathComponent("scripts/make-test-pki").path, folder.path,
                             crlBase.hasSuffix("/") ? String(crlBase.dropLast()) : crlBase]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let log = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PKIError("make-test-pki failed: \(String(decoding: log, as: UTF8.self))")
        }
        let challenge = try Array(Data(contentsOf: folder.appendingPathComponent("challenge.bin")))
        return TestPKI(folder: folder, challenge: challenge)
    }

    static func date(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

    func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: folder.appendingPathComponent(name))) }

    func certificateDER(_ name: String) throws -> [UInt8] {
        try CertificateLoading.certificateDERs(try bytes("\(name).pem"))[0]
    }

    func certificate(_ name: String) throws -> Certificate { try Certificate(derEncoded: try certificateDER(name)) }

    /// `NAME.FORM`: CMS files as sent, raw signatures together with the card's certificate.
    func signed(_ card: String, _ form: String) throws -> SignedChallenge {
        try signed(file: "\(card).\(form)", card: card)
    }

    func signed(file: String, card: String, digest: ChallengeDigest = .sha256) throws -> SignedChallenge {
        if file.hasSuffix(".sig") {
            return .pkcs1(signature: try bytes(file), certificate: try certificateDER(card), digest: digest)
        }
        return .cms(signedData: try bytes(file))
    }

    func verifier(clock: any WallClock = ManualClock(TestPKI.now),
                  acceptedCards: BusinessCertificateVerifier.AcceptedCards = .primaryAndAttached,
                  allowSHA1: Bool = false, maxClockSkew: TimeInterval = 300,
                  checker: (any RevocationChecker)? = nil) throws -> BusinessCertificateVerifier {
        try BusinessCertificateVerifier(
            rootCertificates: [try bytes("grca.pem")], intermediateCertificates: [try bytes("moeaca.pem")],
            revocation: checker ?? CRLRevocationChecker(clock: clock, configuration: .init(allowFileURLs: true)),
            clock: clock, acceptedCards: acceptedCards, maxClockSkew: maxClockSkew, allowSHA1: allowSHA1)
    }
}

private struct PKIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
