import Foundation
import SuanliKit

/// The limits and checks for files attached to an application (SPEC C3.4). Pure: the upload route
/// reads the first `ContentSignature.headLength` bytes and the declared length, asks `check`, and only
/// then streams the rest to storage while hashing it; `AcceptedAttachment.record` closes the upload.
///
/// Checks run cheapest and most fixable first — name, type, emptiness, size, content, declared type,
/// then the application's count and total — and the first failure is reported, so the applicant
/// fixes one thing at a time and the message can be specific.
public struct AttachmentPolicy: Hashable, Sendable, Codable {
    public var maxFileBytes: Int64
    /// Across all of one application's attachments.
    public var maxTotalBytes: Int64
    public var maxFiles: Int

    /// 20 MiB a file is enough for a scanned, signed MOU at 300 dpi or a slide deck with pictures;
    /// 100 MiB and 20 files an application keep the review package something a reviewer can download.
    public static let standard = AttachmentPolicy(
        maxFileBytes: 20 * MebibyteText.mebibyte, maxTotalBytes: 100 * MebibyteText.mebibyte, maxFiles: 20)

    public init(maxFileBytes: Int64, maxTotalBytes: Int64, maxFiles: Int) {
        self.maxFileBytes = maxFileBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxFiles = maxFiles
    }

    /// - Parameters:
    ///   - head: the file's first `ContentSignature.headLength` bytes, or all of it if shorter.
    ///   - size: the whole file's length in bytes (the upload's declared length).
    ///   - declaredContentType: what the browser or client sent, if anything. It never decides the
    ///     stored type; it only refuses an upload when it names a different accepted type than the name
    ///     and content agree on. Generic and unknown values are ignored, because browsers guess the
    ///     type from the extension and send `application/octet-stream` when they cannot.
    ///   - existingCount, existingTotal: the application's attachments already stored.
    public func check(
        fileName: String, declaredContentType: String?, head: [UInt8], size: Int64,
        purpose: AttachmentPurpose = .supporting, existingCount: Int = 0, existingTotal: Int64 = 0
    ) throws(AttachmentProblem) -> AcceptedAttachment {
        let name = try AttachmentName(fileName)
        let allowed = purpose.allowedKinds
        guard let ext = name.fileExtension, let kind = AttachmentKind.forExtension(ext), allowed.contains(kind)
        else { throw .typeNotAllowed(extension: name.fileExtension, allowed: allowed) }
        guard size > 0, !head.isEmpty else { throw .empty }
        guard size <= maxFileBytes else { throw .tooLarge(size: size, limit: maxFileBytes) }
        let signature = ContentSignature.sniff(head)
        guard kind.accepts(signature) else { throw .contentMismatch(extension: ext, expected: kind, found: signature) }
        if let declared = AttachmentPolicy.mediaType(declaredContentType), !kind.declaredAliases.contains(declared),
           AttachmentKind.allCases.contains(where: { $0.declaredAliases.contains(declared) }) {
            throw .declaredTypeMismatch(declared: declared, kind: kind)
        }
        guard existingCount < maxFiles else { throw .tooManyFiles(limit: maxFiles) }
        guard existingTotal + size <= maxTotalBytes else {
            throw .totalTooLarge(existing: existingTotal, adding: size, limit: maxTotalBytes)
        }
        return AcceptedAttachment(name: name, kind: kind, purpose: purpose, size: size)
    }

    /// "Application/PDF; charset=binary" → "application/pdf"; nil for nothing at all.
    static func mediaType(_ declared: String?) -> String? {
        guard let declared else { return nil }
        let essence = declared.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let trimmed = essence.trimmingCharacters(in: .whitespaces).lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }
}

/// An upload that passed `AttachmentPolicy.check`; it becomes an `AttachmentRecord` once all its bytes
/// have arrived and been hashed.
public struct AcceptedAttachment: Hashable, Sendable {
    public let name: AttachmentName
    public let kind: AttachmentKind
    public let purpose: AttachmentPurpose
    public let size: Int64

    /// The type to store and serve: always the canonical one for the sniffed kind.
    public var contentType: String { kind.mimeType }

    /// Closes the upload. A different byte count means the stream broke off (or the client declared a
    /// false length), so nothing may be stored (X3).
    public func record(receivedBytes: Int64, sha256Hex: String) throws(AttachmentProblem) -> AttachmentRecord {
        guard receivedBytes == size else { throw .incomplete(expected: size, received: receivedBytes) }
        guard ContentDigest.isSHA256Hex(sha256Hex) else { throw .checksumInvalid }
        return AttachmentRecord(name: name, kind: kind, purpose: purpose, size: size, sha256: sha256Hex)
    }
}

/// A stored attachment as the Domain knows it (SPEC C3.4: stored with its checksum). The checksum is
/// what a later download is verified against and what the audit log names (X2).
public struct AttachmentRecord: Hashable, Sendable, Codable {
    public let name: AttachmentName
    public let kind: AttachmentKind
    public let purpose: AttachmentPurpose
    public let size: Int64
    /// Lower-case hex SHA-256 of the whole file (`ContentDigest.sha256Hex`).
    public let sha256: String

    public var contentType: String { kind.mimeType }
}
