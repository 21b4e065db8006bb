import Foundation
import SuanliKit

/// The signed-in user as request handlers see it: a value type, never a Fluent model.
public struct CurrentUser: Sendable, Equatable {
    public var id: UUID
    public var organisationID: UUID?
    public var email: String
    public var displayName: String
    public var role: Role
    public var language: Language
    public var sessionID: UUID?
    /// "active", or a step still to do: "mfa_pending", "password_change".
    public var sessionState: String
    public var sessionExpiresAt: Date?

    public var isFullySignedIn: Bool { sessionState == SessionState.active }
}

public enum SessionState {
    public static let active = "active"
    public static let mfaPending = "mfa_pending"
    public static let passwordChange = "password_change"
}

extension UserModel {
    func current(session: SessionModel?, idle: TimeInterval) -> CurrentUser {
        CurrentUser(
            id: id!, organisationID: organisationID, email: email, displayName: displayName,
            role: Role(rawValue: role) ?? .applicantMember, language: Language(tag: language),
            sessionID: session?.id, sessionState: session?.state ?? SessionState.active,
            sessionExpiresAt: session.map { min($0.lastSeenAt + idle, $0.expiresAt) })
    }
}

/// Identity failures, each with a stable code and a message in both languages (SPEC X3, T4).
public enum IdentityErrors {
    public static let badCredentials = UserFacingError(
        .unauthenticated, code: "auth.invalid_credentials",
        zh: "電子郵件或密碼不正確。連續錯誤 5 次帳號將鎖定 15 分鐘。",
        en: "The e-mail or password is wrong. After 5 failures the account is locked for 15 minutes.")
    public static func locked(until: Date, now: Date) -> UserFacingError {
        // Dates round-trip through the database with sub-millisecond noise; don't let 900.0001 s read as 16 min.
        let minutes = max(1, Int((until.timeIntervalSince(now) / 60 - 0.01).rounded(.up)))
        return UserFacingError(
            .locked, code: "auth.locked",
            zh: "登入失敗次數過多，帳號已鎖定，請於 \(minutes) 分鐘後再試，或使用「忘記密碼」。",
            en: "Too many failed sign-ins: the account is locked. Try again in \(minutes) minute(s) or reset "
                + "your password.")
    }
    public static func throttled(seconds: Int) -> UserFacingError {
        UserFacingError(
            .tooManyRequests, code: "auth.throttled",
            zh: "此來源登入失敗次數過多，請於 \(seconds) 秒後再試。",
            en: "Too many failed sign-ins from your network. Try again in \(seconds) second(s).")
    }
    public static let emailNotVerified = UserFacingError(
        .forbidden, code: "auth.email_unverified",
        zh: "尚未完成電子郵件驗證，請點選驗證信中的連結；如未收到，可重新寄送。",
        en: "Your e-mail address is not verified yet. Open the link in the verification e-mail, or send it again.")
    public static let inactive = UserFacingError(
        .forbidden, code: "auth.inactive", zh: "此帳號已停用，請聯絡單位管理者。",
        en: "This account is disabled. Contact your organisation's administrator.")
    public static let badTOTP = UserFacingError(
        .unauthenticated, code: "auth.totp_invalid",
        zh: "驗證碼不正確或已使用過，請輸入驗證器 App 上目前顯示的 6 位數字。",
        en: "The code is wrong or already used. Enter the 6 digits your authenticator app shows now.",
        fields: [FieldError(field: "code", zh: "驗證碼不正確或已使用過，請輸入驗證器 App 上目前顯示的 6 位數字。",
                            en: "The code is wrong or already used. Enter the 6 digits your app shows now.")])
    public static let badToken = UserFacingError(
        .invalidInput, code: "token.invalid",
        zh: "此連結無效、已使用或已過期，請重新申請。",
        en: "This link is invalid, already used or expired. Request a new one.")
    public static let wrongCurrentPassword = UserFacingError(
        .invalidInput, code: "password.current_wrong", zh: "目前密碼不正確。", en: "The current password is wrong.",
        fields: [FieldError(field: "currentPassword", zh: "目前密碼不正確，請重新輸入。",
                            en: "The current password is wrong; type it again.")])
    public static let sessionExpired = UserFacingError(
        .unauthenticated, code: "auth.session_expired",
        zh: "您已閒置過久，為保護帳號安全已自動登出，請重新登入。",
        en: "You were signed out after a period of inactivity. Sign in again.")
    public static let emailTaken = UserFacingError(
        .conflict, code: "user.email_taken", zh: "此電子郵件已註冊。", en: "This e-mail address is already registered.",
        fields: [FieldError(field: "email", zh: "此電子郵件已註冊，請直接登入或使用其他地址。",
                            en: "Already registered: sign in, or use another address.")])
    public static let organisationExists = UserFacingError(
        .conflict, code: "organisation.exists",
        zh: "此統一編號已有單位註冊，請由該單位管理者邀請您加入，或使用工商憑證登入。",
        en: "This business ID is already registered. Ask its administrator to invite you, or sign in with "
            + "the business certificate.",
        fields: [FieldError(field: "taxID", zh: "此統一編號已註冊。", en: "This business ID is already registered.")])
    public static let forbidden = UserFacingError(
        .forbidden, code: "auth.forbidden", zh: "您沒有權限執行此操作。", en: "You are not allowed to do this.")
    public static let privacyNoticeRequired = UserFacingError(
        .invalidInput, code: "privacy.notice_required",
        zh: "請先閱讀並確認個人資料蒐集告知事項。", en: "Read and acknowledge the personal-data notice first.",
        fields: [FieldError(field: "privacyNotice", zh: "請勾選已閱讀個人資料蒐集告知事項。",
                            en: "Tick the box to acknowledge the personal-data notice.")])
}
