/// SPEC C2.3, 須知 貳、三: not Chinese-capital invested, "依經濟部商業發展署商工登記資料公示查詢服務之
/// 股權狀況或經濟部投資審議司之陸資來臺投資事業名錄為準". So the registry decides: any registry sign of
/// Chinese capital fails, whatever was declared; the declaration (聲明 2(2)) passes only when a
/// registry source that would show Chinese capital was actually consulted.
extension EligibilityRules {
    static func notChineseCapital(_ facts: EligibilityFacts) -> EligibilityRuleResult {
        var data: [EligibilityDatum] = []
        var evidence: [Bilingual] = []
        var consulted = false

        if let list = facts.registry.datasets[.chineseCapitalList] {
            consulted = true
            if let listed = facts.from(.chineseCapitalList) {
                let approved = listed.chineseCapitalApprovedOn.map { "（核准日期 \($0.longForm)）" } ?? ""
                let approvedEN = listed.chineseCapitalApprovedOn.map { " (approved \($0.isoForm))" } ?? ""
                data.append(.registry("陸資名錄", "investee list",
                                      .init(zh: "列名\(approved)", en: "listed\(approvedEN)"), .chineseCapitalList))
                evidence.append(.init(zh: "列於陸資來臺投資事業名錄", en: "it is on the Chinese-capital investee list"))
            } else {
                let date = list.datasetDate.map { "，名錄日期 \($0.longForm)" } ?? ""
                data.append(.registry("陸資名錄", "investee list",
                                      .init(zh: "未列名（共 \(list.recordCount) 筆\(date)）",
                                            en: "not listed (\(list.recordCount) entries)"), .chineseCapitalList))
            }
        }
        if let flag = facts.from(.companyRegistry)?.chineseCapital {
            consulted = true
            data.append(.registry("股權狀況", "shareholding status",
                                  .init(zh: flag ? "陸資" : "非陸資", en: flag ? "Chinese capital" : "not Chinese capital"),
                                  .companyRegistry))
            if flag { evidence.append(.init(zh: "公司登記股權狀況為陸資", en: "the company registry shows Chinese capital")) }
        }
        if let form = facts.record?.organisationType, form == .mainlandCompanyBranch {
            data.append(.registry("組織別", "legal form", form.title, .taxRegister))
            evidence.append(.init(zh: "組織別為大陸地區公司在臺分公司", en: "it is a mainland-China company's branch"))
        }
        let declaration = facts.declarations.notChineseCapital
        if let declaration {
            data.append(.declared("聲明非陸資投資", "declared not Chinese-capital",
                                  .init(zh: declaration.value ? "是" : "否", en: declaration.value ? "yes" : "no"),
                                  at: declaration.givenAt))
        }
        func result(_ outcome: EligibilityOutcome, _ zh: String, _ en: String) -> EligibilityRuleResult {
            EligibilityRuleResult(
                rule: .notChineseCapital, outcome: outcome, data: data, explanation: .init(zh: zh, en: en))
        }

        if !evidence.isEmpty {
            let contradicts = declaration?.value == true
            return result(.fail,
                "登記資料顯示\(evidence.map(\.zh).joined(separator: "、"))：陸資投資事業不得申請。"
                    + (contradicts ? "這與申請人的聲明不符。" : ""),
                "The registry shows \(evidence.map(\.en).joined(separator: "; ")): Chinese-capital businesses "
                    + "may not apply." + (contradicts ? " This contradicts the applicant's declaration." : ""))
        }
        guard let declaration else {
            return result(.unknown, "申請人尚未聲明非陸資投資事業（聲明 2(2)）。",
                          "The applicant has not yet declared that it is not Chinese-capital invested.")
        }
        guard declaration.value else {
            return result(.fail, "申請人未能聲明非陸資投資事業：陸資投資事業不得申請。",
                          "The applicant could not declare that it is not Chinese-capital invested.")
        }
        guard consulted else {
            return result(.unknown,
                "申請人聲明非陸資，但尚未匯入陸資來臺投資事業名錄，公司登記資料也沒有股權狀況，無法佐證；"
                    + "請匯入名錄或人工查核。",
                "The applicant declares no Chinese capital, but neither the investee list nor a shareholding "
                    + "status has been loaded to confirm it; import the list or check by hand.")
        }
        return result(.pass, "申請人聲明非陸資，登記資料亦無陸資紀錄。",
                      "The applicant declares no Chinese capital and the registry shows none.")
    }
}
