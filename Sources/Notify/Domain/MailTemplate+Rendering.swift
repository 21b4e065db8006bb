import SuanliKit

extension MailTemplate {
    /// Renders the message in `language`. The plain-text and HTML bodies come from the same blocks,
    /// so the two alternatives of one mail can never say different things.
    public func render(_ language: Language, includeHTML: Bool = true) -> RenderedMail {
        let draft = language == .en ? english : chinese
        let blocks = draft.blocks + [.paragraph(Self.signature(language))]
        let subject = Self.subjectPrefix(language) + draft.subject
        return RenderedMail(
            subject: subject,
            text: MailBlock.plainText(blocks),
            html: includeHTML ? MailBlock.html(blocks, title: subject, language: language) : nil
        )
    }

    static func subjectPrefix(_ language: Language) -> String {
        language == .en ? "[Suanli] " : "【算力平台】"
    }

    static func signature(_ language: Language) -> String {
        language == .en
            ? "Suanli compute platform\nThis message was sent automatically; please do not reply to it."
            : "算力平台\n本信件由系統自動發送，請勿直接回覆。"
    }

    private var chinese: MailDraft {
        switch self {
        case .verifyEmail(let link):
            return MailDraft(subject: "請驗證您的電子郵件地址", blocks: [
                .paragraph("您好："),
                .paragraph("感謝您註冊算力平台。請開啟以下連結，驗證這是您的電子郵件地址："),
                .link(link),
                .paragraph("如果您沒有註冊算力平台，請忽略此信件。"),
            ])
        case .passwordReset(let link, let minutes):
            return MailDraft(subject: "重設密碼", blocks: [
                .paragraph("您好："),
                .paragraph("我們收到重設您帳號密碼的要求。請在 \(minutes) 分鐘內開啟以下連結設定新密碼，連結只能使用一次："),
                .link(link),
                .paragraph("如果這不是您提出的要求，請忽略此信件，您的密碼不會變更。"),
            ])
        case .memberInvitation(let orgName, let inviterName, let link):
            return MailDraft(subject: "\(inviterName) 邀請您加入「\(orgName)」", blocks: [
                .paragraph("您好："),
                .paragraph("\(inviterName) 邀請您加入「\(orgName)」在算力平台的帳號。請開啟以下連結接受邀請："),
                .link(link),
                .paragraph("如果您不認識邀請人，請忽略此信件。"),
            ])
        case .accountLocked(let minutes):
            return MailDraft(subject: "您的帳號已暫時鎖定", blocks: [
                .paragraph("您好："),
                .paragraph("由於連續多次登入失敗，您的帳號已暫時鎖定 \(minutes) 分鐘，時間到後即可再次登入。"),
                .paragraph("如果這些登入嘗試不是您本人所為，請於登入後立即變更密碼，並與平台管理者聯繫。"),
            ])
        case .welcome(let name):
            return MailDraft(subject: "歡迎加入算力平台", blocks: [
                .paragraph("\(name) 您好："),
                .paragraph("歡迎加入算力平台。您現在可以登入平台，提出算力申請並查看申請進度。"),
            ])
        case .stateChanged(let title, let from, let to, let link):
            return MailDraft(subject: "「\(title)」狀態更新：\(to.zh)", blocks: [
                .paragraph("您好："),
                .paragraph("「\(title)」的狀態已由「\(from.zh)」變更為「\(to.zh)」。詳細內容請見："),
                .link(link),
            ])
        case .grantNotice(let reference, let title, let heading, let details, let link):
            return MailDraft(subject: "\(heading.zh)（案號 \(reference)）", blocks: [
                .paragraph("您好："),
                .paragraph("您的申請案「\(title)」（案號 \(reference)）：\(heading.zh)。"),
            ] + details.map { .paragraph($0.zh) } + [
                .paragraph("詳細內容請登入算力平台查看："),
                .link(link),
            ])
        }
    }

    private var english: MailDraft {
        switch self {
        case .verifyEmail(let link):
            return MailDraft(subject: "Please verify your e-mail address", blocks: [
                .paragraph("Hello,"),
                .paragraph(
                    "Thank you for registering with Suanli. Open the link below to confirm this address is yours:"
                ),
                .link(link),
                .paragraph("If you did not register with Suanli, you can ignore this message."),
            ])
        case .passwordReset(let link, let minutes):
            return MailDraft(subject: "Reset your password", blocks: [
                .paragraph("Hello,"),
                .paragraph(
                    "We received a request to reset your password. Open the link below within \(minutes) minutes "
                        + "to choose a new one; the link works only once:"
                ),
                .link(link),
                .paragraph("If you did not ask for this, ignore this message; your password stays unchanged."),
            ])
        case .memberInvitation(let orgName, let inviterName, let link):
            return MailDraft(subject: "\(inviterName) invited you to join \(orgName)", blocks: [
                .paragraph("Hello,"),
                .paragraph(
                    "\(inviterName) invited you to join the Suanli account of \(orgName). "
                        + "Open the link below to accept:"
                ),
                .link(link),
                .paragraph("If you do not know the person who invited you, ignore this message."),
            ])
        case .accountLocked(let minutes):
            return MailDraft(subject: "Your account is temporarily locked", blocks: [
                .paragraph("Hello,"),
                .paragraph(
                    "After several failed logins in a row your account is locked for \(minutes) minutes. "
                        + "You can log in again once that time has passed."
                ),
                .paragraph(
                    "If these attempts were not yours, change your password after logging in and contact the operator."
                ),
            ])
        case .welcome(let name):
            return MailDraft(subject: "Welcome to Suanli", blocks: [
                .paragraph("Hello \(name),"),
                .paragraph("Welcome to Suanli. You can now log in, apply for compute and follow your applications."),
            ])
        case .stateChanged(let title, let from, let to, let link):
            return MailDraft(subject: "“\(title)” is now \(to.en)", blocks: [
                .paragraph("Hello,"),
                .paragraph("The status of “\(title)” changed from “\(from.en)” to “\(to.en)”. Details:"),
                .link(link),
            ])
        case .grantNotice(let reference, let title, let heading, let details, let link):
            return MailDraft(subject: "\(heading.en) (ref. \(reference))", blocks: [
                .paragraph("Hello,"),
                .paragraph("Your application “\(title)” (ref. \(reference)): \(heading.en)."),
            ] + details.map { .paragraph($0.en) } + [
                .paragraph("Log in to Suanli for the details:"),
                .link(link),
            ])
        }
    }
}

private struct MailDraft {
    var subject: String
    var blocks: [MailBlock]
}
