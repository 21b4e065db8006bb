import Compliance
import FluentKit
import Foundation
import SuanliKit

/// The catalogue's use cases (SPEC C5.3; issue 4, items 4 and 7): operators list models with their
/// developer and origin and the servers that run them, and add to the origin deny list. A refused
/// model cannot be listed at all ("refused everywhere — in the catalogue"); a model the operator later
/// refuses through the deny list disappears from `/v1/models` at once. Every change is audited.
public struct GatewayCatalogue: Sendable {
    public let audit: AuditLog
    public var clock: any WallClock { audit.clock }

    public init(audit: AuditLog) { self.audit = audit }

    public func catalogue(on db: any Database) async throws -> ModelCatalogue {
        let models = try await GatewayModelRow.query(on: db).sort(\.$modelID).all().map(\.model)
        return ModelCatalogue(models: models, denyList: try await denyList(on: db))
    }

    public func denyList(on db: any Database) async throws -> OriginDenyList {
        let rows = try await DeniedOriginRow.query(on: db).all()
        return OriginDenyList(countries: Set(rows.filter { $0.kind == "country" }.map(\.value)),
                              names: rows.filter { $0.kind == "name" }.map(\.value))
    }

    /// Adds a model or replaces its entry (same `id`).
    public func upsert(_ model: CatalogueModel, by actor: String, on db: any Database) async throws {
        var problems = Self.problems(model)
        if problems.isEmpty, let refusal = try await denyList(on: db).refusal(of: model) {
            problems.append(FieldError(field: "origin", zh: refusal.zh, en: refusal.en))
        }
        guard problems.isEmpty else {
            throw UserFacingError(.invalidInput, code: "gateway.model.invalid", zh: "模型設定有 \(problems.count) 處需要修正。",
                                  en: "\(problems.count) model setting(s) need correcting.", fields: problems)
        }
        try await db.transaction { tx in
            let row = try await GatewayModelRow.query(on: tx).filter(\.$modelID == model.id).first() ?? GatewayModelRow()
            row.modelID = model.id
            row.developer = model.developer.trimmingWhitespace()
            row.origin = model.origin.trimmingWhitespace().uppercased()
            row.capabilities = model.capabilities.map(\.rawValue).sorted().joined(separator: ",")
            row.upstreams = String(decoding: try JSONEncoder().encode(model.upstreams), as: UTF8.self)
            row.upstreamModel = model.upstreamModel
            row.enabled = model.enabled
            row.updatedBy = actor
            row.updatedAt = self.clock.now()
            try await row.save(on: tx)
            try await self.audit.record(AuditEntry(
                actorLabel: actor, action: "gateway.model.saved", subjectType: "model", subjectID: model.id,
                details: ["developer": row.developer, "origin": row.origin, "capabilities": row.capabilities,
                          "upstreams": model.upstreams.joined(separator: " "), "enabled": String(model.enabled)]), on: tx)
        }
    }

    /// Adds a developer country (ISO 3166-1 alpha-2) or a model family / developer name to the deny list.
    public func deny(country: String? = nil, name: String? = nil, reason: String, by actor: String,
                     on db: any Database) async throws {
        let reason = reason.trimmingWhitespace()
        let (kind, value): (String, String)
        if let country {
            value = country.trimmingWhitespace().uppercased()
            kind = "country"
            guard value.count == 2, value.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw Self.invalid("country", zh: "國家請填 ISO 3166-1 二碼，例如 CN。", en: "Give an ISO 3166-1 alpha-2 code, e.g. CN.")
            }
        } else if let name {
            value = name.trimmingWhitespace().lowercased()
            kind = "name"
            guard (2...60).contains(value.count), !value.hasControlCharacters else {
                throw Self.invalid("name", zh: "名稱須為 2–60 字。", en: "The name must be 2–60 characters.")
            }
        } else {
            throw Self.invalid("country", zh: "請填國家或名稱。", en: "Give a country or a name.")
        }
        guard !reason.isEmpty, !reason.hasControlCharacters else {
            throw Self.invalid("reason", zh: "請填寫原因。", en: "Give a reason.")
        }
        try await db.transaction { tx in
            guard try await DeniedOriginRow.query(on: tx).filter(\.$kind == kind).filter(\.$value == value).first() == nil
            else { return }
            let row = DeniedOriginRow()
            row.kind = kind
            row.value = value
            row.reason = reason
            row.addedBy = actor
            row.addedAt = self.clock.now()
            try await row.create(on: tx)
            try await self.audit.record(AuditEntry(
                actorLabel: actor, action: "gateway.origin.denied", subjectType: "denyList", subjectID: "\(kind):\(value)",
                details: ["reason": reason]), on: tx)
        }
    }

    static func invalid(_ field: String, zh: String, en: String) -> UserFacingError {
        UserFacingError(.invalidInput, code: "gateway.denyList.invalid", zh: zh, en: en,
                        fields: [FieldError(field: field, zh: zh, en: en)])
    }

    static func problems(_ model: CatalogueModel) -> [FieldError] {
        var problems: [FieldError] = []
        if !KeyPolicy.isModelID(model.id) {
            problems.append(FieldError(field: "id", zh: "模型名稱只能含英數字與 . _ - / :。",
                                       en: "A model name may hold letters, digits and . _ - / : only."))
        }
        if model.developer.trimmingWhitespace().isEmpty || model.developer.hasControlCharacters {
            problems.append(FieldError(field: "developer", zh: "請填寫開發者。", en: "Give the developer."))
        }
        let origin = model.origin.trimmingWhitespace()
        if origin.count != 2 || !origin.allSatisfy({ $0.isASCII && $0.isLetter }) {
            problems.append(FieldError(field: "origin", zh: "開發者所在國家請填 ISO 3166-1 二碼，例如 US、TW。",
                                       en: "Give the developer's country as an ISO 3166-1 alpha-2 code, e.g. US or TW."))
        }
        if model.capabilities.isEmpty {
            problems.append(FieldError(field: "capabilities", zh: "請選擇模型提供的功能。", en: "Choose what the model serves."))
        }
        if model.upstreams.isEmpty || model.upstreams.contains(where: { !Self.isUpstreamURL($0) }) {
            problems.append(FieldError(field: "upstreams", zh: "請填寫至少一個以 /v1 結尾的 http(s) 位址。",
                                       en: "Give at least one http(s) base URL ending in /v1."))
        }
        return problems
    }

    static func isUpstreamURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
              url.host?.isEmpty == false, url.query == nil, url.fragment == nil else { return false }
        return text.hasSuffix("/v1")
    }
}
