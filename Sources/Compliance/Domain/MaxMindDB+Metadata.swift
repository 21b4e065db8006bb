extension MaxMindDB {
    /// The start of the last `\xAB\xCD\xEFMaxMind.com` in the file: the metadata follows it. The last one,
    /// because the data section may happen to contain the same bytes.
    static func findMetadataMarker(in bytes: [UInt8]) throws -> Int {
        let marker = metadataMarker
        guard bytes.count >= marker.count else { throw MaxMindDBError.metadataMarkerNotFound }
        let lowest = max(0, bytes.count - marker.count - metadataSearchLimit)
        var start = bytes.count - marker.count
        while start >= lowest {
            var index = 0
            while index < marker.count, bytes[start + index] == marker[index] { index += 1 }
            if index == marker.count { return start }
            start -= 1
        }
        throw MaxMindDBError.metadataMarkerNotFound
    }

    /// Checks the decoded metadata map against the fields the specification requires.
    static func metadata(from value: Value) throws -> Metadata {
        guard case .map(let map) = value else {
            throw MaxMindDBError.invalidMetadata("the metadata is a \(kindName(value)), not a map")
        }
        func unsigned(_ key: String) throws -> Int {
            switch map[key] {
            case .uint16(let number): return Int(number)
            case .uint32(let number): return Int(number)
            case .uint64(let number) where number <= UInt32.max: return Int(number)
            case .uint64, .uint128: throw MaxMindDBError.invalidMetadata("\(key) is too large")
            case nil: throw MaxMindDBError.invalidMetadata("\(key) is missing")
            case let other?:
                throw MaxMindDBError.invalidMetadata("\(key) is a \(kindName(other)), expected an unsigned integer")
            }
        }
        let major = try unsigned("binary_format_major_version")
        guard major == 2 else { throw MaxMindDBError.unsupportedFormatVersion(major) }
        let recordSize = try unsigned("record_size")
        guard [24, 28, 32].contains(recordSize) else { throw MaxMindDBError.unsupportedRecordSize(recordSize) }
        let ipVersion = try unsigned("ip_version")
        guard ipVersion == 4 || ipVersion == 6 else { throw MaxMindDBError.unsupportedIPVersion(ipVersion) }
        let nodeCount = try unsigned("node_count")
        guard nodeCount > 0 else { throw MaxMindDBError.invalidMetadata("node_count is 0") }
        let buildEpoch: UInt64
        switch map["build_epoch"] {
        case .uint16(let number): buildEpoch = UInt64(number)
        case .uint32(let number): buildEpoch = UInt64(number)
        case .uint64(let number): buildEpoch = number
        case nil: throw MaxMindDBError.invalidMetadata("build_epoch is missing")
        case let other?:
            throw MaxMindDBError.invalidMetadata("build_epoch is a \(kindName(other)), expected an unsigned integer")
        }
        guard case .string(let databaseType)? = map["database_type"] else {
            throw MaxMindDBError.invalidMetadata("database_type is missing or not a string")
        }
        // languages and description are optional; when present they must have their documented shapes.
        var languages: [String] = []
        if let value = map["languages"] {
            guard case .array(let items) = value else {
                throw MaxMindDBError.invalidMetadata("languages is not an array")
            }
            languages = try items.map { item in
                guard case .string(let code) = item else {
                    throw MaxMindDBError.invalidMetadata("languages holds a \(kindName(item))")
                }
                return code
            }
        }
        var description: [String: String] = [:]
        if let value = map["description"] {
            guard case .map(let texts) = value else { throw MaxMindDBError.invalidMetadata("description is not a map") }
            for (language, text) in texts {
                guard case .string(let string) = text else {
                    throw MaxMindDBError.invalidMetadata("description for \(language) is a \(kindName(text))")
                }
                description[language] = string
            }
        }
        return Metadata(
            databaseType: databaseType, buildEpoch: buildEpoch, ipVersion: ipVersion, nodeCount: nodeCount,
            recordSize: recordSize, binaryFormatMajorVersion: major,
            binaryFormatMinorVersion: try unsigned("binary_format_minor_version"),
            languages: languages, description: description)
    }

    static func kindName(_ value: Value) -> String {
        switch value {
        case .string: "string"
        case .double: "double"
        case .bytes: "bytes"
        case .uint16: "uint16"
        case .uint32: "uint32"
        case .map: "map"
        case .int32: "int32"
        case .uint64: "uint64"
        case .uint128: "uint128"
        case .array: "array"
        case .boolean: "boolean"
        case .float: "float"
        }
    }
}
