import Foundation
import SuanliKit

/// The signed-in person a Grants call acts for, with where the request came from (SPEC X2). The
/// Routes layer builds it from the session; `organisationID` is the applicant's company and scopes
/// every applicant query (tenant isolation).
public struct GrantsCaller: Sendable, Equatable {
    public var userID: UUID
    public var role: GrantsRole
    public var organisationID: UUID?
    /// The e-mail address or "system", for the audit log.
    public var label: String
    public var sourceIP: String?
    public var language: Language

    public init(userID: UUID, role: GrantsRole, organisationID: UUID?, label: String, sourceIP: String?,
                language: Language = .zhTW) {
        self.userID = userID
        self.role = role
        self.organisationID = organisationID
        self.label = label
        self.sourceIP = sourceIP
        self.language = language
    }

    public var actor: GrantsActor { role == .system ? .system : GrantsActor(id: userID.uuidString, role: role) }

    /// The background workers.
    public static let system = GrantsCaller(
        userID: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), role: .system, organisationID: nil,
        label: "system", sourceIP: nil)
}

/// The failures of the Grants services that are not domain rule violations.
public enum GrantsFailure {
    /// Unknown and not-yours look the same, so that guessing IDs tells nothing (tenant isolation).
    public static let notFound = UserFacingError(
        .notFound, code: "grants.notFound", zh: "找不到這筆資料，或您沒有檢視權限。",
        en: "Not found, or you may not see it.")
    public static let forbidden = UserFacingError(
        .forbidden, code: "grants.forbidden", zh: "您的身分不能執行這項操作。", en: "Your role may not do this.")
    public static let staleVersion = UserFacingError(
        .conflict, code: "grants.staleVersion",
        zh: "這份資料在您開啟後已被其他人修改。請重新載入頁面，確認最新內容後再儲存；您的修改尚未儲存。",
        en: "Someone changed this after you opened it. Reload the page, check the latest version and save again; "
            + "your changes were not saved.")
    public static let noProgramme = UserFacingError(
        .notFound, code: "grants.noProgramme", zh: "目前沒有公告中的算力申請計畫。",
        en: "No compute grant programme is open at present.")
    public static let notEditable = UserFacingError(
        .conflict, code: "grants.notEditable",
        zh: "申請案已送出，內容已鎖定；只有執行單位通知補正的項目可以修改。",
        en: "The application has been submitted and is locked; only the parts a correction notice opens can change.")

    public static func invalid(_ fields: [FieldError]) -> UserFacingError {
        UserFacingError(
            .invalidInput, code: "grants.invalidInput", zh: "有 \(fields.count) 個欄位需要修正，請見各欄位說明。",
            en: "\(fields.count) field(s) need correcting; see the notes by each field.", fields: fields)
    }

    public static func outsideCorrection(_ sections: [ApplicationSection]) -> UserFacingError {
        let zh = sections.map(\.label.zh).joined(separator: "、")
        let en = sections.map(\.label.en).joined(separator: ", ")
        return UserFacingError(
            .invalidInput, code: "grants.outsideCorrection",
            zh: "補正時只能修改執行單位指定的項目；以下項目不在補正範圍內：\(zh)。",
            en: "A correction may change only the parts the operator named; these are outside it: \(en).")
    }
}
