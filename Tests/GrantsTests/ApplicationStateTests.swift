import Foundation
@testable import Grants
import Testing

/// The application state machine (SPEC C4.1), table-driven: every step from every state, by every
/// role, for both categories. The expected tables are written out here, independently of
/// `TransitionRule`, so that a change to the rules has to be made twice on purpose.
@Suite struct ApplicationStateTests {
    typealias F = Fixture

    static let filedAt = Fixture.taipei(2026, 6, 10)
    static let now = Fixture.taipei(2026, 7, 10)
    static let correctionDue = Cutoff.endOfDay(Fixture.day(2026, 7, 15))
    static let afterDue = Fixture.taipei(2026, 7, 16)
    static let laterDue = Cutoff.endOfDay(Fixture.day(2026, 8, 31))

    /// Where each step leads when it is allowed.
    static func expectedTarget(
        _ category: GrantCategory, _ from: ApplicationStatus, _ kind: ApplicationActionKind
    ) -> ApplicationStatus? {
        let deciding: ApplicationStatus = category == .training ? .reviewMeeting : .professionalReview
        switch (from, kind) {
        case (.draft, .submit): return .submitted
        case (.submitted, .startEligibilityReview), (.resubmitted, .startEligibilityReview): return .eligibilityReview
        case (.eligibilityReview, .requestCorrection): return .correctionRequested
        case (.eligibilityReview, .declareIneligible): return .ineligible
        case (.eligibilityReview, .passEligibility): return .professionalReview
        case (.correctionRequested, .resubmit): return .resubmitted
        case (.correctionRequested, .lapse): return .lapsed
        case (.lapsed, .reinstate): return .correctionRequested
        case (.professionalReview, .sendToMeeting): return category == .training ? .reviewMeeting : nil
        case (deciding, .approve): return .approved
        case (deciding, .reject): return .rejected
        case (.approved, .award): return .awarded
        case (.submitted, .withdraw), (.eligibilityReview, .withdraw), (.correctionRequested, .withdraw),
             (.resubmitted, .withdraw), (.professionalReview, .withdraw), (.reviewMeeting, .withdraw),
             (.approved, .withdraw):
            return .withdrawn
        default: return nil
        }
    }

    static func expectedRoles(_ kind: ApplicationActionKind) -> Set<GrantsRole> {
        switch kind {
        case .submit, .resubmit, .withdraw: [.applicant]
        case .startEligibilityReview, .requestCorrection, .reinstate, .declareIneligible, .passEligibility,
             .sendToMeeting: [.operator]
        case .lapse: [.system, .operator]
        case .approve, .reject: [.operator, .ministry]
        case .award: [.ministry]
        }
    }

    /// A valid request for each step: the data it needs and a time at which it is on time.
    static func request(_ kind: ApplicationActionKind) -> (ApplicationAction, Date) {
        switch kind {
        case .submit: (.submit(round: "r1"), filedAt)
        case .startEligibilityReview: (.startEligibilityReview, now)
        case .requestCorrection: (.requestCorrection(items: ["附件2：請補充資料集說明"], deadline: correctionDue), now)
        case .resubmit: (.resubmit, now)
        case .lapse: (.lapse, afterDue)
        case .reinstate: (.reinstate(deadline: laterDue, reason: "7/14 系統中斷，延長補正期限"), Fixture.taipei(2026, 7, 20))
        case .declareIneligible: (.declareIneligible(reason: "行業分類不符 J582、J62、J63、K6699"), now)
        case .passEligibility: (.passEligibility, now)
        case .sendToMeeting: (.sendToMeeting, now)
        case .approve: (.approve(.l2), now)
        case .reject: (.reject(reason: "評分未達擇優標準"), now)
        case .award: (.award(), now)
        case .withdraw: (.withdraw(reason: nil), now)
        }
    }

    static func take(_ kind: ApplicationActionKind, _ progress: inout ApplicationProgress) throws {
        let (action, at) = request(kind)
        let role = expectedRoles(kind).sorted { $0.rawValue < $1.rawValue }.first!
        try progress.apply(action, by: F.actor(role), at: at)
    }

    /// Drives a new application to `status` through allowed steps only; nil where the category
    /// never reaches it (inference has no review meeting).
    static func progress(in status: ApplicationStatus, _ category: GrantCategory) throws -> ApplicationProgress? {
        let deciding: [ApplicationActionKind] = category == .training ? [.sendToMeeting] : []
        let path: [ApplicationActionKind]
        switch status {
        case .draft: path = []
        case .submitted: path = [.submit]
        case .eligibilityReview: path = [.submit, .startEligibilityReview]
        case .correctionRequested: path = [.submit, .startEligibilityReview, .requestCorrection]
        case .resubmitted: path = [.submit, .startEligibilityReview, .requestCorrection, .resubmit]
        case .lapsed: path = [.submit, .startEligibilityReview, .requestCorrection, .lapse]
        case .ineligible: path = [.submit, .startEligibilityReview, .declareIneligible]
        case .professionalReview: path = [.submit, .startEligibilityReview, .passEligibility]
        case .reviewMeeting:
            guard category == .training else { return nil }
            path = [.submit, .startEligibilityReview, .passEligibility, .sendToMeeting]
        case .approved: path = [.submit, .startEligibilityReview, .passEligibility] + deciding + [.approve]
        case .rejected: path = [.submit, .startEligibilityReview, .passEligibility] + deciding + [.reject]
        case .awarded: path = [.submit, .startEligibilityReview, .passEligibility] + deciding + [.approve, .award]
        case .withdrawn: path = [.submit, .withdraw]
        }
        var progress = ApplicationProgress(application: "a1", category: category)
        for kind in path { try take(kind, &progress) }
        #expect(progress.status == status)
        return progress
    }

    static func expectedRefusal(
        _ category: GrantCategory, _ from: ApplicationStatus, _ kind: ApplicationActionKind
    ) -> GrantsError {
        if kind == .sendToMeeting && category == .inference { return .noReviewMeetingForInference }
        if (kind == .approve || kind == .reject) && category == .training && from == .professionalReview {
            return .reviewMeetingDecides(kind)
        }
        if kind == .withdraw && from == .draft { return .draftIsNotFiled }
        return .transitionNotAllowed(kind, from: from)
    }

    @Test(arguments: GrantCategory.allCases, ApplicationStatus.allCases)
    func everyStepFromEveryState(_ category: GrantCategory, _ status: ApplicationStatus) throws {
        guard let start = try Self.progress(in: status, category) else { return }
        for kind in ApplicationActionKind.allCases {
            var progress = start
            let (action, at) = Self.request(kind)
            let actor = F.actor(Self.expectedRoles(kind).sorted { $0.rawValue < $1.rawValue }.first!)
            if let target = Self.expectedTarget(category, status, kind) {
                let record = try progress.apply(action, by: actor, at: at)
                #expect(progress.status == target, "\(category) \(status) \(kind)")
                #expect(record.from == status && record.to == target && record.action == kind && record.actor == actor)
                #expect(progress.history.count == start.history.count + 1 && progress.history.last == record)
            } else {
                #expect(throws: Self.expectedRefusal(category, status, kind), "\(category) \(status) \(kind)") {
                    try progress.apply(action, by: actor, at: at)
                }
                #expect(progress == start, "a refused step changes nothing")
            }
        }
    }

    @Test(arguments: GrantCategory.allCases, ApplicationStatus.allCases)
    func everyOtherRoleIsRefused(_ category: GrantCategory, _ status: ApplicationStatus) throws {
        guard let start = try Self.progress(in: status, category) else { return }
        for kind in ApplicationActionKind.allCases {
            let (action, at) = Self.request(kind)
            for role in GrantsRole.allCases where !Self.expectedRoles(kind).contains(role) {
                var progress = start
                #expect(throws: GrantsError.roleMayNotAct(kind, role), "\(category) \(status) \(kind) \(role)") {
                    try progress.apply(action, by: F.actor(role), at: at)
                }
                #expect(progress == start)
            }
        }
    }

    @Test(arguments: GrantCategory.allCases, ApplicationStatus.allCases)
    func availableActionsMatchTheTable(_ category: GrantCategory, _ status: ApplicationStatus) throws {
        guard let progress = try Self.progress(in: status, category) else { return }
        for role in GrantsRole.allCases {
            let expected = ApplicationActionKind.allCases.filter {
                Self.expectedTarget(category, status, $0) != nil && Self.expectedRoles($0).contains(role)
            }
            #expect(progress.availableActions(for: role) == expected, "\(category) \(status) \(role)")
        }
    }

    @Test func bothRolesThatMayLapseCan() throws {
        for actor in [F.system, F.operatorStaff] {
            var progress = try #require(try Self.progress(in: .correctionRequested, .training))
            try progress.apply(.lapse, by: actor, at: Self.afterDue)
            #expect(progress.status == .lapsed)
        }
        for actor in [F.operatorStaff, F.ministry] {
            var progress = try #require(try Self.progress(in: .professionalReview, .inference))
            try progress.apply(.approve(.l1), by: actor, at: Self.now)
            #expect(progress.status == .approved && progress.level == .l1)
        }
    }
}
