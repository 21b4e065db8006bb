import Foundation

/// One encoder for every JSON column, so that what is written is read back exactly: sorted keys
/// (stable text for diffs and audit hashes) and Foundation's default date form, which round-trips
/// a `Date` bit for bit.
enum GrantsJSON {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
