/// An error as the gateway answers it on `/v1`: the OpenAI error object (ARCHITECTURE "Errors"), so
/// the official clients raise the matching exception (`AuthenticationError`, `NotFoundError`,
/// `RateLimitError`, …) with a message that says what was wrong and how to fix it. `zh` carries the
/// same message in Traditional Chinese for tenants' own tools.
public struct OpenAIFailure: Error, Hashable, Sendable {
    public var status: Int
    public var type: String
    public var code: String
    public var message: String
    public var zh: String
    public var param: String?
    /// Seconds, for `Retry-After` on rate limits.
    public var retryAfter: Int?
    /// False tells the official clients not to retry (`x-should-retry`): retrying cannot help.
    public var shouldRetry: Bool?

    public init(status: Int, type: String, code: String, message: String, zh: String, param: String? = nil,
                retryAfter: Int? = nil, shouldRetry: Bool? = nil) {
        self.status = status
        self.type = type
        self.code = code
        self.message = message
        self.zh = zh
        self.param = param
        self.retryAfter = retryAfter
        self.shouldRetry = shouldRetry
    }

    public var json: [UInt8] {
        var out: [UInt8] = Array("{\"error\":{\"message\":".utf8)
        JSONTopLevel.appendString(message, to: &out)
        out.append(contentsOf: ",\"type\":".utf8)
        JSONTopLevel.appendString(type, to: &out)
        out.append(contentsOf: ",\"param\":".utf8)
        if let param { JSONTopLevel.appendString(param, to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: ",\"code\":".utf8)
        JSONTopLevel.appendString(code, to: &out)
        out.append(contentsOf: ",\"message_zh\":".utf8)
        JSONTopLevel.appendString(zh, to: &out)
        out.append(contentsOf: "}}".utf8)
        return out
    }

    // MARK: The failures, one per admission step (README "Admission")

    public static let missingKey = OpenAIFailure(
        status: 401, type: "invalid_request_error", code: "missing_api_key",
        message: "You didn't provide an API key. Send your project's key as 'Authorization: Bearer sk-suanli-…'.",
        zh: "未提供 API 金鑰。請以「Authorization: Bearer sk-suanli-…」送出專案的金鑰。", shouldRetry: false)

    public static func invalidKey(_ presented: String) -> OpenAIFailure {
        let shown = presented.count > 14 ? String(presented.prefix(14)) + "…" : "…"
        return OpenAIFailure(
            status: 401, type: "invalid_request_error", code: "invalid_api_key",
            message: "Incorrect API key provided: \(shown). The key is unknown, revoked or expired; "
                + "create a new one on your project's API keys page.",
            zh: "API 金鑰不正確（\(shown)）：金鑰不存在、已撤銷或已過期，請至專案的「API 金鑰」頁建立新金鑰。",
            shouldRetry: false)
    }

    public static func projectInactive(_ reason: String, zh: String) -> OpenAIFailure {
        OpenAIFailure(status: 403, type: "permission_error", code: "project_inactive", message: reason, zh: zh,
                      shouldRetry: false)
    }

    public static func unknownModel(_ model: String) -> OpenAIFailure {
        OpenAIFailure(
            status: 404, type: "invalid_request_error", code: "model_not_found",
            message: "The model '\(model)' does not exist or is not offered for this endpoint. "
                + "GET /v1/models lists the models you can use.",
            zh: "模型「\(model)」不存在或不支援此端點；可用模型請見 GET /v1/models。", param: "model", shouldRetry: false)
    }

    public static func refusedModel(_ model: String, reason: String, zh: String) -> OpenAIFailure {
        OpenAIFailure(
            status: 403, type: "permission_error", code: "model_not_permitted",
            message: "The model '\(model)' may not be used on this platform: \(reason)",
            zh: "本平台不得使用模型「\(model)」：\(zh)", param: "model", shouldRetry: false)
    }

    public static func modelNotAllowedForKey(_ model: String) -> OpenAIFailure {
        OpenAIFailure(
            status: 403, type: "permission_error", code: "model_not_allowed_for_key",
            message: "This API key may not use the model '\(model)'. Use a key whose model list includes it.",
            zh: "此 API 金鑰不得使用模型「\(model)」，請改用允許該模型的金鑰。", param: "model", shouldRetry: false)
    }

    public static func regionDenied(_ country: String) -> OpenAIFailure {
        OpenAIFailure(
            status: 403, type: "permission_error", code: "unsupported_country_region_territory",
            message: "Requests from this country, region or territory (\(country)) are not accepted "
                + "(platform rule: no connections from China, Hong Kong or Macau).",
            zh: "本平台不受理來自此國家或地區（\(country)）的連線（禁止自中國大陸、香港、澳門連線）。", shouldRetry: false)
    }

    public static let unknownAddress = OpenAIFailure(
        status: 403, type: "permission_error", code: "unknown_client_address",
        message: "The client address could not be determined from X-Forwarded-For, so the request was refused.",
        zh: "無法由 X-Forwarded-For 判定連線來源位址，已拒絕此請求。", shouldRetry: false)

    public static func rateLimited(_ kind: RateWindow.Verdict.Kind, limit: Int, retryAfter: Int) -> OpenAIFailure {
        let what = kind == .requests ? "requests per minute" : "tokens per minute"
        let zhWhat = kind == .requests ? "每分鐘請求數" : "每分鐘 Token 數"
        return OpenAIFailure(
            status: 429, type: "rate_limit_error", code: "rate_limit_exceeded",
            message: "Rate limit reached: this key allows \(limit) \(what). Try again in \(retryAfter) s.",
            zh: "已達此金鑰的\(zhWhat)上限（\(limit)），請於 \(retryAfter) 秒後再試。", retryAfter: retryAfter)
    }

    public static func insufficientPoints(remaining: String, needed: String) -> OpenAIFailure {
        OpenAIFailure(
            status: 429, type: "insufficient_quota", code: "insufficient_quota",
            message: "Your project's points cannot pay for this request (remaining \(remaining) points; "
                + "this prompt needs at least \(needed)). Shorten the prompt or ask the programme office.",
            zh: "專案剩餘點數不足以支付此請求（剩餘 \(remaining) 點，此提示至少需 \(needed) 點）。請縮短提示或洽計畫辦公室。",
            shouldRetry: false)
    }

    public static func invalidRequest(_ message: String, zh: String, param: String? = nil,
                                      code: String = "invalid_request") -> OpenAIFailure {
        OpenAIFailure(status: 400, type: "invalid_request_error", code: code, message: message, zh: zh, param: param,
                      shouldRetry: false)
    }

    public static func bodyTooLarge(limit: Int) -> OpenAIFailure {
        OpenAIFailure(status: 413, type: "invalid_request_error", code: "request_too_large",
                      message: "The request body is larger than \(limit >> 20) MiB.",
                      zh: "請求內容超過 \(limit >> 20) MiB。", shouldRetry: false)
    }

    public static func unknownURL(method: String, path: String) -> OpenAIFailure {
        OpenAIFailure(status: 404, type: "invalid_request_error", code: "unknown_url",
                      message: "Unknown request URL: \(method) \(path). The gateway serves GET /v1/models, "
                        + "POST /v1/chat/completions, POST /v1/completions and POST /v1/embeddings.",
                      zh: "未知的請求網址：\(method) \(path)。", shouldRetry: false)
    }

    public static let upstreamUnavailable = OpenAIFailure(
        status: 503, type: "api_error", code: "upstream_unavailable",
        message: "No server for this model is reachable right now. Nothing was charged; try again shortly.",
        zh: "此模型的伺服器目前皆無法連線，本次未扣點，請稍後再試。")

    public static let ledgerUnavailable = OpenAIFailure(
        status: 503, type: "api_error", code: "points_unavailable",
        message: "The points ledger cannot be reached, so no request can be admitted. Nothing was charged.",
        zh: "目前無法存取點數帳本，暫停受理請求，本次未扣點。")
}
