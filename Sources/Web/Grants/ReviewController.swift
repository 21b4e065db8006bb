import Foundation
import Grants
import Hummingbird
import Identity
import SuanliKit

/// The reviewer's (審查委員) pages (SPEC C4.4): the assignments, the conflict-of-interest
/// declaration, the score sheet, and the other reviewers' scores once their own is submitted.
struct ReviewController {
    let services: PortalServices
    var grants: GrantsService { services.grants }
    var renderer: Renderer { services.renderer }

    func register(on router: Router<AppRequestContext>) {
        router.get("/review", use: list)
        router.get("/review/:id", use: show)
        router.post("/review/:id/declaration", use: declare)
        router.post("/review/:id/scores", use: score)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.reviewer])
        let rows = try await grants.myAssignments(by: caller, on: services.db)
        let table = TableView(
            caption: context.tr("指派給您的申請案", "Applications assigned to you"),
            headers: [context.tr("案號", "Ref."), context.tr("主題", "Title"), context.tr("公司", "Company"),
                      context.tr("類別", "Category"), context.tr("利益迴避", "Declaration"), context.tr("評分", "Scores")],
            rows: rows.map { row in
                RowView(cells: [
                    CellView(text: row.reference, href: "/review/\(row.applicationID.uuidString)"),
                    CellView(text: row.title), CellView(text: row.companyName),
                    CellView(text: context.tr(row.category.zh, row.category.en)),
                    CellView(text: row.conflict == "none" ? context.tr("已聲明", "declared") : context.tr("待聲明", "to do")),
                    CellView(text: row.sheetSubmitted ? context.tr("已送出", "submitted") : context.tr("未完成", "not done")),
                ])
            }, empty: context.tr("目前沒有指派給您的申請案。", "Nothing is assigned to you at present."))
        let page = GrantsPage(heading: context.tr("審查工作", "My reviews"), blocks: [BlockView(table: table)])
        return renderer.render("grants", title: page.heading, body: page, context: context,
                               notice: GrantsWeb.notice(request, context))
    }

    static func bonusKey(_ item: BonusItem) -> String {
        switch item {
        case .fieldSiteMOU: "fieldSiteMOU"
        case .productisationMaterial: "productisationMaterial"
        case .openDataset: "openDataset"
        case .openModel: "openModel"
        case .openCode: "openCode"
        case .registration(let kind): "registration.\(kind.rawValue)"
        }
    }

    func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.reviewer])
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
        let mine = try await grants.myAssignments(by: caller, on: db).first { $0.applicationID == id }
        let sheets = try await grants.visibleSheets(id, by: caller, on: db)
        let files = try await grants.attachments(of: id, for: caller, on: db)
        let own = sheets.first { $0.reviewer.rawValue == caller.userID.uuidString }
        let rubric = programme.settings.rubric(for: record.category)
        let f = FieldFactory(renderer: renderer, language: context.language, values: values, errors: errors)
        let base = "/review/\(id.uuidString)"
        var blocks: [BlockView] = []

        var work = BlockView(title: context.tr("評分", "Scoring"), anchor: "scoring")
        if mine?.conflict == "undeclared" {
            work.paragraphs.append(context.tr(
                "評分前請先就本案聲明是否有利益衝突（例如任職、持股、近三年合作或親屬關係）。聲明有利益衝突者將自本案移除。",
                "Before scoring, declare whether you have a conflict of interest (employment, shareholding, work together in "
                    + "the last three years, family ties). A declared conflict removes you from this application."))
            work.forms.append(BlockForm(heading: context.tr("利益迴避聲明", "Conflict-of-interest declaration"), form: FormView(
                action: "\(base)/declaration", submit: context.tr("送出聲明", "Submit the declaration"), fields: [
                    f.select("conflict", options: [("no", context.tr("本人與本案無利益衝突", "I have no conflict with this application")),
                                                   ("yes", context.tr("本人與本案有利益衝突，申請迴避", "I have a conflict and withdraw"))],
                             label: context.tr("聲明", "Declaration")),
                    f.textarea("conflictReason").relabel(context.tr("利益衝突說明（申請迴避時必填）", "Describe the conflict (required if you withdraw)")),
                ])))
        } else if let own, own.isSubmitted {
            work.paragraphs.append(context.tr("您已送出評分。", "You have submitted your scores."))
        } else if record.status == .professionalReview {
            var fields: [FieldView] = []
            for criterion in rubric.criteria {
                let key = criterion.key.rawValue
                let label = "\(context.tr(criterion.label))（\(context.tr("權重", "weight")) \(criterion.weight / 100)%）"
                fields.append(f.input("score.\(key)", label: label + context.tr("：0–100 分", ": 0–100"), type: "number",
                                      value: values["score.\(key)"] ?? own?.scores[criterion.key].map(String.init) ?? ""))
                var comment = f.textarea("comment.\(key)").relabel(context.tr("評語", "Comment") + "（\(context.tr(criterion.label))）")
                comment.value = values["comment.\(key)"] ?? own?.comments[criterion.key] ?? ""
                fields.append(comment)
            }
            let claimed = record.form.bonusClaims
            if !claimed.isEmpty {
                fields.append(f.choices("bonus", options: claimed.map {
                    (Self.bonusKey($0.item), "\(context.tr($0.item.label))：\($0.evidence)") },
                    selected: Set(own?.grantedBonus.map(Self.bonusKey) ?? []),
                    label: context.tr("認可的加分項目（申請人所提）", "Bonus items you accept (as claimed)")))
            }
            var overall = f.textarea("overallComment", required: true).relabel(context.tr("總評（送出時必填）", "Overall comment (required to submit)"))
            overall.value = values["overallComment"] ?? own?.overallComment ?? ""
            fields.append(overall)
            fields.append(f.select("action", options: [("save", context.tr("僅儲存草稿", "Save as draft")),
                                                       ("submit", context.tr("送出評分（送出後不可修改）", "Submit (final)"))],
                                   label: context.tr("動作", "Action")))
            work.forms.append(BlockForm(form: FormView(action: "\(base)/scores", submit: context.tr("確認", "Confirm"),
                                                       fields: fields)))
        } else {
            work.paragraphs.append(context.tr("本案目前不在專業審查階段。", "This application is not in professional review."))
        }
        blocks.append(work)
        if let own {
            let others = sheets.filter { $0.reviewer != own.reviewer }
            if own.isSubmitted {
                blocks.append(BlockView(title: context.tr("其他委員評分", "Other reviewers' scores"), table: TableView(
                    caption: context.tr("您送出評分後才會顯示", "Shown only after you submitted yours"),
                    headers: [context.tr("委員", "Reviewer")] + rubric.criteria.map { context.tr($0.label) }
                        + [context.tr("總評", "Overall")],
                    rows: others.enumerated().map { index, sheet in
                        RowView(cells: [CellView(text: context.tr("委員 \(index + 1)", "Reviewer \(index + 1)"))]
                            + rubric.criteria.map { CellView(text: sheet.scores[$0.key].map(String.init) ?? "—") }
                            + [CellView(text: sheet.overallComment)])
                    }, empty: context.tr("其他委員尚未送出。", "No other reviewer has submitted yet."))))
            }
        }
        blocks += ApplicationFormView.readOnlyBlocks(record.form, company: record.company, context: context)
        blocks.append(BlockView(title: context.tr("附件", "Attachments"), table: GrantsWeb.attachmentsTable(files, context)))
        let page = GrantsPage(
            heading: "\(record.reference) \(record.title)",
            back: LinkView(href: "/review", label: context.tr("審查工作", "My reviews")),
            badge: BadgeView(text: context.tr(record.status.label), tone: record.status.tone), blocks: blocks)
        return renderer.render("grants", title: page.heading, body: page, context: context, status: status,
                               errors: errors, notice: notice)
    }

    func declare(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.reviewer])
        let id = try GrantsWeb.id(context)
        var request = request
        let form = try await request.form(context: context)
        let conflict = form["conflict"] == "yes"
        guard form["conflict"] == "yes" || form["conflict"] == "no" else {
            return try await render(id, caller: caller, context: context, values: form.dictionary, errors: [
                FieldError(field: "conflict", zh: "請選擇是否有利益衝突。", en: "Choose whether you have a conflict.")],
                status: .unprocessableContent)
        }
        return try await GrantsWeb.act(context, back: conflict ? "/review" : "/review/\(id.uuidString)",
                                       done: "declared", render: { errors, error in
            try await render(id, caller: caller, context: context, values: form.dictionary, errors: errors,
                             status: ErrorMiddleware.status(error.kind))
        }) {
            try await grants.declareConflict(id, hasConflict: conflict, reason: form["conflictReason"], by: caller,
                                             on: services.db)
        }
    }

    func score(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.reviewer])
        let id = try GrantsWeb.id(context)
        var request = request
        let form = try await request.form(context: context)
        let submit = form["action"] == "submit"
        return try await GrantsWeb.act(context, back: "/review/\(id.uuidString)",
                                       done: submit ? "scoreSubmitted" : "scored", render: { errors, error in
            try await render(id, caller: caller, context: context, values: form.dictionary, errors: errors,
                             status: ErrorMiddleware.status(error.kind))
        }) {
            let record = try await grants.application(id, for: caller, on: services.db)
            let entry = try Self.entry(form, category: record.category)
            _ = try await grants.saveScores(id, entry.with(submit: submit), by: caller, on: services.db)
        }
    }

    /// Parses the score form; a score that is not a whole number 0–100 is a field error.
    static func entry(_ form: FormBody, category: GrantCategory) throws -> ScoreEntry {
        var scores: [CriterionKey: Int] = [:], comments: [CriterionKey: String] = [:], errors: [FieldError] = []
        for key in CriterionKey.allCases {
            if let text = form.first("score.\(key.rawValue)")?.trimmingWhitespace(), !text.isEmpty {
                if let value = Int(text), (0...100).contains(value) {
                    scores[key] = value
                } else {
                    errors.append(FieldError(field: "score.\(key.rawValue)", zh: "請輸入 0 到 100 的整數分數。",
                                             en: "Enter a whole number from 0 to 100."))
                }
            }
            if let comment = form.first("comment.\(key.rawValue)") { comments[key] = comment }
        }
        guard errors.isEmpty else { throw GrantsFailure.invalid(errors) }
        let chosen = Set(form.all("bonus"))
        let bonus = Set(BonusItem.available(for: category).filter { chosen.contains(bonusKey($0)) })
        return ScoreEntry(scores: scores, comments: comments, overallComment: form["overallComment"], bonus: bonus,
                          submit: false)
    }
}

extension ScoreEntry {
    func with(submit: Bool) -> ScoreEntry {
        var copy = self
        copy.submit = submit
        return copy
    }
}
