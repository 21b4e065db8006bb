import Foundation
import Testing

@testable import Notify

@Suite("Notify: MIME writer and SMTP replies")
struct NotifyMIMETests {
    static let date = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28 20:26:40 UTC

    static func message(subject: String = "【算力平台】請驗證您的電子郵件地址", html: String? = nil) -> MailMessage {
        MailMessage(
            messageID: "0b7c5c1e-0000-4000-8000-000000000001",
            date: date,
            toAddress: "chen@example.com.tw",
            toName: "陳美玲",
            subject: subject,
            text: "您好：\n\n.這一行以句點開頭\n連結 https://suanli.example/v\n",
            html: html
        )
    }

    static func render(_ message: MailMessage) -> String {
        MIMEWriter.render(message, fromAddress: "noreply@suanli.example", fromName: "算力平台 Suanli", boundary: "B")
    }

    /// Decodes a run of RFC 2047 `=?UTF-8?B?…?=` words separated by folding white space.
    static func decodeEncodedWords(_ value: String) -> String {
        let words = value.replacingOccurrences(of: "\r\n ", with: " ").split(separator: " ")
        var bytes: [UInt8] = []
        for word in words {
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?=") else { return value }
            bytes += Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) ?? Data()
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func header(_ name: String, in rendered: String) -> String? {
        let head = rendered.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n ", with: "\u{1}")
        for line in head.components(separatedBy: "\r\n") where line.hasPrefix(name + ": ") {
            return String(line.dropFirst(name.count + 2)).replacingOccurrences(of: "\u{1}", with: "\r\n ")
        }
        return nil
    }

    @Test("headers: Date, Message-ID, From/To with encoded names, encoded subject, MIME")
    func headers() throws {
        let rendered = Self.render(Self.message())
        #expect(Self.header("Date", in: rendered) == "Thu, 28 May 2026 20:26:40 +0000")
        #expect(Self.header("Message-ID", in: rendered) == "<0b7c5c1e-0000-4000-8000-000000000001@suanli.example>")
        let from = try #require(Self.header("From", in: rendered))
        #expect(from.hasSuffix(" <noreply@suanli.example>"))
        #expect(Self.decodeEncodedWords(String(from.dropLast(" <noreply@suanli.example>".count))) == "算力平台 Suanli")
        let subject = try #require(Self.header("Subject", in: rendered))
        #expect(subject.hasPrefix("=?UTF-8?B?"))
        #expect(Self.decodeEncodedWords(subject) == "【算力平台】請驗證您的電子郵件地址")
        #expect(Self.header("MIME-Version", in: rendered) == "1.0")
        #expect(Self.header("Content-Type", in: rendered) == "text/plain; charset=UTF-8")
        #expect(Self.header("Content-Transfer-Encoding", in: rendered) == "base64")
        #expect(Self.header("Auto-Submitted", in: rendered) == "auto-generated")
    }

    @Test("only CRLF line ends, every line within 78 characters, all ASCII")
    func lineDiscipline() {
        let long = String(repeating: "非常長的主旨", count: 20)
        for message in [Self.message(subject: long), Self.message(subject: long, html: "<p>哈囉</p>")] {
            let rendered = Self.render(message)
            #expect(rendered.utf8.allSatisfy { $0 < 0x80 })
            #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
            #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
            for line in rendered.components(separatedBy: "\r\n") {
                #expect(line.count <= 78, "too long: \(line)")
            }
            #expect(Self.decodeEncodedWords(Self.header("Subject", in: rendered) ?? "") == long)
        }
    }

    @Test("encoded words never split a character")
    func encodedWordBoundaries() {
        let text = "a" + String(repeating: "😀算", count: 12)
        let words = MIMEWriter.encodedWords(text)
        #expect(words.count > 1)
        for word in words {
            let payload = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))!
            #expect(String(data: payload, encoding: .utf8) != nil, "word splits a character: \(word)")
            #expect(payload.count <= 36)
        }
    }

    @Test("the text body is canonical CRLF text in base64")
    func body() throws {
        let rendered = Self.render(Self.message())
        let body = rendered.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        let decoded = try #require(Data(base64Encoded: body.replacingOccurrences(of: "\r\n", with: "")))
        #expect(String(decoding: decoded, as: UTF8.self) == "您好：\r\n\r\n.這一行以句點開頭\r\n連結 https://suanli.example/v\r\n")
    }

    @Test("with HTML the message is multipart/alternative, plain text first")
    func multipart() {
        let rendered = Self.render(Self.message(html: "<p>您好</p>"))
        #expect(Self.header("Content-Type", in: rendered) == "multipart/alternative; boundary=\"B\"")
        #expect(Self.header("Content-Transfer-Encoding", in: rendered) == nil)
        let encoding = "; charset=UTF-8\r\nContent-Transfer-Encoding: base64"
        let plain = rendered.range(of: "--B\r\nContent-Type: text/plain" + encoding)
        let html = rendered.range(of: "--B\r\nContent-Type: text/html" + encoding)
        #expect(plain != nil && html != nil)
        if let plain, let html { #expect(plain.lowerBound < html.lowerBound) }
        #expect(rendered.hasSuffix("--B--\r\n"))
    }

    @Test("line breaks in header values cannot add headers")
    func headerInjection() {
        var message = Self.message(subject: "Hello\r\nBcc: victim@example.com")
        message.toName = "Eve\r\nX-Injected: yes"
        let rendered = Self.render(message)
        let head = rendered.components(separatedBy: "\r\n\r\n")[0]
        #expect(!head.contains("\r\nBcc:"))
        #expect(!head.contains("\r\nX-Injected:"))
        #expect(Self.header("Subject", in: rendered) == "Hello Bcc: victim@example.com")
        #expect(Self.header("To", in: rendered) == "\"Eve X-Injected: yes\" <chen@example.com.tw>")
    }

    @Test("plain ASCII subjects stay readable and fold at spaces")
    func asciiSubject() {
        let words = Array(repeating: "word", count: 30).joined(separator: " ")
        let subject = MIMEWriter.encodeHeaderText(words, headerName: "Subject")
        #expect(subject.contains("\r\n "))
        #expect(subject.replacingOccurrences(of: "\r\n ", with: " ") == words)
        #expect(MIMEWriter.encodeHeaderText("[Suanli] Hi", headerName: "Subject") == "[Suanli] Hi")
        // Text that looks like an encoded word is encoded, so it is not decoded by the reader.
        #expect(MIMEWriter.encodeHeaderText("=?UTF-8?B?eA==?=", headerName: "Subject").hasPrefix("=?UTF-8?B?PT9"))
        #expect(MIMEWriter.mailbox(name: "A \"B\"", address: "a@b.c") == "\"A \\\"B\\\"\" <a@b.c>")
        #expect(MIMEWriter.mailbox(name: nil, address: "a@b.c") == "<a@b.c>")
    }

    @Test("DATA payload is dot-stuffed and ends with CRLF.CRLF (RFC 5321 §4.5.2)")
    func dotStuffing() {
        let payload = MIMEWriter.dataPayload("Subject: x\r\n\r\n.hidden\r\n..two\r\nplain\r\n")
        #expect(payload == "Subject: x\r\n\r\n..hidden\r\n...two\r\nplain\r\n.\r\n")
        #expect(MIMEWriter.dataPayload(".\r\n") == "..\r\n.\r\n")
    }

    @Test("reply parser assembles multi-line replies")
    func replies() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed("250-smtp.example greets you") == nil)
        #expect(parser.isInsideReply)
        #expect(try parser.feed("250-AUTH PLAIN LOGIN") == nil)
        let reply = try #require(try parser.feed("250 STARTTLS"))
        #expect(reply == SMTPReply(code: 250, lines: ["smtp.example greets you", "AUTH PLAIN LOGIN", "STARTTLS"]))
        #expect(!parser.isInsideReply)
        #expect(try parser.feed("354") == SMTPReply(code: 354, lines: [""]))
        #expect(try parser.feed("451 4.3.0 try later")?.isTransientFailure == true)
        #expect(try parser.feed("550 no")?.isPermanentFailure == true)
    }

    @Test("reply parser refuses what is not a reply",
          arguments: ["", "25", "abc hello", "250x", "650 bad class", "2500 long"])
    func malformed(line: String) {
        var parser = SMTPReplyParser()
        #expect(throws: SMTPReplyParser.Malformed.self) { try parser.feed(line) }
    }

    @Test("a multi-line reply must keep its code")
    func mixedCodes() throws {
        var parser = SMTPReplyParser()
        _ = try parser.feed("250-one")
        #expect(throws: SMTPReplyParser.Malformed.self) { try parser.feed("251 two") }
    }

    @Test("EHLO capabilities, including the old AUTH= form")
    func capabilities() {
        let modern = SMTPCapabilities(ehloReply: SMTPReply(code: 250, lines: ["mx", "STARTTLS", "auth plain login"]))
        #expect(modern.startTLS)
        #expect(modern.authMechanisms == ["PLAIN", "LOGIN"])
        let old = SMTPCapabilities(ehloReply: SMTPReply(code: 250, lines: ["mx", "AUTH=LOGIN"]))
        #expect(!old.startTLS)
        #expect(old.authMechanisms == ["LOGIN"])
    }

    @Test("5xx and bad addresses are permanent; 4xx, network and TLS problems are not")
    func permanence() {
        #expect(SMTPError.rejected(.rcptTo, SMTPReply(code: 550, lines: ["no"])).isPermanent)
        #expect(SMTPError.authenticationFailed(SMTPReply(code: 535, lines: ["no"])).isPermanent)
        #expect(SMTPError.invalidAddress("x").isPermanent)
        #expect(!SMTPError.rejected(.message, SMTPReply(code: 451, lines: ["later"])).isPermanent)
        #expect(!SMTPError.connectFailed("refused").isPermanent)
        #expect(!SMTPError.timedOut(.greeting).isPermanent)
        #expect(!SMTPError.tlsFailed("bad certificate").isPermanent)
        #expect(!SMTPError.startTLSNotOffered.isPermanent)
    }
}
