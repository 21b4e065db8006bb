import Ledger
import PropertyBased
import SuanliKit
import Testing

/// The rules every ledger write obeys (`AccountState`), which `suanli ledger verify` replays.
@Suite struct AccountStateTests {
    static func granted(_ points: Int = 10) throws -> AccountState {
        var state = AccountState()
        try state.apply(.grant(.points(points), reference: "award"))
        return state
    }

    @Test func aRequestReservesThenSettlesWhatItUsed() throws {
        var state = try Self.granted()
        try state.apply(.reservation(.points(3), reference: "r1"))
        #expect(state.balance == .points(7))
        #expect(state.heldTotal == .points(3))
        try state.apply(.release(.points(3), hold: "r1"))
        try state.apply(.usage(.meteredUnits(5), request: "r1", hold: "r1", tokens: 4_321))
        #expect(state.balance == .points(10) - .meteredUnits(5))
        #expect(state.heldTotal == .zero)
        #expect(state.metering.tokensMetered == 4_321)
    }

    @Test func theBalanceNeverGoesNegative() throws {
        var state = try Self.granted(1)
        #expect(throws: LedgerError.insufficientBalance(available: .points(1), needed: .points(2))) {
            try state.apply(.reservation(.points(2), reference: "big"))
        }
        try state.apply(.reservation(.points(1), reference: "all"))
        #expect(throws: LedgerError.self) { try state.apply(.reservation(LedgerAmount(ticks: 1), reference: "one")) }
        #expect(state.balance == .zero)
        // Usage before its release would dip below zero, so it is refused: release first.
        #expect(throws: LedgerError.usageExceedsReservation(reference: "all", held: .zero, used: .meteredUnits(1))) {
            try state.apply(.usage(.meteredUnits(1), request: "q", hold: "all", tokens: 10))
        }
    }

    @Test func aRequestIsBilledOnce() throws {
        var state = try Self.granted()
        try state.apply(.reservation(.points(1), reference: "r1"))
        try state.apply(.release(.points(1), hold: "r1"))
        try state.apply(.usage(.meteredUnits(2), request: "r1", hold: "r1", tokens: 1_500))
        #expect(throws: LedgerError.duplicateReference(.usage, "r1")) {
            try state.apply(.usage(.meteredUnits(2), request: "r1", hold: "r1", tokens: 1_500))
        }
        #expect(throws: LedgerError.duplicateReference(.reservation, "r1")) {
            try state.apply(.reservation(.points(1), reference: "r1"))
        }
    }

    @Test func usageCannotExceedItsReservation() throws {
        var state = try Self.granted()
        try state.apply(.reservation(.meteredUnits(3), reference: "r1"))
        try state.apply(.release(.meteredUnits(3), hold: "r1"))
        #expect(throws: LedgerError.self) {
            try state.apply(.usage(.meteredUnits(4), request: "r1", hold: "r1", tokens: 3_500))
        }
        // A settled hold releases nothing more.
        #expect(throws: LedgerError.noOpenReservation("r1")) {
            try state.apply(.release(.meteredUnits(1), hold: "r1", reference: "r1#2"))
        }
        try state.apply(.reservation(.meteredUnits(3), reference: "r2"))
        #expect(throws: LedgerError.releaseExceedsHold(reference: "r2", held: .meteredUnits(3), released: .meteredUnits(4))) {
            try state.apply(.release(.meteredUnits(4), hold: "r2"))
        }
        #expect(throws: LedgerError.noOpenReservation("nope")) {
            try state.apply(.release(.meteredUnits(1), hold: "nope"))
        }
    }

    @Test func aLeaseSettlesManyRequestsInBatches() throws {
        var state = try Self.granted()
        try state.apply(.reservation(.points(5), reference: "lease-a"))
        // A batch: release what the requests used, then one usage entry per request.
        try state.apply(.release(.meteredUnits(7), hold: "lease-a", reference: "lease-a#1"))
        try state.apply(.usage(.meteredUnits(3), request: "q1", hold: "lease-a", tokens: 2_100))
        try state.apply(.usage(.meteredUnits(4), request: "q2", hold: "lease-a", tokens: 3_900))
        #expect(state.balance == .points(5))
        // Closing the lease returns the rest.
        try state.apply(.release(.points(5) - .meteredUnits(7), hold: "lease-a", reference: "lease-a#close"))
        #expect(state.balance == .points(10) - .meteredUnits(7))
        #expect(state.openHolds.isEmpty)
        #expect(state.metering.tokensMetered == 6_000)
    }

    @Test func adjustmentsNeedAReasonAndExpiryClosesTheAccount() throws {
        var state = try Self.granted(2)
        #expect(throws: LedgerError.adjustmentNeedsReason) {
            try state.apply(LedgerEntry(kind: .adjustment, amount: .points(1), reference: "adj1"), reason: "  ")
        }
        try state.apply(LedgerEntry(kind: .adjustment, amount: .points(1), reference: "adj1"), reason: "補發：閘道故障期間誤扣")
        #expect(state.balance == .points(3))
        #expect(throws: LedgerError.self) {
            try state.apply(LedgerEntry(kind: .adjustment, amount: -.points(4), reference: "adj2"), reason: "扣回")
        }
        try state.apply(.reservation(.points(1), reference: "r1"))
        #expect(throws: LedgerError.openReservations(1)) {
            try state.apply(LedgerEntry(kind: .expiry, amount: -.points(2), reference: "term-end"))
        }
        try state.apply(.release(.points(1), hold: "r1"))
        #expect(throws: LedgerError.wrongSign(.expiry, -.points(1))) {
            try state.apply(LedgerEntry(kind: .expiry, amount: -.points(1), reference: "term-end"))
        }
        try state.apply(LedgerEntry(kind: .expiry, amount: -.points(3), reference: "term-end"))
        #expect(state.closed && state.balance == .zero)
        #expect(throws: LedgerError.accountClosed) { try state.apply(.reservation(.points(1), reference: "late")) }
    }

    @Test func aRefusedEntryChangesNothing() throws {
        var state = try Self.granted(1)
        let before = state
        #expect(throws: LedgerError.self) { try state.apply(.reservation(.points(2), reference: "r")) }
        #expect(throws: LedgerError.self) { try state.apply(.grant(.points(1), reference: "again")) }
        #expect(state == before)
    }

    /// Random reserve/settle sequences: the balance is never negative, always the sum of the entries,
    /// and equals the grant minus what was used once every hold is settled.
    @Test func randomWorkloadsKeepTheInvariants() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...4_000).array(of: 1...60), Gen.int(in: 1...30)) {
            requests, points in
            var state = try Self.granted(points)
            var entries: [LedgerEntry] = [.grant(.points(points), reference: "award")]
            var used = LedgerAmount.zero
            for (index, tokens) in requests.enumerated() {
                let reference = "q\(index)"
                let worst = InferenceMetering.worstCase(tokens: tokens)
                let reservation = LedgerEntry.reservation(worst, reference: reference)
                do { try state.apply(reservation) } catch { continue }
                entries.append(reservation)
                let charge = state.metering.charge(forTokens: tokens)
                for entry in [LedgerEntry.release(worst, hold: reference),
                              .usage(charge, request: reference, hold: reference, tokens: tokens)] {
                    try state.apply(entry)
                    entries.append(entry)
                }
                used = used + charge
                #expect(state.balance >= .zero)
            }
            #expect(state.balance == .points(points) - used)
            #expect(state.balance.ticks == entries.reduce(0) { $0 + $1.amount.ticks })
            let replayed = try AccountState.replay(entries.map { ($0, nil) }).get()
            #expect(replayed == state)
        }
    }
}
