/// SPEC C2.4, 須知 貳、一: applicants are 獨資、合夥、有限合夥事業或公司; FAQ 7 refuses 財團法人 and FAQ
/// 11 natural persons. The tax register's 組織別名稱 is the explicit statement; a company-registry
/// listing alone proves a company.
extension EligibilityRules {
    static func organisationForm(_ facts: EligibilityFacts) -> EligibilityRuleResult {
        func result(_ outcome: EligibilityOutcome, _ data: [EligibilityDatum], _ zh: String, _ en: String)
            -> EligibilityRuleResult
        {
            EligibilityRuleResult(
                rule: .organisationForm, outcome: outcome, data: data, explanation: .init(zh: zh, en: en))
        }
        guard case let (form, source)? = facts.entry?.value(\.organisationType, order: [.taxRegister, .companyRegistry])
        else {
            return result(.unknown, [],
                "登記資料沒有組織別，無法確認是否為獨資、合夥、有限合夥或公司；請人工查核。",
                "The registry shows no legal form; check by hand that it is a sole proprietorship, "
                    + "partnership or company.")
        }
        let data: [EligibilityDatum] = [.registry("組織別", "legal form", form.title, source)]
        switch form {
        case .foundation:
            return result(.fail, data, "財團法人不屬本次申請對象（FAQ 7）。",
                          "Foundations (財團法人) are not eligible (FAQ 7).")
        case .naturalPerson:
            return result(.fail, data, "本次未開放個人／自然人申請（FAQ 11）。",
                          "Natural persons cannot apply (FAQ 11).")
        default:
            break
        }
        switch form.isAdmissibleForm {
        case true?:
            return result(.pass, data, "組織別為「\(form.title.zh)」，屬可申請之事業或公司。",
                          "The legal form is \(form.title.en), an eligible business form.")
        case false?:
            return result(.fail, data,
                "組織別為「\(form.title.zh)」；申請對象限獨資、合夥、有限合夥事業或公司。",
                "The legal form is \(form.title.en); only sole proprietorships, partnerships and companies may apply.")
        case nil:
            return result(.unknown, data,
                "無法辨識組織別「\(form.title.zh)」，請人工確認是否為獨資、合夥、有限合夥事業或公司。",
                "The legal form \(form.title.en) is not recognised; check by hand whether it is eligible.")
        }
    }
}
