import Foundation
import Hummingbird

extension Response {
    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

enum SafeRedirect {
    /// Only local paths: "/x" but never "//host" or "/\host", so `next=` cannot send users off-site.
    static func local(_ candidate: String?) -> String {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.hasPrefix("/\\"),
              !candidate.contains("\r"), !candidate.contains("\n") else { return "/" }
        return candidate
    }
}

extension String {
    /// Fills {name} placeholders of a catalogue message.
    func filling(_ values: [String: String]) -> String {
        values.reduce(self) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }
}
