/// Why a MaxMind DB file could not be loaded or read (SPEC C6.1). The messages are shown to the operator
/// who supplied the file, so each says what is wrong with it.
public enum MaxMindDBError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    case metadataMarkerNotFound
    case invalidMetadata(String)
    case unsupportedFormatVersion(Int)
    case unsupportedRecordSize(Int)
    case unsupportedIPVersion(Int)
    /// The file's search tree or data section contradicts itself: truncated, damaged or badly written.
    case corruptDatabase(String)
    /// The file is a sound MaxMind DB but its records are not shaped like GeoIP2/GeoLite2-Country ones.
    case notACountryDatabase(String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "cannot read MaxMind DB file \(path): \(reason)"
        case .metadataMarkerNotFound: "not a MaxMind DB file: metadata marker not found"
        case .invalidMetadata(let reason): "invalid MaxMind DB metadata: \(reason)"
        case .unsupportedFormatVersion(let major):
            "unsupported MaxMind DB format version \(major) (this reader reads version 2)"
        case .unsupportedRecordSize(let size): "unsupported record size \(size) (MaxMind DB uses 24, 28 or 32)"
        case .unsupportedIPVersion(let version): "unsupported IP version \(version) (MaxMind DB uses 4 or 6)"
        case .corruptDatabase(let reason): "corrupt database: \(reason)"
        case .notACountryDatabase(let reason): "not a country database: \(reason)"
        }
    }
}
