@testable import Compliance
import Testing

/// The MaxMind DB data-section decoder (SPEC C6.1), on hand-built databases: every data type, every pointer
/// size, and the ways a damaged data section must fail.
@Suite struct MaxMindDBDecoderTests {
    typealias B = MMDBBytes

    func database(_ data: [UInt8], recordAt: Int = 0) throws -> MaxMindDB {
        try MaxMindDB(bytes: B.database(data: data, recordAt: recordAt))
    }

    @Test func decodesEveryDataType() throws {
        let record = B.map([
            ("string", B.string("臺灣")),
            ("long string", B.string(String(repeating: "x", count: 300))),
            ("double", B.control(3, 8) + B.bigEndian((-1.5).bitPattern, count: 8)),
            ("bytes", B.control(4, 3) + [0, 1, 255]),
            ("uint16", B.unsigned(5, 65_535)),
            ("uint32", B.unsigned(6, 4_000_000_000)),
            ("int32", B.control(8, 4) + B.bigEndian(UInt32(bitPattern: -42), count: 4)),
            ("short int32", B.control(8, 1) + [0xFF]),
            ("uint64", B.unsigned(9, UInt128(UInt64.max))),
            ("uint128", B.unsigned(10, UInt128.max)),
            ("zero", B.unsigned(6, 0)),
            ("array", B.array([B.unsigned(5, 1), B.string("two"), B.array([])])),
            ("true", B.control(14, 1)),
            ("false", B.control(14, 0)),
            ("float", B.control(15, 4) + B.bigEndian(Float(0.25).bitPattern, count: 4)),
            ("map", B.map([("nested", B.map([]))])),
        ])
        let value = try database(record).record(for: B.inData)
        #expect(value == .map([
            "string": .string("臺灣"), "long string": .string(String(repeating: "x", count: 300)),
            "double": .double(-1.5), "bytes": .bytes([0, 1, 255]), "uint16": .uint16(65_535),
            "uint32": .uint32(4_000_000_000), "int32": .int32(-42), "short int32": .int32(255),
            "uint64": .uint64(.max), "uint128": .uint128(.max), "zero": .uint32(0),
            "array": .array([.uint16(1), .string("two"), .array([])]), "true": .boolean(true),
            "false": .boolean(false), "float": .float(0.25), "map": .map(["nested": .map([:])]),
        ]))
        #expect(try database(record).record(for: B.notInData) == nil)
    }

    @Test func decodesLongSizes() throws {
        // Sizes of 29+, 285+ and 65,821+ bytes take one, two and three extra size bytes.
        for count in [28, 29, 284, 285, 65_820, 65_821, 70_000] {
            let text = String(repeating: "a", count: count)
            #expect(try database(B.string(text)).record(for: B.inData) == .string(text))
        }
    }

    @Test("pointers of all four sizes", arguments: [(1, 100), (2, 2048), (2, 526_335), (3, 526_336), (4, 40)])
    func followsPointers(size: Int, target: Int) throws {
        var data = B.pointer(to: target, size: size)
        data += [UInt8](repeating: 0, count: target - data.count) + B.country("CN")
        #expect(try database(data).countryCode(for: B.inData) == "CN")
        #expect(try database(data).record(for: B.inData) == .map(["country": .map(["iso_code": .string("CN")])]))
    }

    @Test func mapKeysAndValuesMayBePointers() throws {
        // Keys "country" and "iso_code" stored once and pointed to, as mmdb-writer does.
        let country = B.string("country"), isoCode = B.string("iso_code"), cn = B.string("CN")
        let inner = B.control(7, 1) + B.pointer(to: country.count, size: 1)
            + B.pointer(to: country.count + isoCode.count, size: 1)
        let innerAt = country.count + isoCode.count + cn.count
        let outer = B.control(7, 1) + B.pointer(to: 0, size: 1) + B.pointer(to: innerAt, size: 1)
        let database = try database(country + isoCode + cn + inner + outer, recordAt: innerAt + inner.count)
        #expect(try database.countryCode(for: B.inData) == "CN")
    }

    @Test func fallsBackToRegisteredCountry() throws {
        let record = B.map([
            ("continent", B.map([("code", B.string("AS"))])),
            ("registered_country", B.map([("iso_code", B.string("HK")), ("names", B.map([]))])),
        ])
        #expect(try database(record).countryCode(for: B.inData) == "HK")
        let both = B.map([
            ("registered_country", B.map([("iso_code", B.string("US"))])),
            ("country", B.map([("iso_code", B.string("MO"))])),
        ])
        #expect(try database(both).countryCode(for: B.inData) == "MO")
        #expect(try database(B.map([("city", B.map([]))])).countryCode(for: B.inData) == nil)
    }

    @Test func recordsNotShapedLikeCountriesAreReported() throws {
        let cases: [[UInt8]] = [
            B.string("CN"),
            B.map([("country", B.string("CN"))]),
            B.map([("country", B.map([("iso_code", B.unsigned(5, 86))]))]),
        ]
        for record in cases {
            #expect {
                _ = try database(record).countryCode(for: B.inData)
            } throws: { error in
                if case .notACountryDatabase? = error as? MaxMindDBError { true } else { false }
            }
        }
    }

    /// Offsets in the messages count from the start of the file: data starts after the 6-byte tree and the
    /// 16-byte separator, at 22.
    static let damagedCases: [([UInt8], String)] = [
        (B.pointer(to: 5000, size: 2), "corrupt database: pointer beyond data section"),
        ([0x38, 0, 0, 0, 5] + [0x20, 0], "corrupt database: pointer to a pointer at 22"),
        ([0x5F], "corrupt database: field size cut short by the end of its section"),
        (B.control(2, 10) + Array("short".utf8), "corrupt database: string of 10 bytes runs past the end"),
        ([0x00, 0x00], "corrupt database: extended type byte 0 at 22"),
        ([0x00, 0x09], "corrupt database: unknown data type 16 at 22"),
        (B.control(14, 2), "corrupt database: boolean with value 2"),
        (B.control(3, 4) + [0, 0, 0, 0], "corrupt database: double of 4 bytes"),
        (B.control(5, 3) + [1, 2, 3], "corrupt database: uint16 of 3 bytes"),
        (B.control(12, 0), "corrupt database: dataCacheContainer where a value was expected"),
        (B.control(13, 0), "corrupt database: endMarker where a value was expected"),
        (B.control(7, 1) + B.unsigned(5, 1) + B.string("x"), "corrupt database: map key of type uint16"),
        (B.control(2, 2) + [0xC3, 0x28], "corrupt database: string at 23 is not valid UTF-8"),
    ]

    @Test("damaged data sections throw a clear error", arguments: damagedCases)
    func damagedDataThrows(data: [UInt8], message: String) throws {
        let database = try database(data)
        #expect {
            _ = try database.record(for: B.inData)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test func pointerCyclesEndInAnError() throws {
        // A map whose value points back at the map itself.
        let cyclic = B.control(7, 1) + B.string("country") + B.pointer(to: 0, size: 1)
        let database = try database(cyclic)
        #expect { _ = try database.record(for: B.inData) } throws: { "\($0)".contains("nested more than 512") }
        // The country lookup follows a fixed path, so it finds no iso_code and ends.
        #expect(try database.countryCode(for: B.inData) == nil)
    }

    @Test func treeRecordsOutsideTheDataSectionThrow() throws {
        // 1 node + 16 + offset: an offset past the data, and a record pointing into the 16-byte separator.
        let data = B.country("CN")
        let past = try MaxMindDB(bytes: B.database(data: data, recordAt: data.count))
        #expect { _ = try past.countryCode(for: B.inData) } throws: { "\($0)".contains("beyond the data section") }
        let intoSeparator = try MaxMindDB(bytes: B.database(data: data, recordAt: -5))
        #expect(throws: MaxMindDBError.self) { _ = try intoSeparator.countryCode(for: B.inData) }
    }
}
