/// One server reply (RFC 5321 §4.2): a three-digit code and one or more text lines.
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    public var isPositive: Bool { (200..<400).contains(code) }
    /// 4xx: try again later.
    public var isTransientFailure: Bool { (400..<500).contains(code) }
    /// 5xx: the same request will fail again.
    public var isPermanentFailure: Bool { code >= 500 }

    public var description: String { "\(code) " + lines.joined(separator: " / ") }
}

/// Assembles reply lines into replies: `250-first`, `250-second`, `250 last`.
struct SMTPReplyParser {
    private var code: Int?
    private var lines: [String] = []

    struct Malformed: Error, Equatable {
        var line: String
    }

    /// Feeds one line without its line end; returns a reply when the line was its last.
    mutating func feed(_ line: String) throws(Malformed) -> SMTPReply? {
        let bytes = Array(line.utf8)
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        let classes = UInt8(ascii: "2")...UInt8(ascii: "5")
        guard bytes.count >= 3, classes.contains(bytes[0]), digits.contains(bytes[1]), digits.contains(bytes[2]) else {
            throw Malformed(line: line)
        }
        let lineCode = Int(String(decoding: bytes[0...2], as: UTF8.self))!
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else { throw Malformed(line: line) }
        if let code, code != lineCode { throw Malformed(line: line) }
        code = lineCode
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard separator == UInt8(ascii: " ") else { return nil }
        defer {
            code = nil
            lines = []
        }
        return SMTPReply(code: lineCode, lines: lines)
    }

    /// True between the first and the last line of a multi-line reply.
    var isInsideReply: Bool { code != nil }
}
