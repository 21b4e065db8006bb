import Foundation
import SuanliKit
import Testing

@testable import Notify

@Suite("Notify: mail templates")
struct NotifyTemplateTests {
    static let all: [MailTemplate] = [
        .verifyEmail(link: "https://suanli.example/verify?t=abc"),
        .passwordReset(link: "https://suanli.example/reset?t=def", expiresMinutes: 30),
        .memberInvitation(orgName: "台灣算力股份有限公司", inviterName: "王小明", link: "https://suanli.example/i/1"),
        .accountLocked(minutes: 15),
        .welcome(name: "陳美玲"),
        .stateChanged(
            subjectTitle: "智慧製造瑕疵檢測",
            from: LocalizedLabel(zh: "資格審查", en: "Eligibility review"),
            to: LocalizedLabel(zh: "專業審查", en: "Professional review"),
            link: "https://suanli.example/applications/7"
        ),
    ]

    @Test("every template has a subject with the platform prefix in both languages (SPEC X1)",
          arguments: all)
    func prefixes(template: MailTemplate) {
        let zh = template.render(.zhTW)
        let en = template.render(.en)
        #expect(zh.subject.hasPrefix("【算力平台】"))
        #expect(en.subject.hasPrefix("[Suanli] "))
        #expect(zh.text.contains("請勿直接回覆"))
        #expect(en.text.contains("please do not reply"))
        #expect(zh.text != en.text)
        #expect(zh.html?.contains("lang=\"zh-Hant-TW\"") == true)
        #expect(en.html?.contains("lang=\"en\"") == true)
        #expect(template.render(.zhTW, includeHTML: false).html == nil)
    }

    @Test("keys are unique and stable")
    func keys() {
        let keys = Self.all.map(\.key)
        #expect(Set(keys).count == keys.count)
        #expect(keys == ["verify-email", "password-reset", "member-invitation", "account-locked", "welcome",
                         "state-changed"])
    }

    @Test("parameters appear in the texts; links in the plain text and as anchors")
    func parameters() {
        let reset = MailTemplate.passwordReset(link: "https://suanli.example/reset?t=def", expiresMinutes: 30)
        let zh = reset.render(.zhTW)
        #expect(zh.text.contains("30 分鐘"))
        #expect(zh.text.contains("\nhttps://suanli.example/reset?t=def\n"))
        #expect(zh.html?.contains("<a href=\"https://suanli.example/reset?t=def\">") == true)
        #expect(reset.render(.en).text.contains("within 30 minutes"))

        let invite = MailTemplate.memberInvitation(orgName: "台灣算力", inviterName: "王小明", link: "https://x.example/i")
        #expect(invite.render(.zhTW).subject == "【算力平台】王小明 邀請您加入「台灣算力」")
        #expect(invite.render(.en).subject == "[Suanli] 王小明 invited you to join 台灣算力")

        let changed = Self.all[5]
        #expect(changed.render(.zhTW).text.contains("由「資格審查」變更為「專業審查」"))
        #expect(changed.render(.en).text.contains("from “Eligibility review” to “Professional review”"))
        #expect(MailTemplate.accountLocked(minutes: 15).render(.zhTW).text.contains("鎖定 15 分鐘"))
        #expect(MailTemplate.welcome(name: "陳美玲").render(.zhTW).text.hasPrefix("陳美玲 您好："))
    }

    @Test("HTML escapes parameters and links only web URLs")
    func htmlEscaping() {
        let hostile = MailTemplate.memberInvitation(
            orgName: "<script>alert(1)</script>",
            inviterName: "A & \"B\"",
            link: "javascript:alert(1)"
        )
        let html = hostile.render(.en).html ?? ""
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("A &amp; &quot;B&quot;"))
        #expect(!html.contains("href=\"javascript:"))
        // The plain text is not HTML and keeps the characters as they are.
        #expect(hostile.render(.en).text.contains("<script>alert(1)</script>"))
    }

    @Test("an outgoing mail carries the rendered template and its key")
    func outgoingMail() {
        let userID = UUID()
        let mail = OutgoingMail(to: "a@b.example", userID: userID, language: .zhTW, template: .welcome(name: "陳"))
        #expect(mail.templateKey == "welcome")
        #expect(mail.subject == "【算力平台】歡迎加入算力平台")
        #expect(mail.recipientUserID == userID)
        #expect(mail.htmlBody != nil)
    }
}

@Suite("Notify: retry policy and addresses")
struct NotifyRetryPolicyTests {
    @Test("transient failures back off 30 s, 2 min, 10 min, 1 h, then 6 h until the last try")
    func backOff() {
        let policy = RetryPolicy(maxAttempts: 8)
        let delays = (1...7).map { policy.decision(afterAttempt: $0, permanent: false) }
        #expect(delays == [
            .retry(after: .seconds(30)), .retry(after: .seconds(120)), .retry(after: .seconds(600)),
            .retry(after: .seconds(3600)), .retry(after: .seconds(21600)), .retry(after: .seconds(21600)),
            .retry(after: .seconds(21600)),
        ])
        #expect(policy.decision(afterAttempt: 8, permanent: false) == .giveUp)
    }

    @Test("permanent failures get at most the configured retries")
    func permanent() {
        let once = RetryPolicy(retriesAfterPermanentFailure: 1)
        #expect(once.decision(afterAttempt: 1, permanent: true) == .retry(after: .seconds(30)))
        #expect(once.decision(afterAttempt: 2, permanent: true) == .giveUp)
        // A permanent answer after transient ones ends it: the message had its retries.
        #expect(once.decision(afterAttempt: 3, permanent: true) == .giveUp)
        let never = RetryPolicy(retriesAfterPermanentFailure: 0)
        #expect(never.decision(afterAttempt: 1, permanent: true) == .giveUp)
    }

    @Test("addresses that could inject SMTP commands or headers are refused",
          arguments: ["", "a", "a@", "@b", "a b@c.example", "a@b.example>\r\nRCPT TO:<x@y", "a@b,c@d", "<a@b>",
                      "a@.example", "陳@例子.台灣", "a@b\n"])
    func invalidAddresses(address: String) {
        #expect(!MailAddress.isValid(address))
    }

    @Test("ordinary addresses pass", arguments: ["a@b.example", "first.last+tag@sub.example.com.tw", "x_y-z@a.b"])
    func validAddresses(address: String) {
        #expect(MailAddress.isValid(address))
    }

    @Test("validated trims whitespace and throws NotifyError otherwise")
    func validated() throws {
        #expect(try MailAddress.validated("  a@b.example\n") == "a@b.example")
        #expect(throws: NotifyError.invalidAddress("no-at")) { try MailAddress.validated("no-at") }
        #expect(NotifyError.invalidAddress("x").userFacing.kind == .invalidInput)
    }
}
