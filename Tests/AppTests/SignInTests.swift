import App
import FluentKit
import Foundation
import Identity
import Notify
import SuanliKit
import Testing

/// Account rules of SPEC T2: lock-out, per-address back-off, password history, forced change of initial
/// passwords, TOTP for administrators, idle sessions, one-time links; CSRF on every form.
@Suite struct SignInTests {
    static let password = "Cloud2026secure"

    @Test func signUpVerifySignInAndSignOut() async throws {
        try await TestApp.run { suanli, client in
            let browser = Browser(client)
            try await browser.post("/signup/notice", [("privacyNotice", "yes")])
            try await browser.post("/signup", Fixtures.company())
            // Not verified yet: a clear message, no session.
            let early = try await browser.post("/signin", [("email", "admin@yunding.test"), ("password", Self.password)])
            #expect(early.status == .forbidden)
            #expect(early.contains("尚未完成電子郵件驗證"))
            let mail = try await Fixtures.lastMail(to: "admin@yunding.test", template: "verify-email",
                                                  on: suanli.database.db)
            let link = try #require(Fixtures.link(in: mail, path: "/verify-email?token="))
            #expect(try await browser.get(link).contains("電子郵件驗證完成"))
            // The link works once.
            #expect(try await browser.get(link).status == .unprocessableContent)
            let signedIn = try await browser.post("/signin", [("email", "ADMIN@yunding.test "),
                                                             ("password", Self.password)])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.location == "/")
            let session = try #require(browser.cookies["suanli_session"])
            #expect(signedIn.headers[values: .setCookie].contains { $0.contains("HttpOnly") && $0.contains("SameSite=Lax") })
            let home = try await browser.get("/")
            #expect(home.contains("雲鼎智能股份有限公司"))
            #expect(home.contains("data-idle-seconds"))
            try await browser.post("/signout", [(String, String)]())
            #expect(browser.cookies["suanli_session"] == nil)
            // The old cookie no longer works.
            browser.cookies["suanli_session"] = session
            #expect(try await browser.get("/account").status == .seeOther)
        }
    }

    @Test func formsWithoutTheCSRFTokenAreRefused() async throws {
        try await TestApp.run { suanli, client in
            let browser = Browser(client)
            try await Fixtures.registeredCompany(browser, suanli: suanli)
            let forged = try await browser.post("/account/tokens", [("name", "x")], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(forged.contains("csrf.invalid"))
            let crossSite = try await browser.post("/account/tokens", [("name", "x")], csrf: true,
                                                   headers: [.origin: "https://evil.example"])
            #expect(crossSite.status == .forbidden)
            #expect(try await AccessTokenModel.query(on: suanli.database.db).count() == 0)
        }
    }

    @Test func fiveFailuresLockTheAccountForFifteenMinutes() async throws {
        let clock = ManualClock(Date())
        try await TestApp.run(clock: clock) { suanli, client in
            let setup = Browser(client)
            try await Fixtures.registeredCompany(setup, suanli: suanli)
            let attacker = Browser(client, ip: "198.51.100.20")
            for attempt in 1...4 {
                let page = try await attacker.post("/signin", [("email", "admin@yunding.test"), ("password", "wrong\(attempt)pass")])
                #expect(page.status == .unauthorized)
                #expect(page.contains("電子郵件或密碼不正確"))
            }
            let fifth = try await attacker.post("/signin", [("email", "admin@yunding.test"), ("password", "wrong5pass")])
            #expect(fifth.status.code == 423)
            #expect(fifth.contains("帳號已鎖定"))
            // Even the right password is refused while locked, from any address.
            let owner = Browser(client, ip: "203.0.113.99")
            let locked = try await owner.post("/signin", [("email", "admin@yunding.test"), ("password", Self.password)])
            #expect(locked.status.code == 423)
            #expect(locked.contains("15 分鐘"))
            let mail = try await Fixtures.lastMail(to: "admin@yunding.test", template: "account-locked",
                                                  on: suanli.database.db)
            #expect(mail?.textBody.contains("15") == true)
            let audit = try await suanli.services.audit.recent(on: suanli.database.db, limit: 50)
            #expect(audit.contains { $0.action == "user.locked" && $0.sourceIP == "198.51.100.20" })
            clock.advance(by: 15 * 60 + 1)
            let after = try await owner.post("/signin", [("email", "admin@yunding.test"), ("password", Self.password)])
            #expect(after.status == .seeOther)
        }
    }

    @Test func oneAddressFailingAcrossManyAccountsIsSlowedDown() async throws {
        try await TestApp.run { suanli, client in
            let attacker = Browser(client, ip: "198.51.100.66")
            for n in 1...10 {
                _ = try await attacker.post("/signin", [("email", "user\(n)@nowhere.test"), ("password", "guess1234x")])
            }
            let blocked = try await attacker.post("/signin", [("email", "user11@nowhere.test"), ("password", "x")])
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.contains("秒後再試"))
            // Another address is not affected.
            let other = Browser(client, ip: "198.51.100.67")
            let page = try await other.post("/signin", [("email", "user1@nowhere.test"), ("password", "guess1234x")])
            #expect(page.status == .unauthorized)
        }
    }

    @Test func theLastThreePasswordsCannotBeReused() async throws {
        try await TestApp.run { suanli, client in
            let browser = Browser(client)
            try await Fixtures.registeredCompany(browser, suanli: suanli)
            var current = Self.password
            for next in ["Second2026pass", "Third2026pass"] {
                let page = try await browser.post("/account/password", [("currentPassword", current),
                    ("newPassword", next), ("passwordConfirmation", next)])
                #expect(page.status == .seeOther)
                current = next
            }
            let reuse = try await browser.post("/account/password", [("currentPassword", current),
                ("newPassword", Self.password), ("passwordConfirmation", Self.password)])
            #expect(reuse.status == .unprocessableContent)
            #expect(reuse.contains("最近 3 次使用過的密碼"))
            let weak = try await browser.post("/account/password", [("currentPassword", current),
                ("newPassword", "short"), ("passwordConfirmation", "short")])
            #expect(weak.contains("密碼至少需要 10 個字元"))
            let wrong = try await browser.post("/account/password", [("currentPassword", "nope"),
                ("newPassword", "Fourth2026pass"), ("passwordConfirmation", "Fourth2026pass")])
            #expect(wrong.contains("目前密碼不正確"))
            // A fourth new one is fine, and then the first password is old enough to come back.
            #expect(try await browser.post("/account/password", [("currentPassword", current),
                ("newPassword", "Fourth2026pass"), ("passwordConfirmation", "Fourth2026pass")]).status == .seeOther)
            #expect(try await browser.post("/account/password", [("currentPassword", "Fourth2026pass"),
                ("newPassword", Self.password), ("passwordConfirmation", Self.password)]).status == .seeOther)
        }
    }

    @Test func staffNeedTOTPAndMustChangeTheirInitialPassword() async throws {
        let clock = ManualClock(Date())
        try await TestApp.run(clock: clock) { suanli, client in
            let created = try await suanli.services.accounts.createUser(
                email: "op@moda.test", name: "林執行", role: .operator, enrolTOTP: true, secrets: suanli.secrets,
                actor: "cli:test", on: suanli.database.db)
            let secret = try #require(created.totpSecret.flatMap(Base32.decode))
            let browser = Browser(client)
            let first = try await browser.post("/signin", [("email", "op@moda.test"), ("password", created.initialPassword)])
            #expect(first.location == "/signin/totp")
            // Half signed in: protected pages still need the second factor.
            #expect(try await browser.get("/operator/audit").status == .seeOther)
            let bad = try await browser.post("/signin/totp", [("code", "000000")])
            #expect(bad.status == .unauthorized)
            #expect(bad.contains("驗證碼不正確"))
            let code = TOTP(secret: secret).code(at: clock.now())
            let ok = try await browser.post("/signin/totp", [("code", code)])
            #expect(ok.location == "/password/change")
            #expect(try await browser.get("/operator/audit").status == .seeOther)
            let changed = try await browser.post("/password/change", [("currentPassword", created.initialPassword),
                ("newPassword", "Operator2026ok"), ("passwordConfirmation", "Operator2026ok")])
            #expect(changed.location == "/")
            let audit = try await browser.get("/operator/audit")
            #expect(audit.status == .ok)
            #expect(audit.contains("user.mfa.succeeded"))
            // The same code cannot be replayed in a new sign-in.
            let again = Browser(client, ip: "203.0.113.11")
            try await again.post("/signin", [("email", "op@moda.test"), ("password", "Operator2026ok")])
            #expect(try await again.post("/signin/totp", [("code", code)]).status == .unauthorized)
            clock.advance(by: 30)
            let next = TOTP(secret: secret).code(at: clock.now())
            #expect(try await again.post("/signin/totp", [("code", next)]).location == "/")
        }
    }

    @Test func idleSessionsEndAndExtendKeepsThemAlive() async throws {
        let clock = ManualClock(Date())
        try await TestApp.run(clock: clock) { suanli, client in
            let browser = Browser(client)
            try await Fixtures.registeredCompany(browser, suanli: suanli)
            clock.advance(by: 14 * 60)
            let extended = try await browser.post("/session/extend", [(String, String)]())
            #expect(extended.status == .seeOther)
            clock.advance(by: 14 * 60)
            #expect(try await browser.get("/account").status == .ok)
            clock.advance(by: 15 * 60 + 5)
            let expired = try await browser.get("/account")
            #expect(expired.status == .seeOther)
            #expect(expired.location?.hasPrefix("/signin") == true)
        }
    }

    @Test func passwordResetLinksWorkOnceAndExpire() async throws {
        let clock = ManualClock(Date())
        try await TestApp.run(clock: clock) { suanli, client in
            let browser = Browser(client)
            try await Fixtures.registeredCompany(browser, suanli: suanli)
            let anonymous = Browser(client, ip: "203.0.113.50")
            // Unknown addresses get the same answer (no account enumeration) and no mail.
            let unknown = try await anonymous.post("/forgot-password", [("email", "nobody@yunding.test")])
            #expect(unknown.contains("如果此地址已註冊"))
            #expect(try await Fixtures.lastMail(to: "nobody@yunding.test", on: suanli.database.db) == nil)
            try await anonymous.post("/forgot-password", [("email", "admin@yunding.test")])
            let mail = try await Fixtures.lastMail(to: "admin@yunding.test", template: "password-reset",
                                                  on: suanli.database.db)
            let link = try #require(Fixtures.link(in: mail, path: "/reset-password?token="))
            let token = String(link.split(separator: "=").last!)
            #expect(try await anonymous.get(link).status == .ok)
            let done = try await anonymous.post("/reset-password", [("token", token), ("newPassword", "Reset2026pass"),
                                                                  ("passwordConfirmation", "Reset2026pass")])
            #expect(done.contains("密碼已更新"))
            // The reset ended every session, and the link cannot be used again.
            #expect(try await browser.get("/account").status == .seeOther)
            #expect(try await anonymous.get(link).status == .unprocessableContent)
            // A second link expires after 30 minutes.
            clock.advance(by: 1)
            try await anonymous.post("/forgot-password", [("email", "admin@yunding.test")])
            let second = try await Fixtures.lastMail(to: "admin@yunding.test", template: "password-reset",
                                                    on: suanli.database.db)
            let link2 = try #require(Fixtures.link(in: second, path: "/reset-password?token="))
            #expect(link2 != link)
            clock.advance(by: 31 * 60)
            #expect(try await anonymous.get(link2).status == .unprocessableContent)
        }
    }

    @Test func membersAreInvitedAndCannotManageTheOrganisation() async throws {
        try await TestApp.run { suanli, client in
            let admin = Browser(client)
            try await Fixtures.registeredCompany(admin, suanli: suanli)
            let invited = try await admin.post("/organisation/members", [("name", "陳小美"),
                ("email", "mei@yunding.test"), ("role", "applicant_member")])
            #expect(invited.contains("已寄出邀請給 mei@yunding.test"))
            let mail = try await Fixtures.lastMail(to: "mei@yunding.test", template: "member-invitation",
                                                  on: suanli.database.db)
            #expect(mail?.textBody.contains("雲鼎智能股份有限公司") == true)
            let link = try #require(Fixtures.link(in: mail, path: "/invitation?token="))
            let token = String(link.split(separator: "=").last!)
            let member = Browser(client, ip: "203.0.113.77")
            #expect(try await member.get(link).contains("個人資料蒐集"))
            let noNotice = try await member.post("/invitation", [("token", token), ("password", "Member2026ok"),
                                                                ("passwordConfirmation", "Member2026ok")])
            #expect(noNotice.status == .unprocessableContent)
            try await member.post("/invitation", [("token", token), ("privacyNotice", "yes"),
                ("password", "Member2026ok"), ("passwordConfirmation", "Member2026ok")])
            #expect(try await member.post("/signin", [("email", "mei@yunding.test"),
                                                      ("password", "Member2026ok")]).location == "/")
            #expect(try await member.get("/organisation").contains("雲鼎智能股份有限公司"))
            #expect(try await member.get("/organisation/members").status == .forbidden)
            let edit = try await member.post("/organisation", [("name", "改名"), ("version", "1")])
            #expect(edit.status == .forbidden)
        }
    }

    @Test func profileEditsDetectConcurrentChanges() async throws {
        try await TestApp.run { suanli, client in
            let admin = Browser(client)
            try await Fixtures.registeredCompany(admin, suanli: suanli)
            var fields = Fixtures.company().filter { !["taxID", "adminName", "adminEmail", "adminPhone", "password",
                                                      "passwordConfirmation"].contains($0.0) }
            fields.append(("version", "1"))
            let saved = try await admin.post("/organisation", Fixtures.replacing(fields, "employees", with: "30"))
            #expect(saved.location == "/organisation?saved=1")
            // A second edit still based on version 1 is refused, not silently applied.
            let stale = try await admin.post("/organisation", Fixtures.replacing(fields, "employees", with: "99"))
            #expect(stale.status == .conflict)
            #expect(stale.contains("已被其他人更新"))
            let org = try #require(try await OrganisationModel.query(on: suanli.database.db).first())
            #expect(org.employees == 30)
            #expect(org.version == 2)
        }
    }

    @Test func errorsAreCleanPagesWithACode() async throws {
        try await TestApp.run { suanli, client in
            let browser = Browser(client)
            let missing = try await browser.get("/no/such/page")
            #expect(missing.status == .notFound)
            #expect(missing.contains("找不到此頁面"))
            #expect(missing.contains("<html lang=\"zh-TW\">"))
            let english = try await browser.get("/no/such/page?lang=en")
            #expect(english.contains("This page does not exist."))
            let json = try await browser.get("/no/such/page", headers: [.accept: "application/json"])
            #expect(json.headers[.contentType] == "application/problem+json")
            let huge = try await browser.post("/signin", [("email", String(repeating: "a", count: 3_000_000))])
            #expect(huge.status == .contentTooLarge)
            #expect(!huge.body.contains("Error"))
        }
    }
}

@Suite struct InAppNotificationTests {
    @Test func verificationAndPasswordChangesShowUpInTheNotificationList() async throws {
        try await TestApp.run { suanli, client in
            let browser = Browser(client)
            try await Fixtures.registeredCompany(browser, suanli: suanli)
            #expect(try await browser.get("/").contains("您有 1 則未讀通知"))
            try await browser.post("/account/password", [("currentPassword", SignInTests.password),
                ("newPassword", "Changed2026pw"), ("passwordConfirmation", "Changed2026pw")])
            let list = try await browser.get("/notifications")
            #expect(list.contains("歡迎使用算力平台"))
            #expect(list.contains("您的密碼已變更"))
            // Mark one read; another user cannot mark (or learn about) it.
            let items = try await InAppNotifications.list(userID: try #require(
                try await UserModel.query(on: suanli.database.db).first()?.id), on: suanli.database.db)
            let id = try #require(items.first?.id)
            let stranger = Browser(client, ip: "203.0.113.200")
            try await Fixtures.registeredCompany(stranger, suanli: suanli, taxID: "83124560",
                                                 email: "admin@yusheng.test")
            #expect(try await stranger.post("/notifications/\(id)/read", [(String, String)]()).status == .notFound)
            #expect(try await browser.post("/notifications/\(id)/read", [(String, String)]()).status == .seeOther)
            #expect(try await browser.get("/").contains("您有 1 則未讀通知"))
        }
    }
}
