import SuanliKit

/// Who acts on a grant record. Grants does not depend on Identity, so the Routes layer maps
/// Identity's roles onto these (applicant_admin/applicant_member → applicant, and so on) and the
/// background workers act as `.system`.
public enum GrantsRole: String, Sendable, CaseIterable, Codable {
    case applicant
    case `operator`
    case reviewer
    case ministry
    case system

    public var zh: String {
        switch self {
        case .applicant: "申請企業"
        case .operator: "執行單位"
        case .reviewer: "審查委員"
        case .ministry: "主辦單位"
        case .system: "系統"
        }
    }

    public var en: String {
        switch self {
        case .applicant: "the applicant"
        case .operator: "the operator"
        case .reviewer: "a reviewer"
        case .ministry: "the ministry"
        case .system: "the system"
        }
    }
}

/// A person (or the system) with the role they act in; recorded with every change (SPEC X2).
public struct GrantsActor: Hashable, Sendable, Codable {
    public var id: String
    public var role: GrantsRole

    public init(id: String, role: GrantsRole) {
        self.id = id
        self.role = role
    }

    public static let system = GrantsActor(id: "system", role: .system)
}

/// The shared bilingual text type, visible to every Grants file without importing SuanliKit.
public typealias Bilingual = SuanliKit.Bilingual

extension String {
    /// True for text with nothing but whitespace, which we never accept as a reason or comment.
    var isBlankAfterTrimming: Bool { trimmingWhitespace().isEmpty }
}
