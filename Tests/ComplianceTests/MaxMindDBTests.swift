@testable import Compliance
import Foundation
import Testing

/// The MaxMind DB reader behind the region policy (SPEC C6.1), on files written by mmdb-writer through
/// `scripts/make-test-mmdb` (networks listed there) and on damaged copies of them.
@Suite struct MaxMindDBTests {
    static let expectations: [(String, String?)] = [
        ("1.0.1.5", "CN"), ("1.0.1.255", "CN"), ("1.36.200.1", "HK"), ("60.246.1.1", "MO"),
        ("1.170.0.1", "TW"), ("1.175.255.255", "TW"), ("8.8.8.8", "US"),
        ("203.0.113.9", "HK"),  // registered_country only
        ("2400:da00::1", "CN"), ("2400:da00:ffff::1", "CN"), ("2404:c800:1::1", "HK"),
        ("2001:b000::5", "TW"), ("2001:4860::8888", "US"),
        ("2001:db8:4d4f::1", "MO"),  // registered_country only
        ("9.9.9.9", nil), ("1.0.2.1", nil), ("1.176.0.0", nil), ("2a00::1", nil), ("2400:da01::1", nil),
        ("::ffff:1.0.1.5", "CN"),  // IPv4-mapped is IPv4
    ]

    @Test("SPEC C6.1: lookups in IPv6 databases with 24-, 28- and 32-bit records",
          arguments: ["country-v6", "country-v6-rs28", "country-v6-rs32"])
    func looksUpCountries(fixture: String) throws {
        let database = try MaxMindDB(contentsOf: try fixturePath(fixture))
        for (text, expected) in Self.expectations {
            let address = try #require(IPAddress(text))
            #expect(try database.countryCode(for: address) == expected, "\(text) in \(fixture)")
        }
    }

    @Test func recordSizesAreWhatTheFixturesSay() throws {
        for (name, size) in [("country-v6", 24), ("country-v6-rs28", 28), ("country-v6-rs32", 32)] {
            #expect(try MaxMindDB(contentsOf: try fixturePath(name)).metadata.recordSize == size)
        }
    }

    @Test func ipv4OnlyDatabaseAnswersIPv4AndKnowsNoIPv6() throws {
        let database = try MaxMindDB(contentsOf: try fixturePath("country-v4"))
        #expect(database.metadata.ipVersion == 4)
        for (text, expected) in Self.expectations {
            let address = try #require(IPAddress(text))
            #expect(try database.countryCode(for: address) == (address.isIPv4 ? expected : nil), "\(text)")
        }
    }

    @Test func metadataDescribesTheFile() throws {
        let metadata = try MaxMindDB(contentsOf: try fixturePath("country-v6")).metadata
        #expect(metadata.databaseType == "GeoLite2-Country")
        #expect(metadata.buildEpoch == 1_767_225_600)
        #expect(metadata.ipVersion == 6)
        #expect(metadata.recordSize == 24)
        #expect(metadata.nodeCount > 0)
        #expect(metadata.binaryFormatMajorVersion == 2 && metadata.binaryFormatMinorVersion == 0)
        #expect(metadata.languages == ["en", "zh-CN"])
        #expect(metadata.description["en"]?.contains("not real geolocation") == true)
    }

    @Test func wholeRecordDecodesThroughMmdbWritersPointers() throws {
        let database = try MaxMindDB(contentsOf: try fixturePath("country-v6"))
        let china: MaxMindDB.Value = .map([
            "geoname_id": .uint32(1_814_991), "iso_code": .string("CN"),
            "names": .map(["en": .string("China"), "zh-CN": .string("中国")]),
        ])
        let record = try database.record(for: try #require(IPAddress("1.0.1.5")))
        #expect(record == .map([
            "continent": .map(["code": .string("AS")]), "country": china, "registered_country": china,
        ]))
        #expect(try database.record(for: try #require(IPAddress("9.9.9.9"))) == nil)
    }

    // MARK: files that are not databases, or damaged ones: a clear error, never a crash.

    @Test func emptyFileIsNotADatabase() {
        #expect(throws: MaxMindDBError.metadataMarkerNotFound) { try MaxMindDB(bytes: []) }
        #expect(MaxMindDBError.metadataMarkerNotFound.description
            == "not a MaxMind DB file: metadata marker not found")
    }

    @Test func randomBytesAreNotADatabase() {
        var random = SeededGenerator(state: 61)
        for count in [1, 13, 14, 100, 4096, 200_000] {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(throws: MaxMindDBError.metadataMarkerNotFound) { try MaxMindDB(bytes: bytes) }
        }
    }

    @Test func missingFileSaysSo() {
        #expect {
            try MaxMindDB(contentsOf: "/nonexistent/GeoLite2-Country.mmdb")
        } throws: { error in
            guard case .unreadableFile(let path, _)? = error as? MaxMindDBError else { return false }
            return path == "/nonexistent/GeoLite2-Country.mmdb"
        }
    }

    @Test func unsupportedMetadataIsRefusedAtLoad() {
        let data = MMDBBytes.country("CN")
        let cases: [([UInt8], MaxMindDBError)] = [
            (MMDBBytes.metadata(recordSize: 20), .unsupportedRecordSize(20)),
            (MMDBBytes.metadata(ipVersion: 5), .unsupportedIPVersion(5)),
            (MMDBBytes.metadata(major: 3), .unsupportedFormatVersion(3)),
            (MMDBBytes.metadata(nodeCount: 0), .invalidMetadata("node_count is 0")),
            (MMDBBytes.metadata(leaving: "node_count"), .invalidMetadata("node_count is missing")),
            (MMDBBytes.metadata(leaving: "database_type"),
             .invalidMetadata("database_type is missing or not a string")),
            (MMDBBytes.string("metadata"), .invalidMetadata("the metadata is a string, not a map")),
        ]
        for (metadata, expected) in cases {
            #expect(throws: expected) { try MaxMindDB(bytes: MMDBBytes.database(data: data, metadata: metadata)) }
        }
        #expect(MaxMindDBError.unsupportedRecordSize(20).description
            == "unsupported record size 20 (MaxMind DB uses 24, 28 or 32)")
    }

    @Test func recordSize20InAnMmdbWriterFileIsRefused() throws {
        // mmdb-writer writes record_size as uint16 0xA1 0x18 (24); make it 20.
        var bytes = try fixtureBytes("country-v6")
        let key = MMDBBytes.string("record_size")
        let at = try #require(bytes.indices.last { bytes[$0...].starts(with: key) }) + key.count
        #expect(Array(bytes[at...at + 1]) == [0xA1, 24])
        bytes[at + 1] = 20
        #expect(throws: MaxMindDBError.unsupportedRecordSize(20)) { try MaxMindDB(bytes: bytes) }
    }

    @Test func treeLargerThanTheFileIsRefusedAtLoad() throws {
        let bytes = MMDBBytes.database(data: MMDBBytes.country("CN"), metadata: MMDBBytes.metadata(nodeCount: 1000))
        #expect {
            try MaxMindDB(bytes: bytes)
        } throws: { error in
            "\(error)".hasPrefix("corrupt database: search tree of 1000 nodes needs 6016 bytes")
        }
    }

    @Test func fileCutFromTheMiddleIsRefusedOrFailsLookups() throws {
        let bytes = try fixtureBytes("country-v6")
        let markerAt = try #require(bytes.indices.last { bytes[$0...].starts(with: MMDBBytes.marker) })
        // Dropping data-section bytes keeps the tree valid but leaves its records pointing past the data.
        let treeEnd = try MaxMindDB(bytes: bytes).metadata.nodeCount * 6 + 16
        let cut = Array(bytes[..<(treeEnd + 10)] + bytes[markerAt...])
        let database = try MaxMindDB(bytes: cut)
        #expect(throws: MaxMindDBError.self) { try database.countryCode(for: try #require(IPAddress("8.8.8.8"))) }
        // Cutting the metadata short.
        #expect {
            try MaxMindDB(bytes: Array(bytes.dropLast()))
        } throws: { error in
            "\(error)".hasPrefix("invalid MaxMind DB metadata: ") && "\(error)".hasSuffix("past the end of its section")
        }
        // Dropping tree bytes makes the tree not fit.
        #expect(throws: MaxMindDBError.self) { try MaxMindDB(bytes: Array(bytes[..<100] + bytes[markerAt...])) }
    }

    /// Every prefix of a real file, and thousands of randomly damaged copies: each either loads or throws,
    /// and each loaded one answers or throws — the process surviving is the test.
    @Test func truncatedAndDamagedFilesNeverCrash() throws {
        let probes = Self.expectations.compactMap { IPAddress($0.0) }
        func exercise(_ bytes: [UInt8]) {
            guard let database = try? MaxMindDB(bytes: bytes) else { return }
            for address in probes {
                _ = try? database.countryCode(for: address)
                _ = try? database.record(for: address)
            }
        }
        for name in ["country-v6", "country-v4", "country-v6-rs28", "country-v6-rs32"] {
            let bytes = try fixtureBytes(name)
            let markerEnd = try #require(bytes.indices.last { bytes[$0...].starts(with: MMDBBytes.marker) }) + 14
            for length in 0..<bytes.count {
                let prefix = Array(bytes[..<length])
                if length < markerEnd {
                    #expect(throws: MaxMindDBError.metadataMarkerNotFound) { try MaxMindDB(bytes: prefix) }
                }
                exercise(prefix)
            }
            var random = SeededGenerator(state: UInt64(bytes.count))
            for _ in 0..<3000 {
                var damaged = bytes
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    let at = Int.random(in: 0..<damaged.count, using: &random)
                    damaged[at] = UInt8.random(in: 0...255, using: &random)
                }
                exercise(damaged)
            }
        }
    }
}
