import Foundation
@testable import Grants
import SuanliKit
import Testing

/// Every refusal has a stable code and a message in both languages (ARCHITECTURE "Errors", SPEC X3).
@Suite struct GrantsErrorTests {
    typealias F = Fixture

    static let every: [GrantsError] = [
        .invalidProgramme([FieldError(field: "title.zh", zh: "請填寫計畫名稱。", en: "Enter the programme title.")]),
        .roleMayNotPublish(.reviewer), .roleMayNotAmend(.applicant), .amendmentHasNoChanges, .amendmentNeedsReason,
        .amendmentChangesNothing(Bilingual(zh: "申請截止時間", en: "Application deadline")),
        .windowCannotCloseInThePast(Cutoff.endOfDay(F.day(2026, 6, 1))), .roundAlreadyExists("r1"), .unknownRound("r9"),
        .roundIntakeAlreadyClosed(F.round1.label), .roundNumberIsFixed(F.round1.label),
        .scoringRulesFrozen(F.round1.label), .applicationsNotYetOpen(F.taipei(2026, 6, 1)),
        .applicationsClosed(F.settings.window.closes), .noRoundTakingApplications,
        .alreadyAppliedInRound(F.round1.label, .training), .oneCategoryPerRound(F.round1.label, .inference),
        .differenceFromPreviousRequired, .roleMayNotAct(.award, .operator),
        .transitionNotAllowed(.submit, from: .awarded),
        .draftIsNotFiled, .noReviewMeetingForInference, .reviewMeetingDecides(.approve), .reasonRequired(.reject),
        .levelChangeNeedsReason(from: nil, to: .l1), .correctionItemsRequired,
        .deadlineNotInFuture(Cutoff.endOfDay(F.day(2026, 6, 1))),
        .correctionDeadlinePassed(Cutoff.endOfDay(F.day(2026, 6, 1))),
        .correctionDeadlineNotReached(Cutoff.endOfDay(F.day(2026, 6, 1))), .invalidRubric([.empty]),
        .criterionNotInRubric(.dataset, .inference), .scoreOutOfRange(.importance, 101), .scoresMissing([.scenario]),
        .overallCommentRequired, .sheetAlreadySubmitted, .duplicateScoreSheet("rv1", "a1"),
        .bonusNotOffered(.openCode, .training), .bonusNotClaimed(.fieldSiteMOU), .conflictNeedsReason,
        .reviewerHasConflict("rv1", "a1"), .reviewerAlreadyAssigned("rv1", "a1"), .reviewersPerApplicationInvalid(0),
        .notEnoughReviewers("a1", needed: 2, available: 1), .closeOutItemEmpty(.report),
        .demoVideoLinkInvalid("x"), .controlCharacters(field: "reason"),
    ]

    @Test func everyErrorSpeaksBothLanguagesWithItsOwnCode() {
        var codes: Set<String> = []
        for error in Self.every {
            let shown = error.userFacing
            #expect(shown.code.hasPrefix("grants."), "\(error)")
            #expect(!shown.zh.isEmpty && !shown.en.isEmpty, "\(error)")
            #expect(shown.zh != shown.en, "\(error)")
            #expect(codes.insert(shown.code).inserted, "duplicate code \(shown.code)")
        }
        #expect(codes.count == Self.every.count)
    }

    @Test func kindsMapToTheRightHTTPFamilies() {
        #expect(GrantsError.roleMayNotAct(.award, .operator).userFacing.kind == .forbidden)
        #expect(GrantsError.applicationsClosed(F.settings.window.closes).userFacing.kind == .conflict)
        #expect(GrantsError.scoreOutOfRange(.importance, 101).userFacing.kind == .invalidInput)
        #expect(GrantsError.unknownRound("r9").userFacing.kind == .notFound)
    }

    @Test func messagesCarryTheDetailsPeopleNeed() {
        let closed = GrantsError.applicationsClosed(F.settings.window.closes).userFacing
        #expect(closed.zh == "申請已於 民國115年10月30日 23:59 截止，依系統時間逾期不予受理。")
        let range = GrantsError.scoreOutOfRange(.importance, 101).userFacing
        #expect(range.zh.contains("專案重要性") && range.zh.contains("101"))
        #expect(range.fields.map(\.field) == ["scores.importance"])
        let staffing = GrantsError.notEnoughReviewers("a1", needed: 2, available: 1).userFacing
        #expect(staffing.en.contains("needs 2 more") && staffing.en.contains("only 1"))
        let category = GrantsError.oneCategoryPerRound(F.round1.label, .inference).userFacing
        #expect(category.zh.contains("第 1 梯次") && category.zh.contains("模型推論類"))
    }
}
