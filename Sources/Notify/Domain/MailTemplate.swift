import SuanliKit

/// The catalogue of e-mail messages the platform sends, each with the named parameters it needs.
/// Rendering (`MailTemplate+Rendering.swift`) gives the zh-TW and en texts; callers never write
/// message text themselves, so every mail reads the same way in both languages (SPEC X1, C4.5).
public enum MailTemplate: Sendable, Equatable {
    /// Confirms that the address belongs to the person who registered it.
    case verifyEmail(link: String)
    /// A single-use reset link that expires after `expiresMinutes`.
    case passwordReset(link: String, expiresMinutes: Int)
    /// An organisation member invites someone to join the organisation's account.
    case memberInvitation(orgName: String, inviterName: String, link: String)
    /// Sent when repeated failed logins lock the account (SPEC T2: ≥ 15 minutes after 5 failures).
    case accountLocked(minutes: Int)
    case welcome(name: String)
    /// Any state machine transition that concerns the recipient (SPEC C4.5, X2): an application,
    /// project, listing or order moved from one state to another.
    case stateChanged(subjectTitle: String, from: LocalizedLabel, to: LocalizedLabel, link: String)
    /// A grant application's or project's step with what the recipient must know about it (SPEC C4.5):
    /// the reason, the items to correct and their deadline, the level awarded. `reference` is the
    /// 案號 the applicant quotes when they call the operator.
    case grantNotice(reference: String, subjectTitle: String, heading: LocalizedLabel, details: [LocalizedLabel],
                     link: String)

    /// A stable name stored with each outbox message, for statistics and for finding a message in tests.
    public var key: String {
        switch self {
        case .verifyEmail: return "verify-email"
        case .passwordReset: return "password-reset"
        case .memberInvitation: return "member-invitation"
        case .accountLocked: return "account-locked"
        case .welcome: return "welcome"
        case .stateChanged: return "state-changed"
        case .grantNotice: return "grant-notice"
        }
    }
}

/// A template rendered in one language.
public struct RenderedMail: Sendable, Equatable {
    public var subject: String
    /// UTF-8 plain text with `\n` line ends; the SMTP layer turns them into CRLF.
    public var text: String
    public var html: String?

    public init(subject: String, text: String, html: String?) {
        self.subject = subject
        self.text = text
        self.html = html
    }
}
