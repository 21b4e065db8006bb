/// Where an application stands (SPEC C4.1), with the words notifications use (C4.5):
/// - draft → submitted → eligibilityReview → professionalReview;
/// - eligibilityReview → correctionRequested → resubmitted → eligibilityReview, or → lapsed when the
///   deadline passes (an operator may reinstate it); eligibilityReview → ineligible;
/// - training: professionalReview → reviewMeeting → approved | rejected;
/// - inference: professionalReview → approved | rejected;
/// - approved → awarded (核定 by the ministry); the applicant may withdraw until then.
/// The steps, who takes them and what they need are in `ApplicationTransitions.swift` and `ApplicationProgress.swift`.
public enum ApplicationStatus: String, Sendable, CaseIterable, Codable {
    case draft
    case submitted
    case eligibilityReview
    case correctionRequested
    case resubmitted
    case professionalReview
    case reviewMeeting
    case approved
    case awarded
    case rejected
    /// 資格不符／補正後仍不完備：不予受理.
    case ineligible
    /// 逾期未補正，視同放棄 — kept apart from `withdrawn`, because the operator may reinstate it.
    case lapsed
    case withdrawn

    public var label: Bilingual {
        switch self {
        case .draft: Bilingual(zh: "草稿", en: "Draft")
        case .submitted: Bilingual(zh: "已送出", en: "Submitted")
        case .eligibilityReview: Bilingual(zh: "資格審查中", en: "Eligibility review")
        case .correctionRequested: Bilingual(zh: "待補正", en: "Correction requested")
        case .resubmitted: Bilingual(zh: "已補正送出", en: "Corrected and resubmitted")
        case .professionalReview: Bilingual(zh: "專業審查中", en: "Professional review")
        case .reviewMeeting: Bilingual(zh: "審查會議中", en: "At the review meeting")
        case .approved: Bilingual(zh: "審查通過，待核定", en: "Approved, awaiting confirmation")
        case .awarded: Bilingual(zh: "已核定", en: "Awarded")
        case .rejected: Bilingual(zh: "未獲選", en: "Not selected")
        case .ineligible: Bilingual(zh: "資格不符，不予受理", en: "Not eligible; not accepted")
        case .lapsed: Bilingual(zh: "逾期未補正，視同放棄", en: "Correction deadline missed; treated as withdrawn")
        case .withdrawn: Bilingual(zh: "已撤回", en: "Withdrawn")
        }
    }

    /// No further step is possible, except an operator reinstating a lapsed application.
    public var isClosed: Bool {
        switch self {
        case .awarded, .rejected, .ineligible, .lapsed, .withdrawn: true
        default: false
        }
    }

    /// Counts as an application filed in its round (SPEC C1.2). Drafts were never filed, and an
    /// application the company withdrew or abandoned no longer takes the round's one place.
    public var holdsRoundPlace: Bool {
        switch self {
        case .draft, .withdrawn, .lapsed: false
        default: true
        }
    }
}

/// The steps an application takes, without their data — for tables, labels and permissions.
public enum ApplicationActionKind: String, Sendable, CaseIterable, Codable {
    case submit
    case startEligibilityReview
    case requestCorrection
    case resubmit
    case lapse
    case reinstate
    case declareIneligible
    case passEligibility
    case sendToMeeting
    case approve
    case reject
    case award
    case withdraw

    public var label: Bilingual {
        switch self {
        case .submit: Bilingual(zh: "送出申請", en: "submit the application")
        case .startEligibilityReview: Bilingual(zh: "開始資格審查", en: "start the eligibility review")
        case .requestCorrection: Bilingual(zh: "通知補正", en: "request a correction")
        case .resubmit: Bilingual(zh: "補正送出", en: "resubmit the corrected application")
        case .lapse: Bilingual(zh: "逾期未補正結案", en: "close it for a missed correction deadline")
        case .reinstate: Bilingual(zh: "恢復補正", en: "reinstate it for correction")
        case .declareIneligible: Bilingual(zh: "判定資格不符", en: "declare it ineligible")
        case .passEligibility: Bilingual(zh: "通過資格審查", en: "pass the eligibility review")
        case .sendToMeeting: Bilingual(zh: "提送審查會議", en: "send it to the review meeting")
        case .approve: Bilingual(zh: "審查通過", en: "approve it")
        case .reject: Bilingual(zh: "審查不通過", en: "reject it")
        case .award: Bilingual(zh: "核定", en: "confirm the award")
        case .withdraw: Bilingual(zh: "撤回申請", en: "withdraw the application")
        }
    }
}

/// A step with what it needs (SPEC C4.1). Reasons are required wherever a person overrides or
/// ends someone else's application, because they go into the notice and the audit log (X2).
public enum ApplicationAction: Hashable, Sendable {
    /// The round comes from `SubmissionRules.admit`, which also refuses late submissions (C1.1).
    case submit(round: RoundID)
    case startEligibilityReview
    /// What to fix, and by when; the deadline must still be ahead.
    case requestCorrection(items: [String], deadline: Cutoff)
    case resubmit
    /// Run by the scheduler (or an operator) once the correction deadline has passed.
    case lapse
    /// An override: an operator gives a lapsed application a new deadline (e.g. the portal was down).
    case reinstate(deadline: Cutoff, reason: String)
    case declareIneligible(reason: String)
    case passEligibility
    case sendToMeeting
    case approve(GrantLevel)
    case reject(reason: String)
    /// 核定. A level other than the approved one is an override and needs a reason.
    case award(level: GrantLevel? = nil, reason: String? = nil)
    case withdraw(reason: String? = nil)

    public var kind: ApplicationActionKind {
        switch self {
        case .submit: .submit
        case .startEligibilityReview: .startEligibilityReview
        case .requestCorrection: .requestCorrection
        case .resubmit: .resubmit
        case .lapse: .lapse
        case .reinstate: .reinstate
        case .declareIneligible: .declareIneligible
        case .passEligibility: .passEligibility
        case .sendToMeeting: .sendToMeeting
        case .approve: .approve
        case .reject: .reject
        case .award: .award
        case .withdraw: .withdraw
        }
    }
}
