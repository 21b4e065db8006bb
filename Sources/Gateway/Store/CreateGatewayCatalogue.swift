import FluentKit
import Foundation

/// The inference catalogue (SPEC C5.3) and the operator's additions to the origin deny list.
public struct CreateGatewayCatalogue: AsyncMigration {
    public init() {}
    public func prepare(on database: any Database) async throws {
        try await database.schema(GatewayModelRow.schema)
            .id()
            .field("model_id", .string, .required)
            .field("developer", .string, .required)
            .field("origin", .string, .required)
            .field("capabilities", .string, .required)
            .field("upstreams", .string, .required)
            .field("upstream_model", .string)
            .field("enabled", .bool, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "model_id")
            .create()
        try await database.schema(DeniedOriginRow.schema)
            .id()
            .field("kind", .string, .required)
            .field("value", .string, .required)
            .field("reason", .string, .required)
            .field("added_by", .string, .required)
            .field("added_at", .datetime, .required)
            .unique(on: "kind", "value")
            .create()
    }
    public func revert(on database: any Database) async throws {
        try await database.schema(DeniedOriginRow.schema).delete()
        try await database.schema(GatewayModelRow.schema).delete()
    }
}

public final class GatewayModelRow: Model, @unchecked Sendable {
    public static let schema = "gateway_models"
    @ID(key: .id) public var id: UUID?
    @Field(key: "model_id") public var modelID: String
    @Field(key: "developer") public var developer: String
    @Field(key: "origin") public var origin: String
    /// Comma-separated `ModelCapability` raw values.
    @Field(key: "capabilities") public var capabilities: String
    /// JSON array of base URLs.
    @Field(key: "upstreams") public var upstreams: String
    @OptionalField(key: "upstream_model") public var upstreamModel: String?
    @Field(key: "enabled") public var enabled: Bool
    @Field(key: "updated_by") public var updatedBy: String
    @Field(key: "updated_at") public var updatedAt: Date
    public init() {}

    var model: CatalogueModel {
        CatalogueModel(
            id: modelID, developer: developer, origin: origin,
            capabilities: Set(capabilities.split(separator: ",").compactMap { ModelCapability(rawValue: String($0)) }),
            upstreams: (try? JSONDecoder().decode([String].self, from: Data(upstreams.utf8))) ?? [],
            upstreamModel: upstreamModel, enabled: enabled)
    }
}

/// One operator addition to the deny list: a developer country or a model family / developer name.
public final class DeniedOriginRow: Model, @unchecked Sendable {
    public static let schema = "gateway_denied_origins"
    @ID(key: .id) public var id: UUID?
    /// "country" or "name".
    @Field(key: "kind") public var kind: String
    @Field(key: "value") public var value: String
    @Field(key: "reason") public var reason: String
    @Field(key: "added_by") public var addedBy: String
    @Field(key: "added_at") public var addedAt: Date
    public init() {}
}
