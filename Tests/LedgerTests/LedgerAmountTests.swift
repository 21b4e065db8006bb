import Ledger
import SuanliKit
import Testing

/// The ledger's one unit (SPEC C1.4, C1.5): 1 point = 1,800 ticks = 1,800 GPU-seconds = 100 units of
/// 1,000 tokens; both kinds convert exactly.
@Suite struct LedgerAmountTests {
    @Test func bothKindsFitExactly() {
        #expect(LedgerAmount.points(1) == .gpuSeconds(1_800))
        #expect(LedgerAmount.points(1) == .meteredUnits(100))
        #expect(LedgerAmount.ticksPerMeteredUnit == 18)
        #expect(LedgerAmount.points(6_000).ticks == 10_800_000)
        // 0.5 GPU-hour is one point; 100,000 tokens is one point.
        #expect(LedgerAmount.gpuSeconds(TrainingUnits.gpuSeconds(forPoints: 3)) == .points(3))
        #expect(LedgerAmount.meteredUnits(InferenceUnits.meteredUnits(forTokens: 100_000)) == .points(1))
    }

    @Test(arguments: [(0, "0.00"), (1, "0.00"), (18, "0.01"), (1_800, "1.00"), (1_799, "0.99"),
                      (1_800 * 1_234 + 18 * 56, "1,234.56"), (1_800 * 6_000, "6,000.00"), (-18, "-0.01"),
                      (1_800 * 1_000_000, "1,000,000.00")])
    func pointsAreShownRoundedDown(_ ticks: Int, _ text: String) {
        #expect(LedgerAmount(ticks: ticks).pointsText == text)
    }

    @Test func wholeMeteredUnitsRoundDown() {
        #expect(LedgerAmount(ticks: 17).wholeMeteredUnits == 0)
        #expect(LedgerAmount(ticks: 18).wholeMeteredUnits == 1)
        #expect(LedgerAmount(ticks: 35).wholeMeteredUnits == 1)
        #expect(LedgerAmount(ticks: -18).wholeMeteredUnits == 0)
    }
}
