@testable import Compliance
import PropertyBased
import Testing

/// Addresses and networks as the region policy (SPEC C6.1) reads them from peers, X-Forwarded-For and
/// the trusted-proxy configuration.
@Suite struct IPAddressTests {
    @Test(arguments: [
        ("1.2.3.4", "1.2.3.4"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("10.0.0.1", "10.0.0.1"), ("::", "::"), ("::1", "::1"), ("1::", "1::"),
        ("2001:db8::1", "2001:db8::1"), ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"), ("fe80::1:2.3.4.5", "fe80::1:203:405"),
        ("::ffff:1.2.3.4", "1.2.3.4"), ("::FFFF:1.2.3.4", "1.2.3.4"), ("::ffff:0102:0304", "1.2.3.4"),
        ("0:0:0:0:0:ffff:1.2.3.4", "1.2.3.4"), ("::1.2.3.4", "::102:304"),
        ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
    ])
    func parsesAndPrintsCanonically(text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
        #expect(IPAddress(Substring("[" + text + "]").dropFirst().dropLast()) == address)
    }

    @Test(arguments: [
        "", " ", " 1.2.3.4", "1.2.3.4 ", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.1000", "01.2.3.4",
        "1.2.3.04", "00.0.0.0", "1..2.3", "1.2.3.", ".1.2.3", "16909060", "0x1.2.3.4", "1.2.3.4/32",
        "1.2.3.4:80", "[::1]", "fe80::1%eth0", "fe80::1%1", ":", ":::", "1:::2", ":1::", "1::2::3", "::1::",
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "12345::", "1:",
        ":1", "::1.2.3", "::1.2.3.4:5", "1.2.3.4::", "::ffff:1.2.3.256", "::ffff:01.2.3.4", "g::1",
        "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4:5:6:7:8:9:10", "１.２.３.４", "1.2.3.4\0", "localhost",
        "::ffff:1.2.3.4.5", "1:2:3:4:5:6:7:8:1.2.3.4", "0000:0000:0000:0000:0000:0000:0000:00001",
        String(repeating: "1", count: 46), "-1.2.3.4", "+1.2.3.4", "1.2.3.-4",
    ])
    func refusesAnythingElse(text: String) {
        #expect(IPAddress(text) == nil, "\(text.debugDescription)")
    }

    @Test func ipv4IsOneValueWhateverItsForm() throws {
        let dotted = try #require(IPAddress("192.0.2.1"))
        #expect(dotted == IPAddress("::ffff:192.0.2.1"))
        #expect(dotted == IPAddress(ipv4: 0xC000_0201))
        #expect(dotted == IPAddress(bytes: [192, 0, 2, 1]))
        #expect(dotted == IPAddress(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 1]))
        #expect(dotted.isIPv4 && dotted.ipv4Value == 0xC000_0201)
        #expect(dotted.bytes == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 1])
        #expect(IPAddress("::192.0.2.1")?.isIPv4 == false)
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
        let v6 = try #require(IPAddress("2001:db8::ff"))
        #expect(!v6.isIPv4 && v6.ipv4Value == nil)
        #expect(IPAddress(bytes: v6.bytes) == v6)
    }

    @Test func bitsCountFromTheMostSignificant() throws {
        let address = try #require(IPAddress("8000::1"))
        #expect(address.bit(0) == 1 && address.bit(1) == 0 && address.bit(126) == 0 && address.bit(127) == 1)
        let v4 = try #require(IPAddress("128.0.0.1"))
        #expect(v4.bit(80) == 1 && v4.bit(95) == 1 && v4.bit(96) == 1 && v4.bit(97) == 0 && v4.bit(127) == 1)
    }

    @Test func classifiesNonPublicAddresses() throws {
        func check(_ text: String, _ property: (IPAddress) -> Bool) throws -> Bool {
            property(try #require(IPAddress(text)))
        }
        for text in ["127.0.0.1", "127.255.255.254", "::1", "::ffff:127.0.0.1"] {
            #expect(try check(text, \.isLoopback), "\(text)")
        }
        for text in ["10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "100.127.255.255",
                     "fc00::1", "fd12:3456::1"] {
            #expect(try check(text, \.isPrivate), "\(text)")
        }
        for text in ["169.254.1.1", "fe80::1", "febf::1"] { #expect(try check(text, \.isLinkLocal), "\(text)") }
        for text in ["0.0.0.0", "::"] { #expect(try check(text, \.isUnspecified), "\(text)") }
        for text in ["8.8.8.8", "172.32.0.1", "172.15.255.255", "192.169.0.1", "100.128.0.1", "11.0.0.1",
                     "2001:db8::1", "fe00::1", "fec0::1", "::2", "1.0.1.1"] {
            let address = try #require(IPAddress(text))
            #expect(!address.isLoopback && !address.isPrivate && !address.isLinkLocal && !address.isUnspecified,
                    "\(text)")
        }
    }

    @Test func canonicalTextRoundTripsForEveryAddress() async {
        await propertyCheck(count: 2000, input: Gen.uint64(), Gen.uint64()) { high, low in
            let address = IPAddress(high: high, low: low)
            #expect(IPAddress(address.description) == address)
            let full = address.bytes.chunked(2).map { String(UInt16($0.first!) << 8 | UInt16($0.last!), radix: 16) }
            #expect(IPAddress(full.joined(separator: ":").uppercased()) == address)
        }
        await propertyCheck(count: 2000, input: Gen.uint32()) { value in
            let address = IPAddress(ipv4: value)
            #expect(IPAddress(address.description) == address)
            #expect(IPAddress("::ffff:" + address.description) == address)
            // Sparse addresses exercise "::" placement; zero out random groups.
            let sparse = IPAddress(high: UInt64(value) << 16, low: UInt64(value & 0xFFFF_0000))
            #expect(IPAddress(sparse.description) == sparse)
        }
    }

    // MARK: IPNetwork

    @Test(arguments: [
        ("10.0.0.0/8", "10.255.255.255", true), ("10.0.0.0/8", "11.0.0.0", false),
        ("10.0.0.0/8", "::ffff:10.1.2.3", true), ("10.0.0.0/8", "::a01:203", false),
        ("192.0.2.7", "192.0.2.7", true), ("192.0.2.7", "192.0.2.8", false), ("192.0.2.7/32", "192.0.2.7", true),
        ("0.0.0.0/0", "203.0.113.1", true), ("0.0.0.0/0", "::1", false),
        ("::ffff:0:0/96", "1.2.3.4", true), ("::ffff:0:0/96", "::1", false),
        ("::ffff:10.0.0.0/104", "10.9.9.9", true), ("::ffff:10.0.0.0/104", "11.9.9.9", false),
        ("2001:db8::/32", "2001:db8:ffff::1", true), ("2001:db8::/32", "2001:db9::", false),
        ("::1", "::1", true), ("::1/128", "::2", false), ("::/0", "2400:da00::1", true), ("::/0", "8.8.8.8", true),
        ("fd00::/8", "fdff::1", true), ("fd00::/8", "fe00::1", false), ("172.16.0.0/12", "172.31.0.1", true),
        ("172.16.0.0/12", "172.32.0.1", false),
    ])
    func networkContains(network: String, address: String, expected: Bool) throws {
        let parsed = try #require(IPNetwork(network))
        #expect(parsed.contains(try #require(IPAddress(address))) == expected)
    }

    @Test func networkDescribesItself() throws {
        #expect(IPNetwork("10.0.0.0/8")?.description == "10.0.0.0/8")
        #expect(IPNetwork("10.0.0.0/8")?.prefixLength == 8)
        #expect(IPNetwork("::ffff:10.0.0.0/104") == IPNetwork("10.0.0.0/8"))
        #expect(IPNetwork("2001:DB8::/32")?.description == "2001:db8::/32")
        #expect(IPNetwork("192.0.2.1")?.description == "192.0.2.1/32")
        #expect(IPNetwork("::1")?.description == "::1/128")
        #expect(IPNetwork(address: IPAddress(ipv4: 0x0A00_0000), prefixLength: 8) == IPNetwork("10.0.0.0/8"))
        #expect(IPNetwork(address: IPAddress(ipv4: 0x0A00_0001), prefixLength: 8) == nil)
    }

    @Test(arguments: [
        "10.0.0.1/8", "10.0.0.0/33", "10.0.0.0/08", "10.0.0.0/", "/8", "10.0.0.0/8/8", "10.0.0.0/-1",
        "10.0.0.0/ 8", " 10.0.0.0/8", "2001:db8::/129", "2001:db8::1/32", "2001:db8::/0032", "::ffff:1.2.3.4/95",
        "::ffff:1.2.3.4/129", "10.0.0.0/1000", "", "nope", "10.0.0.0/8 ",
    ])
    func networkRefusesAnythingElse(text: String) {
        #expect(IPNetwork(text) == nil, "\(text.debugDescription)")
    }
}

extension Array {
    fileprivate func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
