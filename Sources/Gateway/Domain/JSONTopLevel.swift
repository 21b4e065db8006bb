/// A request body as the gateway needs it: validated as one JSON object, its top-level members found
/// by byte range, and rewritten by splicing — never decoded into a tree and encoded again (issue 4,
/// item 10: no full JSON round-trip on the hot path). Nested values are validated but not built.
///
/// Duplicate top-level keys are refused: parsers disagree on which one wins, so a body that said
/// `"max_tokens": 10, "max_tokens": 100000` could be admitted on one value and run on the other.
public struct JSONTopLevel: Sendable {
    public struct Member: Sendable, Equatable {
        public let key: String
        /// The value's bytes in `bytes`.
        public let value: Range<Int>
    }

    public enum Failure: Error, Equatable, Sendable {
        case notAnObject
        case malformed(offset: Int)
        case tooDeep
        case duplicateKey(String)

        public var message: String {
            switch self {
            case .notAnObject: "The request body must be a JSON object."
            case .malformed(let offset): "The request body is not valid JSON (at byte \(offset))."
            case .tooDeep: "The request body nests JSON deeper than 128 levels."
            case .duplicateKey(let key): "The request body names '\(key)' twice; send each field once."
            }
        }
    }

    public let bytes: [UInt8]
    public let members: [Member]

    public static let maxDepth = 128

    public init(_ bytes: [UInt8]) throws(Failure) {
        self.bytes = bytes
        var scanner = Scanner(bytes: bytes)
        scanner.skipSpace()
        guard scanner.peek == UInt8(ascii: "{") else { throw .notAnObject }
        var members: [Member] = []
        var seen = Set<String>()
        scanner.index += 1
        scanner.skipSpace()
        if scanner.peek == UInt8(ascii: "}") {
            scanner.index += 1
        } else {
            while true {
                scanner.skipSpace()
                guard scanner.peek == UInt8(ascii: "\"") else { throw .malformed(offset: scanner.index) }
                let keyRange = try scanner.string()
                guard let key = JSONTopLevel.decodeString(bytes[keyRange]) else {
                    throw .malformed(offset: keyRange.lowerBound)
                }
                guard seen.insert(key).inserted else { throw .duplicateKey(key) }
                scanner.skipSpace()
                guard scanner.peek == UInt8(ascii: ":") else { throw .malformed(offset: scanner.index) }
                scanner.index += 1
                scanner.skipSpace()
                let start = scanner.index
                try scanner.value(depth: 1)
                members.append(Member(key: key, value: start..<scanner.index))
                scanner.skipSpace()
                if scanner.peek == UInt8(ascii: ",") { scanner.index += 1; continue }
                guard scanner.peek == UInt8(ascii: "}") else { throw .malformed(offset: scanner.index) }
                scanner.index += 1
                break
            }
        }
        scanner.skipSpace()
        guard scanner.index == bytes.count else { throw .malformed(offset: scanner.index) }
        self.members = members
    }

    public func raw(_ key: String) -> ArraySlice<UInt8>? {
        members.first { $0.key == key }.map { bytes[$0.value] }
    }

    public func contains(_ key: String) -> Bool { members.contains { $0.key == key } }

    /// The member's value when it is a string.
    public func string(_ key: String) -> String? {
        guard let raw = raw(key), raw.first == UInt8(ascii: "\"") else { return nil }
        return Self.decodeString(raw)
    }

    /// The member's value when it is a whole number that fits an Int (`10`, not `10.5` or `1e3`).
    public func integer(_ key: String) -> Int? {
        guard let raw = raw(key) else { return nil }
        return Self.integer(raw)
    }

    public func bool(_ key: String) -> Bool? {
        switch raw(key).map(Array.init) {
        case Array("true".utf8)?: true
        case Array("false".utf8)?: false
        default: nil
        }
    }

    public func isNull(_ key: String) -> Bool { raw(key).map { Array($0) == Array("null".utf8) } ?? false }

    /// The object with `drop` removed and `add` appended (each value already JSON), member order kept.
    public func rewritten(dropping drop: Set<String>, adding add: [(key: String, json: String)]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64 + add.reduce(0) { $0 + $1.key.utf8.count + $1.json.utf8.count + 4 })
        out.append(UInt8(ascii: "{"))
        var first = true
        for member in members where !drop.contains(member.key) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            Self.appendString(member.key, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: bytes[member.value])
        }
        for (key, json) in add {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            Self.appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: json.utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    // MARK: Values

    public static func integer(_ raw: ArraySlice<UInt8>) -> Int? {
        var value = 0
        var negative = false
        var index = raw.startIndex
        if index < raw.endIndex, raw[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        guard index < raw.endIndex else { return nil }
        while index < raw.endIndex {
            let byte = raw[index]
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(Int(byte - 0x30))
            guard !o1, !o2 else { return nil }
            value = plus
            index += 1
        }
        return negative ? -value : value
    }

    /// A JSON string literal (with its quotes) decoded, or nil if it is not one.
    public static func decodeString(_ raw: ArraySlice<UInt8>) -> String? {
        guard raw.count >= 2, raw.first == UInt8(ascii: "\""), raw.last == UInt8(ascii: "\"") else { return nil }
        let body = raw.dropFirst().dropLast()
        if !body.contains(UInt8(ascii: "\\")) { return String(validating: body, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var index = body.startIndex
        while index < body.endIndex {
            let byte = body[index]
            guard byte == UInt8(ascii: "\\") else { out.append(byte); index += 1; continue }
            index += 1
            guard index < body.endIndex else { return nil }
            switch body[index] {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard let unit = hex4(body, index + 1) else { return nil }
                index += 4
                var scalarValue = UInt32(unit)
                if (0xD800..<0xDC00).contains(unit) {
                    // A high surrogate must be followed by \uDC00–\uDFFF.
                    guard index + 6 < body.endIndex, body[index + 1] == UInt8(ascii: "\\"),
                          body[index + 2] == UInt8(ascii: "u"), let low = hex4(body, index + 3),
                          (0xDC00..<0xE000).contains(low) else { return nil }
                    scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    index += 6
                }
                guard let scalar = Unicode.Scalar(scalarValue) else { return nil }
                out.append(contentsOf: String(Character(scalar)).utf8)
            default: return nil
            }
            index += 1
        }
        return String(validating: out, as: UTF8.self)
    }

    static func hex4(_ bytes: ArraySlice<UInt8>, _ start: Int) -> UInt16? {
        guard start + 4 <= bytes.endIndex else { return nil }
        var value: UInt16 = 0
        for byte in bytes[start..<start + 4] {
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// Appends `text` as a JSON string literal.
    public static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    public static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        appendString(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// A validating JSON scanner over bytes (RFC 8259 grammar), positions only.
struct JSONScanner {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    typealias Failure = JSONTopLevel.Failure

    mutating func value(depth: Int) throws(Failure) {
        guard depth <= JSONTopLevel.maxDepth else { throw .tooDeep }
        guard let byte = peek else { throw .malformed(offset: index) }
        switch byte {
        case UInt8(ascii: "{"):
            index += 1
            skipSpace()
            if peek == UInt8(ascii: "}") { index += 1; return }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw .malformed(offset: index) }
                _ = try string()
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw .malformed(offset: index) }
                index += 1
                skipSpace()
                try value(depth: depth + 1)
                skipSpace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                guard peek == UInt8(ascii: "}") else { throw .malformed(offset: index) }
                index += 1
                return
            }
        case UInt8(ascii: "["):
            index += 1
            skipSpace()
            if peek == UInt8(ascii: "]") { index += 1; return }
            while true {
                skipSpace()
                try value(depth: depth + 1)
                skipSpace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                guard peek == UInt8(ascii: "]") else { throw .malformed(offset: index) }
                index += 1
                return
            }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    /// Scans a string literal; returns its range including the quotes.
    mutating func string() throws(Failure) -> Range<Int> {
        let start = index
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { index += 1; return start..<index }
            if byte < 0x20 { throw .malformed(offset: index) }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else { break }
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    guard JSONTopLevel.hex4(bytes[...], index + 1) != nil else { throw .malformed(offset: index) }
                    index += 5
                default: throw .malformed(offset: index)
                }
                continue
            }
            index += 1
        }
        throw .malformed(offset: start)
    }

    mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw .malformed(offset: index) }
        let matches = word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        guard matches else { throw .malformed(offset: index) }
        index += count
    }

    mutating func number() throws(Failure) {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, first >= 0x30, first <= 0x39 else { throw .malformed(offset: start) }
        index += 1
        if first != 0x30 { digits() }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw .malformed(offset: index) }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw .malformed(offset: index) }
        }
    }

    @discardableResult
    mutating func digits() -> Int {
        let start = index
        while let byte = peek, byte >= 0x30, byte <= 0x39 { index += 1 }
        return index - start
    }
}

extension JSONTopLevel {
    typealias Scanner = JSONScanner
}
