import FluentKit
import Foundation
import Grants
import Identity
import SuanliKit

/// Scale data for the benchmark (`suanli admin seed-bench`, bench/grants_bench.py): organisations with
/// valid 統一編號, reviewers in the programme's pool, and applications spread over the lifecycle —
/// most in professional review or at the review meeting with two or three submitted score sheets.
///
/// Rows are inserted directly (Fluent models, batches inside transactions) rather than through the
/// services, so that 5,000 applications take seconds; but every JSON column is a real domain value
/// (`ApplicationForm.example`, an `ApplicationProgress` moved through its state machine, submitted
/// `ScoreSheet`s against the programme's rubric), so the pages decode exactly what production holds.
/// Run after `suanli demo` (it needs the published programme, the operator and the ministry).
public struct BenchSeeder: Sendable {
    let suanli: Suanli

    public init(suanli: Suanli) { self.suanli = suanli }

    public struct Result: Sendable, Codable {
        public var applications: Int
        public var organisations: Int
        public var reviewers: Int
        public var scoreSheets: Int
        public var byStatus: [String: Int]
        public var rounds: [String]
        public var seconds: Double
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public func seed(applications count: Int, reviewers reviewerCount: Int, batch: Int = 250) async throws -> Result {
        let started = Date()
        let db = suanli.database.db
        let grants = suanli.services.grants
        guard let programme = try await grants.currentProgramme(on: db) else {
            throw Failure(description: "no published programme: run `suanli demo` first")
        }
        guard let operatorUser = try await UserModel.query(on: db).filter(\.$role == Role.operator.rawValue).first(),
              let ministryUser = try await UserModel.query(on: db).filter(\.$role == Role.ministry.rawValue).first()
        else { throw Failure(description: "no operator or ministry account: run `suanli demo` first") }
        let operatorActor = GrantsActor(id: operatorUser.id!.uuidString, role: .operator)
        let ministryActor = GrantsActor(id: ministryUser.id!.uuidString, role: .ministry)
        let operatorCaller = GrantsCaller(userID: operatorUser.id!, role: .operator, organisationID: nil,
                                          label: "cli:seed-bench", sourceIP: nil)

        // Reviewers: bench accounts (no sign-in is needed), all in the programme's pool.
        var reviewerIDs: [UUID] = []
        let pool = Set(try await grants.reviewers(programme: programme.id, on: db).map(\.userID))
        for index in 1...max(1, reviewerCount) {
            let email = String(format: "bench-reviewer%02d@suanli.bench", index)
            let id: UUID
            if let existing = try await UserModel.query(on: db).filter(\.$email == email).first() {
                id = existing.id!
            } else {
                id = try await suanli.services.accounts.createUser(
                    email: email, name: "評審委員\(index)", role: .reviewer, password: "Bench-reviewer-2026",
                    mustChangePassword: false, secrets: suanli.secrets, actor: "cli:seed-bench", on: db).id
            }
            if !pool.contains(id) {
                try await grants.addReviewer(programme: programme.id, userID: id, categories: GrantCategory.allCases,
                                             by: operatorCaller, on: db)
            }
            reviewerIDs.append(id)
        }

        // Organisations: each may file one application per category and round (SPEC C1.2).
        let rounds = programme.settings.rounds
        guard !rounds.isEmpty else { throw Failure(description: "the programme has no rounds") }
        let perOrganisation = rounds.count * GrantCategory.allCases.count
        let organisationCount = (count + perOrganisation - 1) / perOrganisation
        let organisations = try await makeOrganisations(organisationCount, batch: batch, on: db)
        var snapshots: [UUID: String] = [:]
        for org in organisations {
            if let company = try await grants.directory.company(org.id!, on: db) { snapshots[org.id!] = try Self.json(company) }
        }

        // References continue the programme's sequences.
        let year = programme.settings.window.closes.lastDay.rocYear
        var sequence: [GrantCategory: Int] = [:]
        for category in GrantCategory.allCases {
            sequence[category] = try await ApplicationModel.query(on: db).filter(\.$programmeID == programme.id)
                .filter(\.$category == category.rawValue).count()
        }

        let now = suanli.services.clock.now()
        let examples = Dictionary(uniqueKeysWithValues: GrantCategory.allCases.map {
            ($0, ApplicationForm.example(category: $0, now: now))
        })
        let topics = ["製造業瑕疵檢測", "臺語語音辨識", "金融客服語言模型", "醫療影像判讀", "農業病蟲害辨識", "法律文件摘要",
                      "智慧零售推薦", "港口物流排程", "半導體良率預測", "客語語音合成", "交通號誌最佳化", "長照照護紀錄分析"]
        let domainsAll = IndustryDomain.allCases
        var byStatus: [String: Int] = [:]
        var sheetCount = 0
        var generator = SplitMix(seed: 20_261_123)

        var index = 0
        while index < count {
            let end = min(count, index + batch)
            var apps: [ApplicationModel] = [], assignments: [AssignmentModel] = [], sheets: [ScoreSheetModel] = []
            do {
                for i in index..<end {
                    let org = organisations[i / perOrganisation]
                    let slot = i % perOrganisation
                    let round = rounds[slot % rounds.count]
                    // About 70 % training: three of four slots, the fourth inference.
                    let category: GrantCategory = slot == perOrganisation - 1 ? .inference : .training
                    let target = Self.target(Int(generator.next() % 100), category: category)
                    let id = UUID()
                    sequence[category, default: 0] += 1
                    let letter = category == .training ? "T" : "I"
                    var form = examples[category]!
                    let topic = topics[i % topics.count]
                    form.title = "\(topic)模型\(category == .training ? "訓練" : "推論")計畫（第 \(i + 1) 案）"
                    form.domains = [domainsAll[i % domainsAll.count], domainsAll[(i / 7) % domainsAll.count]]
                    let base = now.addingTimeInterval(-Double(count - i) * 60)
                    var progress = ApplicationProgress(application: ApplicationID(id.uuidString), category: category)
                    let applicant = GrantsActor(id: UUID().uuidString, role: .applicant)
                    try Self.advance(&progress, to: target, round: round.id, applicant: applicant,
                                     operator: operatorActor, ministry: ministryActor, at: base, now: now)
                    let model = ApplicationModel()
                    model.id = id
                    model.reference = String(format: "%03d-%@-%04d", year, letter, sequence[category]!)
                    model.programmeID = programme.id
                    model.organisationID = org.id!
                    model.category = category.rawValue
                    model.title = form.title
                    model.companyName = org.name
                    model.taxID = org.taxID
                    model.isStartup = i % 5 == 0
                    model.domains = form.domains.map(\.rawValue).sorted().joined(separator: ",")
                    model.form = try Self.json(form)
                    model.progress = try Self.json(progress)
                    model.status = progress.status.rawValue
                    model.roundID = progress.round?.rawValue
                    model.submittedAt = progress.submittedAt
                    model.level = progress.level?.rawValue
                    model.correctionDeadline = progress.status == .correctionRequested
                        ? progress.correctionDeadline?.lateFrom : nil
                    model.company = snapshots[org.id!]
                    model.openSections = progress.status == .correctionRequested ? "[\"lead\"]" : "[]"
                    model.version = progress.history.count + 1
                    model.createdBy = operatorUser.id!
                    apps.append(model)
                    byStatus[progress.status.rawValue, default: 0] += 1

                    // Reviewers and their sheets once the professional review has started.
                    let reviewed: Set<ApplicationStatus> = [.professionalReview, .reviewMeeting, .approved, .awarded, .rejected]
                    guard reviewed.contains(progress.status) else { continue }
                    let assigned = 2 + Int(generator.next() % 2)  // two or three
                    let submitted = progress.status == .professionalReview
                        ? Int(generator.next() % UInt64(assigned + 1)) : assigned
                    let rubric = programme.settings.rubric(for: category)
                    for k in 0..<assigned {
                        let reviewer = reviewerIDs[(i * 3 + k * 7) % reviewerIDs.count]
                        let row = AssignmentModel()
                        row.id = UUID()
                        row.applicationID = id
                        row.reviewerUserID = reviewer
                        row.assignedBy = "cli:seed-bench"
                        row.assignedAt = base.addingTimeInterval(3_600)
                        row.method = "auto"
                        row.conflict = "none"
                        row.declaredAt = base.addingTimeInterval(7_200)
                        assignments.append(row)
                        guard k < submitted else { continue }
                        var sheet = ScoreSheet(application: ApplicationID(id.uuidString),
                                               reviewer: ReviewerID(reviewer.uuidString))
                        for key in rubric.keys { try sheet.score(key, 55 + Int(generator.next() % 45), rubric: rubric) }
                        try sheet.comment("計畫目標明確，資料來源與算力需求估算合理；建議補充模型評測指標。")
                        try sheet.submit(rubric: rubric, at: base.addingTimeInterval(86_400))
                        let stored = ScoreSheetModel()
                        stored.id = UUID()
                        stored.applicationID = id
                        stored.reviewerUserID = reviewer
                        try stored.store(sheet, rubric: rubric, bonus: programme.settings.bonus)
                        stored.version = 1
                        sheets.append(stored)
                        sheetCount += 1
                    }
                }
            }
            let (a, b, c) = (apps, assignments, sheets)
            try await db.transaction { tx in
                for row in a { try await row.create(on: tx) }
                for row in b { try await row.create(on: tx) }
                for row in c { try await row.create(on: tx) }
            }
            index = end
        }
        return Result(applications: count, organisations: organisations.count, reviewers: reviewerIDs.count,
                      scoreSheets: sheetCount, byStatus: byStatus, rounds: rounds.map(\.id.rawValue),
                      seconds: Date().timeIntervalSince(started))
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]  // as GrantsJSON writes every JSON column
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Where an application ends up: most in professional review or at the meeting (training).
    static func target(_ percent: Int, category: GrantCategory) -> ApplicationStatus {
        let status: ApplicationStatus = switch percent {
        case 0..<4: .submitted
        case 4..<8: .eligibilityReview
        case 8..<11: .correctionRequested
        case 11..<13: .resubmitted
        case 13..<15: .ineligible
        case 15..<60: .professionalReview
        case 60..<85: .reviewMeeting
        case 85..<91: .approved
        case 91..<96: .awarded
        default: .rejected
        }
        return status == .reviewMeeting && !category.hasReviewMeeting ? .professionalReview : status
    }

    /// Moves a fresh progress through the state machine to `target`, so the history is a real one.
    static func advance(_ p: inout ApplicationProgress, to target: ApplicationStatus, round: RoundID,
                        applicant: GrantsActor, operator op: GrantsActor, ministry: GrantsActor, at base: Date,
                        now: Date) throws {
        var t = base
        func step(_ action: ApplicationAction, _ actor: GrantsActor) throws {
            t = t.addingTimeInterval(60)
            try p.apply(action, by: actor, at: t)
        }
        try step(.submit(round: round), applicant)
        if target == .submitted { return }
        try step(.startEligibilityReview, op)
        if target == .eligibilityReview { return }
        if target == .correctionRequested || target == .resubmitted {
            let due = Cutoff(lateFrom: now.addingTimeInterval(14 * 86_400))
            try step(.requestCorrection(items: ["請補附最近一期營業稅申報書（401 表）。"], deadline: due), op)
            if target == .correctionRequested { return }
            try step(.resubmit, applicant)
            return
        }
        if target == .ineligible {
            try step(.declareIneligible(reason: "申請人非依公司法設立之公司。"), op)
            return
        }
        try step(.passEligibility, op)
        if target == .professionalReview { return }
        if p.category.hasReviewMeeting { try step(.sendToMeeting, op) }
        if target == .reviewMeeting { return }
        if target == .rejected {
            try step(.reject(reason: "審查會議決議：創新性與可行性不足。"), op)
            return
        }
        let levels: [GrantLevel] = [.l1, .l2, .l3]
        let level = levels[abs(p.application.rawValue.hashValue) % levels.count]
        try step(.approve(level), op)
        if target == .approved { return }
        try step(.award(level: nil, reason: nil), ministry)
    }

    /// `count` companies with valid, unused 統一編號.
    func makeOrganisations(_ count: Int, batch: Int, on db: any Database) async throws -> [OrganisationModel] {
        let taken = Set(try await OrganisationModel.query(on: db).all(\.$taxID))
        var made: [OrganisationModel] = []
        var candidate = 24_000_000
        let prefixes = ["雲", "晨", "光", "智", "鼎", "語", "數", "星", "海", "森", "岳", "青"]
        let suffixes = ["智能", "資料", "語聲", "算力", "視覺", "數位", "雲端", "科技"]
        let cities = ["臺北市信義區松仁路", "新竹市東區光復路二段", "臺中市西屯區臺灣大道三段", "臺南市新市區南科三路",
                      "高雄市前鎮區成功二路"]
        while made.count < count {
            candidate += 1
            let text = String(candidate)
            guard TaxID(text) != nil, !taken.contains(text) else { continue }
            let n = made.count
            let org = OrganisationModel()
            org.id = UUID()
            org.taxID = text
            org.name = "\(prefixes[n % prefixes.count])\(suffixes[(n / prefixes.count) % suffixes.count])第\(n + 1)號股份有限公司"
            org.kind = "company"
            org.industryCodes = n % 3 == 0 ? "J6201,J6312" : "J6202"
            org.established = String(format: "%04d-%02d-%02d", 2010 + n % 15, 1 + n % 12, 1 + n % 28)
            org.paidInCapital = Int64(1_000_000 * (1 + n % 50))
            org.representative = "負責人\(n + 1)"
            org.employees = 5 + n % 200
            org.address = "\(cities[n % cities.count]) \(1 + n % 300) 號"
            org.phone = String(format: "02-2700-%04d", n % 10_000)
            org.businessLines = "AI 模型開發、資料分析顧問"
            org.mainProducts = "產業 AI 解決方案"
            org.salesRegions = "臺灣"
            org.taxIDProof = "declared"
            org.version = 1
            made.append(org)
        }
        var start = 0
        while start < made.count {
            let slice = made[start..<min(made.count, start + batch)]
            try await db.transaction { tx in
                for org in slice { try await org.create(on: tx) }
            }
            start += batch
        }
        return made
    }
}

/// A small deterministic generator, so that two runs seed the same spread.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
