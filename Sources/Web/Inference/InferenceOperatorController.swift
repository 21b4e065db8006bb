import Foundation
import Gateway
import Grants
import Hummingbird
import Identity
import Ledger
import NIOCore
import SuanliKit

/// The operator's inference page (SPEC C5.3, C5.6, C6.1; issue 4 item 6): every project's consumption,
/// the requests the gateway refused (with counts by reason and country), the model catalogue with
/// each server's health, and the origin deny list. The operator changes the catalogue and the deny
/// list here (audited); the ministry reads.
struct InferenceOperatorController {
    let services: PortalServices
    var renderer: Renderer { services.renderer }

    func register(on router: Router<AppRequestContext>) {
        router.get("/operator/inference", use: show)
        router.post("/operator/inference/models", use: saveModel)
        router.post("/operator/inference/deny", use: deny)
    }

    var inference: InferenceServices {
        get throws {
            guard let inference = services.inference else { throw GrantsFailure.notFound }
            return inference
        }
    }

    func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator, .ministry])
        return try await render(caller: caller, context: context, notice: GrantsWeb.notice(request, context))
    }

    func render(caller: GrantsCaller, context: AppRequestContext, notice: String? = nil, values: [String: String] = [:],
                errors: [FieldError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let inference = try inference
        let db = services.db
        let projects = Dictionary(uniqueKeysWithValues: try await services.grants.publishedProjects(on: db).map { ($0.id, $0) })
        let accounts = try await inference.ledger.accounts(on: db).filter { $0.kind == .inference }
        let totals = try await inference.requests.totals(on: db)
        let consumption = BlockView(title: context.tr("各專案用量", "Consumption by project"), table: TableView(
            caption: context.tr("推論專案的點數與請求", "Inference projects' points and requests"),
            headers: [context.tr("專案", "Project"), context.tr("公司", "Company"), context.tr("核定", "Granted"),
                      context.tr("已使用", "Used"), context.tr("預留中", "Held"), context.tr("剩餘", "Remaining"),
                      context.tr("Token", "Tokens"), context.tr("請求", "Requests"), context.tr("被拒", "Refused"),
                      context.tr("狀態", "Status")],
            rows: accounts.map { account in
                let project = projects[account.projectID]
                let total = totals[account.projectID]
                return RowView(cells: [
                    CellView(text: project?.reference ?? "—", href: "/projects/\(account.projectID.uuidString)/inference"),
                    CellView(text: project?.companyName ?? "—"), CellView(text: account.granted.pointsText),
                    CellView(text: account.used.pointsText), CellView(text: account.held.pointsText),
                    CellView(text: account.remaining.pointsText), CellView(text: account.tokensMetered.formatted(.number)),
                    CellView(text: (total?.requests ?? 0).formatted(.number)),
                    CellView(text: (total?.refused ?? 0).formatted(.number)),
                    CellView(text: account.status == .open ? context.tr("使用中", "open") : context.tr("已結束", "closed")),
                ])
            }, empty: context.tr("尚無推論專案。", "No inference projects yet.")))
        let blocked = try await blockedBlocks(projects, context: context)
        let catalogue = try catalogueBlocks(try await inference.catalogue.catalogue(on: db),
                                            rows: try await DeniedOriginRow.query(on: db).all(),
                                            manage: caller.role == .operator, values: values, errors: errors, context: context)
        let page = GrantsPage(
            heading: context.tr("推論服務管理", "Inference service"),
            intro: context.tr("OpenAI 相容閘道 /v1：各專案用量、被拒請求、模型目錄與來源禁止清單。",
                              "The OpenAI-compatible gateway at /v1: consumption, refused requests, the model catalogue and the origin deny list."),
            blocks: [consumption] + blocked + catalogue)
        return renderer.render("grants", title: page.heading, body: page, context: context, status: status,
                               errors: errors, notice: notice)
    }

    func blockedBlocks(_ projects: [UUID: ProjectRecord], context: AppRequestContext) async throws -> [BlockView] {
        let inference = try inference
        let db = services.db
        let since = services.clock.now().addingTimeInterval(-7 * 86_400)
        let counts = try await inference.requests.blockCounts(since: since, on: db)
        let latest = try await inference.requests.blocked(limit: 50, on: db)
        let summary = BlockView(title: context.tr("被拒請求（近 7 日）", "Refused requests (last 7 days)"), anchor: "blocked", table: TableView(
            caption: context.tr("依原因與來源國家", "By reason and country of origin"),
            headers: [context.tr("原因", "Reason"), context.tr("來源國家", "Country"), context.tr("件數", "Requests")],
            rows: counts.map { count in
                RowView(cells: [CellView(text: InferenceViews.outcome(count.outcome, context)),
                                CellView(text: count.country ?? "—"), CellView(text: count.count.formatted(.number))],
                        tone: count.outcome == RequestOutcome.regionDenied.rawValue ? "warn" : nil)
            }, empty: context.tr("近 7 日沒有被拒的請求。", "No refused requests in the last 7 days.")))
        let list = BlockView(title: context.tr("最近被拒的請求", "Latest refused requests"), table: TableView(
            caption: context.tr("最新 50 筆", "Latest 50"),
            headers: [context.tr("時間", "Time"), context.tr("專案", "Project"), context.tr("原因", "Reason"),
                      context.tr("來源位址", "Client address"), context.tr("國家", "Country"), context.tr("模型", "Model"),
                      context.tr("狀態碼", "Status")],
            rows: latest.map { row in
                RowView(cells: [
                    CellView(text: context.time(row.started_at)),
                    CellView(text: projects[row.project_id]?.reference ?? "—"),
                    CellView(text: InferenceViews.outcome(row.outcome, context)), CellView(text: row.client_ip ?? "—"),
                    CellView(text: row.country ?? "—"), CellView(text: row.model), CellView(text: String(row.status)),
                ])
            }, empty: context.tr("沒有被拒的請求。", "No refused requests.")))
        return [summary, list]
    }

    func catalogueBlocks(_ catalogue: ModelCatalogue, rows: [DeniedOriginRow], manage: Bool, values: [String: String],
                         errors: [FieldError], context: AppRequestContext) throws -> [BlockView] {
        let health = try inference.runtime.upstreams.health()
        var models = BlockView(title: context.tr("模型目錄", "Model catalogue"), anchor: "models", table: TableView(
            caption: context.tr("開發者與來源國家；被禁止的模型不會出現在 /v1/models", "Developer and country of origin; refused models never appear in /v1/models"),
            headers: [context.tr("模型", "Model"), context.tr("開發者", "Developer"), context.tr("來源", "Origin"),
                      context.tr("功能", "Capabilities"), context.tr("上游伺服器", "Servers"), context.tr("狀態", "Status")],
            rows: catalogue.models.map { model in
                let refusal = catalogue.denyList.refusal(of: model)
                let servers = model.upstreams.map { url in
                    url + (health[url].map { $0.healthy ? context.tr("（正常）", " (up)") : context.tr("（無法連線）", " (down)") } ?? "")
                }.joined(separator: "、")
                return RowView(cells: [
                    CellView(text: model.id), CellView(text: model.developer), CellView(text: model.origin),
                    CellView(text: model.capabilities.map(\.rawValue).sorted().joined(separator: ", ")), CellView(text: servers),
                    CellView(text: refusal.map { context.tr("禁止：", "refused: ") + context.tr($0) }
                        ?? (model.enabled ? context.tr("提供中", "offered") : context.tr("停用", "disabled"))),
                ], tone: refusal == nil && model.enabled ? nil : "warn")
            }, empty: context.tr("目錄中沒有模型。", "No models in the catalogue.")))
        var deny = BlockView(title: context.tr("來源禁止清單", "Origin deny list"), anchor: "deny", list: [
            context.tr("平台規則（不可移除）：中國大陸、香港、澳門開發之模型，及 ", "Platform rule (cannot be removed): models developed in mainland China, Hong Kong or Macau, and the families ")
                + ChineseOrigin.families.prefix(12).joined(separator: "、") + context.tr(" 等模型家族。", ", among others."),
        ] + rows.sorted { $0.addedAt < $1.addedAt }.map { row in
            (row.kind == "country" ? context.tr("國家 ", "Country ") : context.tr("名稱 ", "Name ")) + row.value
                + context.tr("：", ": ") + row.reason + context.tr("（", " (") + row.addedBy + " " + context.time(row.addedAt)
                + context.tr("）", ")")
        })
        guard manage else { return [models, deny] }
        let f = FieldFactory(renderer: renderer, language: context.language, values: values, errors: errors)
        models.forms = [BlockForm(heading: context.tr("新增或更新模型", "Add or update a model"), form: FormView(
            action: "/operator/inference/models", submit: context.tr("儲存模型", "Save model"), fields: [
                f.input("id", label: context.tr("模型名稱（用戶端送出的 model）", "Model name (what clients send)")),
                f.input("developer", label: context.tr("開發者", "Developer")),
                f.input("origin", label: context.tr("開發者所在國家（ISO 二碼，如 US）", "Developer's country (ISO code, e.g. US)")),
                f.select("capability", options: [("chat", context.tr("對話與文字補全", "Chat and completions")),
                                                 ("embeddings", context.tr("向量嵌入", "Embeddings"))],
                         label: context.tr("功能", "Capability")),
                f.input("upstreams", label: context.tr("上游伺服器 Base URL（以 /v1 結尾，多個以逗號分隔）", "Server base URLs (ending in /v1; comma-separated)")),
                f.input("upstreamModel", label: context.tr("上游的模型名稱（與模型名稱不同時）", "The server's model name (if different)"),
                        required: false),
            ]))]
        deny.forms = [BlockForm(heading: context.tr("加入禁止清單", "Add to the deny list"), form: FormView(
            action: "/operator/inference/deny", submit: context.tr("加入", "Add"),
            confirm: context.tr("符合的模型將立即停止提供，確定嗎？", "Matching models stop being offered at once. Add?"), fields: [
                f.select("kind", options: [("name", context.tr("模型家族或開發者名稱", "Model family or developer name")),
                                           ("country", context.tr("開發者國家（ISO 二碼）", "Developer country (ISO code)"))],
                         label: context.tr("類型", "Kind")),
                f.input("value", label: context.tr("名稱或國家代碼", "Name or country code")),
                f.input("reason", label: context.tr("原因", "Reason")),
            ]))]
        return [models, deny]
    }

    func saveModel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator])
        var request = request
        let form = try await request.form(context: context)
        let values = Dictionary(uniqueKeysWithValues: ["id", "developer", "origin", "capability", "upstreams", "upstreamModel"]
            .map { ($0, form[$0]) })
        return try await act(caller, context, values: values, done: "modelSaved#models") {
            let upstreams = form["upstreams"].split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
            let upstreamModel = form["upstreamModel"].trimmingWhitespace()
            let model = CatalogueModel(
                id: form["id"].trimmingWhitespace(), developer: form["developer"], origin: form["origin"],
                capabilities: Set([ModelCapability(rawValue: form["capability"]) ?? .chat]), upstreams: upstreams,
                upstreamModel: upstreamModel.isEmpty ? nil : upstreamModel)
            try await inference.catalogue.upsert(model, by: caller.label, on: services.db)
        }
    }

    func deny(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator])
        var request = request
        let form = try await request.form(context: context)
        let values = ["kind": form["kind"], "value": form["value"], "reason": form["reason"]]
        return try await act(caller, context, values: values, done: "originDenied#deny") {
            let isCountry = form["kind"] == "country"
            do {
                try await inference.catalogue.deny(country: isCountry ? form["value"] : nil,
                                                   name: isCountry ? nil : form["value"], reason: form["reason"],
                                                   by: caller.label, on: services.db)
            } catch let error as UserFacingError {
                // The service names the field "country" or "name"; the form has one "value" field.
                throw UserFacingError(error.kind, code: error.code, zh: error.zh, en: error.en, fields: error.fields.map {
                    $0.field == "reason" ? $0 : FieldError(field: "value", zh: $0.zh, en: $0.en)
                })
            }
        }
    }

    /// Runs a change; on success the catalogue is re-read at once on this instance and the page reloads.
    func act(_ caller: GrantsCaller, _ context: AppRequestContext, values: [String: String], done: String,
             _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
        } catch let error as UserFacingError where error.kind == .invalidInput || error.kind == .conflict {
            let fields = error.fields.isEmpty ? [FieldError(field: "main", zh: error.zh, en: error.en)] : error.fields
            return try await render(caller: caller, context: context, values: values, errors: fields,
                                    status: ErrorMiddleware.status(error.kind))
        }
        try inference.runtime.forgetCatalogue()
        return .seeOther("/operator/inference?done=\(done)")
    }
}
