import Foundation
import SuanliKit

/// An application's place in the review (SPEC C4.1) and its history (C4.5). Every change goes
/// through `apply`, which checks, in this order, so that the first problem reported is the one to
/// fix: the actor's role, the route for the category, the current status, then what the step needs.
/// Nothing changes when a check fails. Codable so that the Store can keep it whole (status,
/// deadline, level and history) and restore it exactly.
public struct ApplicationProgress: Hashable, Sendable, Codable {
    public let application: ApplicationID
    public let category: GrantCategory
    public private(set) var status: ApplicationStatus = .draft
    public private(set) var round: RoundID?
    /// The first submission's time, used as a ranking tie-breaker; corrections do not move it.
    public private(set) var submittedAt: Date?
    public private(set) var correctionDeadline: Cutoff?
    public private(set) var correctionItems: [String] = []
    /// The approved level, then the awarded one.
    public private(set) var level: GrantLevel?
    public private(set) var history: [TransitionRecord] = []

    public init(application: ApplicationID, category: GrantCategory) {
        self.application = application
        self.category = category
    }

    /// The steps `role` could take now, for the buttons a page shows (payload checks aside).
    public func availableActions(for role: GrantsRole) -> [ApplicationActionKind] {
        ApplicationActionKind.allCases.filter { kind in
            let rule = TransitionRule.rule(for: kind, category: category)
            return rule.roles.contains(role) && rule.from.contains(status)
        }
    }

    @discardableResult
    public mutating func apply(
        _ action: ApplicationAction, by actor: GrantsActor, at now: Date
    ) throws(GrantsError) -> TransitionRecord {
        let kind = action.kind
        let rule = TransitionRule.rule(for: kind, category: category)
        guard rule.roles.contains(actor.role) else { throw .roleMayNotAct(kind, actor.role) }
        if kind == .sendToMeeting && !category.hasReviewMeeting { throw .noReviewMeetingForInference }
        if (kind == .approve || kind == .reject) && category.hasReviewMeeting && status == .professionalReview {
            throw .reviewMeetingDecides(kind)
        }
        if kind == .withdraw && status == .draft { throw .draftIsNotFiled }
        guard rule.from.contains(status) else { throw .transitionNotAllowed(kind, from: status) }

        var reason: String?, deadline: Cutoff?, items: [String] = []
        var newLevel = level, newRound = round
        switch action {
        case .submit(let filedIn):
            newRound = filedIn
        case .requestCorrection(let wanted, let due):
            items = wanted.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
            guard !items.isEmpty else { throw .correctionItemsRequired }
            if items.contains(where: \.hasControlCharacters) { throw .controlCharacters(field: "items") }
            guard !due.isLate(now) else { throw .deadlineNotInFuture(due) }
            deadline = due
        case .resubmit:
            if let due = correctionDeadline, due.isLate(now) { throw .correctionDeadlinePassed(due) }
        case .lapse:
            if let due = correctionDeadline, !due.isLate(now) { throw .correctionDeadlineNotReached(due) }
        case .reinstate(let due, let why):
            reason = try Self.required(why, for: kind)
            guard !due.isLate(now) else { throw .deadlineNotInFuture(due) }
            deadline = due
        case .declareIneligible(let why), .reject(let why):
            reason = try Self.required(why, for: kind)
        case .approve(let approved):
            newLevel = approved
        case .award(let confirmed, let why):
            if let confirmed, confirmed != level {
                reason = try Self.required(why ?? "", for: kind, levelChange: (level, confirmed))
                newLevel = confirmed
            } else {
                reason = try Self.optional(why)
            }
        case .withdraw(let why):
            reason = try Self.optional(why)
        case .startEligibilityReview, .passEligibility, .sendToMeeting:
            break
        }

        // All checks passed: only now does anything change.
        let record = TransitionRecord(
            action: kind, from: status, to: rule.to, actor: actor, at: now, reason: reason,
            level: kind == .approve || kind == .award ? newLevel : nil, deadline: deadline, items: items)
        if kind == .submit && submittedAt == nil { submittedAt = now }
        if let deadline {
            correctionDeadline = deadline
            if kind == .requestCorrection { correctionItems = items }
        }
        level = newLevel
        round = newRound
        status = rule.to
        history.append(record)
        return record
    }

    private static func required(
        _ text: String, for kind: ApplicationActionKind, levelChange: (GrantLevel?, GrantLevel)? = nil
    ) throws(GrantsError) -> String {
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty {
            if let (from, to) = levelChange { throw .levelChangeNeedsReason(from: from, to: to) }
            throw .reasonRequired(kind)
        }
        guard !trimmed.hasControlCharacters else { throw .controlCharacters(field: "reason") }
        return trimmed
    }

    private static func optional(_ text: String?) throws(GrantsError) -> String? {
        guard let trimmed = text?.trimmingWhitespace(), !trimmed.isEmpty else { return nil }
        guard !trimmed.hasControlCharacters else { throw .controlCharacters(field: "reason") }
        return trimmed
    }
}
