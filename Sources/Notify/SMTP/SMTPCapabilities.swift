/// What the server announced in its EHLO reply (RFC 5321 §4.1.1.1). Empty after a HELO fallback.
struct SMTPCapabilities: Equatable {
    private(set) var keywords: [String: [String]] = [:]

    init() {}

    init(ehloReply: SMTPReply) {
        // The first line is the server's greeting name, the rest are "KEYWORD params…".
        for line in ehloReply.lines.dropFirst() {
            // Some servers still write the pre-standard `AUTH=PLAIN LOGIN`.
            let normalised = line.uppercased().hasPrefix("AUTH=") ? "AUTH " + line.dropFirst(5) : line
            let words = normalised.split(separator: " ").map(String.init)
            guard let keyword = words.first?.uppercased() else { continue }
            keywords[keyword, default: []] += words.dropFirst().map { $0.uppercased() }
        }
    }

    var startTLS: Bool { keywords["STARTTLS"] != nil }

    var authMechanisms: [String] { keywords["AUTH"] ?? [] }
}
