import Foundation
import Grants
import Hummingbird
import Identity
import NIOCore
import SuanliKit

/// Programme-wide staff pages: the programme itself with amendments (SPEC C1), the ranking per
/// round and category with automatic assignment (C4.4), the reviewer pool, overdue close-outs
/// (C7.1), the ministry's statistics with CSV (C4.6); and the public list of awarded projects.
struct ProgrammeController {
    let services: PortalServices
    var grants: GrantsService { services.grants }
    var renderer: Renderer { services.renderer }

    func register(on router: Router<AppRequestContext>) {
        router.get("/operator/programme", use: programme)
        router.post("/operator/programme/deadline", use: amendDeadline)
        router.get("/operator/ranking", use: ranking)
        router.post("/operator/ranking/assign", use: autoAssign)
        router.get("/operator/reviewers", use: reviewers)
        router.post("/operator/reviewers", use: addReviewer)
        router.get("/operator/closeouts", use: closeOuts)
        router.get("/statistics", use: statistics)
        router.get("/statistics.csv", use: statisticsCSV)
        router.get("/awarded", use: awarded)
    }

    func current() async throws -> StoredProgramme {
        guard let programme = try await grants.currentProgramme(on: services.db) else { throw GrantsFailure.noProgramme }
        return programme
    }

    // MARK: Programme

    func programme(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator, .ministry])
        return try await renderProgramme(caller: caller, context: context, notice: GrantsWeb.notice(request, context))
    }

    func renderProgramme(caller: GrantsCaller, context: AppRequestContext, notice: String? = nil,
                         values: [String: String] = [:], errors: [FieldError] = [],
                         status: HTTPResponse.Status = .ok) async throws -> Response {
        let stored = try await current()
        let s = stored.settings
        let f = FieldFactory(renderer: renderer, language: context.language, values: values, errors: errors)
        var blocks = [
            BlockView(title: context.tr("計畫", "Programme"), facts: [
                FactView(term: context.tr("主辦單位", "Organiser"), value: context.tr(s.organiser)),
                FactView(term: context.tr("執行單位", "Executing unit"), value: context.tr(s.executingUnit)),
                FactView(term: context.tr("聯絡信箱", "Contact e-mail"), value: s.contact.email),
                FactView(term: context.tr("聯絡電話", "Phone"), value: s.contact.phones.joined(separator: "、")),
                FactView(term: context.tr("申請截止", "Applications close"), value: s.window.closes.announced(context.language)),
                FactView(term: context.tr("版本", "Version"), value: String(stored.programme?.version ?? 0)),
                FactView(term: context.tr("訓練類點數計算", "Training metering"),
                         value: s.trainingMetering == .perGPU ? context.tr("每 GPU 小時（1 點 = 0.5 GPU 小時）", "per GPU-hour (1 point = 0.5 GPU-hour)")
                            : context.tr("每環境小時", "per environment-hour")),
                FactView(term: context.tr("每案審查委員", "Reviewers per application"), value: String(s.reviewersPerApplication)),
            ]),
            BlockView(title: context.tr("梯次", "Rounds"), table: TableView(
                caption: context.tr("各梯次收件截止與審查時程", "Each round's intake and review dates"),
                headers: [context.tr("梯次", "Round"), context.tr("收件截止", "Intake closes"),
                          context.tr("審查開始", "Review starts"), context.tr("審查會議", "Meeting"), context.tr("公告", "Announcement")],
                rows: s.rounds.map { round in RowView(cells: [
                    CellView(text: context.tr(round.label)), CellView(text: round.intakeCloses.announced(context.language)),
                    CellView(text: context.day(round.reviewStarts)), CellView(text: context.day(round.meetingDay)),
                    CellView(text: context.day(round.announcementDay)),
                ]) }, empty: "—")),
        ]
        for category in GrantCategory.allCases {
            let rubric = s.rubric(for: category)
            blocks.append(BlockView(title: context.tr("評分項目：\(category.zh)", "Rubric: \(category.en)"),
                                    list: rubric.criteria.map { "\(context.tr($0.label)) \($0.weight / 100)%" }))
        }
        if let amendments = stored.programme?.amendments, !amendments.isEmpty {
            blocks.append(BlockView(title: context.tr("修訂紀錄", "Amendments"), list: amendments.map { amendment in
                "\(context.time(amendment.at))：\(amendment.changes.map { context.tr($0.label) }.joined(separator: "、"))（\(amendment.reason)）"
            }))
        }
        if caller.role == .operator || caller.role == .ministry {
            blocks.append(BlockView(title: context.tr("修訂申請截止時間", "Amend the application deadline"), paragraphs: [
                context.tr("已公告的計畫只能以修訂方式變更；修訂會記錄原因並留存稽核紀錄。",
                           "A published programme changes only by amendment, with its reason, in the audit log."),
            ], forms: [BlockForm(form: FormView(
                action: "/operator/programme/deadline", submit: context.tr("公告修訂", "Publish the amendment"),
                hidden: [HiddenField(name: "version", value: String(stored.version))], fields: [
                    f.input("deadline", label: context.tr("新截止日（當日 23:59）", "New closing day (until 23:59)")),
                    f.textarea("reason", required: true).relabel(context.tr("修訂原因", "Reason")),
                ]))]))
        }
        let page = GrantsPage(heading: context.tr(s.title), blocks: blocks)
        return renderer.render("grants", title: page.heading, body: page, context: context, status: status,
                               errors: errors, notice: notice)
    }

    func amendDeadline(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator, .ministry])
        var request = request
        let form = try await request.form(context: context)
        return try await GrantsWeb.act(context, back: "/operator/programme", done: "amended", render: { errors, error in
            try await renderProgramme(caller: caller, context: context, values: form.dictionary, errors: errors,
                                      status: ErrorMiddleware.status(error.kind))
        }) {
            let stored = try await current()
            let deadline = try OperatorApplicationsController.deadline(form["deadline"])
            _ = try await grants.amendProgramme(stored.id, changes: [.applicationsClose(deadline)], reason: form["reason"],
                                                expectedVersion: GrantsWeb.version(form), by: caller, on: services.db)
        }
    }

    // MARK: Ranking

    func ranking(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator, .ministry])
        let stored = try await current()
        let q = request.uri.queryParameters
        let round = q.get("round") ?? stored.settings.rounds.first?.id.rawValue ?? ""
        let category = q.get("category").flatMap(GrantCategory.init(rawValue:)) ?? .training
        let rows = try await grants.ranking(programme: stored.id, round: round, category: category, by: caller,
                                            on: services.db)
        let f = FieldFactory(renderer: renderer, language: context.language,
                             values: ["round": round, "category": category.rawValue], errors: [])
        let chooser = FormView(action: "/operator/ranking", submit: context.tr("顯示", "Show"), isGet: true, fields: [
            f.select("round", options: stored.settings.rounds.map { ($0.id.rawValue, context.tr($0.label)) },
                     label: context.tr("梯次", "Round"), required: false),
            f.select("category", options: GrantCategory.allCases.map { ($0.rawValue, context.tr($0.zh, $0.en)) },
                     label: context.tr("類別", "Category"), required: false),
        ])
        let disagreements = rows.filter(\.widelyDisagree).count
        // The whole list is ranked; the page shows 100 rows at a time.
        let perPage = 100
        let pageNumber = min(max(1, Int(q.get("page") ?? "1") ?? 1), max(1, (rows.count + perPage - 1) / perPage))
        let shown = rows.dropFirst((pageNumber - 1) * perPage).prefix(perPage)
        var pageLinks: [LinkView] = []
        let base = "/operator/ranking?round=\(round.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            + "&category=\(category.rawValue)"
        if pageNumber > 1 {
            pageLinks.append(LinkView(href: "\(base)&page=\(pageNumber - 1)", label: context.tr("上一頁", "Previous page")))
        }
        if pageNumber * perPage < rows.count {
            pageLinks.append(LinkView(href: "\(base)&page=\(pageNumber + 1)", label: context.tr("下一頁", "Next page")))
        }
        var table = BlockView(
            warning: disagreements > 0 ? context.tr(
                "有 \(disagreements) 件委員評分差距超過 \(stored.settings.disagreementSpread) 分，請於審查會議討論。",
                "\(disagreements) application(s) have reviewer totals more than \(stored.settings.disagreementSpread) points apart; discuss them at the meeting.") : nil,
            table: TableView(
                caption: context.tr("依平均總分排序（同分依送件時間），共 \(rows.count) 件，第 \(pageNumber) 頁",
                                    "By mean total (ties: earlier submission first); \(rows.count) in all, page \(pageNumber)"),
                headers: [context.tr("名次", "Rank"), context.tr("案號", "Ref."), context.tr("公司", "Company"),
                          context.tr("主題", "Title"), context.tr("平均", "Mean"), context.tr("各委員總分", "Reviewer totals"),
                          context.tr("差距", "Spread"), context.tr("已評/指派", "Scored/assigned"),
                          context.tr("新創", "Startup"), context.tr("狀態", "Status")],
                rows: shown.map { row in
                    RowView(cells: [
                        CellView(text: row.rank.map(String.init) ?? "—"),
                        CellView(text: row.reference, href: "/operator/applications/\(row.applicationID.uuidString)"),
                        CellView(text: row.companyName), CellView(text: row.title),
                        CellView(text: row.mean.map(\.description) ?? "—"),
                        CellView(text: row.reviewerTotals.map(\.description).joined(separator: " / ")),
                        CellView(text: (row.spread.map(\.description) ?? "—") + (row.widelyDisagree ? context.tr(" ⚠ 差距過大", " ⚠ wide") : "")),
                        CellView(text: "\(row.sheetsSubmitted)/\(row.reviewersAssigned)"),
                        CellView(text: row.isStartup ? context.tr("是", "yes") : ""),
                        CellView(text: context.tr(row.status.label) + (row.level.map { " \($0.rawValue)" } ?? "")),
                    ], tone: row.widelyDisagree ? "warn" : nil)
                }, empty: context.tr("此梯次與類別尚無進入專業審查的申請案。", "No application of this round and category is in review.")),
            links: pageLinks)
        if caller.role == .operator {
            table.forms.append(BlockForm(heading: context.tr("自動平均指派", "Assign automatically"), form: FormView(
                action: "/operator/ranking/assign", submit: context.tr("為尚未足額的申請案指派委員", "Top up reviewers for every application"),
                hidden: [HiddenField(name: "round", value: round), HiddenField(name: "category", value: category.rawValue)])))
        }
        let page = GrantsPage(heading: context.tr("審查排序", "Ranking"), blocks: [
            BlockView(forms: [BlockForm(form: chooser)]), table,
        ])
        return renderer.render("grants", title: page.heading, body: page, context: context,
                               notice: GrantsWeb.notice(request, context))
    }

    func autoAssign(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator])
        var request = request
        let form = try await request.form(context: context)
        let stored = try await current()
        let category = GrantCategory(rawValue: form["category"]) ?? .training
        let back = "/operator/ranking?round=\(form["round"].addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&category=\(category.rawValue)"
        do {
            try await grants.autoAssign(programme: stored.id, round: form["round"], category: category, by: caller,
                                        on: services.db)
        } catch let error as UserFacingError {
            let page = GrantsPage(heading: context.tr("無法自動指派", "Cannot assign automatically"),
                                  back: LinkView(href: back, label: context.tr("審查排序", "Ranking")),
                                  blocks: [BlockView(warning: error.message(context.language))])
            return renderer.render("grants", title: page.heading, body: page, context: context,
                                   status: ErrorMiddleware.status(error.kind))
        }
        return .seeOther(back + "&done=autoAssigned")
    }

    // MARK: Reviewer pool

    func reviewers(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator])
        return try await renderReviewers(caller: caller, context: context, notice: GrantsWeb.notice(request, context))
    }

    func renderReviewers(caller: GrantsCaller, context: AppRequestContext, notice: String? = nil,
                         errors: [FieldError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let stored = try await current()
        let db = services.db
        let pool = try await grants.reviewers(programme: stored.id, on: db)
        let staff = try await grants.directory.staff(role: .reviewer, on: db)
        let inPool = Set(pool.map(\.userID))
        let f = FieldFactory(renderer: renderer, language: context.language, values: [:], errors: errors)
        var block = BlockView(table: TableView(
            caption: context.tr("本計畫審查委員", "The programme's reviewers"),
            headers: [context.tr("姓名", "Name"), context.tr("電子信箱", "E-mail"), context.tr("類別", "Categories"),
                      context.tr("指派件數", "Assigned")],
            rows: pool.map { reviewer in RowView(cells: [
                CellView(text: reviewer.name), CellView(text: reviewer.email),
                CellView(text: reviewer.categories.map { context.tr($0.zh, $0.en) }.joined(separator: "、")),
                CellView(text: String(reviewer.load)),
            ]) }, empty: context.tr("尚未加入審查委員。", "No reviewers yet.")))
        let candidates = staff.filter { !inPool.contains($0.userID) }
        if !candidates.isEmpty {
            block.forms.append(BlockForm(heading: context.tr("加入審查委員", "Add a reviewer"), form: FormView(
                action: "/operator/reviewers", submit: context.tr("加入", "Add"), fields: [
                    f.select("reviewer", options: candidates.map { ($0.userID.uuidString, "\($0.name)（\($0.email)）") },
                             label: context.tr("委員帳號", "Reviewer account")),
                    f.choices("categories", options: GrantCategory.allCases.map { ($0.rawValue, context.tr($0.zh, $0.en)) },
                              selected: Set(GrantCategory.allCases.map(\.rawValue)), label: context.tr("審查類別", "Categories")),
                ])))
        } else {
            block.paragraphs.append(context.tr("新的委員帳號請以 `suanli admin create-user --role reviewer` 建立。",
                                               "Create new reviewer accounts with `suanli admin create-user --role reviewer`."))
        }
        let page = GrantsPage(heading: context.tr("審查委員名單", "Reviewer pool"), blocks: [block])
        return renderer.render("grants", title: page.heading, body: page, context: context, status: status,
                               errors: errors, notice: notice)
    }

    func addReviewer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator])
        var request = request
        let form = try await request.form(context: context)
        return try await GrantsWeb.act(context, back: "/operator/reviewers", done: "reviewerAdded", render: { errors, error in
            try await renderReviewers(caller: caller, context: context, errors: errors, status: ErrorMiddleware.status(error.kind))
        }) {
            guard let user = UUID(uuidString: form["reviewer"]) else {
                throw GrantsFailure.invalid([FieldError(field: "reviewer", zh: "請選擇委員帳號。", en: "Choose an account.")])
            }
            let stored = try await current()
            try await grants.addReviewer(programme: stored.id, userID: user,
                                         categories: form.all("categories").compactMap(GrantCategory.init(rawValue:)),
                                         by: caller, on: services.db)
        }
    }

    // MARK: Close-out

    func closeOuts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator, .ministry])
        let overdue = try await grants.overdueCloseOuts(by: caller, on: services.db)
        let page = GrantsPage(heading: context.tr("結案資料逾期清單", "Overdue close-outs"), blocks: [BlockView(table: TableView(
            caption: context.tr("使用期間結束 30 日後仍未繳齊者", "Projects missing items 30 days after their term"),
            headers: [context.tr("案號", "Ref."), context.tr("公司", "Company"), context.tr("使用期間迄", "Term ended"),
                      context.tr("期限", "Due"), context.tr("逾期天數", "Days late"), context.tr("缺件", "Missing")],
            rows: overdue.map { project, status in
                var days = 0, missing: [CloseOutItem] = []
                if case .overdue(let m, let d) = status { days = d; missing = m }
                return RowView(cells: [
                    CellView(text: project.reference, href: "/projects/\(project.id.uuidString)"),
                    CellView(text: project.companyName), CellView(text: context.day(project.term.lastDay)),
                    CellView(text: context.day(project.schedule.dueDay)), CellView(text: String(days)),
                    CellView(text: missing.map { context.tr($0.label) }.joined(separator: "、")),
                ], tone: "warn")
            }, empty: context.tr("目前沒有逾期案件。", "Nothing is overdue.")))])
        return renderer.render("grants", title: page.heading, body: page, context: context)
    }

    // MARK: Statistics (SPEC C4.6)

    func statistics(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator, .ministry])
        let stored = try await current()
        let stats = try await grants.statistics(programme: stored.id, by: caller, on: services.db)
        let lang = context.language
        let categories = GrantCategory.allCases
        let roundNames = stats.rounds.map { context.tr($0.label) }
        func chart(_ id: String, _ title: String, _ summary: String, categories names: [String], series: [ChartSeries],
                   stacked: Bool = false) -> String {
            SVGBarChart(id: id, title: title, summary: summary, categories: names, series: series,
                        valueAxisLabel: context.tr("件數", "Applications"), orientation: .vertical,
                        arrangement: stacked ? .stacked : .grouped, lang: lang.rawValue).render()
        }
        let filed = chart("filed", context.tr("各梯次申請與通過件數", "Applications and approvals per round"),
                          context.tr("依梯次與類別", "By round and category"), categories: roundNames,
                          series: categories.flatMap { category in [
                              ChartSeries(name: context.tr("\(category.zh)申請", "\(category.en) filed"),
                                          values: stats.rounds.map { $0.tally(category).filed }),
                              ChartSeries(name: context.tr("\(category.zh)通過", "\(category.en) approved"),
                                          values: stats.rounds.map { $0.tally(category).approved }),
                          ] })
        let levels = chart("levels", context.tr("核定等級分布", "Level distribution"),
                           context.tr("通過案件的 L1/L2/L3 件數", "L1/L2/L3 among approvals"),
                           categories: categories.map { context.tr($0.zh, $0.en) },
                           series: GrantLevel.allCases.map { level in
                               ChartSeries(name: level.rawValue, values: categories.map { stats.tally($0).count(level) })
                           }, stacked: true)
        let domainCounts = stats.overall.domainsFiled.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let domainLabel: (String) -> String = { key in IndustryDomain(rawValue: key).map { context.tr($0.label) } ?? key }
        let domains = SVGBarChart(
            id: "domains", title: context.tr("推動產業領域", "Industry domains"),
            summary: context.tr("申請案勾選的領域（可複選）", "Domains ticked in applications (several allowed)"),
            categories: domainCounts.map { domainLabel($0.key) },
            series: [ChartSeries(name: context.tr("申請件數", "Applications"), values: domainCounts.map(\.value))],
            valueAxisLabel: context.tr("件數", "Applications"), orientation: .horizontal, lang: lang.rawValue).render()
        var rows: [RowView] = []
        for slice in stats.rounds {
            for category in categories {
                let t = slice.tally(category)
                rows.append(Self.row(context.tr(slice.label), context.tr(category.zh, category.en), t))
            }
        }
        for category in categories {
            rows.append(Self.row(context.tr("全部梯次", "All rounds"), context.tr(category.zh, category.en), stats.tally(category)))
        }
        rows.append(Self.row(context.tr("合計", "Total"), "", stats.overall))
        let table = TableView(
            caption: context.tr("申請、通過、通過率、等級分布與新創占比", "Applications, approvals, rates, levels and startups"),
            headers: [context.tr("梯次", "Round"), context.tr("類別", "Category"), context.tr("申請", "Filed"),
                      context.tr("審查中", "In review"), context.tr("通過", "Approved"), context.tr("通過率", "Approval rate"),
                      "L1", "L2", "L3", context.tr("新創占比", "Startup share"), context.tr("核定點數", "Points")],
            rows: rows, empty: context.tr("尚無申請案。", "No applications yet."))
        let page = GrantsPage(heading: context.tr("計畫統計", "Programme statistics"), intro: context.tr(
            "通過率 = 通過件數 ÷ 申請件數（草稿不計，撤回與逾期仍計入申請）。", "Approval rate = approvals ÷ applications filed (drafts excluded; withdrawn and lapsed count as filed)."),
            blocks: [
                BlockView(table: table, links: [LinkView(href: "/statistics.csv", label: context.tr("下載 CSV（Excel 可開啟）", "Download CSV (opens in Excel)"))]),
                BlockView(svg: filed), BlockView(svg: levels), BlockView(svg: domains),
            ])
        return renderer.render("grants", title: page.heading, body: page, context: context)
    }

    static func row(_ round: String, _ category: String, _ t: StatisticsTally) -> RowView {
        RowView(cells: [
            CellView(text: round), CellView(text: category), CellView(text: String(t.filed)),
            CellView(text: String(t.inReview)), CellView(text: String(t.approved)),
            CellView(text: t.approvalRate.percentText),
        ] + GrantLevel.allCases.map { level in CellView(text: "\(t.count(level))（\(t.share(level).percentText)）") } + [
            CellView(text: t.startupShareOfFiled.percentText), CellView(text: t.pointsApproved.formatted(.number)),
        ])
    }

    func statisticsCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator, .ministry])
        let stored = try await current()
        let stats = try await grants.statistics(programme: stored.id, by: caller, on: services.db)
        let rows = stats.csvRows(language: context.language) + [[]] + stats.domainCSVRows(language: context.language) {
            IndustryDomain(rawValue: $0)?.label
        }
        let bytes = CSVWriter.document(rows)
        return Response(status: .ok, headers: [
            .contentType: "text/csv; charset=utf-8",
            .contentDisposition: "attachment; filename=\"statistics-\(stored.code).csv\"",
            .cacheControl: "private, no-store",
        ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: Public list

    func awarded(_ request: Request, context: AppRequestContext) async throws -> Response {
        let projects = try await grants.publishedProjects(on: services.db)
        let programme = try await grants.currentProgramme(on: services.db)
        let rounds = Dictionary(uniqueKeysWithValues: (programme?.settings.rounds ?? []).map { ($0.id.rawValue, $0.label) })
        let page = GrantsPage(heading: context.tr("核定名單", "Awarded projects"), intro: context.tr(
            "經審查會議決議並由主辦單位核定之專案。", "Projects selected by the review and confirmed by the ministry."),
            blocks: [BlockView(table: TableView(
                caption: context.tr("核定名單", "Awarded projects"),
                headers: [context.tr("梯次", "Round"), context.tr("類別", "Category"), context.tr("公司", "Company"),
                          context.tr("專案主題", "Project"), context.tr("等級", "Level"), context.tr("使用期間", "Term")],
                rows: projects.map { project in RowView(cells: [
                    CellView(text: rounds[project.roundID].map(context.tr) ?? "—"),
                    CellView(text: context.tr(project.category.zh, project.category.en)),
                    CellView(text: project.companyName), CellView(text: project.title),
                    CellView(text: "\(project.level.rawValue)（\(project.points.formatted(.number)) \(context.tr("點", "points"))）"),
                    CellView(text: "\(context.day(project.term.start)) – \(context.day(project.term.lastDay))"),
                ]) }, empty: context.tr("尚未公告核定名單。", "No awards have been published yet.")))])
        return renderer.render("grants", title: page.heading, body: page, context: context)
    }
}
