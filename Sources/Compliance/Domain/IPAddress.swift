/// An IPv4 or IPv6 address, for the region policy (SPEC C6.1) and for anything that records where a
/// request came from.
///
/// Stored as 128 bits with IPv4 as the IPv4-mapped form `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2), so that
/// `1.2.3.4` and `::ffff:1.2.3.4` — which a dual-stack socket reports for the same IPv4 peer — are one
/// value, and so that one network type covers both families. Two words rather than a byte array, so that
/// an address costs no allocation and compares and hashes in two instructions.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// The first 64 bits, most significant bit first.
    public let high: UInt64
    /// The last 64 bits.
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// An IPv4 address from its 32-bit value (`0x01020304` is 1.2.3.4).
    public init(ipv4 value: UInt32) {
        self.init(high: 0, low: 0xFFFF_0000_0000 | UInt64(value))
    }

    /// From network-order bytes: 4 for IPv4, 16 for IPv6. Nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        for (index, byte) in bytes.enumerated() {
            if index < 8 { words.0 = words.0 << 8 | UInt64(byte) } else { words.1 = words.1 << 8 | UInt64(byte) }
        }
        if bytes.count == 4 { self.init(ipv4: UInt32(truncatingIfNeeded: words.0)) } else {
            self.init(high: words.0, low: words.1)
        }
    }

    /// Parses `1.2.3.4`, `2001:db8::1`, `::ffff:1.2.3.4` and the other RFC 4291 §2.2 text forms.
    ///
    /// Strict, because the result decides who may connect: nil for anything else, including zone IDs
    /// (`fe80::1%eth0`), brackets, ports, surrounding whitespace, IPv4 octets with leading zeros
    /// (`01.2.3.4`, which some parsers read as octal) and the short IPv4 forms (`1.2.3`, `16909060`).
    public init?(_ text: some StringProtocol) {
        let parsed = text.utf8.withContiguousStorageIfAvailable(IPAddressParser.parse)
            ?? Array(text.utf8).withUnsafeBufferPointer(IPAddressParser.parse)
        guard let parsed else { return nil }
        self = parsed
    }

    /// True for IPv4 addresses, including those written or received in the IPv4-mapped IPv6 form.
    public var isIPv4: Bool { high == 0 && low >> 32 == 0xFFFF }

    /// The 32-bit IPv4 value, nil for IPv6 addresses.
    public var ipv4Value: UInt32? { isIPv4 ? UInt32(truncatingIfNeeded: low) : nil }

    /// The 16 network-order bytes (IPv4 in its mapped form).
    public var bytes: [UInt8] {
        (0..<16).map { index in
            UInt8(truncatingIfNeeded: (index < 8 ? high : low) >> UInt64(56 - 8 * (index % 8)))
        }
    }

    /// Bit `index` of the 128, counting from the most significant; 0 or 1. The MMDB search tree walks these.
    @inline(__always)
    public func bit(_ index: Int) -> Int {
        let word = index < 64 ? high : low
        return Int(truncatingIfNeeded: (word >> UInt64(63 - (index & 63))) & 1)
    }

    /// 127.0.0.0/8 and ::1.
    public var isLoopback: Bool {
        if let v4 = ipv4Value { return v4 >> 24 == 127 }
        return high == 0 && low == 1
    }

    /// Addresses for private networks, which no GeoIP database locates: RFC 1918 (10/8, 172.16/12,
    /// 192.168/16), RFC 6598 shared address space (100.64/10, carrier-grade NAT) and RFC 4193 unique
    /// local IPv6 addresses (fc00::/7).
    public var isPrivate: Bool {
        if let v4 = ipv4Value {
            return v4 >> 24 == 10 || v4 >> 20 == 0xAC1 || v4 >> 16 == 0xC0A8 || v4 >> 22 == (100 << 2 | 1)
        }
        return high >> 57 == 0x7E
    }

    /// 169.254.0.0/16 and fe80::/10.
    public var isLinkLocal: Bool {
        if let v4 = ipv4Value { return v4 >> 16 == 0xA9FE }
        return high >> 54 == 0x3FA
    }

    /// 0.0.0.0 and ::.
    public var isUnspecified: Bool { (high == 0 && low == 0) || ipv4Value == 0 }

    /// Dotted quad for IPv4 (also when it arrived IPv4-mapped); the RFC 5952 canonical form for IPv6:
    /// lowercase, no leading zeros, the longest run of two or more zero groups (the first, on a tie) as `::`.
    public var description: String {
        if let v4 = ipv4Value {
            return "\(v4 >> 24).\(v4 >> 16 & 0xFF).\(v4 >> 8 & 0xFF).\(v4 & 0xFF)"
        }
        let groups = (0..<8).map { index in
            UInt16(truncatingIfNeeded: (index < 4 ? high : low) >> UInt64(48 - 16 * (index % 4)))
        }
        var bestStart = -1, bestLength = 1, runStart = -1
        for index in 0...8 {
            if index < 8 && groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart > bestLength { bestStart = runStart; bestLength = index - runStart }
                runStart = -1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}

/// The text parser, on UTF-8 bytes: it runs for every gateway request (peer and X-Forwarded-For), so no
/// Foundation scanning, no regular expressions and no allocation.
enum IPAddressParser {
    static let longestIPv6Text = 45  // "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"

    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        guard !text.isEmpty, text.count <= longestIPv6Text else { return nil }
        if let v4 = parseIPv4(text, from: 0) { return IPAddress(ipv4: v4) }
        return parseIPv6(text)
    }

    /// Exactly four decimal octets from `start` to the end of `text`.
    static func parseIPv4(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt32? {
        var value: UInt32 = 0, octet: UInt32 = 0, digits = 0, dots = 0
        for index in start..<text.count {
            let char = text[index]
            if char == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            } else if char &- UInt8(ascii: "0") < 10 {
                // A leading zero is refused: "010" is 8 to inet_aton and 10 to others.
                guard digits < 3, !(digits == 1 && octet == 0) else { return nil }
                octet = octet * 10 + UInt32(char &- UInt8(ascii: "0"))
                guard octet <= 255 else { return nil }
                digits += 1
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | octet
    }

    static func hexValue(_ char: UInt8) -> UInt16? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt16(char &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt16(char &- UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt16(char &- UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    static func parseIPv6(_ text: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        let colon = UInt8(ascii: ":")
        let end = text.count
        return withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 8) { groups -> IPAddress? in
            var count = 0, compressAt = -1, index = 0
            if text[0] == colon {
                guard end >= 2, text[1] == colon else { return nil }
                compressAt = 0
                index = 2
            }
            while index < end {
                guard count < 8 else { return nil }
                let groupStart = index
                var value: UInt16 = 0
                while index < end, index - groupStart < 5, let digit = hexValue(text[index]) {
                    value = value << 4 | digit
                    index += 1
                }
                if index < end, text[index] == UInt8(ascii: ".") {
                    // An embedded IPv4 address ends the text and fills the last two groups.
                    guard count <= 6, let v4 = parseIPv4(text, from: groupStart) else { return nil }
                    groups[count] = UInt16(truncatingIfNeeded: v4 >> 16)
                    groups[count + 1] = UInt16(truncatingIfNeeded: v4)
                    count += 2
                    break
                }
                let digits = index - groupStart
                guard digits > 0, digits <= 4 else { return nil }
                groups[count] = value
                count += 1
                if index == end { break }
                guard text[index] == colon else { return nil }
                index += 1
                if index < end, text[index] == colon {
                    guard compressAt < 0 else { return nil }
                    compressAt = count
                    index += 1
                } else if index == end {
                    return nil  // a single trailing colon
                }
            }
            if compressAt >= 0 {
                // "::" stands for at least one zero group (RFC 4291 §2.2).
                guard count < 8 else { return nil }
                let moved = count - compressAt
                let zeros = 8 - count
                for offset in stride(from: moved - 1, through: 0, by: -1) {
                    groups[compressAt + zeros + offset] = groups[compressAt + offset]
                }
                for offset in 0..<zeros { groups[compressAt + offset] = 0 }
            } else if count != 8 {
                return nil
            }
            var high: UInt64 = 0, low: UInt64 = 0
            for index in 0..<4 { high = high << 16 | UInt64(groups[index]) }
            for index in 4..<8 { low = low << 16 | UInt64(groups[index]) }
            return IPAddress(high: high, low: low)
        }
    }
}
