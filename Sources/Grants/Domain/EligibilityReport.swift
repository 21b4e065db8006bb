import SuanliKit

/// The overall answer. Any failed requirement fails; otherwise any unknown requirement leaves the
/// decision to the operator (SPEC C2.5, C4.1 資格審查 is the operator's call), never a silent pass.
public enum EligibilityVerdict: String, Hashable, Sendable, Codable {
    case pass
    case fail
    case needsOperatorDecision

    public var title: Bilingual {
        switch self {
        case .pass: Bilingual(zh: "符合資格", en: "eligible")
        case .fail: Bilingual(zh: "不符資格", en: "not eligible")
        case .needsOperatorDecision: Bilingual(zh: "待執行單位判定", en: "needs an operator decision")
        }
    }
}

/// Every rule's result, in SPEC order, with the registry datasets it was computed from and the
/// operator's overrides (SPEC C2.5).
public struct EligibilityReport: Hashable, Sendable, Codable {
    public var taxID: TaxID
    public var evaluatedOn: ROCDate
    public var results: [EligibilityRuleResult]
    /// Which registry files (and of which date) the rules read.
    public var datasets: [RegistryDataset]
    /// At most one per rule; the latest replaces an earlier one.
    public private(set) var overrides: [EligibilityOverride] = []

    public init(taxID: TaxID, evaluatedOn: ROCDate, results: [EligibilityRuleResult], datasets: [RegistryDataset]) {
        self.taxID = taxID
        self.evaluatedOn = evaluatedOn
        self.results = results
        self.datasets = datasets
    }

    public func result(for rule: EligibilityRuleID) -> EligibilityRuleResult? {
        results.first { $0.rule == rule }
    }

    public func override(for rule: EligibilityRuleID) -> EligibilityOverride? {
        overrides.first { $0.rule == rule }
    }

    /// The outcome that counts: the operator's where they decided, the computed one otherwise.
    public func effectiveOutcome(of rule: EligibilityRuleID) -> EligibilityOutcome? {
        override(for: rule)?.outcome ?? result(for: rule)?.outcome
    }

    public var verdict: EligibilityVerdict {
        let outcomes = results.filter(\.rule.isRequirement).compactMap { effectiveOutcome(of: $0.rule) }
        if outcomes.contains(.fail) { return .fail }
        if outcomes.contains(.unknown) { return .needsOperatorDecision }
        return .pass
    }

    /// SPEC C2.2's flag: true, false, or nil while unknown.
    public var startupPriority: Bool? {
        switch effectiveOutcome(of: .startupPriority) {
        case .pass?: true
        case .fail?: false
        default: nil
        }
    }

    /// The report with the operator's decision on one rule recorded. The override must be about
    /// the outcome this report computed — one made against an older evaluation is refused.
    public func applying(_ override: EligibilityOverride) -> Result<EligibilityReport, UserFacingError> {
        guard let result = result(for: override.rule) else {
            return .failure(UserFacingError(
                .notFound, code: "eligibility.override.rule",
                zh: "報告中沒有規則 \(override.rule.rawValue)。", en: "The report has no rule \(override.rule.rawValue)."))
        }
        guard result.outcome == override.computed else {
            return .failure(UserFacingError(
                .conflict, code: "eligibility.override.stale",
                zh: "規則 \(override.rule.rawValue) 的判定已更新為「\(result.outcome.title.zh)」，請重新檢視後再決定。",
                en: "Rule \(override.rule.rawValue) now reads \(result.outcome.title.en); review it and decide again."))
        }
        var copy = self
        copy.overrides.removeAll { $0.rule == override.rule }
        copy.overrides.append(override)
        return .success(copy)
    }
}
