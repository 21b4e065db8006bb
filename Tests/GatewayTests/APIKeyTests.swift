import Foundation
import Gateway
import SuanliKit
import Testing

/// Inference API keys: their form, what a policy may say, and the per-minute limits (issue 4, item 2/4).
@Suite struct APIKeyTests {
    @Test func keysAreLongRandomAndOnlyTheirDigestIsKept() {
        let a = APIKeyFormat.issue(), b = APIKeyFormat.issue()
        #expect(a.key != b.key && a.digest != b.digest)
        #expect(a.key.hasPrefix(a.prefix + "-") && a.prefix.hasPrefix("sk-suanli-") && a.prefix.count == 18)
        #expect(a.key.count == 18 + 1 + 43)
        #expect(APIKeyFormat.digest(ofPresented: a.key) == a.digest)
        #expect(a.digest.count == 64 && !a.digest.contains(a.key))
        for other in ["", "sk-proj-abc", a.prefix, a.key + " ", "Bearer " + a.key, String(a.key.dropLast(5)),
                      a.key + String(repeating: "x", count: 100)] {
            #expect(APIKeyFormat.digest(ofPresented: other) == nil, "\(other)")
        }
    }

    @Test func aPolicyIsCheckedBeforeItIsStored() {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        #expect(KeyPolicy().problems(now: now).isEmpty)
        #expect(KeyPolicy(models: ["gemma-3-270m"], expiresAt: now + 86_400, requestsPerMinute: 60, tokensPerMinute: 100_000)
            .problems(now: now).isEmpty)
        #expect(KeyPolicy(requestsPerMinute: 0).problems(now: now).map(\.field) == ["requestsPerMinute"])
        #expect(KeyPolicy(tokensPerMinute: -5).problems(now: now).map(\.field) == ["tokensPerMinute"])
        #expect(KeyPolicy(models: ["gemma 3"]).problems(now: now).map(\.field) == ["models"])
        #expect(KeyPolicy(models: ["<script>"]).problems(now: now).map(\.field) == ["models"])
        #expect(KeyPolicy(expiresAt: now).problems(now: now).map(\.field) == ["expiresAt"])
        #expect(KeyPolicy(models: ["a"]).allows(model: "a") && !KeyPolicy(models: ["a"]).allows(model: "b"))
        #expect(KeyPolicy().allows(model: "anything"))
        #expect(KeyPolicy(expiresAt: now).isExpired(at: now) && !KeyPolicy(expiresAt: now + 1).isExpired(at: now))
    }

    @Test func requestsPerMinuteSlideWithTheClock() {
        var window = RateWindow()
        let t0 = Date(timeIntervalSince1970: 1_790_000_000)
        for second in 0..<3 {
            #expect(window.admit(at: t0 + Double(second * 10), reservedTokens: 1, rpm: 3, tpm: nil) == .admitted)
        }
        #expect(window.admit(at: t0 + 30, reservedTokens: 1, rpm: 3, tpm: nil) == .limited(kind: .requests, retryAfter: 30))
        // Once the first request is a minute old, one more fits.
        #expect(window.admit(at: t0 + 60, reservedTokens: 1, rpm: 3, tpm: nil) == .admitted)
        #expect(window.admit(at: t0 + 61, reservedTokens: 1, rpm: 3, tpm: nil) == .limited(kind: .requests, retryAfter: 9))
    }

    @Test func tokensPerMinuteCountTheReservationUntilSettled() {
        var window = RateWindow()
        let t0 = Date(timeIntervalSince1970: 1_790_000_000)
        #expect(window.admit(at: t0, reservedTokens: 800, rpm: nil, tpm: 1_000) == .admitted)
        #expect(window.admit(at: t0 + 1, reservedTokens: 300, rpm: nil, tpm: 1_000) == .limited(kind: .tokens, retryAfter: 59))
        // The first request used only 100 of its 800: room again.
        window.settle(admittedAt: t0, reservedTokens: 800, usedTokens: 100)
        #expect(window.admit(at: t0 + 1, reservedTokens: 300, rpm: nil, tpm: 1_000) == .admitted)
        // A request larger than the whole TPM may run alone, never beside others.
        var empty = RateWindow()
        #expect(empty.admit(at: t0, reservedTokens: 5_000, rpm: nil, tpm: 1_000) == .admitted)
        #expect(empty.admit(at: t0, reservedTokens: 1, rpm: nil, tpm: 1_000) == .limited(kind: .tokens, retryAfter: 60))
    }
}
