/// What a user may do. Organisation roles belong to one company; staff roles belong to the programme.
public enum Role: String, Sendable, CaseIterable, Codable {
    case applicantAdmin = "applicant_admin"
    case applicantMember = "applicant_member"
    case `operator` = "operator"
    case reviewer = "reviewer"
    case ministry = "ministry"
    case vendor = "vendor"
    case buyer = "buyer"

    /// Administrators use a second factor (SPEC T2).
    public var requiresTOTP: Bool { self == .operator || self == .reviewer || self == .ministry }

    /// Roles created only by `suanli admin create-user`, never by sign-up.
    public var isStaff: Bool { requiresTOTP }

    public var belongsToOrganisation: Bool { !isStaff }

    public var zh: String {
        switch self {
        case .applicantAdmin: "申請單位管理者"
        case .applicantMember: "申請單位成員"
        case .operator: "執行單位"
        case .reviewer: "審查委員"
        case .ministry: "主辦單位"
        case .vendor: "解決方案提供者"
        case .buyer: "採購方"
        }
    }

    public var en: String {
        switch self {
        case .applicantAdmin: "Applicant administrator"
        case .applicantMember: "Applicant member"
        case .operator: "Operator"
        case .reviewer: "Reviewer"
        case .ministry: "Ministry"
        case .vendor: "Vendor"
        case .buyer: "Buyer"
        }
    }
}
