import Foundation

/// Who may take each step, and from where (SPEC C4.1). The applicant files, corrects and
/// withdraws; the operator (執行單位) runs the eligibility review and the professional review; the
/// review meeting's and the inference review's decisions are recorded by the operator or the
/// ministry; only the ministry confirms (核定) an award — 須知: "名單經核定後由執行單位通知".
public struct TransitionRule: Sendable {
    public let from: Set<ApplicationStatus>
    public let to: ApplicationStatus
    public let roles: Set<GrantsRole>

    public static func rule(for kind: ApplicationActionKind, category: GrantCategory) -> TransitionRule {
        switch kind {
        case .submit: TransitionRule(from: [.draft], to: .submitted, roles: [.applicant])
        case .startEligibilityReview:
            TransitionRule(from: [.submitted, .resubmitted], to: .eligibilityReview, roles: [.operator])
        case .requestCorrection:
            TransitionRule(from: [.eligibilityReview], to: .correctionRequested, roles: [.operator])
        case .resubmit: TransitionRule(from: [.correctionRequested], to: .resubmitted, roles: [.applicant])
        case .lapse: TransitionRule(from: [.correctionRequested], to: .lapsed, roles: [.system, .operator])
        case .reinstate: TransitionRule(from: [.lapsed], to: .correctionRequested, roles: [.operator])
        case .declareIneligible: TransitionRule(from: [.eligibilityReview], to: .ineligible, roles: [.operator])
        case .passEligibility:
            TransitionRule(from: [.eligibilityReview], to: .professionalReview, roles: [.operator])
        case .sendToMeeting:
            TransitionRule(from: category.hasReviewMeeting ? [.professionalReview] : [], to: .reviewMeeting,
                           roles: [.operator])
        case .approve:
            TransitionRule(from: [decidingStatus(category)], to: .approved, roles: [.operator, .ministry])
        case .reject:
            TransitionRule(from: [decidingStatus(category)], to: .rejected, roles: [.operator, .ministry])
        case .award: TransitionRule(from: [.approved], to: .awarded, roles: [.ministry])
        case .withdraw:
            TransitionRule(
                from: [.submitted, .eligibilityReview, .correctionRequested, .resubmitted, .professionalReview,
                       .reviewMeeting, .approved],
                to: .withdrawn, roles: [.applicant])
        }
    }

    /// Training is decided at the review meeting; inference when its professional review ends.
    static func decidingStatus(_ category: GrantCategory) -> ApplicationStatus {
        category.hasReviewMeeting ? .reviewMeeting : .professionalReview
    }
}

/// One step as it happened, for the application's history and its notices (SPEC C4.5, X2).
public struct TransitionRecord: Hashable, Sendable, Codable {
    public let action: ApplicationActionKind
    public let from: ApplicationStatus
    public let to: ApplicationStatus
    public let actor: GrantsActor
    public let at: Date
    public let reason: String?
    public let level: GrantLevel?
    public let deadline: Cutoff?
    public let items: [String]

    /// The subject line of the e-mail and in-app notice for this step.
    public var notice: Bilingual {
        Bilingual(zh: "申請案狀態更新：\(to.label.zh)", en: "Your application: \(to.label.en)")
    }
}
