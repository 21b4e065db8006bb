import Foundation

/// A MaxMind DB file (format 2.0, as GeoLite2-Country and GeoIP2-Country are published), read into memory
/// once, for the region policy (SPEC C6.1: no connections from China, Hong Kong or Macau).
///
/// Loading validates the metadata and that the search tree fits in the file, so a wrong or truncated file
/// is refused when the operator supplies it. Lookups walk the tree over the bytes in place and allocate
/// nothing but the result; every read is bounds-checked, so damage that loading cannot see makes a lookup
/// throw instead of crashing.
public final class MaxMindDB: Sendable {
    /// What the file says about itself, for the operator page (which database, built when).
    public struct Metadata: Equatable, Sendable {
        public let databaseType: String
        /// Seconds since 1970-01-01T00:00:00Z.
        public let buildEpoch: UInt64
        public let ipVersion: Int
        public let nodeCount: Int
        public let recordSize: Int
        public let binaryFormatMajorVersion: Int
        public let binaryFormatMinorVersion: Int
        public let languages: [String]
        /// Language code → description.
        public let description: [String: String]
    }

    public let metadata: Metadata
    private let bytes: [UInt8]
    private let dataStart: Int
    private let dataEnd: Int
    /// Where IPv4 lookups start in an IPv6 database: the node reached after 96 zero bits (::a.b.c.d).
    private let ipv4StartNode: Int

    /// Where a GeoIP2/GeoLite2-Country record keeps the ISO code, in order of preference.
    static let countryKeys: [StaticString] = ["country", "registered_country"]
    static let metadataMarker: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)
    /// The specification caps the metadata at 128 KiB, so the marker is searched for no further back.
    static let metadataSearchLimit = 128 * 1024

    public convenience init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw MaxMindDBError.unreadableFile(path: path, reason: error.localizedDescription)
        }
        try self.init(bytes: [UInt8](data))
    }

    public init(bytes: [UInt8]) throws {
        let markerStart = try Self.findMetadataMarker(in: bytes)
        let metadata = try bytes.withUnsafeBufferPointer { buffer in
            let decoder = MaxMindDBDecoder(
                buffer: buffer, base: markerStart + Self.metadataMarker.count, end: buffer.count)
            var budget = MaxMindDBDecoder.maximumValues
            let value: Value
            do {
                value = try decoder.value(at: decoder.base, budget: &budget)
            } catch MaxMindDBError.corruptDatabase(let reason) {
                throw MaxMindDBError.invalidMetadata(reason)
            }
            return try Self.metadata(from: value)
        }
        // node_count is a uint32 in the format, so this product cannot overflow Int.
        let treeSize = metadata.nodeCount * metadata.recordSize / 4
        guard treeSize + 16 <= markerStart else {
            throw MaxMindDBError.corruptDatabase(
                "search tree of \(metadata.nodeCount) nodes needs \(treeSize + 16) bytes before the metadata, "
                    + "the file has \(markerStart) (truncated?)")
        }
        self.metadata = metadata
        self.bytes = bytes
        dataStart = treeSize + 16
        dataEnd = markerStart
        ipv4StartNode = bytes.withUnsafeBufferPointer { buffer in
            var node = 0
            if metadata.ipVersion == 6 {
                for _ in 0..<96 where node < metadata.nodeCount {
                    node = Self.record(in: buffer, node: node, bit: 0, recordSize: metadata.recordSize)
                }
            }
            return node
        }
    }

    /// The ISO 3166-1 alpha-2 code for `address`: `country.iso_code`, or `registered_country.iso_code` where
    /// the record has no `country` (GeoLite2 does this for some satellite and anycast networks). Nil when the
    /// database has no record for the address, or no country in it — and for IPv6 addresses in an IPv4-only
    /// database, which cannot know them (check `metadata.ipVersion`).
    public func countryCode(for address: IPAddress) throws -> String? {
        try bytes.withUnsafeBufferPointer { buffer in
            guard let offset = try dataOffset(for: address, in: buffer) else { return nil }
            let decoder = MaxMindDBDecoder(buffer: buffer, base: dataStart, end: dataEnd)
            let record = try decoder.resolvedField(at: offset)
            guard record.kind == .map else {
                throw MaxMindDBError.notACountryDatabase("the record for \(address) is a \(record.kind), not a map")
            }
            for key in Self.countryKeys {
                guard let country = try decoder.value(in: record, forKey: key) else { continue }
                guard country.kind == .map else {
                    throw MaxMindDBError.notACountryDatabase("\(key) for \(address) is a \(country.kind), not a map")
                }
                guard let isoCode = try decoder.value(in: country, forKey: "iso_code") else { continue }
                guard isoCode.kind == .string else {
                    throw MaxMindDBError.notACountryDatabase("\(key).iso_code for \(address) is a \(isoCode.kind)")
                }
                return try decoder.string(isoCode)
            }
            return nil
        }
    }

    /// The whole record for `address`, decoded; nil when the database has none. For the operator's
    /// "look up an address" check and for tests — the policy itself uses `countryCode(for:)`.
    public func record(for address: IPAddress) throws -> Value? {
        try bytes.withUnsafeBufferPointer { buffer in
            guard let offset = try dataOffset(for: address, in: buffer) else { return nil }
            var budget = MaxMindDBDecoder.maximumValues
            let decoder = MaxMindDBDecoder(buffer: buffer, base: dataStart, end: dataEnd)
            return try decoder.value(at: offset, budget: &budget)
        }
    }

    /// Walks the search tree; the absolute offset of the address's record in the data section, or nil.
    private func dataOffset(for address: IPAddress, in buffer: UnsafeBufferPointer<UInt8>) throws -> Int? {
        let nodeCount = metadata.nodeCount
        var node = 0, bit = 0
        if address.isIPv4 {
            node = metadata.ipVersion == 6 ? ipv4StartNode : 0
            bit = 96
        } else if metadata.ipVersion == 4 {
            return nil
        }
        while bit < 128, node < nodeCount {
            node = Self.record(in: buffer, node: node, bit: address.bit(bit), recordSize: metadata.recordSize)
            bit += 1
        }
        if node == nodeCount { return nil }
        guard node > nodeCount else {
            let bits = address.isIPv4 ? 32 : 128
            throw MaxMindDBError.corruptDatabase("search tree deeper than the \(bits) bits of \(address)")
        }
        // Records past the node count point into the data section, after its 16-byte separator.
        let offset = dataStart + node - nodeCount - 16
        guard offset >= dataStart, offset < dataEnd else {
            throw MaxMindDBError.corruptDatabase("search tree record \(node) points beyond the data section")
        }
        return offset
    }

    /// One of a node's two records. The caller keeps `node` below the node count, which loading checked
    /// fits in the file.
    @inline(__always)
    private static func record(in buffer: UnsafeBufferPointer<UInt8>, node: Int, bit: Int, recordSize: Int) -> Int {
        func byte(_ offset: Int) -> Int { Int(buffer[offset]) }
        switch recordSize {
        case 24:
            let at = node * 6 + bit * 3
            return byte(at) << 16 | byte(at + 1) << 8 | byte(at + 2)
        case 28:
            // The middle byte holds the high nibble of each record: left in its top half, right in its bottom.
            let at = node * 7
            return bit == 0
                ? (byte(at + 3) & 0xF0) << 20 | byte(at) << 16 | byte(at + 1) << 8 | byte(at + 2)
                : (byte(at + 3) & 0x0F) << 24 | byte(at + 4) << 16 | byte(at + 5) << 8 | byte(at + 6)
        default:
            let at = node * 8 + bit * 4
            return byte(at) << 24 | byte(at + 1) << 16 | byte(at + 2) << 8 | byte(at + 3)
        }
    }
}
