import Foundation
import SuanliKit

/// Everything the grant rules refuse, each with a stable code and a message that says what was
/// wrong and how to fix it (ARCHITECTURE "Errors"). The Routes layer maps `userFacing` to HTTP.
public enum GrantsError: Error, Equatable, Sendable {
    // Programme, rounds, amendments (C1)
    case invalidProgramme([FieldError])
    case roleMayNotPublish(GrantsRole)
    case roleMayNotAmend(GrantsRole)
    case amendmentHasNoChanges
    case amendmentNeedsReason
    case amendmentChangesNothing(Bilingual)
    case windowCannotCloseInThePast(Cutoff)
    case roundAlreadyExists(RoundID)
    case unknownRound(RoundID)
    case roundIntakeAlreadyClosed(Bilingual)
    case roundNumberIsFixed(Bilingual)
    case scoringRulesFrozen(Bilingual)
    // Submission (C1.1, C1.2)
    case applicationsNotYetOpen(Date)
    case applicationsClosed(Cutoff)
    case noRoundTakingApplications
    case alreadyAppliedInRound(Bilingual, GrantCategory)
    case oneCategoryPerRound(Bilingual, GrantCategory)
    case differenceFromPreviousRequired
    // State machine (C4.1)
    case roleMayNotAct(ApplicationActionKind, GrantsRole)
    case transitionNotAllowed(ApplicationActionKind, from: ApplicationStatus)
    case draftIsNotFiled
    case noReviewMeetingForInference
    case reviewMeetingDecides(ApplicationActionKind)
    case reasonRequired(ApplicationActionKind)
    case levelChangeNeedsReason(from: GrantLevel?, to: GrantLevel)
    case correctionItemsRequired
    case deadlineNotInFuture(Cutoff)
    case correctionDeadlinePassed(Cutoff)
    case correctionDeadlineNotReached(Cutoff)
    // Rubric and scoring (C4.2–C4.4)
    case invalidRubric([RubricProblem])
    case criterionNotInRubric(CriterionKey, GrantCategory)
    case scoreOutOfRange(CriterionKey, Int)
    case scoresMissing([CriterionKey])
    case overallCommentRequired
    case sheetAlreadySubmitted
    case duplicateScoreSheet(ReviewerID, ApplicationID)
    case bonusNotOffered(BonusItem, GrantCategory)
    case bonusNotClaimed(BonusItem)
    // Assignment and conflicts (C4.4)
    case conflictNeedsReason
    case reviewerHasConflict(ReviewerID, ApplicationID)
    case reviewerAlreadyAssigned(ReviewerID, ApplicationID)
    case reviewersPerApplicationInvalid(Int)
    case notEnoughReviewers(ApplicationID, needed: Int, available: Int)
    // Close-out (C7.1)
    case closeOutItemEmpty(CloseOutItem)
    case demoVideoLinkInvalid(String)
    // Any text
    case controlCharacters(field: String)
}
