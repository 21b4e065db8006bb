import Foundation
@testable import Grants
import Testing

/// Late submissions are refused; one application per company per round; repeats explain themselves
/// (SPEC C1.1, C1.2).
@Suite struct SubmissionRulesTests {
    typealias F = Fixture

    func admit(
        _ category: GrantCategory = .training, at now: Date, filed: [FiledApplication] = [],
        difference: String? = nil
    ) throws -> Round {
        try SubmissionRules.admit(category: category, programme: F.settings, companyApplications: filed,
                                  differenceFromPrevious: difference, at: now)
    }

    @Test func onTimeSubmissionsJoinTheOpenRound() throws {
        #expect(try admit(at: F.taipei(2026, 6, 15)).id == "r1")
        #expect(try admit(at: F.taipei(2026, 10, 30, 23, 59, 59)).id == "r2")
    }

    @Test func lateAndEarlySubmissionsAreRefused() {
        #expect(throws: GrantsError.applicationsClosed(F.settings.window.closes)) {
            try admit(at: F.taipei(2026, 10, 31, 0, 0, 0))
        }
        #expect(throws: GrantsError.applicationsNotYetOpen(F.settings.window.opens)) {
            try admit(at: F.taipei(2026, 5, 1))
        }
    }

    @Test func noRoundLeftMeansNoSubmission() {
        var settings = F.settings
        // A programme whose window outlives its rounds (refused at publication, but be safe).
        settings.rounds = [F.round1]
        #expect(throws: GrantsError.noRoundTakingApplications) {
            try SubmissionRules.admit(category: .training, programme: settings, companyApplications: [],
                                      differenceFromPrevious: nil, at: F.taipei(2026, 8, 1))
        }
    }

    @Test func oneApplicationPerRound() {
        let training = FiledApplication(application: "a1", round: "r1", category: .training,
                                        status: .professionalReview)
        #expect(throws: GrantsError.oneCategoryPerRound(F.round1.label, .training)) {
            try admit(.inference, at: F.taipei(2026, 6, 20), filed: [training])
        }
        #expect(throws: GrantsError.alreadyAppliedInRound(F.round1.label, .training)) {
            try admit(.training, at: F.taipei(2026, 6, 20), filed: [training])
        }
    }

    @Test(arguments: ApplicationStatus.allCases)
    func whichEarlierApplicationsTakeTheRoundsPlace(_ status: ApplicationStatus) throws {
        let earlier = FiledApplication(application: "a1", round: "r1", category: .training, status: status)
        let freesThePlace = [ApplicationStatus.draft, .withdrawn, .lapsed].contains(status)
        if freesThePlace {
            #expect(try admit(.inference, at: F.taipei(2026, 6, 20), filed: [earlier]).id == "r1")
        } else {
            #expect(throws: GrantsError.oneCategoryPerRound(F.round1.label, .training)) {
                try admit(.inference, at: F.taipei(2026, 6, 20), filed: [earlier])
            }
        }
    }

    @Test func applyingAgainInALaterRoundNeedsTheDifference() throws {
        let earlier = FiledApplication(application: "a1", round: "r1", category: .training, status: .awarded)
        #expect(throws: GrantsError.differenceFromPreviousRequired) {
            try admit(.inference, at: F.taipei(2026, 8, 1), filed: [earlier])
        }
        #expect(throws: GrantsError.differenceFromPreviousRequired) {
            try admit(.inference, at: F.taipei(2026, 8, 1), filed: [earlier], difference: "　 ")
        }
        #expect(throws: GrantsError.controlCharacters(field: "differenceFromPrevious")) {
            try admit(.inference, at: F.taipei(2026, 8, 1), filed: [earlier], difference: "x\u{0}")
        }
        #expect(try admit(.inference, at: F.taipei(2026, 8, 1), filed: [earlier], difference: "第二階段：推論服務").id == "r2")
        // A draft from an earlier round was never filed: nothing to differ from.
        let draft = FiledApplication(application: "a0", round: "r1", category: .training, status: .draft)
        #expect(try admit(.training, at: F.taipei(2026, 8, 1), filed: [draft]).id == "r2")
    }
}
