@testable import Grants
import SuanliKit
import PropertyBased
import Testing

/// Levels and what a point buys (SPEC C1.3–C1.5), exact and integer.
@Suite struct PointUnitsTests {
    @Test func levelsGrantTheSeedsPoints() {
        #expect(GrantLevel.l1.points == 1_000)
        #expect(GrantLevel.l2.points == 2_000)
        #expect(GrantLevel.l3.points == 6_000)
        #expect(GrantLevel.allCases.sorted() == [.l1, .l2, .l3])
        #expect(GrantLevel.l3.zh == "L3 級（6000 點）")
        #expect(GrantLevel.l1.en == "Level L1 (1000 points)")
    }

    @Test func trainingPointIsHalfAGPUHour() {
        #expect(TrainingUnits.gpuSecondsPerPoint == 1_800)
        #expect(TrainingUnits.gpuSeconds(forPoints: 1_000) == 1_800_000)  // 500 GPU-hours
        #expect(TrainingUnits.gpuSeconds(forPoints: GrantLevel.l3.points) == 3_000 * 3_600)
    }

    @Test func meteringPerGPUOrPerEnvironment() {
        // One hour on 4 GPUs, idle or not.
        #expect(TrainingUnits.chargedGPUSeconds(allocatedSeconds: 3_600, gpus: 4, metering: .perGPU) == 14_400)
        #expect(TrainingUnits.chargedGPUSeconds(allocatedSeconds: 3_600, gpus: 4, metering: .perEnvironment) == 3_600)
        #expect(TrainingUnits.chargedGPUSeconds(allocatedSeconds: 0, gpus: 8, metering: .perGPU) == 0)
        #expect(TrainingMetering.perGPU.zh.contains("卡數"))
    }

    @Test(arguments: [(0, 0, 0), (1_799, 0, 1_799), (1_800, 1, 0), (1_801, 1, 1), (3_599_999, 1_999, 1_799)])
    func trainingBalancesShowWholePointsRoundedDown(_ seconds: Int, _ points: Int, _ remainder: Int) {
        let shown = TrainingUnits.wholePoints(inGPUSeconds: seconds)
        #expect(shown.points == points && shown.remainderSeconds == remainder)
    }

    @Test func inferencePointIsAHundredThousandTokensMeteredPerThousand() {
        #expect(InferenceUnits.tokensPerPoint == 100_000)
        #expect(InferenceUnits.tokensPerMeteredUnit == 1_000)
        #expect(InferenceUnits.meteredUnits(forPoints: 1_000) == 100_000)
    }

    @Test(arguments: [(0, 0), (1, 1), (999, 1), (1_000, 1), (1_001, 2), (100_000, 100), (123_456, 124)])
    func aStartedThousandTokensIsAUnit(_ tokens: Int, _ units: Int) {
        #expect(InferenceUnits.meteredUnits(forTokens: tokens) == units)
    }

    @Test func roundingTheRunningTotalChargesWhatTheTotalIsWorth() async {
        // Many small requests: charges add up to the rounded total, never one unit per request.
        await propertyCheck(count: 300, input: Gen.int(in: 0...5_000).array(of: 0...60)) { requests in
            var total = 0, charged = 0
            for tokens in requests {
                charged += InferenceUnits.charge(tokensBefore: total, tokensAfter: total + tokens)
                total += tokens
            }
            #expect(charged == InferenceUnits.meteredUnits(forTokens: total))
            #expect(charged * 1_000 >= total && charged * 1_000 < total + 1_000)
        }
        // 300 requests of 10 tokens = 3,000 tokens = 3 units, not 300.
        var total = 0, charged = 0
        for _ in 0..<300 {
            charged += InferenceUnits.charge(tokensBefore: total, tokensAfter: total + 10)
            total += 10
        }
        #expect(charged == 3)
    }

    @Test(arguments: [(0, 0, 0), (99, 0, 99), (100, 1, 0), (1_234, 12, 34)])
    func inferenceBalancesShowPointsAndHundredths(_ units: Int, _ points: Int, _ remainder: Int) {
        let shown = InferenceUnits.wholePoints(inMeteredUnits: units)
        #expect(shown.points == points && shown.remainderUnits == remainder)
    }
}
