import Foundation

/// Writes an RFC 5322 / MIME message: headers with RFC 2047 encoded words, UTF-8 bodies in base64,
/// CRLF line ends throughout. Pure, so every byte the relay receives is unit-tested.
enum MIMEWriter {
    static func render(
        _ message: MailMessage,
        fromAddress: String,
        fromName: String,
        boundary: String = "=_suanli_" + UUID().uuidString
    ) -> String {
        var headers: [(String, String)] = [
            ("Date", rfc5322Date(message.date)),
            ("Message-ID", "<\(messageID(message.messageID, fromAddress: fromAddress))>"),
            ("From", mailbox(name: fromName, address: fromAddress)),
            ("To", mailbox(name: message.toName, address: message.toAddress)),
            ("Subject", encodeHeaderText(message.subject, headerName: "Subject")),
            ("MIME-Version", "1.0"),
            // RFC 3834: tells auto-responders (vacation replies) not to answer a robot.
            ("Auto-Submitted", "auto-generated"),
        ]
        var body: String
        if let html = message.html {
            headers.append(("Content-Type", "multipart/alternative; boundary=\"\(boundary)\""))
            body = "This is a multipart message in MIME format.\r\n"
            body += "--\(boundary)\r\n" + part(message.text, type: "text/plain")
            body += "--\(boundary)\r\n" + part(html, type: "text/html")
            body += "--\(boundary)--\r\n"
        } else {
            headers.append(("Content-Type", "text/plain; charset=UTF-8"))
            headers.append(("Content-Transfer-Encoding", "base64"))
            body = base64Lines(canonicalText(message.text))
        }
        let head = headers.map { "\($0.0): \($0.1)\r\n" }.joined()
        return head + "\r\n" + body
    }

    /// A bare id gets the sender's domain, so Message-IDs are globally unique (RFC 5322 §3.6.4).
    static func messageID(_ id: String, fromAddress: String) -> String {
        id.contains("@") ? id : id + "@" + MailAddress.domain(of: fromAddress)
    }

    /// The DATA payload: dot-stuffed (RFC 5321 §4.5.2) and ended by `CRLF.CRLF`.
    static func dataPayload(_ rendered: String) -> String {
        var lines = rendered.components(separatedBy: "\r\n")
        if lines.last == "" {
            lines.removeLast()
        }
        let stuffed = lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }
        return stuffed.joined(separator: "\r\n") + "\r\n.\r\n"
    }

    private static func part(_ text: String, type: String) -> String {
        "Content-Type: \(type); charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + base64Lines(canonicalText(text))
    }

    /// MIME text is canonically CRLF-delimited before it is base64-encoded (RFC 2049 §4).
    static func canonicalText(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
    }

    /// Base64 in lines of 76 characters (RFC 2045 §6.8), each ended by CRLF.
    static func base64Lines(_ text: String) -> String {
        let encoded = Data(text.utf8).base64EncodedString()
        var result = ""
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            result += encoded[index..<end] + "\r\n"
            index = end
        }
        return result
    }

    /// `"Name" <address>` or `=?UTF-8?B?…?= <address>`; just `<address>` without a name.
    static func mailbox(name: String?, address: String) -> String {
        guard let name = name.map(singleLine), !name.isEmpty else { return "<\(address)>" }
        if isPlainASCII(name) {
            let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(quoted)\" <\(address)>"
        }
        return encodedWords(name).joined(separator: "\r\n ") + " <\(address)>"
    }

    /// Unstructured header text: plain ASCII as it is (folded at spaces), anything else as
    /// UTF-8 base64 encoded words (RFC 2047), each short enough to keep lines under 76 characters.
    static func encodeHeaderText(_ text: String, headerName: String) -> String {
        let text = singleLine(text)
        guard isPlainASCII(text) else {
            return encodedWords(text).joined(separator: "\r\n ")
        }
        var lines: [String] = []
        var current: String?
        var limit = 76 - headerName.count - 2
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            guard let line = current else {
                current = String(word)
                continue
            }
            // Fold only before a real word: a folded line of nothing but whitespace is illegal.
            if !word.isEmpty, line.count + 1 + word.count > limit {
                lines.append(line)
                current = String(word)
                limit = 75
            } else {
                current = line + " " + word
            }
        }
        lines.append(current ?? "")
        return lines.joined(separator: "\r\n ")
    }

    /// Encoded words of at most 36 bytes of UTF-8 each (48 base64 characters, 60 with the
    /// `=?UTF-8?B?…?=` frame). Characters are never split, since RFC 2047 §5 requires each word
    /// to decode to whole characters.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty, chunk.count + bytes.count > 36 {
                words.append(encodedWord(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty {
            words.append(encodedWord(chunk))
        }
        return words
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }

    /// Printable ASCII that cannot be mistaken for an encoded word.
    private static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && !text.contains("=?")
    }

    /// Line breaks in a header value would start a new header: the classic header injection.
    private static func singleLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
    }

    /// `Tue, 02 Jun 2026 08:15:00 +0000` (RFC 5322 §3.3), always in UTC.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : "\(value)"
        }
        return "\(weekdays[(parts.weekday ?? 1) - 1]), \(two(parts.day)) \(months[(parts.month ?? 1) - 1]) "
            + "\(parts.year ?? 1970) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }
}
