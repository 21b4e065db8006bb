import Foundation
import SuanliKit

/// The outcome of one eligibility rule (SPEC C2.5). `unknown` is an honest answer — the data to
/// decide is missing or ambiguous — and hands the rule to the operator instead of guessing.
public enum EligibilityOutcome: String, Hashable, Sendable, Codable, CaseIterable {
    case pass
    case fail
    case unknown

    public var title: Bilingual {
        switch self {
        case .pass: Bilingual(zh: "符合", en: "pass")
        case .fail: Bilingual(zh: "不符合", en: "fail")
        case .unknown: Bilingual(zh: "無法判定", en: "unknown")
        }
    }
}

/// The rules of SPEC C2, one per sentence of 須知 貳 that can pass or fail on its own, so the
/// operator sees exactly which condition a company misses.
public enum EligibilityRuleID: String, Hashable, Sendable, Codable, CaseIterable {
    case industry = "C2.1"
    case startupPriority = "C2.2"
    case notBranch = "C2.3.1"
    case notChineseCapital = "C2.3.2"
    case noGovernmentProjectBreach = "C2.3.3"
    case noSeriousViolation = "C2.3.4"
    case organisationForm = "C2.4.1"
    case activeRegistration = "C2.4.2"

    /// Whether the rule decides eligibility or only sets the startup priority (C2.2 is "a flag, not
    /// a requirement"; FAQ 8 and 結案 1 say so too).
    public var isRequirement: Bool { self != .startupPriority }

    public var title: Bilingual {
        switch self {
        case .industry:
            Bilingual(zh: "行業分類為 J582、J62、J63 或 K6699", en: "Industry class J582, J62, J63 or K6699")
        case .startupPriority:
            Bilingual(zh: "新創優先（107 年 1 月 1 日後設立）", en: "Startup priority (established 2018-01-01 or later)")
        case .notBranch:
            Bilingual(zh: "非本國或外國公司在臺分公司", en: "Not a branch of a Taiwanese or foreign company")
        case .notChineseCapital: Bilingual(zh: "非陸資投資事業", en: "Not Chinese-capital invested")
        case .noGovernmentProjectBreach:
            Bilingual(zh: "最近 3 年無政府計畫重大違約", en: "No major breach of a government project in 3 years")
        case .noSeriousViolation:
            Bilingual(zh: "最近 3 年無嚴重違反環保、勞工、食安或身心障礙者權益法規",
                      en: "No serious environmental, labour, food-safety or disability-rights violation in 3 years")
        case .organisationForm:
            Bilingual(zh: "組織型態為獨資、合夥、有限合夥或公司（非自然人、財團法人）",
                      en: "A sole proprietorship, partnership or company (not a person or foundation)")
        case .activeRegistration: Bilingual(zh: "登記狀態為核准設立", en: "Registration is active (核准設立)")
        }
    }

    /// Where the rule comes from in the 申請須知 / FAQ.
    public var basis: String {
        switch self {
        case .industry: "須知 貳、一；FAQ 申請與審查 8、18"
        case .startupPriority: "須知 貳、一"
        case .notBranch: "須知 貳、二"
        case .notChineseCapital: "須知 貳、三；聲明 2(2)"
        case .noGovernmentProjectBreach: "須知 貳、四；聲明 2(3)1"
        case .noSeriousViolation: "須知 貳、五；聲明 2(3)2"
        case .organisationForm: "須知 貳、一；FAQ 申請與審查 7、11"
        case .activeRegistration: "須知 貳、一「依法登記成立」"
        }
    }
}

/// One piece of data a rule used, and where it came from — the registry (which dataset) or the
/// applicant's declaration (and when it was given), so the operator can check it (SPEC C2.5).
public struct EligibilityDatum: Hashable, Sendable, Codable {
    public enum Origin: Hashable, Sendable, Codable {
        case registry(RegistrySource)
        case declaration(givenAt: Date)
        /// A sanction attached to the registry record (`RegistrySanction`); the value names the authority.
        case sanctionRecord
        case policy
    }

    public var label: Bilingual
    public var value: Bilingual
    public var origin: Origin

    public init(label: Bilingual, value: Bilingual, origin: Origin) {
        self.label = label
        self.value = value
        self.origin = origin
    }

    static func registry(_ zh: String, _ en: String, _ value: Bilingual, _ source: RegistrySource) -> Self {
        EligibilityDatum(label: Bilingual(zh: zh, en: en), value: value, origin: .registry(source))
    }

    static func registry(_ zh: String, _ en: String, _ text: String, _ source: RegistrySource) -> Self {
        registry(zh, en, Bilingual(zh: text, en: text), source)
    }

    static func declared(_ zh: String, _ en: String, _ value: Bilingual, at: Date) -> Self {
        EligibilityDatum(label: Bilingual(zh: zh, en: en), value: value, origin: .declaration(givenAt: at))
    }

    /// "財政部稅籍登記" or "申請人聲明（民國115年7月1日 10:00）".
    public var originTitle: Bilingual {
        switch origin {
        case .registry(let source): source.title
        case .declaration(let at):
            Bilingual(zh: "申請人聲明（\(DateDisplay(language: .zhTW).instant(at))）",
                      en: "applicant's declaration (\(DateDisplay(language: .en).instant(at)))")
        case .sanctionRecord: Bilingual(zh: "主管機關處分紀錄", en: "authority's sanction record")
        case .policy: Bilingual(zh: "計畫規定", en: "programme rule")
        }
    }
}

/// One rule's verdict with the data it used and a sentence for the operator in both languages.
public struct EligibilityRuleResult: Hashable, Sendable, Codable {
    public var rule: EligibilityRuleID
    public var outcome: EligibilityOutcome
    public var data: [EligibilityDatum]
    public var explanation: Bilingual

    public init(
        rule: EligibilityRuleID, outcome: EligibilityOutcome, data: [EligibilityDatum], explanation: Bilingual
    ) {
        self.rule = rule
        self.outcome = outcome
        self.data = data
        self.explanation = explanation
    }

    public var title: Bilingual { rule.title }
}

extension Bilingual {
    /// A date as people read it: 民國107年1月1日 / ROC 107/01/01 (2018-01-01).
    static func day(_ date: ROCDate) -> Bilingual {
        Bilingual(zh: date.longForm, en: "ROC \(date.slashForm) (\(date.isoForm))")
    }

    static func same(_ text: String) -> Bilingual { Bilingual(zh: text, en: text) }
}
