import SuanliKit

/// The statistics as tables for download (SPEC C4.6, written with `CSVWriter`): one header row in the
/// reader's language, then one row per round and category, a total per round, a total per category
/// over all rounds, and the overall total. Percentages are text ("33.3%", "—" for 0/0) because the
/// exact numerator and denominator stand in their own columns beside them.
extension ProgrammeStatistics {
    public func csvRows(language: Language) -> [[String]] {
        // The "no level" column exists only when bad data produced such rows, so that the usual table
        // has no column that is always zero.
        let showUnset = overall.approvedWithoutLevel > 0
        var rows = [header(language, showUnset: showUnset)]
        let allRounds = Bilingual(zh: "全部梯次", en: "All rounds").text(language)
        let allCategories = Bilingual(zh: "全部類別", en: "All categories").text(language)
        func name(_ category: GrantCategory) -> String { language == .en ? category.en : category.zh }
        for round in rounds {
            let label = round.label.text(language)
            for category in GrantCategory.allCases {
                rows.append(row(label, name(category), round.tally(category), showUnset))
            }
            rows.append(row(label, allCategories, round.total, showUnset))
        }
        for category in GrantCategory.allCases {
            rows.append(row(allRounds, name(category), tally(category), showUnset))
        }
        rows.append(row(allRounds, allCategories, overall, showUnset))
        return rows
    }

    /// Industry domains over all rounds and categories, most filed first. `label` turns a domain key
    /// into its name (the form's catalogue); keys without one are shown as they are.
    public func domainCSVRows(language: Language, label: (String) -> Bilingual? = { _ in nil }) -> [[String]] {
        let header = language == .en
            ? ["Industry domain", "Applications filed", "Share of filed", "Approved", "Share of approved"]
            : ["產業領域", "申請件數", "占申請件數比", "通過件數", "占通過件數比"]
        let keys = overall.domainsFiled.keys.sorted {
            let (a, b) = (overall.domainsFiled[$0]!, overall.domainsFiled[$1]!)
            return a != b ? a > b : $0 < $1
        }
        return [header] + keys.map { key in
            let filed = overall.domainsFiled[key]!
            let approved = overall.domainsApproved[key, default: 0]
            return [
                label(key)?.text(language) ?? key, "\(filed)", Proportion(filed, of: overall.filed).percentText,
                "\(approved)", Proportion(approved, of: overall.approved).percentText,
            ]
        }
    }

    private func header(_ language: Language, showUnset: Bool) -> [String] {
        let en = language == .en
        var columns = en
            ? ["Round", "Category", "Applications filed", "In review", "Approved (incl. awarded)", "Awarded",
               "Not selected", "Ineligible", "Withdrawn", "Lapsed", "Approval rate (approved ÷ filed)",
               "Approval rate (approved ÷ decided)"]
            : ["梯次", "類別", "申請件數", "審查中", "通過件數（含已核定）", "已核定", "未獲選", "資格不符", "撤回",
               "逾期未補正", "通過率（通過÷申請）", "通過率（通過÷已決定）"]
        for level in GrantLevel.allCases {
            columns += en ? ["\(level.rawValue) approved", "\(level.rawValue) share"]
                          : ["\(level.rawValue) 件數", "\(level.rawValue) 占比"]
        }
        if showUnset { columns += en ? ["No level", "No level share"] : ["未定級別", "未定級別占比"] }
        columns += en
            ? ["Startups filed", "Startup share of filed", "Startups approved", "Startup share of approved",
               "Points approved"]
            : ["新創申請件數", "新創占申請比", "新創通過件數", "新創占通過比", "通過點數"]
        return columns
    }

    private func row(_ round: String, _ category: String, _ tally: StatisticsTally, _ showUnset: Bool) -> [String] {
        var cells = [round, category] + [
            tally.filed, tally.inReview, tally.approved, tally.awarded, tally.rejected, tally.ineligible,
            tally.withdrawn, tally.lapsed,
        ].map(String.init)
        cells += [tally.approvalRate.percentText, tally.approvalRateOfDecided.percentText]
        let shares = tally.levelShareTenths
        for (index, level) in GrantLevel.allCases.enumerated() {
            cells += ["\(tally.count(level))", Proportion.percentText(tenths: shares[index])]
        }
        if showUnset {
            let unsetShare = shares[GrantLevel.allCases.count]
            cells += ["\(tally.approvedWithoutLevel)", Proportion.percentText(tenths: unsetShare)]
        }
        cells += ["\(tally.startupsFiled)", tally.startupShareOfFiled.percentText, "\(tally.startupsApproved)",
                  tally.startupShareOfApproved.percentText, "\(tally.pointsApproved)"]
        return cells
    }
}
