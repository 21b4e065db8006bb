import SuanliKit

/// The programme's eligibility parameters, defaulting to the 115 年 申請須知 (SPEC C2). Kept as
/// data so a later year's 須知 is a settings change, not a code change.
public struct EligibilityPolicy: Hashable, Sendable, Codable {
    /// 須知 貳、一: the accepted 行業標準分類 classes.
    public var eligibleIndustries: [StandardIndustryCode]
    /// 須知 貳、一: 核准設立日期 on or after 民國 107 年 1 月 1 日 gets startup priority.
    public var startupEstablishedOnOrAfter: ROCDate
    /// 須知 貳、四 and 五: "最近 3 年內".
    public var lookbackYears: Int

    public init(
        eligibleIndustries: [StandardIndustryCode] = IndustryCodeMapping.eligible.map(\.code),
        startupEstablishedOnOrAfter: ROCDate = ROCDate(rocYear: 107, month: 1, day: 1)!,
        lookbackYears: Int = 3
    ) {
        self.eligibleIndustries = eligibleIndustries
        self.startupEstablishedOnOrAfter = startupEstablishedOnOrAfter
        self.lookbackYears = lookbackYears
    }

    /// The first day inside "the last N years" as seen on `day`: the same date N years earlier,
    /// 29 February falling back to the 28th.
    public func lookbackStart(from day: ROCDate) -> ROCDate {
        let year = day.year - lookbackYears
        return ROCDate(gregorianYear: year, month: day.month, day: day.day)
            ?? ROCDate(gregorianYear: year, month: day.month, day: day.day - 1)!
    }
}

/// Everything a rule may read, gathered once per evaluation.
struct EligibilityFacts {
    let taxID: TaxID
    let registry: RegistrySnapshot
    let declarations: ApplicantDeclarations
    let day: ROCDate
    let policy: EligibilityPolicy

    var entry: RegistryEntry? { registry.entry(for: taxID) }
    var record: RegistryRecord? { entry?.record }
    func from(_ source: RegistrySource) -> RegistryRecord? { entry?.bySource[source] }
}
