import Foundation
@testable import Grants
import Testing

/// What each step needs: deadlines, reasons, levels (SPEC C4.1), and the record it leaves (C4.5).
@Suite struct ApplicationStepRequirementsTests {
    typealias F = Fixture
    typealias T = ApplicationStateTests

    func at(_ status: ApplicationStatus, _ category: GrantCategory = .training) throws -> ApplicationProgress {
        try #require(try T.progress(in: status, category))
    }

    @Test func submissionRecordsRoundAndTimeOnce() throws {
        var progress = try at(.resubmitted)
        #expect(progress.round == "r1" && progress.submittedAt == T.filedAt)
        try progress.apply(.startEligibilityReview, by: F.operatorStaff, at: T.now)
        #expect(progress.submittedAt == T.filedAt, "corrections do not move the filing time")
    }

    @Test func correctionsNeedItemsAndAFutureDeadline() throws {
        var progress = try at(.eligibilityReview)
        #expect(throws: GrantsError.correctionItemsRequired) {
            try progress.apply(.requestCorrection(items: [], deadline: T.correctionDue), by: F.operatorStaff, at: T.now)
        }
        #expect(throws: GrantsError.correctionItemsRequired) {
            try progress.apply(.requestCorrection(items: [" ", "\u{3000}"], deadline: T.correctionDue),
                               by: F.operatorStaff, at: T.now)
        }
        #expect(throws: GrantsError.controlCharacters(field: "items")) {
            try progress.apply(.requestCorrection(items: ["a\u{0}"], deadline: T.correctionDue),
                               by: F.operatorStaff, at: T.now)
        }
        let past = Cutoff.endOfDay(F.day(2026, 7, 9))
        #expect(throws: GrantsError.deadlineNotInFuture(past)) {
            try progress.apply(.requestCorrection(items: ["x"], deadline: past), by: F.operatorStaff, at: T.now)
        }
        #expect(progress.status == .eligibilityReview && progress.correctionDeadline == nil)
        let record = try progress.apply(.requestCorrection(items: [" 附件1：代表人姓名 ", ""], deadline: T.correctionDue),
                                        by: F.operatorStaff, at: T.now)
        #expect(progress.correctionItems == ["附件1：代表人姓名"])
        #expect(progress.correctionDeadline == T.correctionDue)
        #expect(record.deadline == T.correctionDue && record.items == ["附件1：代表人姓名"])
    }

    @Test func resubmittingIsOnTimeThroughTheDeadlineDay() throws {
        var progress = try at(.correctionRequested)
        #expect(throws: GrantsError.correctionDeadlinePassed(T.correctionDue)) {
            try progress.apply(.resubmit, by: F.applicant, at: T.afterDue)
        }
        try progress.apply(.resubmit, by: F.applicant, at: F.taipei(2026, 7, 15, 23, 59, 59))
        #expect(progress.status == .resubmitted)
    }

    @Test func lapsingWaitsForTheDeadline() throws {
        var progress = try at(.correctionRequested)
        #expect(throws: GrantsError.correctionDeadlineNotReached(T.correctionDue)) {
            try progress.apply(.lapse, by: F.system, at: F.taipei(2026, 7, 15, 23, 59, 59))
        }
        try progress.apply(.lapse, by: F.system, at: T.afterDue)
        #expect(progress.status == .lapsed && progress.status.isClosed)
    }

    @Test func reinstatingIsAnOverrideWithReasonAndNewDeadline() throws {
        var progress = try at(.lapsed)
        let now = F.taipei(2026, 7, 20)
        #expect(throws: GrantsError.reasonRequired(.reinstate)) {
            try progress.apply(.reinstate(deadline: T.laterDue, reason: "  "), by: F.operatorStaff, at: now)
        }
        #expect(throws: GrantsError.deadlineNotInFuture(T.correctionDue)) {
            try progress.apply(.reinstate(deadline: T.correctionDue, reason: "系統中斷"), by: F.operatorStaff, at: now)
        }
        let record = try progress.apply(.reinstate(deadline: T.laterDue, reason: " 系統中斷 "),
                                        by: F.operatorStaff, at: now)
        #expect(record.reason == "系統中斷")
        #expect(progress.status == .correctionRequested && progress.correctionDeadline == T.laterDue)
        #expect(progress.correctionItems == ["附件2：請補充資料集說明"], "the items asked for still apply")
        try progress.apply(.resubmit, by: F.applicant, at: F.taipei(2026, 8, 1))
        #expect(progress.status == .resubmitted)
    }

    @Test(arguments: [ApplicationStatus.eligibilityReview, .reviewMeeting])
    func endingSomeonesApplicationNeedsAReason(_ status: ApplicationStatus) throws {
        var progress = try at(status)
        let (action, kind): (ApplicationAction, ApplicationActionKind) = status == .eligibilityReview
            ? (.declareIneligible(reason: "\n"), .declareIneligible) : (.reject(reason: ""), .reject)
        #expect(throws: GrantsError.reasonRequired(kind)) { try progress.apply(action, by: F.operatorStaff, at: T.now) }
        #expect(throws: GrantsError.controlCharacters(field: "reason")) {
            let bad: ApplicationAction = status == .eligibilityReview
                ? .declareIneligible(reason: "a\u{8}") : .reject(reason: "a\u{8}")
            try progress.apply(bad, by: F.operatorStaff, at: T.now)
        }
        #expect(progress.status == status)
    }

    @Test func approvalCarriesTheLevelAndTheAwardConfirmsOrChangesIt() throws {
        var progress = try at(.reviewMeeting)
        let approval = try progress.apply(.approve(.l2), by: F.ministry, at: T.now)
        #expect(approval.level == .l2 && progress.level == .l2)
        var same = progress
        let award = try same.apply(.award(), by: F.ministry, at: T.now)
        #expect(award.level == .l2 && same.level == .l2 && same.status == .awarded && award.reason == nil)
        var explicit = progress
        try explicit.apply(.award(level: .l2, reason: nil), by: F.ministry, at: T.now)
        #expect(explicit.level == .l2)
        var changed = progress
        #expect(throws: GrantsError.levelChangeNeedsReason(from: .l2, to: .l3)) {
            try changed.apply(.award(level: .l3), by: F.ministry, at: T.now)
        }
        #expect(changed.status == .approved && changed.level == .l2)
        let raised = try changed.apply(.award(level: .l3, reason: "亮點案例，資源需求合理"), by: F.ministry, at: T.now)
        #expect(changed.level == .l3 && raised.level == .l3 && raised.reason == "亮點案例，資源需求合理")
        #expect(GrantsError.levelChangeNeedsReason(from: .l2, to: .l3).userFacing.zh.contains("L3"))
    }

    @Test func withdrawingKeepsAnOptionalReason() throws {
        var progress = try at(.professionalReview, .inference)
        let record = try progress.apply(.withdraw(reason: "  改申請下一梯次 "), by: F.applicant, at: T.now)
        #expect(record.reason == "改申請下一梯次" && progress.status == .withdrawn && progress.status.isClosed)
        var quiet = try at(.submitted)
        #expect(try quiet.apply(.withdraw(), by: F.applicant, at: T.now).reason == nil)
    }

    @Test func theHistoryTellsTheWholeStory() throws {
        let progress = try at(.awarded)
        #expect(progress.history.map(\.to) == [
            .submitted, .eligibilityReview, .professionalReview, .reviewMeeting, .approved, .awarded,
        ])
        #expect(progress.history.map(\.actor.role)
                == [.applicant, .operator, .operator, .operator, .ministry, .ministry])
        #expect(progress.history.last?.notice == Bilingual(zh: "申請案狀態更新：已核定", en: "Your application: Awarded"))
    }

    @Test func everyStatusAndStepHasItsOwnWords() {
        let statuses = ApplicationStatus.allCases
        #expect(Set(statuses.map(\.label.zh)).count == statuses.count)
        #expect(Set(statuses.map(\.label.en)).count == statuses.count)
        let kinds = ApplicationActionKind.allCases
        #expect(Set(kinds.map(\.label.zh)).count == kinds.count)
        #expect(Set(kinds.map(\.label.en)).count == kinds.count)
        #expect(ApplicationStatus.correctionRequested.label.zh == "待補正")
        #expect(ApplicationStatus.lapsed.label.zh == "逾期未補正，視同放棄")
    }

    @Test func closedAndPlaceHoldingStates() {
        let closed = ApplicationStatus.allCases.filter(\.isClosed)
        #expect(closed == [.awarded, .rejected, .ineligible, .lapsed, .withdrawn])
        let free = ApplicationStatus.allCases.filter { !$0.holdsRoundPlace }
        #expect(free == [.draft, .lapsed, .withdrawn])
    }

    @Test func refusalsSayWhatAndWhere() {
        let error = GrantsError.transitionNotAllowed(.resubmit, from: .professionalReview).userFacing
        #expect(error.zh == "申請案目前為「專業審查中」，無法「補正送出」。")
        #expect(error.en.contains("Professional review") && error.en.contains("resubmit"))
        #expect(error.kind == .conflict && error.code == "grants.transition.state")
        let role = GrantsError.roleMayNotAct(.award, .operator).userFacing
        #expect(role.kind == .forbidden && role.zh.contains("核定") && role.zh.contains("執行單位"))
    }
}
