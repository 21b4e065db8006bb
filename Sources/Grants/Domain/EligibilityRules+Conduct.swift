/// SPEC C2.3, 須知 貳、四 and 五 (聲明 2(3)): no major breach of a government project and no serious
/// violation of environmental, labour, food-safety or disability-rights law in the last 3 years.
/// No open dataset covers these, so the declaration decides — unless a recorded sanction inside the
/// window (or a suspension not yet over) contradicts it, which fails with that sanction as the data.
extension EligibilityRules {
    static func noGovernmentProjectBreach(_ facts: EligibilityFacts) -> EligibilityRuleResult {
        conduct(facts, rule: .noGovernmentProjectBreach, kinds: [.governmentProjectBreach],
                declaration: facts.declarations.noGovernmentProjectBreach,
                subject: .init(zh: "執行政府計畫之重大違約紀錄", en: "a major breach of a government project"))
    }

    static func noSeriousViolation(_ facts: EligibilityFacts) -> EligibilityRuleResult {
        conduct(facts, rule: .noSeriousViolation, kinds: [.environmental, .labour, .foodSafety, .disabilityRights],
                declaration: facts.declarations.noSeriousViolation,
                subject: .init(zh: "嚴重違反環保、勞工、食安或身心障礙者權益法規之情事",
                               en: "a serious environmental, labour, food-safety or disability-rights violation"))
    }

    private static func conduct(
        _ facts: EligibilityFacts, rule: EligibilityRuleID, kinds: Set<RegistrySanction.Kind>,
        declaration: ApplicantDeclaration<Bool>?, subject: Bilingual
    ) -> EligibilityRuleResult {
        let since = facts.policy.lookbackStart(from: facts.day)
        let years = facts.policy.lookbackYears
        let sanctions = (facts.record?.sanctions ?? []).filter { sanction in
            kinds.contains(sanction.kind)
                && (sanction.decidedOn >= since || (sanction.suspendedUntil.map { $0 >= facts.day } ?? false))
        }
        var data: [EligibilityDatum] = sanctions.map { sanction in
            let until = sanction.suspendedUntil.map { "，停權至 \($0.longForm)" } ?? ""
            let untilEN = sanction.suspendedUntil.map { ", suspended until \($0.isoForm)" } ?? ""
            return EligibilityDatum(label: .init(zh: "處分紀錄", en: "sanction"), value: .init(
                zh: "\(sanction.decidedOn.longForm) \(sanction.authority) \(sanction.reference)"
                    + "（\(sanction.kind.title.zh)\(until)）",
                en: "\(sanction.decidedOn.isoForm) \(sanction.authority) \(sanction.reference) "
                    + "(\(sanction.kind.title.en)\(untilEN))"), origin: .sanctionRecord)
        }
        if let declaration {
            data.append(.declared("聲明最近 \(years) 年內無此情事", "declared none in the last \(years) years",
                                  .init(zh: declaration.value ? "是" : "否", en: declaration.value ? "yes" : "no"),
                                  at: declaration.givenAt))
        }
        func result(_ outcome: EligibilityOutcome, _ zh: String, _ en: String) -> EligibilityRuleResult {
            EligibilityRuleResult(rule: rule, outcome: outcome, data: data, explanation: .init(zh: zh, en: en))
        }
        if !sanctions.isEmpty {
            let contradicts = declaration?.value == true
            return result(.fail,
                "登記資料記有 \(since.longForm) 以來\(subject.zh)。" + (contradicts ? "這與申請人的聲明不符。" : ""),
                "The registry records \(subject.en) since \(since.isoForm)."
                    + (contradicts ? " This contradicts the applicant's declaration." : ""))
        }
        guard let declaration else {
            return result(.unknown, "申請人尚未就最近 \(years) 年內有無\(subject.zh)提出聲明。",
                          "The applicant has not yet declared whether it had \(subject.en) in the last \(years) years.")
        }
        guard declaration.value else {
            return result(.fail, "申請人未能聲明最近 \(years) 年內無\(subject.zh)。",
                          "The applicant could not declare that it had no \(subject.en) in the last \(years) years.")
        }
        return result(.pass, "申請人聲明最近 \(years) 年內無\(subject.zh)，登記資料亦無相反紀錄。",
                      "The applicant declares no \(subject.en) in the last \(years) years; the registry shows none.")
    }
}
