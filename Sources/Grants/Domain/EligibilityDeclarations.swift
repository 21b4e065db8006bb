import Foundation

/// One statement the applicant made on 附件 1, with the moment it was given (SPEC C3.1, X2): the
/// rules show the time next to the value so the operator knows which version was checked.
public struct ApplicantDeclaration<Value: Hashable & Sendable & Codable>: Hashable, Sendable, Codable {
    public var value: Value
    public var givenAt: Date

    public init(_ value: Value, givenAt: Date) {
        self.value = value
        self.givenAt = givenAt
    }
}

/// What the applicant declared that eligibility reads (SPEC C2.3; 附件 1「行業分類」and
/// 「算力使用者聲明及同意事項」2(2)–(3)). A nil declaration has not been given yet; a `false` one
/// says the applicant cannot make the statement.
public struct ApplicantDeclarations: Hashable, Sendable, Codable {
    /// 行業分類 checkboxes (J582, J62, J63, K6699).
    public var industryCodes: ApplicantDeclaration<[StandardIndustryCode]>?
    /// 聲明 2(2): 非陸資投資之企業.
    public var notChineseCapital: ApplicantDeclaration<Bool>?
    /// 聲明 2(3)1: 最近 3 年內執行政府計畫無重大違約紀錄或未屆滿之停權處分.
    public var noGovernmentProjectBreach: ApplicantDeclaration<Bool>?
    /// 聲明 2(3)2: 最近 3 年內無違反環保、勞工、食安或身心障礙者權益保障法規且情節重大.
    public var noSeriousViolation: ApplicantDeclaration<Bool>?

    public init(
        industryCodes: ApplicantDeclaration<[StandardIndustryCode]>? = nil,
        notChineseCapital: ApplicantDeclaration<Bool>? = nil,
        noGovernmentProjectBreach: ApplicantDeclaration<Bool>? = nil,
        noSeriousViolation: ApplicantDeclaration<Bool>? = nil
    ) {
        self.industryCodes = industryCodes
        self.notChineseCapital = notChineseCapital
        self.noGovernmentProjectBreach = noGovernmentProjectBreach
        self.noSeriousViolation = noSeriousViolation
    }
}
