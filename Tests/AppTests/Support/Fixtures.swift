import App
import FluentKit
import Foundation
import Identity
import Notify
import SuanliKit

/// Realistic sign-up data and helpers to read what the app wrote.
enum Fixtures {
    static func company(taxID: String = "90123453", email: String = "admin@yunding.test",
                        name: String = "雲鼎智能股份有限公司") -> [(String, String)] {
        [("taxID", taxID), ("name", name), ("kind", "company"), ("industryCodes", "J6201, J6312"),
         ("established", "109/03/15"), ("paidInCapital", "12,000,000"), ("representative", "黃志明"),
         ("employees", "28"), ("address", "臺北市大安區敦化南路二段 100 號 8 樓"), ("phone", "02-2700-1234"),
         ("businessLines", "AI 模型開發"), ("mainProducts", "瑕疵檢測模型"), ("salesRegions", "臺灣"),
         ("adminName", "黃志明"), ("adminEmail", email), ("adminPhone", "0912-345-678"),
         ("password", "Cloud2026secure"), ("passwordConfirmation", "Cloud2026secure")]
    }

    static func replacing(_ fields: [(String, String)], _ key: String, with value: String) -> [(String, String)] {
        fields.map { $0.0 == key ? ($0.0, value) : $0 }
    }

    /// The newest e-mail in the outbox for an address (of one template, when given). Tests' clocks stand
    /// still, so messages of one test can share a timestamp: the template picks the right one.
    static func lastMail(to address: String, template: String? = nil, on db: any Database) async throws
        -> OutboxEntry?
    {
        try await Outbox.messages(to: address, on: db, limit: 50).first { template == nil || $0.templateKey == template }
    }

    /// The first link in a mail's text that starts with the given path.
    static func link(in mail: OutboxEntry?, path: String) -> String? {
        guard let text = mail?.textBody, let range = text.range(of: "http://suanli.test" + path) else { return nil }
        let tail = text[range.upperBound...].prefix { !$0.isWhitespace }
        return path + tail
    }

    /// Registers and verifies a company through the portal; returns the signed-in browser.
    static func registeredCompany(_ browser: Browser, suanli: Suanli, taxID: String = "90123453",
                                  email: String = "admin@yunding.test") async throws {
        try await browser.post("/signup/notice", [("privacyNotice", "yes")])
        try await browser.post("/signup", company(taxID: taxID, email: email))
        let mail = try await lastMail(to: email, template: "verify-email", on: suanli.database.db)
        guard let verify = link(in: mail, path: "/verify-email?token=") else { throw FixtureError.noMail }
        try await browser.get(verify)
        try await browser.post("/signin", [("email", email), ("password", "Cloud2026secure")])
    }

    enum FixtureError: Error { case noMail }

    static func count<M: Model>(_ model: M.Type, on db: any Database) async throws -> Int {
        try await M.query(on: db).count()
    }
}
