/// SPEC C2.4 (須知 貳、一「依法登記成立」): the registration must be in force. The company registry
/// states it (核准設立); without it, a tax-register listing is enough, because that dataset holds only
/// businesses in operation (those that stopped or closed are published as separate files).
extension EligibilityRules {
    static func activeRegistration(_ facts: EligibilityFacts) -> EligibilityRuleResult {
        func result(_ outcome: EligibilityOutcome, _ data: [EligibilityDatum], _ zh: String, _ en: String)
            -> EligibilityRuleResult
        {
            EligibilityRuleResult(
                rule: .activeRegistration, outcome: outcome, data: data, explanation: .init(zh: zh, en: en))
        }
        if let company = facts.from(.companyRegistry), let status = company.status {
            let data: [EligibilityDatum] = [.registry("公司狀況", "company status", status.text, .companyRegistry)]
            if status.isActive {
                return result(.pass, data, "公司登記狀況為「\(status.text)」。", "The company registry shows \(status.text).")
            }
            return result(.fail, data,
                "公司登記狀況為「\(status.text)」，非核准設立：須為依法登記成立且存續之事業。",
                "The company registry shows \(status.text), not an active registration (核准設立).")
        }
        if facts.from(.taxRegister) != nil {
            return result(.pass,
                [.registry("稅籍登記", "tax register", .init(zh: "營業中", en: "in operation"), .taxRegister)],
                "稅籍登記資料列有此營業人（該資料集僅列營業中者）；未匯入公司登記資料。",
                "The tax register, which lists only businesses in operation, lists it; no company-registry data.")
        }
        return result(.unknown, [],
            "稅籍及公司登記資料中都查無此統一編號，無法確認登記狀態；請人工查核。",
            "Neither the tax register nor the company registry lists this business ID; check its status by hand.")
    }
}
