import Foundation
import SwiftASN1

/// What the HiPKI local component (localhost:61161, `MakeSignature`) hands back after the card signed
/// the login challenge (SPEC T1). The page posts it to the server; nothing here is trusted yet.
public enum SignedChallenge: Sendable, Equatable {
    /// A PKCS#7/CMS SignedData (DER or BER). Its content — attached, or detached with the challenge
    /// as content — must be exactly the challenge. `certificate` is the signer certificate when the
    /// component sent it separately (`certb64`) instead of inside the SignedData.
    case cms(signedData: [UInt8], certificate: [UInt8]? = nil)
    /// A raw PKCS#1 v1.5 (or, for EC keys, DER ECDSA) signature over the challenge, with the signer
    /// certificate in DER.
    case pkcs1(signature: [UInt8], certificate: [UInt8], digest: ChallengeDigest = .sha256)

    /// `signedData`: base64 (with or without line breaks) or a PEM `PKCS7`/`CMS` block.
    /// `certificate`: base64 DER or PEM, optional.
    public static func cms(encoded signedData: String, certificate: String? = nil) throws -> SignedChallenge {
        let bytes = try CertificateLoading.decodeTextOrBase64(signedData)
        return .cms(signedData: bytes, certificate: try certificate.map(CertificateLoading.decodeTextOrBase64))
    }

    /// `signature`: base64; `certificate`: base64 DER or PEM.
    public static func pkcs1(encoded signature: String, certificate: String,
                             digest: ChallengeDigest = .sha256) throws -> SignedChallenge {
        .pkcs1(signature: try CertificateLoading.decodeTextOrBase64(signature),
               certificate: try CertificateLoading.decodeTextOrBase64(certificate), digest: digest)
    }

    /// The `signatureType` the page asked HiPKI for.
    public enum HiPKISignatureType: String, Sendable {
        case pkcs7 = "PKCS7"
        case pkcs1 = "PKCS1"
    }

    /// Reads HiPKI's `MakeSignature` reply, `{"ret_code":0,"signature":"<base64>","certb64":"<base64>"}`,
    /// exactly as the popup posted it. A non-zero `ret_code` means the card or PIN step failed.
    public static func hiPKIResponse(_ json: String, signatureType: HiPKISignatureType,
                                     digest: ChallengeDigest = .sha256) throws -> SignedChallenge {
        struct Reply: Decodable {
            var ret_code: Int
            var signature: String?
            var certb64: String?
        }
        guard let reply = try? JSONDecoder().decode(Reply.self, from: Data(json.utf8)), reply.ret_code == 0,
              let signature = reply.signature, !signature.isEmpty else {
            throw BusinessCertificateErrors.malformed
        }
        let certificate = reply.certb64.flatMap { $0.isEmpty ? nil : $0 }
        switch signatureType {
        case .pkcs7:
            return try .cms(encoded: signature, certificate: certificate)
        case .pkcs1:
            guard let certificate else { throw BusinessCertificateErrors.signerMissing }
            return try .pkcs1(encoded: signature, certificate: certificate, digest: digest)
        }
    }
}

/// Turning the various encodings clients and configuration use into DER bytes.
public enum CertificateLoading {
    /// Base64 (standard or URL-safe, whitespace ignored) or a single PEM block → bytes.
    /// Throws `BusinessCertificateErrors.malformed`.
    public static func decodeTextOrBase64(_ text: String) throws -> [UInt8] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("-----BEGIN") {
            guard let document = try? PEMDocument(pemString: trimmed) else { throw BusinessCertificateErrors.malformed }
            return document.derBytes
        }
        var base64 = String(trimmed.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) })
        base64 = base64.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard !base64.isEmpty, let data = Data(base64Encoded: base64) else { throw BusinessCertificateErrors.malformed }
        return Array(data)
    }

    /// Every certificate in PEM text (one or many blocks) or a single DER certificate.
    public static func certificateDERs(_ bytes: [UInt8]) throws -> [[UInt8]] {
        if let text = String(bytes: bytes, encoding: .utf8), text.contains("-----BEGIN") {
            let documents = try PEMDocument.parseMultiple(pemString: text)
            return documents.filter { $0.discriminator == "CERTIFICATE" }.map(\.derBytes)
        }
        return [bytes]
    }
}
