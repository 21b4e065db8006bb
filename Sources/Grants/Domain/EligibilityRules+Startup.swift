/// SPEC C2.2: businesses established on or after 民國 107 年 1 月 1 日 get priority. It is a flag,
/// never a refusal (FAQ 8, 結案 1), which is why the report keeps it out of the overall verdict.
/// The 須知 names 商工登記's 核准設立日期, so the company registry's date wins over the tax register's.
extension EligibilityRules {
    static func startupPriority(_ facts: EligibilityFacts) -> EligibilityRuleResult {
        let cutoff = facts.policy.startupEstablishedOnOrAfter
        guard case let (date, source)? = facts.entry?.value(\.establishedOn) else {
            return EligibilityRuleResult(
                rule: .startupPriority, outcome: .unknown, data: [],
                explanation: .init(
                    zh: "登記資料沒有設立日期，無法判斷是否列為新創優先（不影響申請資格）。",
                    en: "No establishment date in the registry; startup priority cannot be decided "
                        + "(this does not affect eligibility)."))
        }
        let data: [EligibilityDatum] = [
            .registry("設立日期", "established on", .day(date), source),
            EligibilityDatum(label: .init(zh: "新創優先基準日", en: "startup cut-off"), value: .day(cutoff),
                             origin: .policy),
        ]
        if date >= cutoff {
            return EligibilityRuleResult(
                rule: .startupPriority, outcome: .pass, data: data,
                explanation: .init(
                    zh: "設立日期 \(date.longForm) 在 \(cutoff.longForm)（含）之後：列為新創優先。",
                    en: "Established on \(date.isoForm), on or after \(cutoff.isoForm): startup priority."))
        }
        return EligibilityRuleResult(
            rule: .startupPriority, outcome: .fail, data: data,
            explanation: .init(
                zh: "設立日期 \(date.longForm) 早於 \(cutoff.longForm)：不列新創優先。這只影響優先順序，不影響申請資格。",
                en: "Established on \(date.isoForm), before \(cutoff.isoForm): no startup priority. "
                    + "This only affects priority, not eligibility."))
    }
}
