import Foundation
import Grants
import Hummingbird
import Identity
import SuanliKit

/// The operator's (執行單位) and the ministry's application pages (SPEC C2.5, C4.1–C4.4): the list,
/// one application with its eligibility report, correction, assignment, decisions and award.
struct OperatorApplicationsController {
    let services: PortalServices
    var grants: GrantsService { services.grants }
    var renderer: Renderer { services.renderer }

    func register(on router: Router<AppRequestContext>) {
        router.get("/operator/applications", use: list)
        router.get("/operator/applications/:id", use: show)
        router.post("/operator/applications/:id/eligibility", use: evaluate)
        router.post("/operator/applications/:id/eligibility/:rule", use: decideRule)
        router.post("/operator/applications/:id/pass", use: pass)
        router.post("/operator/applications/:id/ineligible", use: ineligible)
        router.post("/operator/applications/:id/correction", use: correction)
        router.post("/operator/applications/:id/reinstate", use: reinstate)
        router.post("/operator/applications/:id/assign", use: assign)
        router.post("/operator/applications/:id/meeting", use: meeting)
        router.post("/operator/applications/:id/approve", use: approve)
        router.post("/operator/applications/:id/reject", use: reject)
        router.post("/operator/applications/:id/award", use: award)
    }

    // MARK: List

    func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator, .ministry])
        let q = request.uri.queryParameters
        let filter = GrantsService.ApplicationFilter(
            status: q.get("status").flatMap(ApplicationStatus.init(rawValue:)), roundID: q.get("round").flatMap {
                $0.isEmpty ? nil : $0 },
            category: q.get("category").flatMap(GrantCategory.init(rawValue:)), search: q.get("q"),
            page: Int(q.get("page") ?? "1") ?? 1)
        let db = services.db
        let (rows, total) = try await grants.filedApplications(filter, by: caller, on: db)
        let programme = try await grants.currentProgramme(on: db)
        let rounds = programme?.settings.rounds ?? []
        let roundLabel = Dictionary(uniqueKeysWithValues: rounds.map { ($0.id.rawValue, context.tr($0.label)) })
        let values = ["status": filter.status?.rawValue ?? "", "round": filter.roundID ?? "",
                      "category": filter.category?.rawValue ?? "", "q": filter.search ?? ""]
        let f = FieldFactory(renderer: renderer, language: context.language, values: values, errors: [])
        let filterForm = FormView(
            action: "/operator/applications", submit: context.tr("篩選", "Filter"), isGet: true, fields: [
                f.select("status", options: [("", context.tr("全部狀態", "All statuses"))]
                    + ApplicationStatus.allCases.filter { $0 != .draft }.map { ($0.rawValue, context.tr($0.label)) },
                    label: context.tr("狀態", "Status"), required: false),
                f.select("round", options: [("", context.tr("全部梯次", "All rounds"))]
                    + rounds.map { ($0.id.rawValue, context.tr($0.label)) }, label: context.tr("梯次", "Round"), required: false),
                f.select("category", options: [("", context.tr("全部類別", "All categories"))]
                    + GrantCategory.allCases.map { ($0.rawValue, context.tr($0.zh, $0.en)) },
                    label: context.tr("類別", "Category"), required: false),
                f.input("q", label: context.tr("搜尋（案號、統一編號、公司或主題）", "Search (ref., tax ID, company or title)"),
                        required: false),
            ])
        let table = TableView(
            caption: context.tr("共 \(total) 件，第 \(filter.page) 頁", "\(total) application(s), page \(filter.page)"),
            headers: [context.tr("案號", "Ref."), context.tr("公司", "Company"), context.tr("主題", "Title"),
                      context.tr("類別", "Category"), context.tr("梯次", "Round"), context.tr("狀態", "Status"),
                      context.tr("新創", "Startup"), context.tr("送出時間", "Submitted"), context.tr("補正期限", "Correction due")],
            rows: rows.map { row in
                RowView(cells: [
                    CellView(text: row.reference, href: "/operator/applications/\(row.id.uuidString)"),
                    CellView(text: row.companyName), CellView(text: row.title),
                    CellView(text: context.tr(row.category.zh, row.category.en)),
                    CellView(text: row.roundID.flatMap { roundLabel[$0] } ?? "—"),
                    CellView(text: context.tr(row.status.label)),
                    CellView(text: row.isStartup ? context.tr("是", "yes") : ""),
                    CellView(text: context.time(row.submittedAt)),
                    CellView(text: context.time(row.correctionDeadline)),
                ], tone: row.status.tone == "warn" ? "warn" : nil)
            }, empty: context.tr("沒有符合條件的申請案。", "No applications match."))
        var links: [LinkView] = []
        func pageLink(_ page: Int) -> String {
            var items = values.filter { !$0.value.isEmpty }.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            items.append("page=\(page)")
            return "/operator/applications?" + items.sorted().joined(separator: "&")
        }
        if filter.page > 1 { links.append(LinkView(href: pageLink(filter.page - 1), label: context.tr("上一頁", "Previous page"))) }
        if filter.page * filter.perPage < total {
            links.append(LinkView(href: pageLink(filter.page + 1), label: context.tr("下一頁", "Next page")))
        }
        let page = GrantsPage(heading: context.tr("申請案管理", "Applications"), blocks: [
            BlockView(forms: [BlockForm(form: filterForm)]),
            BlockView(table: table, links: links),
        ])
        return renderer.render("grants", title: page.heading, body: page, context: context,
                               notice: GrantsWeb.notice(request, context))
    }

    // MARK: One application

    func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator, .ministry])
        return try await render(GrantsWeb.id(context), caller: caller, context: context,
                                notice: GrantsWeb.notice(request, context))
    }

    func render(_ id: UUID, caller: GrantsCaller, context: AppRequestContext, notice: String? = nil,
                values: [String: String] = [:], errors: [FieldError] = [], status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let db = services.db
        let record = try await grants.application(id, for: caller, on: db)
        let programme = try await grants.programme(record.programmeID, on: db)
        let files = try await grants.attachments(of: id, for: caller, on: db)
        let assignments = try await grants.assignments(of: id, on: db)
        let sheets = try await grants.visibleSheets(id, by: caller, on: db)
        let pool = try await grants.reviewers(programme: record.programmeID, on: db)
        let f = FieldFactory(renderer: renderer, language: context.language, values: values, errors: errors)
        let base = "/operator/applications/\(id.uuidString)"
        let hidden = [HiddenField(name: "version", value: String(record.version))]
        var blocks: [BlockView] = []

        let round = programme.round(record.roundID)
        blocks.append(BlockView(title: context.tr("基本資料", "Summary"), facts: [
            FactView(term: context.tr("公司", "Company"), value: "\(record.companyName)（\(record.taxID)）"),
            FactView(term: context.tr("類別", "Category"), value: context.tr(record.category.zh, record.category.en)),
            FactView(term: context.tr("梯次", "Round"), value: round.map { context.tr($0.label) } ?? "—"),
            FactView(term: context.tr("送出時間", "Submitted"), value: context.time(record.progress.submittedAt)),
            FactView(term: context.tr("新創優先", "Startup priority"),
                     value: record.isStartup ? context.tr("是（107 年 1 月 1 日以後設立）", "yes (established 2018 or later)")
                        : context.tr("否", "no")),
            FactView(term: context.tr("前次申請", "Earlier application"), value: record.form.previousApplication ?? "—"),
        ] + (record.progress.level.map { [FactView(term: context.tr("等級", "Level"), value: context.tr($0.zh, $0.en))] } ?? [])))
        blocks += ApplicationFormView.readOnlyBlocks(record.form, company: record.company, context: context)
        blocks.append(BlockView(title: context.tr("附件", "Attachments"), table: GrantsWeb.attachmentsTable(files, context)))
        blocks.append(eligibilityBlock(record, base: base, hidden: hidden, caller: caller, context: context, f: f))
        blocks.append(reviewBlock(record, base: base, assignments: assignments, sheets: sheets, pool: pool,
                                  caller: caller, context: context, f: f))
        blocks.append(decisionBlock(record, base: base, hidden: hidden, caller: caller, context: context, f: f))
        blocks.append(GrantsWeb.history(record, context))
        let page = GrantsPage(
            heading: "\(record.reference) \(record.title)",
            back: LinkView(href: "/operator/applications", label: context.tr("申請案管理", "Applications")),
            badge: BadgeView(text: context.tr(record.status.label), tone: record.status.tone,
                             detail: record.progress.correctionDeadline.flatMap {
                                 record.status == .correctionRequested
                                     ? context.tr("補正期限 ", "correction due ") + $0.announced(context.language) : nil }),
            blocks: blocks.filter { $0.title != nil || $0.table != nil || !$0.forms.isEmpty })
        return renderer.render("grants", title: page.heading, body: page, context: context, status: status,
                               errors: errors, notice: notice)
    }

    func eligibilityBlock(_ record: ApplicationRecord, base: String, hidden: [HiddenField], caller: GrantsCaller,
                          context: AppRequestContext, f: FieldFactory) -> BlockView {
        var block = BlockView(title: context.tr("資格審查", "Eligibility review"), anchor: "eligibility")
        let inReview = record.status == .eligibilityReview
        let canRun = caller.role == .operator
            && [.submitted, .resubmitted, .eligibilityReview].contains(record.status)
        if let report = record.eligibility {
            block.paragraphs.append(context.tr(
                "檢核日 \(context.day(report.evaluatedOn))；結論：\(report.verdict.title.zh)",
                "Evaluated \(context.day(report.evaluatedOn)); verdict: \(report.verdict.title.en)"))
            block.paragraphs.append(context.tr("資料來源：", "Data: ") + (report.datasets.isEmpty
                ? context.tr("尚未匯入任何登記資料", "no registry data imported")
                : report.datasets.map { "\(context.tr($0.source.title))（\($0.recordCount)）" }.joined(separator: "、")))
            block.table = TableView(
                caption: context.tr("逐條檢核結果（含所用資料）", "Each rule with the data it used"),
                headers: [context.tr("規則", "Rule"), context.tr("結果", "Result"), context.tr("依據資料", "Data used"),
                          context.tr("說明", "Explanation"), context.tr("執行單位判定", "Operator's decision")],
                rows: report.results.map { result in
                    let decision = report.override(for: result.rule)
                    return RowView(cells: [
                        CellView(text: "\(result.rule.rawValue) \(context.tr(result.title))"),
                        CellView(text: context.tr(result.outcome.title)),
                        CellView(text: result.data.map { "\(context.tr($0.label))：\(context.tr($0.value))（\(context.tr($0.originTitle))）" }
                            .joined(separator: "；")),
                        CellView(text: context.tr(result.explanation)),
                        CellView(text: decision.map { "\(context.tr($0.outcome.title))\($0.reason.map { "：\($0)" } ?? "")" } ?? "—"),
                    ], tone: result.outcome == .fail ? "bad" : result.outcome == .unknown ? "warn" : nil)
                }, empty: "—")
            if inReview && caller.role == .operator {
                for result in report.results where result.rule.isRequirement {
                    let options = [("confirm", context.tr("確認系統結果", "Confirm the computed result")),
                                   ("pass", context.tr("改判：符合", "Decide: pass")),
                                   ("fail", context.tr("改判：不符合", "Decide: fail"))]
                    let rule = result.rule.rawValue
                    block.forms.append(BlockForm(
                        heading: "\(rule) \(context.tr(result.title))（\(context.tr(result.outcome.title))）",
                        form: FormView(action: "\(base)/eligibility/\(rule)",
                                       submit: context.tr("記錄判定", "Record decision"), hidden: hidden, fields: [
                            f.select("decision-\(rule)", options: options, label: context.tr("判定", "Decision")),
                            f.input("reason-\(rule)", label: context.tr("理由（改判時必填）", "Reason (required to change the result)"),
                                    required: false),
                        ])))
                }
            }
        } else {
            block.paragraphs.append(context.tr("尚未執行資格檢核。", "Eligibility has not been evaluated yet."))
        }
        if canRun {
            block.forms.insert(BlockForm(form: FormView(
                action: "\(base)/eligibility", submit: record.eligibility == nil || record.status != .eligibilityReview
                    ? context.tr("開始資格審查並執行檢核", "Start the review and evaluate")
                    : context.tr("重新執行檢核", "Evaluate again"))), at: 0)
        }
        if inReview && caller.role == .operator {
            block.forms.append(BlockForm(heading: context.tr("通過資格審查", "Pass eligibility"), form: FormView(
                action: "\(base)/pass", submit: context.tr("通過，進入專業審查", "Pass: go to professional review"),
                hidden: hidden)))
            let sections = ApplicationSection.sections(for: record.category)
            block.forms.append(BlockForm(heading: context.tr("通知補正", "Request a correction"), form: FormView(
                action: "\(base)/correction", submit: context.tr("寄出補正通知", "Send the correction notice"),
                hidden: hidden, fields: [
                    f.choices("sections", options: sections.map { ($0.rawValue, context.tr($0.label)) },
                              selected: Set((f.values["sections"] ?? "").split(separator: ",").map(String.init)),
                              label: context.tr("開放申請人修改的項目", "Parts the applicant may change"), required: true),
                    f.textarea("items", required: true).relabel(context.tr("補正事項（每行一項）", "What to correct (one per line)")),
                    f.input("deadline", label: context.tr("補正期限（當日 23:59 截止，例如 115/11/30）", "Deadline (until 23:59 that day, e.g. 2026-11-30)"),
                            type: "text", required: true),
                ])))
            block.forms.append(BlockForm(heading: context.tr("資格不符", "Not eligible"), form: FormView(
                action: "\(base)/ineligible", submit: context.tr("判定資格不符", "Declare ineligible"),
                confirm: context.tr("確定判定資格不符？申請人會收到通知。", "Declare ineligible? The applicant will be notified."),
                hidden: hidden, fields: [f.textarea("reason", required: true).relabel(context.tr("理由", "Reason"))])))
        }
        if record.status == .lapsed && caller.role == .operator {
            block.forms.append(BlockForm(heading: context.tr("恢復補正", "Reinstate"), form: FormView(
                action: "\(base)/reinstate", submit: context.tr("給予新期限", "Give a new deadline"), hidden: hidden, fields: [
                    f.input("deadline", label: context.tr("新補正期限", "New deadline"), required: true),
                    f.textarea("reason", required: true).relabel(context.tr("理由（例如系統維護）", "Reason (e.g. the portal was down)")),
                ])))
        }
        return block
    }

    func reviewBlock(_ record: ApplicationRecord, base: String, assignments: [AssignmentSummary], sheets: [ScoreSheet],
                     pool: [ReviewerSummary], caller: GrantsCaller, context: AppRequestContext,
                     f: FieldFactory) -> BlockView {
        var block = BlockView(title: context.tr("專業審查", "Professional review"), anchor: "review")
        let submitted = Dictionary(uniqueKeysWithValues: sheets.map { ($0.reviewer.rawValue, $0) })
        block.table = TableView(
            caption: context.tr("審查委員與評分", "Reviewers and scores"),
            headers: [context.tr("委員", "Reviewer"), context.tr("指派方式", "Assigned"), context.tr("利益迴避", "Conflict"),
                      context.tr("評分", "Scores"), context.tr("總評", "Overall comment")],
            rows: assignments.map { row in
                let sheet = submitted[row.reviewerUserID.uuidString]
                let conflict: String = switch row.conflict {
                case "none": context.tr("已聲明無利益衝突", "declared none")
                case "conflict": context.tr("迴避（已移除）", "conflict (removed)")
                default: context.tr("尚未聲明", "not yet declared")
                }
                return RowView(cells: [
                    CellView(text: row.reviewerName),
                    CellView(text: row.method == "auto" ? context.tr("自動", "auto") : context.tr("人工", "manual")),
                    CellView(text: conflict),
                    CellView(text: sheet.map { s in
                        (s.isSubmitted ? "" : context.tr("（草稿）", "(draft) "))
                            + s.scores.sorted { $0.key.rawValue < $1.key.rawValue }
                                .map { "\(context.tr($0.key.label))=\($0.value)" }.joined(separator: "，") } ?? "—"),
                    CellView(text: sheet?.overallComment ?? ""),
                ], tone: row.removed ? "bad" : nil)
            }, empty: context.tr("尚未指派審查委員。", "No reviewers assigned yet."))
        if record.status == .professionalReview && caller.role == .operator {
            let taken = Set(assignments.filter { !$0.removed || $0.conflict == "conflict" }.map(\.reviewerUserID))
            let options = pool.filter { $0.active && $0.categories.contains(record.category) && !taken.contains($0.userID) }
                .map { ($0.userID.uuidString, "\($0.name)（\(context.tr("目前 \($0.load) 件", "\($0.load) assigned"))）") }
            if !options.isEmpty {
                block.forms.append(BlockForm(heading: context.tr("人工指派", "Assign by hand"), form: FormView(
                    action: "\(base)/assign", submit: context.tr("指派", "Assign"),
                    fields: [f.select("reviewer", options: options, label: context.tr("審查委員", "Reviewer"))])))
            }
        }
        return block
    }

    func decisionBlock(_ record: ApplicationRecord, base: String, hidden: [HiddenField], caller: GrantsCaller,
                       context: AppRequestContext, f: FieldFactory) -> BlockView {
        var block = BlockView(title: context.tr("審查決議與核定", "Decision and award"), anchor: "decision")
        let levels = GrantLevel.allCases.map { ($0.rawValue, context.tr($0.zh, $0.en)) }
        let actions = record.progress.availableActions(for: caller.role)
        if actions.contains(.sendToMeeting) {
            block.forms.append(BlockForm(heading: context.tr("提送審查會議", "Send to the review meeting"), form: FormView(
                action: "\(base)/meeting", submit: context.tr("提送審查會議", "Send to the meeting"), hidden: hidden)))
        }
        if actions.contains(.approve) {
            block.forms.append(BlockForm(heading: record.category.hasReviewMeeting
                ? context.tr("審查會議決議：通過", "Meeting decision: approve")
                : context.tr("專業審查通過", "Professional review: approve"), form: FormView(
                action: "\(base)/approve", submit: context.tr("通過並記錄等級", "Approve with this level"), hidden: hidden,
                fields: [f.select("level", options: levels, label: context.tr("核給等級", "Level"))])))
            block.forms.append(BlockForm(heading: context.tr("不通過", "Reject"), form: FormView(
                action: "\(base)/reject", submit: context.tr("記錄不通過", "Record rejection"),
                confirm: context.tr("確定不通過？申請人會收到通知。", "Reject? The applicant will be notified."),
                hidden: hidden, fields: [f.textarea("reason", required: true).relabel(context.tr("理由", "Reason"))])))
        }
        if actions.contains(.award) {
            block.forms.append(BlockForm(heading: context.tr("核定（主辦單位）", "Confirm the award (ministry)"), form: FormView(
                action: "\(base)/award", submit: context.tr("核定並建立專案", "Award and create the project"),
                confirm: context.tr("確定核定？將建立專案並通知申請人。", "Award? The project is created and the applicant notified."),
                hidden: hidden, fields: [
                    f.select("level", options: levels, label: context.tr("核定等級", "Level")).selecting(record.progress.level?.rawValue),
                    f.input("termStart", label: context.tr("使用期間起日（入選通知日，預設今天）", "Term start (the notice's day; default today)"),
                            required: false),
                    f.input("reason", label: context.tr("等級變更理由（與決議不同時必填）", "Reason for a different level"), required: false),
                ])))
        }
        if block.forms.isEmpty {
            block.paragraphs.append(context.tr("目前沒有可執行的決議步驟。", "No decision can be taken at this stage."))
        }
        return block
    }

    // MARK: Actions

    func action(_ request: Request, _ context: AppRequestContext, roles: Set<GrantsRole> = [.operator], done: String,
                _ body: @escaping @Sendable (GrantsCaller, UUID, FormBody) async throws -> Void) async throws -> Response {
        let caller = try context.grantsCaller(roles)
        let id = try GrantsWeb.id(context)
        var request = request
        let form = try await request.form(context: context)
        let base = "/operator/applications/\(id.uuidString)"
        return try await GrantsWeb.act(context, back: base, done: done, render: { errors, error in
            try await render(id, caller: caller, context: context, values: form.dictionary, errors: errors,
                             status: ErrorMiddleware.status(error.kind))
        }) { try await body(caller, id, form) }
    }

    func evaluate(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await action(request, context, done: "evaluated") { caller, id, _ in
            _ = try await grants.evaluateEligibility(id, by: caller, on: services.db)
        }
    }

    func decideRule(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let rule = context.parameters.get("rule").flatMap(EligibilityRuleID.init(rawValue:)) else {
            throw GrantsFailure.notFound
        }
        return try await action(request, context, done: "decided") { caller, id, form in
            let decision: EligibilityOverride.Decision = switch form["decision-\(rule.rawValue)"] {
            case "pass": .setOutcome(.pass)
            case "fail": .setOutcome(.fail)
            default: .confirm
            }
            _ = try await grants.decideEligibilityRule(id, rule: rule, decision: decision,
                                                       reason: form["reason-\(rule.rawValue)"],
                                                       expectedVersion: GrantsWeb.version(form), by: caller,
                                                       on: services.db)
        }
    }

    func pass(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await action(request, context, done: "passed") { caller, id, form in
            _ = try await grants.passEligibility(id, expectedVersion: GrantsWeb.version(form), by: caller, on: services.db)
        }
    }

    func ineligible(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await action(request, context, done: "ineligible") { caller, id, form in
            _ = try await grants.declareIneligible(id, reason: form["reason"], expectedVersion: GrantsWeb.version(form),
                                                   by: caller, on: services.db)
        }
    }

    static func deadline(_ text: String, field: String = "deadline") throws -> Cutoff {
        guard let day = ROCDate.parse(text.trimmingWhitespace()) else {
            throw GrantsFailure.invalid([FieldError(field: field, zh: "請輸入日期，例如 115/11/30 或 2026-11-30。",
                                                    en: "Enter a date such as 2026-11-30 or 115/11/30.")])
        }
        return .endOfDay(day)
    }

    func correction(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await action(request, context, done: "correction") { caller, id, form in
            let sections = form.all("sections").compactMap(ApplicationSection.init(rawValue:))
            let items = form["items"].split(whereSeparator: \.isNewline).map(String.init)
            _ = try await grants.requestCorrection(id, items: items, sections: sections,
                                                   deadline: Self.deadline(form["deadline"]),
                                                   expectedVersion: GrantsWeb.version(form), by: caller, on: services.db)
        }
    }

    func reinstate(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await action(request, context, done: "reinstated") { caller, id, form in
            _ = try await grants.reinstate(id, deadline: Self.deadline(form["deadline"]), reason: form["reason"],
                                           expectedVersion: GrantsWeb.version(form), by: caller, on: services.db)
        }
    }

    func assign(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await action(request, context, done: "assigned") { caller, id, form in
            guard let reviewer = UUID(uuidString: form["reviewer"]) else {
                throw GrantsFailure.invalid([FieldError(field: "reviewer", zh: "請選擇審查委員。", en: "Choose a reviewer.")])
            }
            try await grants.assign(id, reviewer: reviewer, by: caller, on: services.db)
        }
    }

    func meeting(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await action(request, context, done: "meeting") { caller, id, form in
            _ = try await grants.sendToMeeting(id, expectedVersion: GrantsWeb.version(form), by: caller, on: services.db)
        }
    }

    static func level(_ text: String) throws -> GrantLevel {
        guard let level = GrantLevel(rawValue: text) else {
            throw GrantsFailure.invalid([FieldError(field: "level", zh: "請選擇等級。", en: "Choose a level.")])
        }
        return level
    }

    func approve(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await action(request, context, roles: [.operator, .ministry], done: "approved") { caller, id, form in
            _ = try await grants.approve(id, level: Self.level(form["level"]), expectedVersion: GrantsWeb.version(form),
                                         by: caller, on: services.db)
        }
    }

    func reject(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await action(request, context, roles: [.operator, .ministry], done: "rejected") { caller, id, form in
            _ = try await grants.reject(id, reason: form["reason"], expectedVersion: GrantsWeb.version(form),
                                        by: caller, on: services.db)
        }
    }

    func award(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await action(request, context, roles: [.ministry], done: "awarded") { caller, id, form in
            let start = form["termStart"].trimmingWhitespace()
            var termStart: ROCDate?
            if !start.isEmpty {
                guard let day = ROCDate.parse(start) else {
                    throw GrantsFailure.invalid([FieldError(field: "termStart", zh: "請輸入日期，例如 115/12/01。",
                                                            en: "Enter a date such as 2026-12-01.")])
                }
                termStart = day
            }
            _ = try await grants.award(id, level: Self.level(form["level"]), reason: form["reason"], termStart: termStart,
                                       expectedVersion: GrantsWeb.version(form), by: caller, on: services.db)
        }
    }
}

extension FieldView {
    func relabel(_ label: String) -> FieldView {
        var copy = self
        copy.label = label
        return copy
    }

    func selecting(_ value: String?) -> FieldView {
        guard let value else { return self }
        var copy = self
        copy.options = options.map { OptionView(value: $0.value, label: $0.label, selected: $0.value == value) }
        return copy
    }
}
