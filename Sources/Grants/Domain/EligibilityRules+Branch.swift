import Foundation

/// SPEC C2.3, 須知 貳、二: "不得為本國設立及外國營利事業在臺設立之分公司" — branches of Taiwanese and of
/// foreign companies are both refused. Evidence: a different 總機構統一編號 on the tax register, a
/// branch legal form, or a registered name ending in 分公司.
extension EligibilityRules {
    static func notBranch(_ facts: EligibilityFacts) -> EligibilityRuleResult {
        func result(_ outcome: EligibilityOutcome, _ data: [EligibilityDatum], _ zh: String, _ en: String)
            -> EligibilityRuleResult
        {
            EligibilityRuleResult(rule: .notBranch, outcome: outcome, data: data, explanation: .init(zh: zh, en: en))
        }
        let tax = facts.from(.taxRegister), company = facts.from(.companyRegistry)
        guard let record = facts.record, tax != nil || company != nil else {
            return result(.unknown, [],
                "稅籍及公司登記資料中都查無此統一編號，無法確認是否為分公司；請人工查核。",
                "Neither the tax register nor the company registry lists this business ID; check by hand "
                    + "whether it is a branch.")
        }
        var data: [EligibilityDatum] = []
        if let tax {
            let head = tax.headOfficeTaxID?.digits ?? "（空白）"
            data.append(.registry("總機構統一編號", "head office's business ID", head, .taxRegister))
        }
        if case let (form, source)? = facts.entry?.value(\.organisationType, order: [.taxRegister, .companyRegistry]) {
            data.append(.registry("組織別", "legal form", form.title, source))
        }
        let nameSource: RegistrySource = company != nil ? .companyRegistry : .taxRegister
        data.append(.registry("名稱", "name", record.name, nameSource))

        if let tax, tax.isBranchByHeadOffice, let head = tax.headOfficeTaxID {
            return result(.fail, data,
                "稅籍登記的總機構統一編號為 \(head)，與申請者不同：此為分支機構，不得申請。",
                "The tax register names head office \(head), a different business: this is a branch and "
                    + "may not apply.")
        }
        if let form = record.organisationType, form.isBranch {
            return result(.fail, data,
                "組織別為「\(form.title.zh)」：分公司不得申請。",
                "The legal form is \(form.title.en): branches may not apply.")
        }
        if OrganisationType.normalise(record.name).hasSuffix("分公司") {
            return result(.fail, data,
                "登記名稱以「分公司」結尾：分公司不得申請。",
                "The registered name ends in 分公司 (branch): branches may not apply.")
        }
        return result(.pass, data,
            "登記資料顯示為本身之總機構，非本國或外國公司之分公司。",
            "The registry shows its own head office, not a branch of a Taiwanese or foreign company.")
    }
}
