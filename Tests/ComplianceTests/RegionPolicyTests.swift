@testable import Compliance
import SuanliKit
import Testing

/// SPEC C6.1: no connections from China, Hong Kong or Macau — which address is the client, and the decision.
@Suite struct RegionPolicyTests {
    static let proxies = ["10.0.0.0/8", "192.0.2.0/24", "fd00::/8"].compactMap { IPNetwork($0) }
    let policy = RegionPolicy(trustedProxies: Self.proxies)

    func ip(_ text: String) throws -> IPAddress { try #require(IPAddress(text)) }

    func client(_ peer: String, _ forwardedFor: [String]) throws -> String? {
        policy.clientAddress(peer: try ip(peer), forwardedFor: forwardedFor)?.description
    }

    @Test func deniesChinaHongKongAndMacauByDefault() {
        #expect(RegionPolicy().deniedCountries == ChineseOrigin.regions)
        #expect(RegionPolicy().deniedCountries == ["CN", "HK", "MO"])
        #expect(RegionPolicy(deniedCountries: ["cn", "Tw"]).deniedCountries == ["CN", "TW"])
    }

    @Test func untrustedPeerIsTheClientWhateverXForwardedForSays() throws {
        #expect(try client("1.0.1.9", ["8.8.8.8"]) == "1.0.1.9")
        #expect(try client("1.0.1.9", ["garbage"]) == "1.0.1.9")
        #expect(try client("2400:da00::9", ["10.0.0.1, 8.8.8.8"]) == "2400:da00::9")
        #expect(try RegionPolicy().clientAddress(peer: ip("10.0.0.2"), forwardedFor: ["8.8.8.8"]) == ip("10.0.0.2"))
    }

    @Test func trustedProxyChainIsReadFromTheRight() throws {
        #expect(try client("10.0.0.2", ["203.0.113.7"]) == "203.0.113.7")
        #expect(try client("10.0.0.2", ["198.51.100.1, 192.0.2.5, 10.0.0.9"]) == "198.51.100.1")
        #expect(try client("::ffff:10.0.0.2", ["198.51.100.1"]) == "198.51.100.1")
        // Every hop trusted: the leftmost; no header at all: the peer (a proxy's own health check).
        #expect(try client("10.0.0.2", ["10.1.1.1, 192.0.2.5"]) == "10.1.1.1")
        #expect(try client("10.0.0.2", []) == "10.0.0.2")
    }

    @Test func spoofedLeftmostEntriesAreIgnored() throws {
        // The client sent "X-Forwarded-For: 8.8.8.8" from 1.0.1.9; our proxy appended what it saw.
        #expect(try client("10.0.0.2", ["8.8.8.8, 1.0.1.9"]) == "1.0.1.9")
        #expect(try client("10.0.0.2", ["8.8.8.8, 10.9.9.9, 1.0.1.9, 10.0.0.3"]) == "1.0.1.9")
        // Garbage the client wrote left of the real address is never read.
        #expect(try client("10.0.0.2", ["not-an-ip, <script>, 1.0.1.9"]) == "1.0.1.9")
    }

    @Test func headerLinesJoinInOrder() throws {
        #expect(try client("10.0.0.2", ["8.8.8.8", "1.0.1.9, 10.0.0.3"]) == "1.0.1.9")
        #expect(try client("10.0.0.2", ["8.8.8.8, 1.0.1.9", "10.0.0.3", "192.0.2.1"]) == "1.0.1.9")
        #expect(try client("10.0.0.2", ["1.0.1.9", ""]) == "1.0.1.9")
        #expect(try client("10.0.0.2", ["1.0.1.9,, ,\t"]) == "1.0.1.9")
    }

    @Test func portsBracketsAndWhitespaceAreAccepted() throws {
        #expect(try client("10.0.0.2", ["8.8.8.8:1234"]) == "8.8.8.8")
        #expect(try client("10.0.0.2", ["  8.8.8.8\t"]) == "8.8.8.8")
        #expect(try client("10.0.0.2", ["[2001:4860::8888]:443"]) == "2001:4860::8888")
        #expect(try client("10.0.0.2", ["[2001:4860::8888]"]) == "2001:4860::8888")
        #expect(try client("10.0.0.2", ["2001:4860::8888"]) == "2001:4860::8888")
        #expect(try client("10.0.0.2", ["[::ffff:1.0.1.9]:80"]) == "1.0.1.9")
    }

    @Test(arguments: [
        "unknown", "8.8.8.8, garbage", "8.8.8.8:", "8.8.8.8:99999", "8.8.8.8:http", "[2001:db8::1",
        "[2001:db8::1]x", "[2001:db8::1]:", "example.com", "\"8.8.8.8\"", "8.8.8.8 1.0.1.9", "_hidden",
        "fe80::1%eth0", "1.0.1.9, 10.0.0.1:65536",
    ])
    func malformedEntryThatWouldBeReadMeansUnknown(header: String) throws {
        #expect(try client("10.0.0.2", [header]) == nil)
        #expect(try policy.decide(client: policy.clientAddress(peer: ip("10.0.0.2"), forwardedFor: [header]),
                                  database: database()) == .unknownAddress)
    }

    @Test func ipv6ProxiesAndClients() throws {
        #expect(try client("fd00::5", ["2400:da00::1, fd12::1"]) == "2400:da00::1")
        #expect(try client("fd00::5", ["2001:b000::1"]) == "2001:b000::1")
        #expect(try client("fe80::5", ["2001:b000::1"]) == "fe80::5")
        #expect(policy.clientAddress(peer: nil, forwardedFor: ["8.8.8.8"]) == nil)
    }

    // MARK: decisions

    func database() throws -> MaxMindDB { try MaxMindDB(contentsOf: try fixturePath("country-v6")) }

    @Test(arguments: [
        ("1.0.1.5", "CN"), ("1.36.0.1", "HK"), ("60.246.9.9", "MO"), ("2400:da00::1", "CN"),
        ("2404:c800::1", "HK"), ("::ffff:1.0.1.5", "CN"),
        ("203.0.113.9", "HK"), ("2001:db8:4d4f::1", "MO"),  // registered country only
    ])
    func deniesChinaHongKongMacau(address: String, country: String) throws {
        #expect(try policy.decide(client: ip(address), database: database()) == .denied(country: country))
    }

    @Test(arguments: [("1.160.0.1", "TW"), ("2001:b000::1", "TW"), ("8.8.8.8", "US"), ("2001:4860::1", "US")])
    func allowsOthersWithTheirCountry(address: String, country: String) throws {
        #expect(try policy.decide(client: ip(address), database: database()) == .allowed(country: country))
    }

    @Test func addressesNoDatabaseLocatesAreAllowedWithoutCountry() throws {
        for text in ["127.0.0.1", "::1", "10.1.2.3", "192.168.0.1", "fd00::1", "fe80::1", "169.254.0.1", "0.0.0.0"] {
            #expect(try policy.decide(client: ip(text), database: database()) == .allowed(country: nil), "\(text)")
        }
        // Public but absent from the file: GeoIP data has gaps; the policy refuses only what it knows.
        #expect(try policy.decide(client: ip("9.9.9.9"), database: database()) == .allowed(country: nil))
        #expect(try policy.decide(client: ip("2a00::1"), database: database()) == .allowed(country: nil))
    }

    @Test func withoutADatabaseEverythingIsAllowedButUnknownClients() throws {
        #expect(try policy.decide(client: ip("1.0.1.5"), database: nil) == .allowed(country: nil))
        #expect(try policy.decide(client: nil, database: nil) == .unknownAddress)
        #expect(try policy.decide(client: nil, database: database()) == .unknownAddress)
    }

    @Test func operatorCanChangeTheDeniedList() throws {
        let strict = RegionPolicy(deniedCountries: ChineseOrigin.regions.union(["us"]))
        #expect(try strict.decide(client: ip("8.8.8.8"), database: database()) == .denied(country: "US"))
        #expect(try strict.decide(client: ip("1.160.0.1"), database: database()) == .allowed(country: "TW"))
    }

    @Test func ipv4OnlyDatabaseDecidesIPv4() throws {
        let v4 = try MaxMindDB(contentsOf: try fixturePath("country-v4"))
        #expect(try policy.decide(client: ip("1.0.1.5"), database: v4) == .denied(country: "CN"))
        #expect(try policy.decide(client: ip("2400:da00::1"), database: v4) == .allowed(country: nil))
    }

    @Test func spoofingThroughAnUntrustedPathDoesNotEscapeTheRule() throws {
        // A client in China claims to be Google's resolver, directly and through our proxy.
        let direct = policy.clientAddress(peer: try ip("1.0.1.9"), forwardedFor: ["8.8.8.8"])
        #expect(try policy.decide(client: direct, database: database()) == .denied(country: "CN"))
        let proxied = policy.clientAddress(peer: try ip("10.0.0.2"), forwardedFor: ["8.8.8.8, 1.0.1.9"])
        #expect(try policy.decide(client: proxied, database: database()) == .denied(country: "CN"))
    }
}
