@testable import Compliance
import Foundation
import Testing

/// Builds MaxMind DB bytes by hand, for what `scripts/make-test-mmdb` cannot make: every data type, every
/// pointer size, damaged metadata. Written from the specification, apart from the reader.
enum MMDBBytes {
    static let marker: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)

    static func control(_ type: Int, _ size: Int) -> [UInt8] {
        let (five, extra): (Int, [UInt8]) = switch size {
        case ..<29: (size, [])
        case ..<285: (29, [UInt8(size - 29)])
        case ..<65_821: (30, bigEndian(size - 285, count: 2))
        default: (31, bigEndian(size - 65_821, count: 3))
        }
        let head: [UInt8] = type <= 7 ? [UInt8(type << 5 | five)] : [UInt8(five), UInt8(type - 7)]
        return head + extra
    }

    static func bigEndian(_ value: some BinaryInteger, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * (count - 1 - $0))) }
    }

    static func string(_ text: String) -> [UInt8] { control(2, text.utf8.count) + Array(text.utf8) }

    /// The fewest big-endian bytes, as writers store unsigned integers.
    static func unsigned(_ type: Int, _ value: UInt128) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = value
        while rest != 0 { bytes.insert(UInt8(truncatingIfNeeded: rest), at: 0); rest >>= 8 }
        return control(type, bytes.count) + bytes
    }

    static func map(_ entries: [(String, [UInt8])]) -> [UInt8] {
        control(7, entries.count) + entries.flatMap { string($0.0) + $0.1 }
    }

    static func array(_ items: [[UInt8]]) -> [UInt8] { control(11, items.count) + items.flatMap { $0 } }

    /// A pointer of `size` (1...4 bytes after the control byte's three value bits) to data-section `target`.
    static func pointer(to target: Int, size: Int) -> [UInt8] {
        switch size {
        case 1: [UInt8(0x20 | target >> 8), UInt8(target & 0xFF)]
        case 2: [UInt8(0x28 | (target - 2048) >> 16)] + bigEndian(target - 2048, count: 2)
        case 3: [UInt8(0x30 | (target - 526_336) >> 24)] + bigEndian(target - 526_336, count: 3)
        default: [0x38] + bigEndian(target, count: 4)
        }
    }

    static func country(_ iso: String) -> [UInt8] { map([("country", map([("iso_code", string(iso))]))]) }

    static func metadata(
        nodeCount: Int = 1, recordSize: Int = 24, ipVersion: Int = 4, major: Int = 2,
        leaving omitted: String? = nil
    ) -> [UInt8] {
        let entries: [(String, [UInt8])] = [
            ("node_count", unsigned(6, UInt128(nodeCount))),
            ("record_size", unsigned(5, UInt128(recordSize))),
            ("ip_version", unsigned(5, UInt128(ipVersion))),
            ("database_type", string("Handmade-Test")),
            ("languages", array([string("en")])),
            ("binary_format_major_version", unsigned(5, UInt128(major))),
            ("binary_format_minor_version", unsigned(5, 0)),
            ("build_epoch", unsigned(9, 1_767_225_600)),
            ("description", map([("en", string("hand-built"))])),
        ]
        return map(entries.filter { $0.0 != omitted })
    }

    /// An IPv4 database of one node: 0.0.0.0/1 has the record at data offset `recordAt`, 128.0.0.0/1 none.
    static func database(data: [UInt8], recordAt: Int = 0, metadata: [UInt8] = metadata()) -> [UInt8] {
        let left = 1 + 16 + recordAt
        return bigEndian(left, count: 3) + bigEndian(1, count: 3) + [UInt8](repeating: 0, count: 16) + data
            + marker + metadata
    }

    static let inData = IPAddress(ipv4: 0x0102_0304)  // 1.2.3.4: first bit 0
    static let notInData = IPAddress(ipv4: 0xC633_6401)  // 198.51.100.1: first bit 1
}

func fixturePath(_ name: String) throws -> String {
    try #require(Bundle.module.path(forResource: name, ofType: "mmdb", inDirectory: "Fixtures"))
}

func fixtureBytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: try fixturePath(name))))
}

/// SplitMix64: the damage tests must be the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
