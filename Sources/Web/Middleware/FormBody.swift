import Foundation
import Hummingbird
import NIOCore

/// An `application/x-www-form-urlencoded` body. Repeated keys keep every value (multi-selects).
public struct FormBody: Sendable {
    public let pairs: [(String, String)]

    public init(buffer: ByteBuffer) {
        self.init(string: String(buffer: buffer))
    }

    public init(string: String) {
        pairs = string.split(separator: "&").compactMap { part in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = kv.first.flatMap({ Self.decode(String($0)) }) else { return nil }
            return (key, kv.count > 1 ? Self.decode(String(kv[1])) ?? "" : "")
        }
    }

    static func decode(_ text: String) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    public func first(_ key: String) -> String? { pairs.first { $0.0 == key }?.1 }
    public subscript(_ key: String) -> String { first(key) ?? "" }
    public func all(_ key: String) -> [String] { pairs.filter { $0.0 == key }.map(\.1) }
    public var dictionary: [String: String] {
        var result: [String: String] = [:]
        for (key, value) in pairs where result[key] == nil { result[key] = value }
        return result
    }
}

extension Request {
    /// The form body; a body too large or not valid UTF-8 is a clear 4xx, never a 500.
    public mutating func form(context: some RequestContext) async throws -> FormBody {
        let buffer = try await collectBody(upTo: context.maxUploadSize)
        return FormBody(buffer: buffer)
    }
}
