import Foundation
import Gateway
import Grants
import Ledger
import SuanliKit

/// The blocks the tenant's and the operator's inference pages share: charts, tables, how-to.
enum InferenceViews {
    static func limits(_ policy: KeyPolicy, _ context: AppRequestContext) -> String {
        var parts: [String] = []
        if let rpm = policy.requestsPerMinute { parts.append("\(rpm.formatted(.number)) RPM") }
        if let tpm = policy.tokensPerMinute { parts.append("\(tpm.formatted(.number)) TPM") }
        return parts.isEmpty ? context.tr("不限", "none") : parts.joined(separator: "、")
    }

    /// A key's policy from the create form: models comma-separated, expiry a date (Gregorian or ROC),
    /// limits whole numbers. Bad input is refused with field errors before anything is written.
    static func policy(_ form: FormBody) throws -> KeyPolicy {
        var problems: [FieldError] = []
        func number(_ name: String) -> Int? {
            let text = form[name].trimmingWhitespace()
            guard !text.isEmpty else { return nil }
            guard let value = Int(text) else {
                problems.append(FieldError(field: name, zh: "請填整數，或留空表示不限。", en: "Enter a whole number, or leave it empty."))
                return nil
            }
            return value
        }
        let rpm = number("requestsPerMinute")
        let tpm = number("tokensPerMinute")
        var expiresAt: Date?
        let expiry = form["expiresAt"].trimmingWhitespace()
        if !expiry.isEmpty {
            if let day = ROCDate.parse(expiry) {
                expiresAt = day.adding(days: 1).startInstant()  // the whole day, Taipei time
            } else {
                problems.append(FieldError(field: "expiresAt", zh: "請以 2026-12-31 或 115/12/31 格式填寫日期。",
                                           en: "Enter the date as 2026-12-31 or 115/12/31."))
            }
        }
        let models = form["models"].split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        guard problems.isEmpty else {
            throw UserFacingError(.invalidInput, code: "gateway.key.policy", zh: "請修正標示的欄位。",
                                  en: "Please correct the fields marked.", fields: problems)
        }
        return KeyPolicy(models: models, expiresAt: expiresAt, requestsPerMinute: rpm, tokensPerMinute: tpm)
    }

    /// yyyy-MM-dd → 民國 yyy/MM/dd.
    static func rocDay(_ iso: String) -> String {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let day = ROCDate(gregorianYear: parts[0], month: parts[1], day: parts[2]) else { return iso }
        return day.slashForm
    }

    static func dayLabel(_ iso: String, _ context: AppRequestContext) -> String {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let day = ROCDate(gregorianYear: parts[0], month: parts[1], day: parts[2]) else { return iso }
        return context.day(day)
    }

    /// Points used per day, a bar per day (the last 31 days with usage), stacked by model.
    static func dailyChart(_ daily: [DailyUsage], context: AppRequestContext, csv: String?) -> BlockView {
        let days = Array(Set(daily.map(\.day))).sorted().suffix(31)
        let models = Array(Set(daily.map(\.model))).sorted()
        let series = models.map { model in
            ChartSeries(name: model, values: days.map { day in
                daily.filter { $0.day == day && $0.model == model }.reduce(0) { $0 + $1.used.pointHundredths }
            })
        }
        let chart = SVGBarChart(
            id: "daily-usage", title: context.tr("每日使用點數", "Points used per day"),
            summary: context.tr("依模型堆疊；單位為 0.01 點", "Stacked by model; in hundredths of a point"),
            categories: days.map { dayLabel($0, context) }, series: series,
            valueAxisLabel: context.tr("0.01 點", "0.01 point"), orientation: .vertical, arrangement: .stacked,
            lang: context.language.rawValue, valueText: { hundredths in
                LedgerAmount(ticks: hundredths * (LedgerAmount.ticksPerPoint / 100)).pointsText
            }).render()
        return BlockView(title: context.tr("每日用量", "Daily usage"), anchor: "daily",
                         paragraphs: daily.isEmpty ? [context.tr("尚無用量。", "No usage yet.")] : [], svg: daily.isEmpty ? nil : chart,
                         links: csv.map { [LinkView(href: $0, label: context.tr("下載每日用量 CSV（Excel 可開啟）",
                                                                                 "Download daily usage as CSV (opens in Excel)"))] } ?? [])
    }

    static func perModel(_ daily: [DailyUsage], context: AppRequestContext) -> BlockView {
        let models = Dictionary(grouping: daily, by: \.model).sorted { $0.key < $1.key }
        return BlockView(title: context.tr("各模型用量", "Usage by model"), table: TableView(
            caption: context.tr("本期合計", "This term"),
            headers: [context.tr("模型", "Model"), context.tr("請求數", "Requests"), context.tr("輸入 Token", "Input tokens"),
                      context.tr("輸出 Token", "Output tokens"), context.tr("點數", "Points")],
            rows: models.map { model, rows in
                RowView(cells: [
                    CellView(text: model), CellView(text: rows.reduce(0) { $0 + $1.requests }.formatted(.number)),
                    CellView(text: rows.reduce(0) { $0 + $1.promptTokens }.formatted(.number)),
                    CellView(text: rows.reduce(0) { $0 + $1.completionTokens }.formatted(.number)),
                    CellView(text: rows.reduce(LedgerAmount.zero) { $0 + $1.used }.pointsText),
                ])
            }, empty: context.tr("尚無用量。", "No usage yet.")))
    }

    static func outcome(_ raw: String, _ context: AppRequestContext) -> String {
        switch RequestOutcome(rawValue: raw) {
        case .completed: context.tr("完成", "completed")
        case .clientClosed: context.tr("用戶端中斷（已計完整用量）", "client left (billed in full)")
        case .upstreamError: context.tr("模型伺服器錯誤", "model server error")
        case .regionDenied: context.tr("來源地區禁止", "region refused")
        case .rateLimited: context.tr("超過速率限制", "rate limited")
        case .insufficientPoints: context.tr("點數不足", "insufficient points")
        case .modelRefused: context.tr("模型不允許", "model refused")
        case .projectInactive: context.tr("專案未在使用期間", "project not active")
        case nil: raw
        }
    }

    static func recent(_ rows: [GatewayRequestRow], context: AppRequestContext) -> BlockView {
        BlockView(title: context.tr("最近的請求", "Recent requests"), table: TableView(
            caption: context.tr("最新 20 筆（Token 數為模型伺服器回報之實數）", "Latest 20 (exact token counts, as the model server reported them)"),
            headers: [context.tr("時間", "Time"), context.tr("模型", "Model"), context.tr("輸入", "In"),
                      context.tr("輸出", "Out"), context.tr("點數", "Points"), context.tr("結果", "Outcome"),
                      context.tr("請求編號", "Request ID")],
            rows: rows.map { row in
                RowView(cells: [
                    CellView(text: context.time(row.started_at)), CellView(text: row.model),
                    CellView(text: row.prompt_tokens.formatted(.number)), CellView(text: row.completion_tokens.formatted(.number)),
                    CellView(text: LedgerAmount(ticks: row.charged_ticks).pointsText),
                    CellView(text: outcome(row.outcome, context)), CellView(text: row.id),
                ], tone: RequestOutcome(rawValue: row.outcome)?.isBlock == true ? "warn" : nil)
            }, empty: context.tr("尚無請求。", "No requests yet.")))
    }

    static func howTo(baseURL: String, context: AppRequestContext) -> BlockView {
        BlockView(title: context.tr("呼叫方式", "How to call"), paragraphs: [
            context.tr("相容 OpenAI API：Base URL 為 \(baseURL)，以 Authorization: Bearer <API 金鑰> 驗證。",
                       "OpenAI-compatible: base URL \(baseURL), authenticated with Authorization: Bearer <API key>."),
            context.tr("未指定 max_tokens 或超過剩餘點數可支付的數量時，平台會自動調降，回應標頭 x-suanli-max-tokens 為實際上限。",
                       "Without max_tokens, or with more than the points pay, the platform lowers it; the x-suanli-max-tokens header says by how much."),
            context.tr("本平台不受理來自中國大陸、香港、澳門的連線，並禁止使用中國大陸廠牌之模型。",
                       "Connections from mainland China, Hong Kong and Macau are refused, and Chinese-brand models are not offered."),
        ], list: [
            "curl \(baseURL)/chat/completions -H \"Authorization: Bearer $SUANLI_API_KEY\" -H \"Content-Type: application/json\" "
                + "-d '{\"model\":\"gemma-3-270m\",\"messages\":[{\"role\":\"user\",\"content\":\"你好\"}]}'",
        ])
    }
}
