extension MaxMindDB {
    /// A value of the MaxMind DB data format ("Data Section Format" in the MaxMind DB specification 2.0).
    public enum Value: Equatable, Sendable {
        case string(String)
        case double(Double)
        case bytes([UInt8])
        case uint16(UInt16)
        case uint32(UInt32)
        case map([String: Value])
        case int32(Int32)
        case uint64(UInt64)
        case uint128(UInt128)
        case array([Value])
        case boolean(Bool)
        case float(Float)
    }
}

/// Reads the data format from one section of the file (the data section, or the metadata), with every
/// read checked against the section's end: the file comes from outside, and a damaged one must throw,
/// not crash the gateway.
struct MaxMindDBDecoder {
    enum Kind: Int {
        case pointer = 1, string, double, bytes, uint16, uint32, map, int32, uint64, uint128, array
        case dataCacheContainer, endMarker, boolean, float
    }

    /// One field's control bytes. `payload` is the absolute offset of what follows them; for a pointer it is
    /// the target's absolute offset instead, and `end` is where the pointer's own bytes end.
    struct Field {
        var kind: Kind
        var size: Int
        var payload: Int
        var end: Int { kind == .pointer ? pointerEnd : payload + (kind.hasBytePayload ? size : 0) }
        var pointerEnd = 0
    }

    /// Deep enough for any real record; a limit so that pointer cycles cannot exhaust the stack.
    static let maximumDepth = 512
    /// A limit on values decoded in one call, so that pointers shared many times over cannot make
    /// `MaxMindDB.record(for:)` run for ever on a crafted file.
    static let maximumValues = 1_000_000
    static let pointerBias = [0, 2048, 526_336, 0]
    static let sizeBias = [29, 285, 65_821]

    let buffer: UnsafeBufferPointer<UInt8>
    /// Pointers count from here.
    let base: Int
    let end: Int

    func field(at offset: Int) throws -> Field {
        guard offset >= base, offset < end else { throw corrupt("data field at \(offset) beyond its section") }
        let control = buffer[offset]
        var next = offset + 1
        if control >> 5 == 1 {
            let extra = Int(control >> 3 & 3)
            guard next + extra + 1 <= end else { throw corrupt("pointer cut short by the end of its section") }
            var value = extra == 3 ? 0 : Int(control & 7)
            for index in 0...extra { value = value << 8 | Int(buffer[next + index]) }
            next += extra + 1
            let target = base + value + Self.pointerBias[extra]
            guard target < end else { throw corrupt("pointer beyond data section") }
            return Field(kind: .pointer, size: 0, payload: target, pointerEnd: next)
        }
        var type = Int(control >> 5)
        if type == 0 {
            guard next < end else { throw corrupt("extended type cut short by the end of its section") }
            type = 7 + Int(buffer[next])
            next += 1
            guard type > 7 else { throw corrupt("extended type byte 0 at \(offset)") }
        }
        guard let kind = Kind(rawValue: type) else { throw corrupt("unknown data type \(type) at \(offset)") }
        var size = Int(control & 0x1F)
        if size >= 29 {
            let count = size - 28
            guard next + count <= end else { throw corrupt("field size cut short by the end of its section") }
            var value = 0
            for index in 0..<count { value = value << 8 | Int(buffer[next + index]) }
            next += count
            size = Self.sizeBias[count - 1] + value
        }
        let field = Field(kind: kind, size: size, payload: next)
        guard field.end <= end else { throw corrupt("\(kind) of \(size) bytes runs past the end of its section") }
        return field
    }

    /// The field at `offset`, or the one it points to. A pointer to a pointer is invalid in the format, and
    /// refusing it is what keeps pointer chains finite.
    func resolvedField(at offset: Int) throws -> Field {
        let field = try field(at: offset)
        guard field.kind == .pointer else { return field }
        let target = try self.field(at: field.payload)
        guard target.kind != .pointer else { throw corrupt("pointer to a pointer at \(offset)") }
        return target
    }

    /// Where the value at `offset` ends, without following pointers (a pointer ends after its own bytes).
    func skip(at offset: Int, depth: Int = 0) throws -> Int {
        guard depth < Self.maximumDepth else { throw corrupt("data nested more than \(Self.maximumDepth) deep") }
        let field = try field(at: offset)
        switch field.kind {
        case .map, .array:
            var next = field.payload
            for _ in 0..<(field.kind == .map ? 2 * field.size : field.size) {
                next = try skip(at: next, depth: depth + 1)
            }
            return next
        default:
            return field.end
        }
    }

    /// The value stored under `key` in the map `field`, resolved; nil when the map has no such key.
    /// Compares key bytes in place, so that a lookup allocates nothing.
    func value(in map: Field, forKey key: StaticString) throws -> Field? {
        var offset = map.payload
        for _ in 0..<map.size {
            let keyField = try resolvedField(at: offset)
            guard keyField.kind == .string else { throw corrupt("map key of type \(keyField.kind) at \(offset)") }
            let valueOffset = try skip(at: offset)
            if keyField.size == key.utf8CodeUnitCount,
               memoryEqual(buffer.baseAddress! + keyField.payload, key.utf8Start, keyField.size) {
                return try resolvedField(at: valueOffset)
            }
            offset = try skip(at: valueOffset)
        }
        return nil
    }

    func string(_ field: Field) throws -> String {
        let bytes = UnsafeBufferPointer(rebasing: buffer[field.payload..<field.payload + field.size])
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw corrupt("string at \(field.payload) is not valid UTF-8")
        }
        return text
    }

    /// Decodes the whole value at `offset`, following pointers.
    func value(at offset: Int, depth: Int = 0, budget: inout Int) throws -> MaxMindDB.Value {
        guard depth < Self.maximumDepth else { throw corrupt("data nested more than \(Self.maximumDepth) deep") }
        budget -= 1
        guard budget >= 0 else { throw corrupt("record has more than \(Self.maximumValues) values") }
        let field = try resolvedField(at: offset)
        switch field.kind {
        case .string: return .string(try string(field))
        case .bytes: return .bytes(Array(buffer[field.payload..<field.end]))
        case .double:
            guard field.size == 8 else { throw corrupt("double of \(field.size) bytes") }
            return .double(Double(bitPattern: UInt64(try unsigned(field, maximumSize: 8))))
        case .float:
            guard field.size == 4 else { throw corrupt("float of \(field.size) bytes") }
            return .float(Float(bitPattern: UInt32(try unsigned(field, maximumSize: 4))))
        case .uint16: return .uint16(UInt16(try unsigned(field, maximumSize: 2)))
        case .uint32: return .uint32(UInt32(try unsigned(field, maximumSize: 4)))
        // Shorter than 4 bytes means zero-padded, so positive.
        case .int32: return .int32(Int32(bitPattern: UInt32(try unsigned(field, maximumSize: 4))))
        case .uint64: return .uint64(UInt64(try unsigned(field, maximumSize: 8)))
        case .uint128: return .uint128(try unsigned(field, maximumSize: 16))
        case .boolean:
            guard field.size <= 1 else { throw corrupt("boolean with value \(field.size)") }
            return .boolean(field.size == 1)
        case .map:
            var result: [String: MaxMindDB.Value] = [:]
            var next = field.payload
            for _ in 0..<field.size {
                let key = try resolvedField(at: next)
                guard key.kind == .string else { throw corrupt("map key of type \(key.kind) at \(next)") }
                next = try skip(at: next)
                result[try string(key)] = try value(at: next, depth: depth + 1, budget: &budget)
                next = try skip(at: next)
            }
            return .map(result)
        case .array:
            var result: [MaxMindDB.Value] = []
            var next = field.payload
            for _ in 0..<field.size {
                result.append(try value(at: next, depth: depth + 1, budget: &budget))
                next = try skip(at: next)
            }
            return .array(result)
        case .dataCacheContainer, .endMarker, .pointer:
            // The cache container is only ever pointed into and the end marker only closes a section;
            // neither may stand where a value is expected (and .pointer cannot come out of resolvedField).
            throw corrupt("\(field.kind) where a value was expected at \(field.payload)")
        }
    }

    private func unsigned(_ field: Field, maximumSize: Int) throws -> UInt128 {
        guard field.size <= maximumSize else { throw corrupt("\(field.kind) of \(field.size) bytes") }
        var value: UInt128 = 0
        for index in field.payload..<field.end { value = value << 8 | UInt128(buffer[index]) }
        return value
    }

    private func corrupt(_ reason: String) -> MaxMindDBError { .corruptDatabase(reason) }
}

extension MaxMindDBDecoder.Kind {
    /// Types whose size counts the bytes after the control bytes; for the rest it counts entries or is the value.
    var hasBytePayload: Bool {
        switch self {
        case .map, .array, .boolean, .endMarker, .dataCacheContainer, .pointer: false
        default: true
        }
    }
}

@inline(__always)
private func memoryEqual(_ lhs: UnsafePointer<UInt8>, _ rhs: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    for index in 0..<count where lhs[index] != rhs[index] { return false }
    return true
}
