import Foundation
import SuanliKit

/// The operator's decision on one rule (SPEC C2.5, C4.1): confirm what the rules computed, or set a
/// different outcome with a reason. Changing an outcome without a reason is refused — the reason is
/// what an auditor reads later (SPEC X2) — and an `unknown` cannot be confirmed, only decided.
public struct EligibilityOverride: Hashable, Sendable, Codable {
    public enum Decision: Hashable, Sendable, Codable {
        case confirm
        case setOutcome(EligibilityOutcome)
    }

    public let rule: EligibilityRuleID
    /// The outcome the operator was shown; `EligibilityReport.applying` refuses a stale one.
    public let computed: EligibilityOutcome
    public let decision: Decision
    public let reason: String?
    public let decidedBy: GrantsActor
    public let decidedAt: Date

    public static let maximumReasonLength = 2_000

    /// The outcome after the decision.
    public var outcome: EligibilityOutcome {
        switch decision {
        case .confirm: computed
        case .setOutcome(let outcome): outcome
        }
    }

    public var changesOutcome: Bool { outcome != computed }

    private init(
        rule: EligibilityRuleID, computed: EligibilityOutcome, decision: Decision, reason: String?,
        decidedBy: GrantsActor, decidedAt: Date
    ) {
        self.rule = rule
        self.computed = computed
        self.decision = decision
        self.reason = reason
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }

    /// Validates and builds a decision on `result`.
    public static func make(
        on result: EligibilityRuleResult, decision: Decision, reason: String?, by actor: GrantsActor, at: Date
    ) -> Result<EligibilityOverride, UserFacingError> {
        guard actor.role == .operator else {
            return .failure(UserFacingError(
                .forbidden, code: "eligibility.override.role",
                zh: "只有執行單位可以判定資格審查結果。", en: "Only the operator can decide eligibility results."))
        }
        var decision = decision
        if case .setOutcome(let target) = decision {
            if target == .unknown {
                return .failure(invalid("eligibility.override.target", field: "decision",
                    zh: "請選擇「符合」或「不符合」；不能改為「無法判定」。",
                    en: "Choose pass or fail; an outcome cannot be set to unknown."))
            }
            if target == result.outcome { decision = .confirm }
        }
        if decision == .confirm, result.outcome == .unknown {
            return .failure(invalid("eligibility.override.confirmunknown", field: "decision",
                zh: "「無法判定」的結果不能直接確認，請選擇符合或不符合並說明理由。",
                en: "An unknown result cannot be confirmed; choose pass or fail and give a reason."))
        }
        let trimmed = reason?.trimmingWhitespace()
        let text = (trimmed?.isEmpty ?? true) ? nil : trimmed
        if decision != .confirm, text == nil {
            return .failure(invalid("eligibility.override.reason", field: "reason",
                zh: "變更規則 \(result.rule.rawValue) 的判定時必須填寫理由。",
                en: "Give a reason for changing the outcome of rule \(result.rule.rawValue)."))
        }
        if let text, text.hasControlCharacters {
            let field = FieldError.controlCharacters("reason")
            return .failure(invalid("eligibility.override.control", field: "reason", zh: field.zh, en: field.en))
        }
        if let text, text.count > maximumReasonLength {
            return .failure(invalid("eligibility.override.length", field: "reason",
                zh: "理由最多 \(maximumReasonLength) 字，目前 \(text.count) 字。",
                en: "The reason may be at most \(maximumReasonLength) characters; it has \(text.count)."))
        }
        return .success(EligibilityOverride(
            rule: result.rule, computed: result.outcome, decision: decision, reason: text,
            decidedBy: actor, decidedAt: at))
    }

    private static func invalid(_ code: String, field: String, zh: String, en: String) -> UserFacingError {
        UserFacingError(.invalidInput, code: code, zh: zh, en: en, fields: [FieldError(field: field, zh: zh, en: en)])
    }
}
