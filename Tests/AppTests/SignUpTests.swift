import App
import FluentKit
import Foundation
import Identity
import Notify
import SuanliKit
import Testing

/// Company sign-up through the portal (SPEC C2.4, C3.1, T6, X3).
@Suite struct SignUpTests {
    @Test func noticeComesFirstThenTheFormThenVerificationMail() async throws {
        try await TestApp.run { suanli, client in
            let browser = Browser(client)
            // Before acknowledging the §8 notice, /signup shows only the notice (no personal-data fields).
            let notice = try await browser.get("/signup")
            #expect(notice.contains("個人資料蒐集、處理及利用告知事項"))
            #expect(!notice.contains("name=\"adminEmail\""))
            let unticked = try await browser.post("/signup/notice", [(String, String)]())
            #expect(unticked.status == .unprocessableContent)
            #expect(unticked.contains("請勾選已閱讀個人資料蒐集告知事項"))

            try await browser.post("/signup/notice", [("privacyNotice", "yes")])
            let form = try await browser.get("/signup")
            #expect(form.contains("name=\"adminEmail\""))
            #expect(form.contains("<label for=\"taxID\">"))

            let done = try await browser.post("/signup", Fixtures.company())
            #expect(done.status == .ok)
            #expect(done.contains("admin@yunding.test"))
            let db = suanli.database.db
            let org = try #require(try await OrganisationModel.query(on: db).first())
            #expect(org.taxID == "90123453")
            #expect(org.paidInCapital == 12_000_000)
            #expect(org.established == "2020-03-15")
            #expect(org.industryCodes == "J6201,J6312")
            let consent = try #require(try await ConsentModel.query(on: db).first())
            #expect(consent.kind == "privacy_notice")
            #expect(consent.version == suanli.config.identity.privacyNoticeVersion)
            #expect(consent.organisationID == org.id)
            #expect(consent.sourceIP == "203.0.113.10")
            let mail = try #require(try await Fixtures.lastMail(to: "admin@yunding.test", on: db))
            #expect(mail.subject.contains("驗證"))
            #expect(Fixtures.link(in: mail, path: "/verify-email?token=") != nil)
            let audit = try await suanli.services.audit.verify(on: db)
            #expect(audit.isIntact)
        }
    }

    @Test func everyBadFieldGetsItsOwnMessageAndNothingIsWritten() async throws {
        try await TestApp.run { suanli, client in
            let browser = Browser(client)
            try await browser.post("/signup/notice", [("privacyNotice", "yes")])
            var fields = Fixtures.replacing(Fixtures.company(), "taxID", with: "90123454")
            fields = Fixtures.replacing(fields, "established", with: "115/02/30")
            fields = Fixtures.replacing(fields, "paidInCapital", with: "abc")
            fields = Fixtures.replacing(fields, "industryCodes", with: "J6201, 62")
            fields = Fixtures.replacing(fields, "kind", with: "foundation")
            fields = Fixtures.replacing(fields, "adminEmail", with: "not-an-email")
            fields = Fixtures.replacing(fields, "passwordConfirmation", with: "different123")
            let page = try await browser.post("/signup", fields)
            #expect(page.status == .unprocessableContent)
            #expect(page.contains("統一編號檢查碼不正確"))
            #expect(page.contains("請以民國日期填寫設立日期"))
            #expect(page.contains("實收資本額請填正整數"))
            #expect(page.contains("行業代碼「62」格式不符"))
            #expect(page.contains("財團法人不得申請"))
            #expect(page.contains("請輸入有效的電子郵件地址"))
            #expect(page.contains("兩次輸入的密碼不一致"))
            // Error summary links to each field; fields are marked invalid; typed values are kept.
            #expect(page.contains("href=\"#taxID\""))
            #expect(page.contains("aria-invalid=\"true\""))
            #expect(page.contains("value=\"臺北市大安區敦化南路二段 100 號 8 樓\""))
            #expect(!page.contains("different123"))
            let db = suanli.database.db
            #expect(try await Fixtures.count(OrganisationModel.self, on: db) == 0)
            #expect(try await Fixtures.count(UserModel.self, on: db) == 0)
            #expect(try await Fixtures.count(OutboxMessage.self, on: db) == 0)
        }
    }

    @Test func aSecondCompanyWithTheSameTaxIDIsRefused() async throws {
        try await TestApp.run { suanli, client in
            let first = Browser(client)
            try await first.post("/signup/notice", [("privacyNotice", "yes")])
            #expect(try await first.post("/signup", Fixtures.company()).status == .ok)
            let second = Browser(client, ip: "198.51.100.7")
            try await second.post("/signup/notice", [("privacyNotice", "yes")])
            let page = try await second.post("/signup", Fixtures.company(email: "other@yunding.test"))
            #expect(page.status == .conflict)
            #expect(page.contains("此統一編號已註冊"))
            #expect(try await Fixtures.count(OrganisationModel.self, on: suanli.database.db) == 1)
        }
    }

    @Test func signUpWithoutTheNoticeIsRefused() async throws {
        try await TestApp.run { suanli, client in
            let browser = Browser(client)
            let page = try await browser.post("/signup", Fixtures.company())
            #expect(page.status == .unprocessableContent)
            #expect(page.contains("個人資料蒐集告知"))
            #expect(try await Fixtures.count(UserModel.self, on: suanli.database.db) == 0)
        }
    }

    @Test func aFailureHalfWayRollsBackEveryRow() async throws {
        // The messenger fails after the organisation, user, consent, token and audit rows were written:
        // the transaction must leave none of them behind (SPEC X3).
        struct FailingMessenger: IdentityMessenger {
            func send(_ template: MailTemplate, to email: String, userID: UUID?, language: Language,
                      on db: any Database) async throws {
                throw UserFacingError(.unavailable, code: "mail.down", zh: "郵件暫停", en: "mail down")
            }
        }
        try await TestApp.withSuanli { suanli in
            let db = suanli.database.db
            let accounts = AccountService(settings: suanli.config.identity, audit: suanli.services.audit,
                                          messenger: FailingMessenger())
            let consent = try await accounts.acknowledgePrivacyNotice(origin: .cli, on: db)
            let fields = Dictionary(Fixtures.company(), uniquingKeysWith: { a, _ in a })
            await #expect(throws: UserFacingError.self) {
                _ = try await accounts.signUp(.init(
                    profile: OrganisationProfileForm(values: fields, industryCodes: ["J6201"]), adminName: "黃志明",
                    adminEmail: "admin@yunding.test", adminPhone: "", password: "Cloud2026secure",
                    passwordConfirmation: "Cloud2026secure", privacyConsentID: consent, language: .zhTW),
                    origin: .cli, on: db)
            }
            #expect(try await Fixtures.count(OrganisationModel.self, on: db) == 0)
            #expect(try await Fixtures.count(UserModel.self, on: db) == 0)
            #expect(try await Fixtures.count(OneTimeTokenModel.self, on: db) == 0)
            #expect(try await Fixtures.count(PasswordHistoryModel.self, on: db) == 0)
            #expect(try await suanli.services.audit.verify(on: db) == .intact(records: 0))
            // The consent is still unused and can be used by a successful retry.
            #expect(try await accounts.pendingPrivacyConsent(consent, on: db) != nil)
        }
    }
}

@Suite struct ControlCharacterTests {
    @Test func controlCharactersAreRefusedEverywhereNeverStored() async throws {
        try await TestApp.run { suanli, client in
            let browser = Browser(client)
            try await browser.post("/signup/notice", [("privacyNotice", "yes")])
            let withNUL = Fixtures.replacing(Fixtures.company(), "name", with: "雲鼎\u{0}智能")
            let page = try await browser.post("/signup", withNUL)
            #expect(page.status == .unprocessableContent)
            #expect(page.contains("控制字元"))
            // bcrypt would cut "Cloud\0…" at the NUL; such passwords are refused outright.
            let nulPassword = Fixtures.replacing(Fixtures.replacing(Fixtures.company(), "password",
                with: "Cloud2026\u{0}secure"), "passwordConfirmation", with: "Cloud2026\u{0}secure")
            #expect(try await browser.post("/signup", nulPassword).status == .unprocessableContent)
            #expect(try await Fixtures.count(OrganisationModel.self, on: suanli.database.db) == 0)
            try await browser.post("/signup", Fixtures.company())
            _ = try await Fixtures.registeredCompany(Browser(client, ip: "203.0.113.9"), suanli: suanli,
                                                    taxID: "83124560", email: "admin@yusheng.test")
        }
    }
}
