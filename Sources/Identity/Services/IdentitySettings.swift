import Foundation
import Notify
import SuanliKit
import FluentKit

/// Account-rule settings (SPEC T2). Defaults are the production values; tests lower the bcrypt cost.
public struct IdentitySettings: Sendable {
    public var bcryptCost: UInt8 = 12
    public var sessionIdle: TimeInterval = 15 * 60
    public var sessionAbsolute: TimeInterval = 12 * 3600
    public var maxFailedLogins = 5
    public var lockDuration: TimeInterval = 15 * 60
    /// Failures from one address (any accounts) before that address is slowed down.
    public var ipFailureThreshold = 10
    public var ipWindow: TimeInterval = 15 * 60
    public var verifyEmailTTL: TimeInterval = 48 * 3600
    public var passwordResetTTL: TimeInterval = 30 * 60
    public var invitationTTL: TimeInterval = 7 * 24 * 3600
    public var certificateChallengeTTL: TimeInterval = 120
    /// Where links in e-mails point, e.g. https://suanli.example.gov.tw
    public var publicURL = "http://127.0.0.1:8080"
    /// Version of the 個資法 §8 notice currently shown (SPEC T6).
    public var privacyNoticeVersion = "2026-11-v1"

    public init() {}
}

/// How Identity sends its e-mails. App implements it with the Notify outbox; the call runs inside the
/// caller's transaction so a message exists only if the change that caused it committed.
public protocol IdentityMessenger: Sendable {
    func send(_ template: MailTemplate, to email: String, userID: UUID?, language: Language,
              on db: any Database) async throws
}

/// Who did something and from where, for the audit log (SPEC X2).
public struct RequestOrigin: Sendable {
    public var sourceIP: String?
    public var userAgent: String
    public init(sourceIP: String?, userAgent: String = "") {
        self.sourceIP = sourceIP
        self.userAgent = userAgent
    }
    public static let cli = RequestOrigin(sourceIP: nil, userAgent: "suanli-cli")
}
