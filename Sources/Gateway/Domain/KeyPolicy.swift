import Foundation
import SuanliKit

/// What a key may do (issue 4, item 2): an optional allowlist of models, an optional expiry and
/// optional per-minute limits on requests (RPM) and tokens (TPM). Checked when a key is created or
/// changed, so a stored policy is always valid.
public struct KeyPolicy: Hashable, Sendable, Codable {
    /// Model IDs this key may call; empty means every model the catalogue offers.
    public var models: [String]
    public var expiresAt: Date?
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?

    public static let maxRequestsPerMinute = 100_000
    public static let maxTokensPerMinute = 100_000_000
    public static let maxModels = 50

    public init(models: [String] = [], expiresAt: Date? = nil, requestsPerMinute: Int? = nil,
                tokensPerMinute: Int? = nil) {
        self.models = models
        self.expiresAt = expiresAt
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
    }

    public func allows(model: String) -> Bool { models.isEmpty || models.contains(model) }

    public func isExpired(at instant: Date) -> Bool { expiresAt.map { $0 <= instant } ?? false }

    /// Field errors, if any: each limit positive and bounded, model IDs plain and few, expiry ahead.
    public func problems(now: Date) -> [FieldError] {
        var problems: [FieldError] = []
        if let rpm = requestsPerMinute, !(1...Self.maxRequestsPerMinute).contains(rpm) {
            problems.append(FieldError(field: "requestsPerMinute", zh: "每分鐘請求數須為 1–100,000，或留空表示不限。",
                                       en: "Requests per minute must be 1–100,000, or empty for no limit."))
        }
        if let tpm = tokensPerMinute, !(1...Self.maxTokensPerMinute).contains(tpm) {
            problems.append(FieldError(field: "tokensPerMinute", zh: "每分鐘 Token 數須為 1–100,000,000，或留空表示不限。",
                                       en: "Tokens per minute must be 1–100,000,000, or empty for no limit."))
        }
        if models.count > Self.maxModels || models.contains(where: { !Self.isModelID($0) }) {
            problems.append(FieldError(field: "models", zh: "模型名稱只能含英數字與 . _ - / :，最多 50 個。",
                                       en: "Model names may hold letters, digits and . _ - / : only; at most 50."))
        }
        if let expiresAt, expiresAt <= now {
            problems.append(FieldError(field: "expiresAt", zh: "到期時間須晚於現在。", en: "The expiry must be in the future."))
        }
        return problems
    }

    /// A model name as clients send it: letters, digits and . _ - / : (e.g. "meta-llama/Llama-3.1-8B").
    public static func isModelID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 128 && text.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                || [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: ":")].contains($0)
        }
    }
}
