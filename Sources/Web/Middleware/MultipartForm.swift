import Foundation
import Grants
import Hummingbird
import MultipartKit
import NIOCore
import SuanliKit

/// A `multipart/form-data` body (file uploads, SPEC C3.4): the text fields and the files. The body
/// is collected up to `maxBody` — the attachment limit plus room for the other fields — so an
/// oversized upload is refused with 413 before anything is parsed or stored.
public struct MultipartForm: Sendable {
    public static let maxBody = Int(AttachmentPolicy.standard.maxFileBytes) + 1_048_576

    public var fields: [String: [String]] = [:]
    public var files: [String: IncomingFile] = [:]

    public func first(_ name: String) -> String? { fields[name]?.first }
    public subscript(_ name: String) -> String { first(name) ?? "" }

    public static func isMultipart(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true
    }

    static func boundary(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    public static let malformed = UserFacingError(
        .invalidInput, code: "upload.malformed", zh: "上傳內容格式不正確，請重新選擇檔案後再送出。",
        en: "The upload was malformed; choose the file again and resubmit.")

    public init(buffer: ByteBuffer, contentType: String?) throws {
        guard let boundary = Self.boundary(contentType), !boundary.isEmpty else { throw Self.malformed }
        let parser = MultipartParser(boundary: boundary)
        var headers: [(String, String)] = []
        var body = ByteBuffer()
        var parts: [([(String, String)], ByteBuffer)] = []
        parser.onHeader = { name, value in headers.append((name, value)) }
        parser.onBody = { chunk in body.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append((headers, body))
            headers = []
            body = ByteBuffer()
        }
        do { try parser.execute(buffer) } catch { throw Self.malformed }
        for (headers, body) in parts {
            let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
            let parameters = Self.parameters(disposition)
            guard let name = parameters["name"] else { continue }
            if let fileName = parameters["filename"] {
                guard !fileName.isEmpty else { continue }  // a file input left empty
                let type = headers.first { $0.0.lowercased() == "content-type" }?.1
                files[name] = IncomingFile(fileName: fileName, contentType: type,
                                           bytes: Array(body.readableBytesView))
            } else {
                fields[name, default: []].append(String(buffer: body))
            }
        }
    }

    /// `form-data; name="file"; filename="計畫書.pdf"` → ["name": "file", "filename": "計畫書.pdf"].
    static func parameters(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        for item in header.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            result[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] = value
        }
        return result
    }
}

extension Request {
    public mutating func multipartForm() async throws -> MultipartForm {
        let buffer = try await collectBody(upTo: MultipartForm.maxBody)
        return try MultipartForm(buffer: buffer, contentType: headers[.contentType])
    }
}
