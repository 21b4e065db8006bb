/// A CIDR block such as `10.0.0.0/8` or `2001:db8::/32`: the trusted reverse proxies of the region
/// policy (SPEC C6.1) are configured as a list of these.
///
/// IPv4 networks live in the IPv4-mapped part of the 128-bit space (see `IPAddress`), so `10.0.0.0/8`
/// contains `10.1.2.3` however that address arrived, and `::/0` contains every address of both families.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    /// The first address of the network (all host bits zero).
    public let address: IPAddress
    /// Leading bits that every member shares, over all 128 bits (an IPv4 /8 is 104 here).
    public let bitCount: Int

    /// Nil when the prefix is longer than the family allows or `address` has host bits set.
    public init?(address: IPAddress, prefixLength: Int) {
        let bits = address.isIPv4 ? prefixLength + 96 : prefixLength
        guard prefixLength >= 0, bits <= 128 else { return nil }
        guard Self.masked(address, to: bits) == address else { return nil }
        self.init(unchecked: address, bitCount: bits)
    }

    private init(unchecked address: IPAddress, bitCount: Int) {
        self.address = address
        self.bitCount = bitCount
    }

    /// Parses `ADDRESS/PREFIX`, or a bare address meaning /32 or /128.
    ///
    /// Strict: the prefix is decimal without leading zeros and at most 32 for dotted-quad addresses and 128
    /// for IPv6 text, and host bits must be zero — `192.168.1.10/24` is refused rather than silently widened
    /// or narrowed, since for a list of trusted proxies either guess can be wrong.
    public init?(_ text: some StringProtocol) {
        let utf8 = text.utf8
        guard let slash = utf8.firstIndex(of: UInt8(ascii: "/")) else {
            guard let address = IPAddress(text) else { return nil }
            self.init(address: address, prefixLength: address.isIPv4 ? 32 : 128)
            return
        }
        let addressText = Substring(text)[..<slash]
        guard let address = IPAddress(addressText) else { return nil }
        let writtenAsIPv6 = addressText.utf8.contains(UInt8(ascii: ":"))
        var prefix = 0, digits = 0
        for char in utf8[utf8.index(after: slash)...] {
            guard char &- UInt8(ascii: "0") < 10, digits < 3, !(digits == 1 && prefix == 0) else { return nil }
            prefix = prefix * 10 + Int(char &- UInt8(ascii: "0"))
            digits += 1
        }
        guard digits > 0 else { return nil }
        // "::ffff:10.0.0.0/104" counts its prefix over 128 bits; "10.0.0.0/8" over 32.
        let ipv4Prefix = writtenAsIPv6 ? prefix - 96 : prefix
        if address.isIPv4 {
            guard writtenAsIPv6 ? prefix <= 128 : prefix <= 32 else { return nil }
            if ipv4Prefix >= 0 {
                self.init(address: address, prefixLength: ipv4Prefix)
                return
            }
        } else if !writtenAsIPv6 {
            return nil
        }
        // An IPv6 prefix shorter than 96 bits over an IPv4-mapped address has nonzero host bits unless the
        // network starts below ::ffff:0:0, so it is handled as a plain IPv6 network.
        guard prefix <= 128, Self.masked(address, to: prefix) == address else { return nil }
        self.init(unchecked: address, bitCount: prefix)
    }

    /// The prefix length as written for the family: 8 for `10.0.0.0/8`, 32 for `2001:db8::/32`.
    public var prefixLength: Int { address.isIPv4 && bitCount >= 96 ? bitCount - 96 : bitCount }

    public func contains(_ candidate: IPAddress) -> Bool {
        Self.masked(candidate, to: bitCount) == address
    }

    public var description: String { "\(address)/\(prefixLength)" }

    static func masked(_ address: IPAddress, to bits: Int) -> IPAddress {
        func mask(_ bits: Int) -> UInt64 {
            bits <= 0 ? 0 : bits >= 64 ? .max : ~(UInt64.max >> UInt64(bits))
        }
        return IPAddress(high: address.high & mask(bits), low: address.low & mask(bits - 64))
    }
}
