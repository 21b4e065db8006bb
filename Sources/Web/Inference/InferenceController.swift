import Foundation
import Gateway
import Grants
import Hummingbird
import Identity
import Ledger
import NIOCore
import SuanliKit

/// The inference tenant's page of a project (SPEC C5.6, issue 4 item 6): remaining points, daily usage
/// (SVG), the per-model breakdown, recent requests, a CSV of the daily usage, and the project's API
/// keys — created, rotated and revoked here, each new key shown once. Only the project's own company
/// (and the operator and ministry, read-only) can open it: the project is read through Grants with the
/// caller, which answers "not found" for anyone else's.
struct InferenceController {
    let services: PortalServices
    var grants: GrantsService { services.grants }
    var renderer: Renderer { services.renderer }

    func register(on router: Router<AppRequestContext>) {
        router.get("/projects/:id/inference", use: show)
        router.get("/projects/:id/inference/usage.csv", use: usageCSV)
        router.post("/projects/:id/inference/keys", use: createKey)
        router.post("/projects/:id/inference/keys/:key/rotate", use: rotateKey)
        router.post("/projects/:id/inference/keys/:key/revoke", use: revokeKey)
    }

    var inference: InferenceServices {
        get throws {
            guard let inference = services.inference else { throw GrantsFailure.notFound }
            return inference
        }
    }

    /// The caller's inference project (any other answers "not found": tenant isolation).
    func project(_ context: AppRequestContext) async throws -> (GrantsCaller, ProjectRecord) {
        let caller = try context.grantsCaller([.applicant, .operator, .ministry])
        let project = try await grants.project(try GrantsWeb.id(context), for: caller, on: services.db)
        guard project.category == .inference else { throw GrantsFailure.notFound }
        return (caller, project)
    }

    // MARK: The page

    func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (caller, project) = try await project(context)
        return try await render(project, caller: caller, context: context, notice: GrantsWeb.notice(request, context))
    }

    func render(_ project: ProjectRecord, caller: GrantsCaller, context: AppRequestContext, notice: String? = nil,
                values: [String: String] = [:], errors: [FieldError] = [], status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let inference = try inference
        let db = services.db
        let account = try await inference.ledger.account(project: project.id, on: db)
        var daily: [DailyUsage] = []
        if let account { daily = try await inference.ledger.daily(account: account.id, on: db) }
        let recent = try await inference.requests.recent(project: project.id, limit: 20, on: db)
        let path = "/projects/\(project.id.uuidString)/inference"
        var blocks = [pointsBlock(account, daily: daily, context: context),
                      InferenceViews.dailyChart(daily, context: context, csv: "\(path)/usage.csv"),
                      InferenceViews.perModel(daily, context: context),
                      try await keysBlock(project, caller: caller, path: path, values: values, errors: errors,
                                          context: context),
                      InferenceViews.recent(recent, context: context)]
        blocks.append(InferenceViews.howTo(baseURL: services.settings.publicURL + "/v1", context: context))
        let page = GrantsPage(
            heading: "\(project.reference) \(context.tr("推論服務", "Inference"))",
            back: LinkView(href: "/projects/\(project.id.uuidString)", label: project.title),
            badge: account.map { BadgeView(text: context.tr("剩餘 ", "Remaining ") + $0.remaining.pointsText
                                                + context.tr(" 點", " points"),
                                           tone: $0.remaining > .zero && $0.status == .open ? "ok" : "warn") },
            blocks: blocks)
        return renderer.render("grants", title: page.heading, body: page, context: context, status: status,
                               errors: errors, notice: notice)
    }

    func pointsBlock(_ account: AccountSnapshot?, daily: [DailyUsage], context: AppRequestContext) -> BlockView {
        guard let account else {
            return BlockView(title: context.tr("點數", "Points"), warning: context.tr(
                "此專案尚無點數帳戶。", "This project has no points account yet."))
        }
        let tokens = daily.reduce(0) { $0 + $1.promptTokens + $1.completionTokens }
        return BlockView(title: context.tr("點數", "Points"), facts: [
            FactView(term: context.tr("核定點數", "Granted"), value: account.granted.pointsText),
            FactView(term: context.tr("已使用", "Used"), value: account.used.pointsText),
            FactView(term: context.tr("閘道預留中（進行中的請求；閒置 5 秒後釋回）", "Held by the gateway (running requests; returned after 5 s idle)"),
                     value: account.held.pointsText),
            FactView(term: context.tr("剩餘點數", "Remaining"), value: account.remaining.pointsText),
            FactView(term: context.tr("已計量 Token", "Tokens metered"), value: account.tokensMetered.formatted(.number)),
            FactView(term: context.tr("使用期間", "Term"), value: "\(context.time(account.termStart)) – "
                     + context.time(account.termEnd.addingTimeInterval(-1))),
        ], list: [
            context.tr("1 點 = 100,000 個 Token（輸入與輸出合計）；每累計 1,000 個 Token 扣 0.01 點，不足 1,000 的零數累計至下次，不逐次進位。",
                       "1 point = 100,000 tokens (input and output alike); every started 1,000 tokens cost 0.01 point, "
                        + "carried across requests rather than rounded up on each."),
            context.tr("本期已記錄 \(tokens.formatted(.number)) 個 Token 的每日統計。", "\(tokens.formatted(.number)) tokens in the daily roll-up."),
        ])
    }

    // MARK: Keys

    func keysBlock(_ project: ProjectRecord, caller: GrantsCaller, path: String, values: [String: String],
                   errors: [FieldError], context: AppRequestContext) async throws -> BlockView {
        let keys = try await inference.keys.list(project: project.id, organisation: project.organisationID,
                                                 includeRevoked: true, on: services.db)
        let manage = caller.role == .applicant
        var block = BlockView(title: context.tr("API 金鑰", "API keys"), anchor: "keys", table: TableView(
            caption: context.tr("金鑰只在建立時顯示一次；此處只列前綴。", "A key is shown once, when it is made; only its prefix is listed."),
            headers: [context.tr("名稱", "Name"), context.tr("前綴", "Prefix"), context.tr("模型", "Models"),
                      context.tr("限制", "Limits"), context.tr("到期", "Expires"), context.tr("最後使用", "Last used"),
                      context.tr("狀態", "Status")],
            rows: keys.map { key in
                RowView(cells: [
                    CellView(text: key.name), CellView(text: key.prefix + "…"),
                    CellView(text: key.policy.models.isEmpty ? context.tr("全部", "all") : key.policy.models.joined(separator: ", ")),
                    CellView(text: InferenceViews.limits(key.policy, context)),
                    CellView(text: context.time(key.policy.expiresAt)), CellView(text: context.time(key.lastUsedAt)),
                    CellView(text: key.revokedAt.map { context.tr("已撤銷 ", "revoked ") + context.time($0) }
                        ?? context.tr("有效", "active")),
                ], tone: key.revokedAt == nil ? nil : "warn")
            }, empty: context.tr("尚未建立金鑰。", "No keys yet.")))
        guard manage else { return block }
        let f = FieldFactory(renderer: renderer, language: context.language, values: values, errors: errors)
        block.forms = [BlockForm(heading: context.tr("建立金鑰", "Create a key"), form: FormView(
            action: "\(path)/keys", submit: context.tr("建立金鑰", "Create key"), fields: [
                f.input("name", label: context.tr("名稱（用途）", "Name (what it is for)")),
                f.input("models", label: context.tr("只允許這些模型（以逗號分隔，空白為全部）", "Only these models (comma-separated; empty: all)"),
                        required: false),
                f.input("expiresAt", label: context.tr("到期日（含當日；空白為不設）", "Expires after (empty: never)"), type: "date",
                        required: false),
                f.input("requestsPerMinute", label: context.tr("每分鐘請求數上限（空白為不限）", "Requests per minute (empty: no limit)"),
                        type: "number", required: false),
                f.input("tokensPerMinute", label: context.tr("每分鐘 Token 數上限（空白為不限）", "Tokens per minute (empty: no limit)"),
                        type: "number", required: false),
            ]))]
        for key in keys where key.revokedAt == nil {
            block.forms.append(BlockForm(heading: "\(key.name)（\(key.prefix)…）", form: FormView(
                action: "\(path)/keys/\(key.id.uuidString)/rotate", submit: context.tr("輪替（產生新金鑰並停用舊金鑰）", "Rotate (new key, old one stops)"),
                confirm: context.tr("舊金鑰將立即失效，確定要輪替嗎？", "The old key stops working at once. Rotate?"))))
            block.forms.append(BlockForm(form: FormView(
                action: "\(path)/keys/\(key.id.uuidString)/revoke", submit: context.tr("撤銷 \(key.name)", "Revoke \(key.name)"),
                confirm: context.tr("撤銷後無法復原，確定嗎？", "A revoked key cannot be restored. Revoke?"))))
        }
        return block
    }

    func keyActor(_ caller: GrantsCaller) throws -> KeyActor {
        guard let organisation = caller.organisationID, caller.role == .applicant else { throw GrantsFailure.forbidden }
        return KeyActor(userID: caller.userID, label: caller.label, organisationID: organisation, sourceIP: caller.sourceIP)
    }

    func createKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (caller, project) = try await project(context)
        let actor = try keyActor(caller)
        var request = request
        let form = try await request.form(context: context)
        let values = ["name": form["name"], "models": form["models"], "expiresAt": form["expiresAt"],
                      "requestsPerMinute": form["requestsPerMinute"], "tokensPerMinute": form["tokensPerMinute"]]
        do {
            let policy = try InferenceViews.policy(form)
            let created = try await inference.keys.create(project: project.id, name: form["name"], policy: policy,
                                                          by: actor, on: services.db)
            return shown(created, project: project, context: context)
        } catch let error as UserFacingError where error.kind == .invalidInput {
            let fields = error.fields.isEmpty ? [FieldError(field: "name", zh: error.zh, en: error.en)] : error.fields
            return try await render(project, caller: caller, context: context, values: values, errors: fields,
                                    status: .unprocessableContent)
        }
    }

    func rotateKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (caller, project) = try await project(context)
        let created = try await inference.keys.rotate(try GrantsWeb.id(context, "key"), by: try keyActor(caller),
                                                      on: services.db)
        try inference.runtime.forgetKeys()
        return shown(created, project: project, context: context)
    }

    func revokeKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (caller, project) = try await project(context)
        try await inference.keys.revoke(try GrantsWeb.id(context, "key"), by: try keyActor(caller), on: services.db)
        try inference.runtime.forgetKeys()
        return .seeOther("/projects/\(project.id.uuidString)/inference?done=keyRevoked#keys")
    }

    /// The new key, once: the answer to the POST itself (never a redirect, so it is in no URL or
    /// history entry) and never cached.
    func shown(_ created: GatewayKeys.Created, project: ProjectRecord, context: AppRequestContext) -> Response {
        let page = SimplePage(
            heading: context.tr("新的 API 金鑰", "Your new API key"),
            intro: context.tr("請立即複製並妥善保存：此金鑰只顯示這一次，平台只保存其雜湊值，無法再次查看。",
                              "Copy it now and keep it safe: it is shown only this once. The platform keeps only its hash."),
            paragraphs: [context.tr("名稱：", "Name: ") + created.summary.name,
                         context.tr("使用方式：Authorization: Bearer <金鑰>，Base URL ", "Use: Authorization: Bearer <key>, base URL ")
                            + services.settings.publicURL + "/v1"],
            secret: created.key,
            links: [LinkView(href: "/projects/\(project.id.uuidString)/inference#keys",
                             label: context.tr("回到推論服務", "Back to inference"))])
        var response = renderer.render("page", title: page.heading, body: page, context: context, status: .created)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    // MARK: CSV

    func usageCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, project) = try await project(context)
        let inference = try inference
        let db = services.db
        var daily: [DailyUsage] = []
        if let account = try await inference.ledger.account(project: project.id, on: db) {
            daily = try await inference.ledger.daily(account: account.id, on: db)
        }
        let header = [context.tr("日期", "Date"), context.tr("民國日期", "ROC date"), context.tr("模型", "Model"),
                      context.tr("請求數", "Requests"), context.tr("輸入 Token", "Input tokens"),
                      context.tr("輸出 Token", "Output tokens"), context.tr("點數", "Points")]
        let rows = daily.map { day in
            [day.day, InferenceViews.rocDay(day.day), day.model, String(day.requests), String(day.promptTokens),
             String(day.completionTokens), day.used.pointsText]
        }
        return Response(status: .ok, headers: [
            .contentType: "text/csv; charset=utf-8",
            .contentDisposition: "attachment; filename=\"usage-\(project.reference).csv\"",
            .cacheControl: "private, no-store",
        ], body: .init(byteBuffer: ByteBuffer(bytes: CSVWriter.document([header] + rows))))
    }
}
