import Foundation

/// Keys for the audit MAC and for encrypting secrets at rest (SPEC T3, T5). Production passes them in
/// (`AUDIT_KEY`, `SECRETS_KEY`, base64); the embedded default generates each once into `var/keys/`.
enum Keys {
    static func load(configured: String, name: String, varDirectory: String) throws -> [UInt8] {
        if !configured.isEmpty {
            guard let data = Data(base64Encoded: configured), data.count == 32 else {
                throw KeyError.malformed(name)
            }
            return Array(data)
        }
        let directory = varDirectory + "/keys"
        let path = directory + "/" + name + ".key"
        if let data = FileManager.default.contents(atPath: path), data.count == 32 { return Array(data) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw KeyError.unwritable(path)
        }
        return bytes
    }

    enum KeyError: Error, CustomStringConvertible {
        case malformed(String)
        case unwritable(String)
        var description: String {
            switch self {
            case .malformed(let name): "\(name) key must be 32 bytes, base64-encoded"
            case .unwritable(let path): "cannot write key file \(path)"
            }
        }
    }
}
