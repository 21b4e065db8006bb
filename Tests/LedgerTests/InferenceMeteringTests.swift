import Ledger
import PropertyBased
import SuanliKit
import Testing

/// The inference charging rule (SPEC C1.5; README "Metering and rounding").
@Suite struct InferenceMeteringTests {
    @Test func smallRequestsCarryTheirRemainder() {
        var metering = InferenceMetering()
        var charged = LedgerAmount.zero
        for _ in 0..<100 { charged = charged + metering.record(tokens: 10) }
        // A hundred 10-token requests: 1,000 tokens, one unit — not a hundred.
        #expect(charged == .meteredUnits(1))
        #expect(metering.tokensMetered == 1_000)
        // The next token starts a new unit, charged once, when it is first used.
        #expect(metering.record(tokens: 1) == .meteredUnits(1))
        #expect(metering.record(tokens: 999) == .zero)
        #expect(metering.record(tokens: 1) == .meteredUnits(1))
    }

    @Test func theSumOfChargesIsTheRoundedUpTotal() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...5_000).array(of: 0...80)) { requests in
            var metering = InferenceMetering()
            var charged = LedgerAmount.zero
            for tokens in requests {
                let charge = metering.record(tokens: tokens)
                // Never more than the request's own worst case: what admission reserved covers it.
                #expect(charge <= InferenceMetering.worstCase(tokens: tokens))
                charged = charged + charge
            }
            let total = requests.reduce(0, +)
            #expect(charged == .meteredUnits((total + 999) / 1_000))
            // Over the whole term, less than one unit is charged for tokens not used.
            // (In thousandths of a tick, so nothing is rounded in the check itself.)
            #expect(charged.ticks * 1_000 - total * LedgerAmount.ticksPerMeteredUnit < LedgerAmount.ticksPerMeteredUnit * 1_000)
        }
    }

    @Test func affordableTokensFitTheBalance() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...100_000)) { ticks in
            let available = LedgerAmount(ticks: ticks)
            let tokens = InferenceMetering.affordableTokens(within: available)
            #expect(InferenceMetering.worstCase(tokens: tokens) <= available)
            #expect(InferenceMetering.worstCase(tokens: tokens + 1) > available)
        }
        #expect(InferenceMetering.affordableTokens(within: .zero) == 0)
        #expect(InferenceMetering.affordableTokens(within: LedgerAmount(ticks: 17)) == 0)
        #expect(InferenceMetering.affordableTokens(within: .points(1)) == 100_000)
    }
}
