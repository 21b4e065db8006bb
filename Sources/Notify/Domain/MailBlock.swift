import Foundation
import SuanliKit

/// The building blocks of a rendered mail: paragraphs and links, turned into plain text or HTML.
enum MailBlock: Equatable {
    case paragraph(String)
    case link(String)

    static func plainText(_ blocks: [MailBlock]) -> String {
        blocks.map { block in
            switch block {
            case .paragraph(let text): return text
            case .link(let url): return url
            }
        }.joined(separator: "\n\n") + "\n"
    }

    static func html(_ blocks: [MailBlock], title: String, language: Language) -> String {
        let body = blocks.map { block -> String in
            switch block {
            case .paragraph(let text):
                return "<p>" + escape(text).replacingOccurrences(of: "\n", with: "<br>\n") + "</p>"
            case .link(let url):
                // Only web links become anchors; anything else is shown as text so a crafted
                // parameter cannot smuggle a `javascript:` URL into a mail client.
                guard url.hasPrefix("https://") || url.hasPrefix("http://") else { return "<p>" + escape(url) + "</p>" }
                return "<p><a href=\"\(escape(url))\">\(escape(url))</a></p>"
            }
        }
        let lang = language == .en ? "en" : "zh-Hant-TW"
        return """
            <!DOCTYPE html>
            <html lang="\(lang)">
            <head><meta charset="utf-8"><title>\(escape(title))</title></head>
            <body>
            \(body.joined(separator: "\n"))
            </body>
            </html>

            """
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
