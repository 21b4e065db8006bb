/// SPEC C2.1: the tax register's industry codes must include J582, J62, J63 or K6699. The tax
/// register decides — FAQ 5, 8 and 18 tell applicants to check "稅籍登記之營業項目" and that the check
/// uses the data as it stands at review — so the applicant's own ticks are shown, never trusted.
extension EligibilityRules {
    static func industry(_ facts: EligibilityFacts) -> EligibilityRuleResult {
        var data: [EligibilityDatum] = []
        let declared = facts.declarations.industryCodes
        if let declared {
            let codes = declared.value.map(\.code).joined(separator: "、")
            data.append(.declared("申請人勾選的行業分類", "industry classes ticked by the applicant",
                                  .same(codes.isEmpty ? "（未勾選）" : codes), at: declared.givenAt))
        }
        func result(_ outcome: EligibilityOutcome, _ zh: String, _ en: String) -> EligibilityRuleResult {
            EligibilityRuleResult(rule: .industry, outcome: outcome, data: data, explanation: .init(zh: zh, en: en))
        }
        guard let tax = facts.from(.taxRegister) else {
            return result(.unknown,
                "稅籍登記資料中查無此統一編號，無法確認行業分類；請匯入最新的稅籍資料或人工查核。",
                "The tax register does not list this business ID, so its industry class cannot be confirmed; "
                    + "import the latest tax register or check by hand.")
        }
        for code in tax.taxIndustryCodes {
            let standard = code.standardClass.map(\.code) ?? "?"
            data.append(.registry("稅籍行業代號", "tax industry code", "\(code) → \(standard)", .taxRegister))
        }
        guard !tax.taxIndustryCodes.isEmpty else {
            return result(.unknown, "稅籍登記沒有行業代號，無法判斷行業分類；請人工查核。",
                          "The tax register shows no industry code for this business; check by hand.")
        }
        let matched = tax.standardIndustryCodes.filter { code in
            facts.policy.eligibleIndustries.contains { $0.contains(code) }
        }
        let accepted = facts.policy.eligibleIndustries.map(\.code).joined(separator: "、")
        if let first = matched.first {
            let parent = facts.policy.eligibleIndustries.first { $0.contains(first) }!
            return result(.pass,
                "稅籍登記的行業代號屬 \(parent)（\(first)），符合行業分類規定。",
                "The tax register's industry code falls under \(parent) (\(first)), an accepted class.")
        }
        let declaredEligible = declared?.value.contains { code in
            facts.policy.eligibleIndustries.contains { $0.contains(code) }
        } ?? false
        let contradiction = declaredEligible
            ? ("申請人勾選的行業分類與稅籍登記不符。", " The classes the applicant ticked contradict the tax register.")
            : ("", "")
        return result(.fail,
            "稅籍登記的行業代號皆不屬 \(accepted)。\(contradiction.0)若已申請變更，須於資格審查前完成（FAQ 8、18）。",
            "None of the tax register's industry codes is in \(accepted).\(contradiction.1) A pending change "
                + "must be completed before the eligibility review (FAQ 8, 18).")
    }
}
