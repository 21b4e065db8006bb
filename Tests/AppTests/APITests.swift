import App
import FluentKit
import Foundation
import HTTPTypes
import Identity
import Notify
import SuanliKit
import Testing

/// The JSON API at /api/v1: authentication, roles, tenants, and every failure as problem+json (SPEC X3, T4).
@Suite struct APITests {
    @Test func withoutCredentialsEveryOperationIs401() async throws {
        try await APITestApp.run { suanli, api in
            for (method, path) in [(HTTPRequest.Method.get, "/me"), (.get, "/organisation"), (.get, "/tokens"),
                                   (.get, "/notifications"), (.get, "/audit/verify")] {
                let reply = try await api.send(method, path)
                #expect(reply.status == .unauthorized, "\(path)")
                #expect(reply.contentType.hasPrefix("application/problem+json"))
                #expect(reply.code == "auth.required")
                #expect(reply.json["status"] as? Int == 401)
                #expect(reply.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
            let forged = try await api.with(token: "slp_nothing_real").send(.get, "/me")
            #expect(forged.status == .unauthorized)
            let post = try await api.send(.post, "/tokens", json: ["name": "x"])
            #expect(post.status == .unauthorized)
        }
    }

    @Test func bearerTokenIdentifiesTheUser() async throws {
        try await APITestApp.run { suanli, api in
            let admin = try await APITestApp.company(suanli, taxID: "90123453", email: "admin@yunding.test")
            let me = try await api.with(token: admin.token).send(.get, "/me")
            #expect(me.status == .ok)
            #expect(me.contentType.hasPrefix("application/json"))
            #expect(me.json["email"] as? String == "admin@yunding.test")
            #expect(me.json["role"] as? String == "applicant_admin")
            #expect(me.json["language"] as? String == "en")
            #expect(me.json["organisationId"] as? String == admin.organisationID?.uuidString)
            #expect(me.json["id"] as? String == admin.userID.uuidString)
        }
    }

    @Test func organisationRoundTripWithOptimisticConcurrency() async throws {
        try await APITestApp.run { suanli, api in
            let admin = try await APITestApp.company(suanli, taxID: "90123453", email: "admin@yunding.test")
            let api = api.with(token: admin.token)
            let read = try await api.send(.get, "/organisation")
            #expect(read.status == .ok)
            #expect(read.json["taxId"] as? String == "90123453")
            #expect(read.json["established"] as? String == "2020-03-15")
            #expect(read.json["establishedROC"] as? String == "民國109年3月15日")
            #expect(read.json["paidInCapital"] as? Int == 12_000_000)
            #expect(read.json["industryCodes"] as? [String] == ["J6201", "J6312"])
            #expect(read.json["isStartup"] as? Bool == true)
            #expect(read.json["taxIdProof"] as? String == "declared")
            #expect(read.json["version"] as? Int == 1)

            var body = APITestApp.update(from: read.json)
            body["established"] = "2017-12-31"
            body["employees"] = 35
            body["industryCodes"] = ["J6202", "k6699"]
            // JSON Schema calls 35.0 an integer too.
            let json = String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]),
                              as: UTF8.self).replacingOccurrences(of: "\"employees\":35", with: "\"employees\":35.0")
            #expect(json.contains("35.0"))
            let saved = try await api.send(.put, "/organisation", raw: json)
            #expect(saved.status == .ok)
            #expect(saved.json["version"] as? Int == 2)
            #expect(saved.json["employees"] as? Int == 35)
            #expect(saved.json["industryCodes"] as? [String] == ["J6202", "K6699"])
            #expect(saved.json["establishedROC"] as? String == "民國106年12月31日")
            #expect(saved.json["isStartup"] as? Bool == false)

            // Someone still holding version 1 must not overwrite version 2 silently.
            body["employees"] = 1
            let stale = try await api.send(.put, "/organisation", json: body)
            #expect(stale.status == .conflict)
            #expect(stale.contentType.hasPrefix("application/problem+json"))
            #expect(stale.code == "organisation.version_conflict")
            let after = try await api.send(.get, "/organisation")
            #expect(after.json["employees"] as? Int == 35)
            #expect(after.json["version"] as? Int == 2)
        }
    }

    @Test func badProfileInputNamesEachFieldAndWritesNothing() async throws {
        try await APITestApp.run { suanli, api in
            let admin = try await APITestApp.company(suanli, taxID: "90123453", email: "admin@yunding.test")
            let api = api.with(token: admin.token)
            let read = try await api.send(.get, "/organisation")
            let valid = APITestApp.update(from: read.json)

            // A wrong JSON type stops the decoder: 422 naming that field.
            var body = valid
            body["paidInCapital"] = "abc"
            let wrongType = try await api.send(.put, "/organisation", json: body)
            #expect(wrongType.status == .unprocessableContent)
            #expect(wrongType.contentType.hasPrefix("application/problem+json"))
            #expect(wrongType.code == "request.invalid_field")
            #expect(wrongType.fieldErrors == ["paidInCapital"])

            // Well-typed but invalid values: the domain lists every problem at once.
            body = valid
            body["address"] = "臺北"
            body["industryCodes"] = ["62"]
            body["established"] = "2018-02-30"
            body["phone"] = "call me"
            body["paidInCapital"] = 0
            let invalid = try await api.send(.put, "/organisation", json: body)
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.code == "organisation.invalid")
            #expect(Set(invalid.fieldErrors) == ["address", "industryCodes", "established", "phone", "paidInCapital"])
            let messages = (invalid.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
            #expect(messages.contains { $0.contains("ISO") && $0.contains("2018-01-01") })

            // Fields the document does not list, and enum values it does not allow.
            body = valid
            body["taxId"] = "12345675"
            let unknown = try await api.send(.put, "/organisation", json: body)
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.fieldErrors == ["taxId"])
            body = valid
            body["kind"] = "cooperative"
            let badKind = try await api.send(.put, "/organisation", json: body)
            #expect(badKind.fieldErrors == ["kind"])
            #expect(badKind.text.contains("limited_partnership"))
            body = valid
            body["kind"] = "foundation"
            #expect(try await api.send(.put, "/organisation", json: body).fieldErrors == ["kind"])
            // The document's limits hold where the domain is laxer: lengths count code points, phone ≤ 30.
            body = valid
            body["phone"] = String(repeating: "0", count: 31)
            body["representative"] = String(repeating: "\u{0915}\u{0943}", count: 26)
            let limits = try await api.send(.put, "/organisation", json: body)
            #expect(limits.status == .unprocessableContent)
            #expect(Set(limits.fieldErrors) == ["phone", "representative"])
            body = valid
            body["version"] = nil
            let missing = try await api.send(.put, "/organisation", json: body)
            #expect(missing.status == .unprocessableContent)
            #expect(missing.fieldErrors == ["version"])

            let after = try await api.send(.get, "/organisation")
            #expect(after.json["version"] as? Int == 1)
            #expect(after.json["address"] as? String == read.json["address"] as? String)
        }
    }

    @Test func membersReadButOnlyAdministratorsChange() async throws {
        try await APITestApp.run { suanli, api in
            let admin = try await APITestApp.company(suanli, taxID: "90123453", email: "admin@yunding.test")
            let member = try await APITestApp.user(suanli, email: "member@yunding.test", role: .applicantMember,
                                                   organisationID: admin.organisationID)
            let asMember = api.with(token: member.token)
            let read = try await asMember.send(.get, "/organisation")
            #expect(read.status == .ok)
            let put = try await asMember.send(.put, "/organisation", json: APITestApp.update(from: read.json))
            #expect(put.status == .forbidden)
            #expect(put.code == "auth.forbidden")
            #expect(try await asMember.send(.get, "/organisation/members").status == .forbidden)
            let invitation = ["email": "x@yunding.test", "name": "X", "role": "applicant_member"]
            let invite = try await asMember.send(.post, "/organisation/members", json: invitation)
            #expect(invite.status == .forbidden)
        }
    }

    @Test func inviteMemberThenDuplicateAddressIsConflict() async throws {
        try await APITestApp.run { suanli, api in
            let admin = try await APITestApp.company(suanli, taxID: "90123453", email: "admin@yunding.test")
            let api = api.with(token: admin.token)
            let invitation: [String: Any] = ["email": "Chen@Yunding.test", "name": "陳小華", "role": "applicant_member"]
            let created = try await api.send(.post, "/organisation/members", json: invitation)
            #expect(created.status == .created)
            #expect(created.json["email"] as? String == "chen@yunding.test")
            #expect(created.json["role"] as? String == "applicant_member")

            let list = try await api.send(.get, "/organisation/members")
            let items = list.json["items"] as? [[String: Any]] ?? []
            #expect(items.compactMap { $0["email"] as? String } == ["admin@yunding.test", "chen@yunding.test"])
            #expect(items.last?["verified"] as? Bool == false)

            let again = try await api.send(.post, "/organisation/members", json: invitation)
            #expect(again.status == .conflict)
            #expect(again.code == "user.email_taken")
            #expect(again.fieldErrors == ["email"])

            let badRole = try await api.send(.post, "/organisation/members",
                                             json: ["email": "o@yunding.test", "name": "O", "role": "operator"])
            #expect(badRole.status == .unprocessableContent)
            #expect(badRole.fieldErrors == ["role"])
            let badEmail = try await api.send(.post, "/organisation/members",
                                              json: ["email": "not-an-address", "name": "N", "role": "applicant_admin"])
            #expect(badEmail.status == .unprocessableContent)
            #expect(badEmail.fieldErrors == ["email"])
            let mail = try await Fixtures.lastMail(to: "chen@yunding.test", on: suanli.database.db)
            #expect(mail != nil)
        }
    }

    @Test func anotherTenantsNotificationIsNotFound() async throws {
        try await APITestApp.run { suanli, api in
            let a = try await APITestApp.company(suanli, taxID: "90123453", email: "admin@a.test")
            let b = try await APITestApp.company(suanli, taxID: "12345675", email: "admin@b.test")
            let db = suanli.database.db
            // Start from empty lists: verification already posted a welcome notice to each.
            for user in [a.userID, b.userID] {
                try await InAppNotification.query(on: db).filter(\.$userID == user).delete()
            }
            let forB = try await InAppNotifications.post(userID: b.userID, organisationID: b.organisationID,
                                                         title: "審查結果", body: "您的申請已通過。", link: "/applications",
                                                         on: db)
            let asA = api.with(token: a.token)
            let listA = try await asA.send(.get, "/notifications")
            #expect(listA.status == .ok)
            #expect((listA.json["items"] as? [Any])?.isEmpty == true)
            #expect(listA.json["unreadCount"] as? Int == 0)

            let steal = try await asA.send(.post, "/notifications/\(forB.uuidString)/read")
            #expect(steal.status == .notFound)
            #expect(steal.contentType.hasPrefix("application/problem+json"))
            #expect(steal.code == "notify.notification.not-found")
            #expect(try await asA.send(.post, "/notifications/not-a-uuid/read").status == .notFound)

            let asB = api.with(token: b.token)
            let listB = try await asB.send(.get, "/notifications")
            #expect(listB.json["unreadCount"] as? Int == 1)
            let item = (listB.json["items"] as? [[String: Any]])?.first
            #expect(item?["title"] as? String == "審查結果")
            #expect(item?["read"] as? Bool == false)
            #expect(try await asB.send(.post, "/notifications/\(forB.uuidString)/read").status == .noContent)
            #expect(try await asB.send(.get, "/notifications").json["unreadCount"] as? Int == 0)
            #expect(try await asB.send(.get, "/notifications?limit=0").status == .unprocessableContent)
        }
    }

    @Test func malformedRequestsAreProblemsNeverServerErrors() async throws {
        try await APITestApp.run { suanli, api in
            let admin = try await APITestApp.company(suanli, taxID: "90123453", email: "admin@yunding.test")
            let api = api.with(token: admin.token)
            let broken = try await api.send(.post, "/tokens", raw: "{\"name\": ")
            #expect(broken.status == .badRequest)
            #expect(broken.contentType.hasPrefix("application/problem+json"))
            #expect(broken.code == "request.invalid_json")
            #expect(broken.json["status"] as? Int == 400)
            #expect(try await api.send(.post, "/tokens", raw: "[1, 2]").code == "request.invalid_json")

            let empty = try await api.send(.put, "/organisation", raw: "")
            #expect(empty.status == .badRequest)
            #expect(empty.contentType.hasPrefix("application/problem+json"))

            let form = try await api.send(.post, "/tokens", raw: "name=x",
                                          headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(form.status == .unsupportedMediaType)
            #expect(form.code == "request.media_type")

            // 406 is decided before the handler runs: no token may be created for an answer nobody reads.
            let html = try await api.send(.post, "/tokens", json: ["name": "html"], headers: [.accept: "text/html"])
            #expect(html.status == .notAcceptable)
            #expect(html.contentType.hasPrefix("application/problem+json"))
            let tokens = try await api.send(.get, "/tokens").json["items"] as? [[String: Any]] ?? []
            #expect(!tokens.contains { $0["name"] as? String == "html" })

            let huge = try await api.send(.post, "/tokens", raw: "{\"name\": \"" + String(repeating: "x", count: 70_000)
                                          + "\"}")
            #expect(huge.status == .contentTooLarge)
            #expect(try await api.send(.get, "/notifications?limit=many").status == .badRequest)

            let trace = try await api.send(.trace, "/organisation")
            #expect(trace.status == .methodNotAllowed)
            #expect(trace.headers[.allow] == "GET, PUT")
            #expect(trace.contentType.hasPrefix("application/problem+json"))
            #expect(try await api.send(.delete, "/notifications/\(UUID().uuidString)/read").headers[.allow] == "POST")
            #expect(try await api.send(.get, "/nowhere").status == .notFound)
        }
    }

    @Test func tokensAreShownOnceAndRevocable() async throws {
        try await APITestApp.run { suanli, api in
            let admin = try await APITestApp.company(suanli, taxID: "90123453", email: "admin@yunding.test")
            let api = api.with(token: admin.token)
            let created = try await api.send(.post, "/tokens", json: ["name": " CI pipeline ", "expiresInDays": 7])
            #expect(created.status == .created)
            #expect(created.json["name"] as? String == "CI pipeline")
            #expect(created.json["expiresAt"] != nil)
            let secret = try #require(created.json["token"] as? String)
            let id = try #require(created.json["id"] as? String)
            #expect(try await api.with(token: secret).send(.get, "/me").status == .ok)

            let list = try await api.send(.get, "/tokens")
            #expect(!list.text.contains(secret))
            #expect((list.json["items"] as? [[String: Any]])?.contains { $0["id"] as? String == id } == true)

            #expect(try await api.send(.post, "/tokens", json: ["name": "x", "expiresInDays": 367]).fieldErrors
                == ["expiresInDays"])
            #expect(try await api.send(.post, "/tokens", json: ["name": "   "]).fieldErrors == ["name"])

            #expect(try await api.send(.delete, "/tokens/\(id)").status == .noContent)
            #expect(try await api.with(token: secret).send(.get, "/me").status == .unauthorized)
            #expect(try await api.send(.delete, "/tokens/\(id)").status == .notFound)
            let actions = try await suanli.services.audit.recent(on: suanli.database.db, limit: 10).map(\.action)
            #expect(actions.contains("access_token.created"))
            #expect(actions.contains("access_token.revoked"))
        }
    }

    @Test func auditVerificationIsForOperatorsOnly() async throws {
        try await APITestApp.run { suanli, api in
            let admin = try await APITestApp.company(suanli, taxID: "90123453", email: "admin@yunding.test")
            let staff = try await APITestApp.user(suanli, email: "ops@suanli.test", role: .operator,
                                                  organisationID: nil)
            let refused = try await api.with(token: admin.token).send(.get, "/audit/verify")
            #expect(refused.status == .forbidden)
            #expect(refused.contentType.hasPrefix("application/problem+json"))
            let checked = try await api.with(token: staff.token).send(.get, "/audit/verify")
            #expect(checked.status == .ok)
            #expect(checked.json["intact"] as? Bool == true)
            #expect((checked.json["summary"] as? String)?.hasPrefix("intact") == true)
            // Staff belong to no organisation.
            #expect(try await api.with(token: staff.token).send(.get, "/organisation").status == .forbidden)
        }
    }

    @Test func sessionCookieWorksWithCSRFHeaderForChanges() async throws {
        try await APITestApp.run { suanli, api in
            let browser = Browser(api.client)
            try await Fixtures.registeredCompany(browser, suanli: suanli)
            var session = api
            session.cookies = browser.cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")
            #expect(try await session.send(.get, "/me").json["email"] as? String == "admin@yunding.test")
            let forged = try await session.send(.post, "/tokens", json: ["name": "cookie"])
            #expect(forged.status == .forbidden)
            #expect(forged.code == "csrf.invalid")
            let created = try await session.send(.post, "/tokens", json: ["name": "cookie"],
                                                 headers: [.init("X-CSRF-Token")!: browser.csrf])
            #expect(created.status == .created)
        }
    }
}
