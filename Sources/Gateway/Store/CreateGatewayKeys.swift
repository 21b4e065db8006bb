import FluentKit
import Foundation
import SQLKit

/// Inference API keys (issue 4, item 2). `key_digest` is the SHA-256 of the whole key; the key itself
/// is never stored. `policy` is `KeyPolicy` as JSON (models, expiry, RPM, TPM).
public struct CreateGatewayKeys: AsyncMigration {
    public init() {}
    public func prepare(on database: any Database) async throws {
        try await database.schema(GatewayKeyModel.schema)
            .id()
            .field("organisation_id", .uuid, .required)
            .field("project_id", .uuid, .required)
            .field("name", .string, .required)
            .field("prefix", .string, .required)
            .field("key_digest", .string, .required)
            .field("policy", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("last_used_at", .datetime)
            .field("replaces_id", .uuid)
            .unique(on: "key_digest")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "gateway_keys_project").on(GatewayKeyModel.schema).column("project_id").run()
        }
    }
    public func revert(on database: any Database) async throws {
        try await database.schema(GatewayKeyModel.schema).delete()
    }
}

public enum GatewayMigrations {
    public static var all: [any Migration] { [CreateGatewayKeys(), CreateGatewayCatalogue(), CreateGatewayRequests()] }
}

public final class GatewayKeyModel: Model, @unchecked Sendable {
    public static let schema = "gateway_api_keys"
    @ID(key: .id) public var id: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "project_id") public var projectID: UUID
    @Field(key: "name") public var name: String
    @Field(key: "prefix") public var prefix: String
    @Field(key: "key_digest") public var keyDigest: String
    @Field(key: "policy") public var policy: String
    @Field(key: "created_by") public var createdBy: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "revoked_at") public var revokedAt: Date?
    @OptionalField(key: "last_used_at") public var lastUsedAt: Date?
    @OptionalField(key: "replaces_id") public var replacesID: UUID?
    public init() {}
}
