import API
import App
import FluentKit
import Foundation
import Grants
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Notify
import SuanliKit
import Testing

/// The grant programme's whole path through the JSON API (SPEC C1–C4, C7): an applicant files, the
/// operator checks eligibility and asks for a correction, reviewers score, the committee approves and
/// the ministry awards — plus the refusals on the way (tenant isolation, roles, versions, deadline,
/// attachment types).
@Suite("Grants through the JSON API")
struct GrantsAPITests {
    /// 2026-07-01 10:00 Taipei: round 1 takes applications until 2026-08-31 23:59.
    static let opening = Date(timeIntervalSince1970: 1_782_871_200)

    static let pdf: [UInt8] = Array("""
        %PDF-1.4
        1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
        2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj
        trailer << /Root 1 0 R >>
        %%EOF

        """.utf8)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 64)

    @Test("an application goes from draft to an awarded project through the API")
    func wholePath() async throws {
        try await Self.run { suanli, api, clock in
            let db = suanli.database.db
            let staff = try await Self.staff(suanli)
            let applicant = try await APITestApp.company(suanli, taxID: "90123453", email: "admin@yunding.test")
            let stranger = try await APITestApp.company(suanli, taxID: "12345675", email: "admin@other.test")
            let me = api.with(token: applicant.token)
            let ops = api.with(token: staff.operator.token)

            let programme = try await me.send(.get, "/programme")
            #expect(programme.status == .ok)
            #expect(programme.json["code"] as? String == "2026")
            #expect((programme.json["levels"] as? [[String: Any]])?.first { $0["level"] as? String == "L2" }?["points"]
                as? Int == 2_000)

            // Draft, form, attachment, submission.
            let created = try await me.send(.post, "/applications", json: ["category": "training"])
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["status"] as? String == "draft")
            var version = try #require(created.json["version"] as? Int)

            let fields = ApplicationForm.example(category: .training, now: clock.now()).fieldValues
            let saved = try await me.send(.put, "/applications/\(id)/form",
                                          json: ["version": version, "fields": fields])
            #expect(saved.status == .ok, "\(saved.text)")
            #expect(saved.json["title"] as? String != "")
            version = try #require(saved.json["version"] as? Int)

            let stale = try await me.send(.put, "/applications/\(id)/form",
                                          json: ["version": version - 1, "fields": ["title": ["Another"]]])
            #expect(stale.status == .conflict)
            #expect(stale.code == "grants.staleVersion")
            #expect(stale.contentType == "application/problem+json")

            let badEmail = try await me.send(.put, "/applications/\(id)/form",
                                             json: ["version": version, "fields": ["lead.email": ["not-an-address"]]])
            #expect(badEmail.status == .unprocessableContent)
            #expect(badEmail.fieldErrors.contains("lead.email"), "\(badEmail.text)")

            let upload = try await Self.upload(me, id, fileName: "計畫書.pdf", bytes: Self.pdf)
            #expect(upload.status == .created, "\(upload.text)")
            #expect(upload.json["sha256"] as? String == ContentDigest.sha256Hex(Self.pdf))
            let attachmentID = try #require(upload.json["id"] as? String)
            let disguised = try await Self.upload(me, id, fileName: "logo.pdf", bytes: Self.png)
            #expect(disguised.status == .unprocessableContent, "\(disguised.text)")
            let download = try await me.send(.get, "/attachments/\(attachmentID)")
            #expect(download.status == .ok)
            #expect(Array(download.text.utf8) == Self.pdf)

            var current = try await me.send(.get, "/applications/\(id)")
            #expect((current.json["attachments"] as? [Any])?.count == 1)
            version = try #require(current.json["version"] as? Int)

            // Another company sees nothing of it.
            let other = api.with(token: stranger.token)
            #expect(try await other.send(.get, "/applications/\(id)").status == .notFound)
            let foreignPut = try await other.send(.put, "/applications/\(id)/form",
                                                  json: ["version": version, "fields": ["title": ["Mine"]]])
            #expect(foreignPut.status == .notFound)
            #expect(try await other.send(.get, "/attachments/\(attachmentID)").status == .notFound)
            #expect(try await other.send(.get, "/applications/not-a-uuid").status == .notFound)

            let submitted = try await me.send(.post, "/applications/\(id)/submit", json: ["version": version])
            #expect(submitted.status == .ok, "\(submitted.text)")
            #expect(submitted.json["status"] as? String == "submitted")
            #expect(submitted.json["round"] as? String == "2026-R1")
            #expect(submitted.json["eligibility"] == nil)
            version = try #require(submitted.json["version"] as? Int)

            // Eligibility: no registry data, so the operator decides each open rule with a reason.
            let listed = try await ops.send(.get, "/applications?status=submitted&category=training")
            #expect(listed.json["total"] as? Int == 1, "\(listed.text)")
            @Sendable func evaluateAndDecide() async throws -> APIClient.Reply {
                var evaluated = try await ops.send(.post, "/applications/\(id)/eligibility")
                #expect(evaluated.status == .ok, "\(evaluated.text)")
                let report = try #require(evaluated.json["eligibility"] as? [String: Any])
                for result in report["results"] as? [[String: Any]] ?? [] {
                    let rule = try #require(result["rule"] as? String)
                    guard rule != "C2.2", result["effectiveOutcome"] as? String != "pass" else { continue }
                    evaluated = try await ops.send(.post, "/applications/\(id)/eligibility/\(rule)", json: [
                        "version": try #require(evaluated.json["version"] as? Int), "decision": "pass",
                        "reason": "Checked against the company registry by hand."])
                    #expect(evaluated.status == .ok, "\(rule): \(evaluated.text)")
                }
                #expect((evaluated.json["eligibility"] as? [String: Any])?["verdict"] as? String == "pass")
                return evaluated
            }
            version = try #require(try await evaluateAndDecide().json["version"] as? Int)

            // A correction opens the project overview only.
            let correction = try await ops.send(.post, "/applications/\(id)/decision", json: [
                "version": version, "action": "correction", "items": ["請補充專案主題說明。"],
                "sections": ["projectOverview"], "deadline": "2026-07-15"])
            #expect(correction.status == .ok, "\(correction.text)")
            #expect(correction.json["status"] as? String == "correctionRequested")
            current = try await me.send(.get, "/applications/\(id)")
            let notice = try #require(current.json["correction"] as? [String: Any])
            #expect(notice["openSections"] as? [String] == ["projectOverview"])
            #expect(current.json["eligibility"] == nil)
            version = try #require(current.json["version"] as? Int)

            let outside = try await me.send(.put, "/applications/\(id)/form",
                                            json: ["version": version, "fields": ["lead.name": ["王大明"]]])
            #expect(outside.status == .unprocessableContent)
            #expect(outside.code == "grants.outsideCorrection")
            let corrected = try await me.send(.put, "/applications/\(id)/form", json: [
                "version": version, "fields": ["title": ["製造業瑕疵檢測大型視覺模型微調（補正）"]]])
            #expect(corrected.status == .ok, "\(corrected.text)")
            version = try #require(corrected.json["version"] as? Int)
            let resubmitted = try await me.send(.post, "/applications/\(id)/resubmit", json: ["version": version])
            #expect(resubmitted.status == .ok, "\(resubmitted.text)")
            #expect(resubmitted.json["status"] as? String == "resubmitted")

            // Corrected data is checked again before the operator passes it.
            let evaluated = try await evaluateAndDecide()
            let passed = try await ops.send(.post, "/applications/\(id)/decision", json: [
                "version": try #require(evaluated.json["version"] as? Int), "action": "pass"])
            #expect(passed.status == .ok, "\(passed.text)")
            #expect(passed.json["status"] as? String == "professionalReview")

            // Two reviewers from the pool declare no conflict and score; a third, unassigned, sees nothing.
            for reviewer in staff.reviewers + [staff.outsider] {
                let added = try await ops.send(.post, "/reviewers", json: ["userId": reviewer.userID.uuidString])
                #expect(added.status == .noContent, "\(added.text)")
            }
            #expect(((try await ops.send(.get, "/reviewers")).json["items"] as? [Any])?.count == 3)
            let criteria = Rubric.standard(.training).keys.map(\.rawValue)
            for (index, reviewer) in staff.reviewers.enumerated() {
                let assigned = try await ops.send(.post, "/applications/\(id)/assignments",
                                                  json: ["reviewer": reviewer.userID.uuidString])
                #expect(assigned.status == .noContent, "\(assigned.text)")
                let panel = api.with(token: reviewer.token)
                let mine = try await panel.send(.get, "/reviews")
                #expect((mine.json["items"] as? [[String: Any]])?.first?["applicationId"] as? String == id)
                let early = try await panel.send(.put, "/applications/\(id)/scores", json: [
                    "scores": ["importance": 80], "overallComment": "", "submit": false])
                #expect(early.status == .conflict)
                #expect(early.code == "grants.review.declareFirst")
                let declared = try await panel.send(.post, "/applications/\(id)/declaration",
                                                    json: ["conflict": false, "reason": ""])
                #expect(declared.status == .noContent, "\(declared.text)")
                let scores = Dictionary(uniqueKeysWithValues: criteria.map { ($0, 80 + index * 5) })
                let sheet = try await panel.send(.put, "/applications/\(id)/scores", json: [
                    "scores": scores, "overallComment": "計畫完整，資料集來源清楚。", "submit": true])
                #expect(sheet.status == .ok, "\(sheet.text)")
                #expect(sheet.json["submitted"] as? Bool == true)
            }
            let outsider = api.with(token: staff.outsider.token)
            #expect(try await outsider.send(.get, "/applications/\(id)").status == .notFound)
            #expect(try await outsider.send(.get, "/applications/\(id)/scores").status == .notFound)
            let operatorScores = try await ops.send(.put, "/applications/\(id)/scores", json: [
                "scores": ["importance": 90], "overallComment": "x", "submit": false])
            #expect(operatorScores.status == .forbidden)
            let sheets = try await ops.send(.get, "/applications/\(id)/scores")
            #expect((sheets.json["items"] as? [Any])?.count == 2)
            let ranking = try await ops.send(.get, "/rankings?round=2026-R1&category=training")
            let top = (ranking.json["items"] as? [[String: Any]])?.first
            #expect(top?["mean"] as? String == "82.50", "\(ranking.text)")

            // The meeting approves L2; the ministry awards.
            current = try await ops.send(.get, "/applications/\(id)")
            let meeting = try await ops.send(.post, "/applications/\(id)/decision", json: [
                "version": try #require(current.json["version"] as? Int), "action": "sendToMeeting"])
            #expect(meeting.status == .ok, "\(meeting.text)")
            let approved = try await ops.send(.post, "/applications/\(id)/decision", json: [
                "version": try #require(meeting.json["version"] as? Int), "action": "approve", "level": "L2"])
            #expect(approved.status == .ok, "\(approved.text)")
            #expect(approved.json["level"] as? String == "L2")
            let operatorAward = try await ops.send(.post, "/applications/\(id)/award",
                                                   json: ["version": try #require(approved.json["version"] as? Int)])
            #expect(operatorAward.status == .forbidden)
            let awarded = try await api.with(token: staff.ministry.token).send(
                .post, "/applications/\(id)/award", json: ["version": try #require(approved.json["version"] as? Int)])
            #expect(awarded.status == .created, "\(awarded.text)")
            #expect(awarded.json["points"] as? Int == 2_000)
            #expect(awarded.json["level"] as? String == "L2")
            #expect(awarded.json["termStart"] as? String == "2026-07-01")
            #expect(awarded.json["termEnd"] as? String == Term(start: ROCDate.parse("2026-07-01")!).lastDay.isoForm)

            let projects = try await me.send(.get, "/projects")
            let project = try #require((projects.json["items"] as? [[String: Any]])?.first)
            #expect(project["applicationId"] as? String == id)
            let projectID = try #require(project["id"] as? String)
            #expect(try await me.send(.get, "/projects/\(projectID)").status == .ok)
            #expect(try await other.send(.get, "/projects/\(projectID)").status == .notFound)
            #expect(((try await other.send(.get, "/projects")).json["items"] as? [Any])?.isEmpty == true)

            let statistics = try await api.with(token: staff.ministry.token).send(.get, "/statistics")
            #expect(statistics.status == .ok, "\(statistics.text)")
            let overall = try #require(statistics.json["overall"] as? [String: Any])
            #expect(overall["filed"] as? Int == 1)
            #expect((overall["approvalRate"] as? [String: Any])?["percent"] as? String == "100.0%")
            #expect(try await me.send(.get, "/statistics").status == .forbidden)

            let mail = try await Outbox.messages(to: applicant.email, on: db, limit: 50)
            let subjects = mail.map(\.subject).joined(separator: "\n")
            for status in [ApplicationStatus.submitted, .correctionRequested, .professionalReview, .awarded] {
                #expect(subjects.contains(status.label.en) || subjects.contains(status.label.zh),
                        "no notice for \(status): \(subjects)")
            }
        }
    }

    @Test("a submission after the deadline is refused and nothing changes")
    func lateSubmission() async throws {
        try await Self.run { suanli, api, clock in
            _ = try await Self.staff(suanli)
            let applicant = try await APITestApp.company(suanli, taxID: "90123453", email: "admin@yunding.test")
            let me = api.with(token: applicant.token)
            let created = try await me.send(.post, "/applications", json: ["category": "inference"])
            let id = try #require(created.json["id"] as? String)
            let fields = ApplicationForm.example(category: .inference, now: clock.now()).fieldValues
            let saved = try await me.send(.put, "/applications/\(id)/form",
                                          json: ["version": try #require(created.json["version"] as? Int),
                                                 "fields": fields])
            #expect(saved.status == .ok, "\(saved.text)")
            clock.set(Date(timeIntervalSince1970: 1_793_455_200))  // 2026-10-31 22:00 Taipei, after 10-30 23:59
            let again = api.with(token: try await APITestApp.token(suanli, email: applicant.email))
            let late = try await again.send(.post, "/applications/\(id)/submit",
                                         json: ["version": try #require(saved.json["version"] as? Int)])
            #expect(late.status == .conflict, "\(late.text)")
            #expect(late.code == "grants.submit.closed")
            #expect((try await again.send(.get, "/applications/\(id)")).json["status"] as? String == "draft")
        }
    }

    @Test("roles and junk input get problem+json, never a 500")
    func refusals() async throws {
        try await Self.run { suanli, api, _ in
            let staff = try await Self.staff(suanli)
            let applicant = try await APITestApp.company(suanli, taxID: "90123453", email: "admin@yunding.test")
            let me = api.with(token: applicant.token)
            let ops = api.with(token: staff.operator.token)
            let reviewer = api.with(token: staff.reviewers[0].token)
            #expect(try await ops.send(.post, "/applications", json: ["category": "training"]).status == .forbidden)
            #expect(try await reviewer.send(.get, "/applications").status == .forbidden)
            #expect(try await me.send(.get, "/reviews").status == .forbidden)
            #expect(try await me.send(.get, "/reviewers").status == .forbidden)
            let badCategory = try await me.send(.post, "/applications", json: ["category": "painting"])
            #expect(badCategory.status == .unprocessableContent)
            #expect(try await me.send(.get, "/applications/\(UUID().uuidString)").status == .notFound)
            let created = try await me.send(.post, "/applications", json: ["category": "training"])
            let id = try #require(created.json["id"] as? String)
            let badDecision = try await ops.send(.post, "/applications/\(id)/decision",
                                                 json: ["version": 1, "action": "correction", "deadline": "tomorrow"])
            #expect(badDecision.status == .unprocessableContent)
            #expect(badDecision.fieldErrors == ["deadline"])
            let decision = try await ops.send(.post, "/applications/\(id)/decision",
                                              json: ["version": 1, "action": "pass"])
            #expect(decision.status == .notFound)  // a draft is the company's own until it is filed
            let badRound = try await ops.send(.get, "/rankings?round=nope&category=training")
            #expect(badRound.status == .unprocessableContent)
            let unauthenticated = try await api.send(.get, "/programme")
            #expect(unauthenticated.status == .unauthorized)
        }
    }

    // MARK: Support

    struct Staff: Sendable {
        var `operator`: APITestApp.Account
        var ministry: APITestApp.Account
        var reviewers: [APITestApp.Account]
        var outsider: APITestApp.Account
    }

    /// The programme staff, and the 2026 programme published by the ministry.
    static func staff(_ suanli: Suanli) async throws -> Staff {
        let ministry = try await APITestApp.user(suanli, email: "moda@suanli.test", role: .ministry,
                                                 organisationID: nil)
        let staff = Staff(
            operator: try await APITestApp.user(suanli, email: "ops@suanli.test", role: .operator, organisationID: nil),
            ministry: ministry,
            reviewers: [
                try await APITestApp.user(suanli, email: "rev1@suanli.test", role: .reviewer, organisationID: nil),
                try await APITestApp.user(suanli, email: "rev2@suanli.test", role: .reviewer, organisationID: nil),
            ],
            outsider: try await APITestApp.user(suanli, email: "rev3@suanli.test", role: .reviewer,
                                                organisationID: nil))
        let grants = suanli.services.grants
        let db = suanli.database.db
        let caller = GrantsCaller(userID: ministry.userID, role: .ministry, organisationID: nil, label: ministry.email,
                                  sourceIP: nil)
        let draft = try await grants.saveDraftProgramme(code: "2026", settings: settings(), expectedVersion: nil,
                                                        by: caller, on: db)
        _ = try await grants.publishProgramme(draft.id, by: caller, on: db)
        return staff
    }

    /// The seeds' 2026 programme (as `suanli demo` publishes it): round 1 until 08-31, round 2 until 10-30.
    static func settings() -> ProgrammeSettings {
        func day(_ month: Int, _ day: Int) -> ROCDate { ROCDate(gregorianYear: 2026, month: month, day: day)! }
        let round1 = Round(id: "2026-R1", number: 1, intakeCloses: .endOfMinute(day(8, 31), hour: 23, minute: 59)!,
                           reviewStarts: day(9, 1), meetingDay: day(9, 21), announcementDay: day(9, 28))
        let round2 = Round(id: "2026-R2", number: 2, intakeCloses: .endOfMinute(day(10, 30), hour: 23, minute: 59)!,
                           reviewStarts: day(10, 31), meetingDay: day(11, 20), announcementDay: day(11, 27))
        return ProgrammeSettings(
            title: Bilingual(zh: "115 年度 AI 算力補助計畫", en: "2026 AI compute grant programme"),
            organiser: Bilingual(zh: "數位發展部數位產業署", en: "Administration for Digital Industries, moda"),
            executingUnit: Bilingual(zh: "執行單位", en: "Operator"),
            contact: ProgrammeContact(email: "aipower@suanli.test", phones: ["02-6607-3000"],
                                      website: "https://aipower.example.tw"),
            window: ApplicationWindow(opens: day(6, 1).startInstant(),
                                      closes: .endOfMinute(day(10, 30), hour: 23, minute: 59)!),
            rounds: [round1, round2])
    }

    static func upload(_ api: APIClient, _ id: String, fileName: String, bytes: [UInt8],
                       purpose: String = "supporting") async throws -> APIClient.Reply {
        var headers: HTTPFields = [.contentType: "application/octet-stream", .init("X-Forwarded-For")!: api.ip]
        if let token = api.token { headers[.authorization] = "Bearer " + token }
        let plain = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789.")
        let name = fileName.addingPercentEncoding(withAllowedCharacters: plain) ?? fileName
        let response = try await api.client.execute(
            uri: JSONAPI.basePath + "/applications/\(id)/attachments?purpose=\(purpose)&fileName=\(name)",
            method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
        return APIClient.Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
    }

    /// `APITestApp.run` with a clock that the test sets: the programme's dates are fixed.
    static func run<Value: Sendable>(
        _ body: @Sendable (Suanli, APIClient, ManualClock) async throws -> Value
    ) async throws -> Value {
        let clock = ManualClock(opening)
        let suanli = try await TestApp.make(clock: clock)
        do {
            let router = try suanli.router()
            if !router.routes.contains(where: { "\($0.path)".hasPrefix(JSONAPI.basePath) }) {
                try JSONAPI.install(on: router, services: suanli.services)
            }
            let app = Application(router: router, logger: suanli.logger)
            let value = try await app.test(.router) { client in
                try await body(suanli, APIClient(client: client), clock)
            }
            await suanli.database.shutdown()
            return value
        } catch {
            await suanli.database.shutdown()
            throw error
        }
    }
}
