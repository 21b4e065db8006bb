import SuanliKit

/// What the region policy (SPEC C6.1) says about a client.
public enum RegionDecision: Equatable, Sendable {
    /// `country` is nil for addresses no GeoIP database locates (private, loopback, unknown to the file).
    case allowed(country: String?)
    case denied(country: String)
    /// The client's address could not be determined (see `RegionPolicy.clientAddress(peer:forwardedFor:)`).
    case unknownAddress
}

/// The rule that the platform takes no connections from China, Hong Kong or Macau (SPEC C6.1): which
/// address a request really came from, and whether that address may connect.
///
/// GeoIP databases do not cover every address and are sometimes wrong, so the policy refuses what the
/// database says is in a denied country and lets everything else through — the gateway logs the country
/// with each request for the inspection C6.4 asks for.
public struct RegionPolicy: Sendable {
    /// ISO 3166-1 alpha-2 codes, upper case.
    public let deniedCountries: Set<String>
    /// Reverse proxies whose X-Forwarded-For entries are believed.
    public let trustedProxies: [IPNetwork]

    public init(deniedCountries: Set<String> = ChineseOrigin.regions, trustedProxies: [IPNetwork] = []) {
        self.deniedCountries = Set(deniedCountries.map { $0.uppercased() })
        self.trustedProxies = trustedProxies
    }

    public func isTrustedProxy(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// The address of the client behind any trusted reverse proxies.
    ///
    /// - Parameters:
    ///   - peer: the address of the TCP peer; nil when the server cannot tell (a Unix socket), which gives nil.
    ///   - forwardedFor: every X-Forwarded-For header line, in the order received. Each proxy appends the
    ///     address it received the request from, so the list reads client first, nearest proxy last.
    ///
    /// A peer that is not a trusted proxy is the client and X-Forwarded-For is ignored: anyone can send the
    /// header. Behind a trusted proxy the entries are read from the right, skipping trusted proxies; the first
    /// other address is the client. Entries further left were written by the client or by proxies nobody
    /// vouches for, so a client that sends `X-Forwarded-For: 8.8.8.8` to hide gains nothing. When every entry
    /// is trusted, the leftmost is the client; with no entries, the peer itself.
    ///
    /// Entries may carry a port (`1.2.3.4:5678`, `[2001:db8::1]:443`) and whitespace; empty list elements are
    /// skipped (RFC 9110 §5.6.1). Returns nil when an entry that would be read is not an address (`unknown`,
    /// a host name, garbage): the client cannot be known, and the caller should refuse the request rather
    /// than guess — `decide(client:database:)` answers `.unknownAddress` for nil.
    public func clientAddress(peer: IPAddress?, forwardedFor: [String]) -> IPAddress? {
        guard let peer else { return nil }
        guard isTrustedProxy(peer) else { return peer }
        var leftmost = peer
        for line in forwardedFor.reversed() {
            for element in line.split(separator: ",", omittingEmptySubsequences: false).reversed() {
                switch Self.forwardedElement(element) {
                case .empty: continue
                case .malformed: return nil
                case .address(let address):
                    guard isTrustedProxy(address) else { return address }
                    leftmost = address
                }
            }
        }
        return leftmost
    }

    /// Whether `client` may connect.
    ///
    /// - nil client → `.unknownAddress`; the caller refuses (a broken proxy chain should be noticed).
    /// - Loopback, private, link-local and unspecified addresses → allowed with no country: they are not in
    ///   GeoIP databases, and they are the platform's own network.
    /// - No database configured → allowed with no country: the policy cannot be applied, and whether to run
    ///   that way (and warn) is the application's decision.
    /// - An address the database does not know → allowed with no country: GeoIP databases do not cover
    ///   everything, and the policy refuses what it knows is denied.
    /// - Otherwise denied when the country is in `deniedCountries`.
    ///
    /// Throws `MaxMindDBError` when the database turns out damaged at this address.
    public func decide(client: IPAddress?, database: MaxMindDB?) throws -> RegionDecision {
        guard let client else { return .unknownAddress }
        if client.isLoopback || client.isPrivate || client.isLinkLocal || client.isUnspecified {
            return .allowed(country: nil)
        }
        guard let database, let code = try database.countryCode(for: client) else { return .allowed(country: nil) }
        let country = code.uppercased()
        return deniedCountries.contains(country) ? .denied(country: country) : .allowed(country: country)
    }

    enum ForwardedElement: Equatable {
        case empty
        case malformed
        case address(IPAddress)
    }

    /// One X-Forwarded-For list element: an address, optionally with a port, optionally bracketed (IPv6).
    static func forwardedElement(_ raw: Substring) -> ForwardedElement {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let text = raw.drop(while: isWhitespace).dropLast(while: isWhitespace)
        guard !text.isEmpty else { return .empty }
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]"),
                  let address = IPAddress(text[text.index(after: text.startIndex)..<close]) else { return .malformed }
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return .address(address) }
            guard rest.first == ":", isPort(rest.dropFirst()) else { return .malformed }
            return .address(address)
        }
        let colons = text.utf8.count(where: { $0 == UInt8(ascii: ":") })
        if colons == 1, let colon = text.firstIndex(of: ":") {
            // Only IPv4 may take a port unbracketed; "2001:db8::1" has several colons and no port.
            guard let address = IPAddress(text[..<colon]), address.isIPv4, isPort(text[text.index(after: colon)...])
            else { return .malformed }
            return .address(address)
        }
        return IPAddress(text).map { .address($0) } ?? .malformed
    }

    private static func isPort(_ text: Substring) -> Bool {
        guard (1...5).contains(text.utf8.count) else { return false }
        var value = 0
        for char in text.utf8 {
            guard char &- UInt8(ascii: "0") < 10 else { return false }
            value = value * 10 + Int(char &- UInt8(ascii: "0"))
        }
        return value <= 65_535
    }
}

extension Substring {
    fileprivate func dropLast(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
    }
}
