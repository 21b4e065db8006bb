import Foundation
@testable import Grants
import Testing

/// The Store keeps domain values whole; what it reads back must behave exactly as what it wrote.
@Suite struct GrantsCodableTests {
    typealias F = Fixture

    func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
        let decoded = try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
        #expect(decoded == value)
        return decoded
    }

    @Test func applicationProgressRestoresAndCarriesOn() throws {
        let stored = try #require(try ApplicationStateTests.progress(in: .correctionRequested, .training))
        var restored = try roundTrip(stored)
        #expect(restored.correctionDeadline == ApplicationStateTests.correctionDue && restored.history.count == 3)
        // The restored deadline still governs.
        #expect(throws: GrantsError.correctionDeadlinePassed(ApplicationStateTests.correctionDue)) {
            try restored.apply(.resubmit, by: F.applicant, at: ApplicationStateTests.afterDue)
        }
    }

    @Test func sheetsProgrammesAndCloseOutsRoundTrip() throws {
        let sheet = ScoringTests.sheet("a1", "rv1", [80, 70, 90, 85, 75, 60], bonus: [.registration(.dataEconomy)])
        var restored = try roundTrip(sheet)
        #expect(throws: GrantsError.sheetAlreadySubmitted) { try restored.comment("x") }
        let amended = try F.programme.amended(by: Amendment(
            changes: [.trainingMetering(.perEnvironment), .reviewersPerApplication(4)],
            reason: "調整", actor: F.ministry, at: F.taipei(2026, 6, 5)))
        #expect(try roundTrip(amended).amendments.first?.reason == "調整")
        _ = try roundTrip(try CloseOutTests.complete(at: F.taipei(2026, 5, 1)))
    }
}
