import FluentKit
import Foundation

/// A signed-in browser or API session. Only the SHA-256 of the cookie token is stored.
public final class SessionModel: Model, @unchecked Sendable {
    public static let schema = "sessions"
    @ID(key: .id) public var id: UUID?
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "user_id") public var userID: UUID
    /// "password" awaiting TOTP → "mfa_pending"; fully signed in → "active".
    @Field(key: "state") public var state: String
    @Field(key: "method") public var method: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "last_seen_at") public var lastSeenAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "source_ip") public var sourceIP: String?
    @Field(key: "user_agent") public var userAgent: String
    public init() {}
}

/// Single-use tokens sent by e-mail: address verification, password reset, member invitation.
public final class OneTimeTokenModel: Model, @unchecked Sendable {
    public static let schema = "one_time_tokens"
    @ID(key: .id) public var id: UUID?
    @Field(key: "purpose") public var purpose: String
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?
    @Field(key: "created_at") public var createdAt: Date
    public init() {}
}

/// Failed sign-ins per source address, for back-off independent of any one account (SPEC T2).
public final class LoginThrottleModel: Model, @unchecked Sendable {
    public static let schema = "login_throttle"
    @ID(key: .id) public var id: UUID?
    @Field(key: "source_ip") public var sourceIP: String
    @Field(key: "failures") public var failures: Int
    @Field(key: "window_start") public var windowStart: Date
    @OptionalField(key: "blocked_until") public var blockedUntil: Date?
    public init() {}
}

/// A challenge for 工商憑證 login: single use, short-lived (SPEC T1).
public final class CertificateChallengeModel: Model, @unchecked Sendable {
    public static let schema = "certificate_challenges"
    @ID(key: .id) public var id: UUID?
    @Field(key: "challenge") public var challenge: String
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?
    @OptionalField(key: "source_ip") public var sourceIP: String?
    public init() {}
}

/// Acknowledgement of the 個資法 §8 notice (SPEC T6), and other consents, with version, time and source.
public final class ConsentModel: Model, @unchecked Sendable {
    public static let schema = "consents"
    @ID(key: .id) public var id: UUID?
    @OptionalField(key: "user_id") public var userID: UUID?
    @OptionalField(key: "organisation_id") public var organisationID: UUID?
    @Field(key: "kind") public var kind: String
    @Field(key: "version") public var version: String
    @Field(key: "given_at") public var givenAt: Date
    @OptionalField(key: "source_ip") public var sourceIP: String?
    public init() {}
}

/// Personal access tokens for the JSON API: shown once, stored as a SHA-256 digest, visible prefix.
public final class AccessTokenModel: Model, @unchecked Sendable {
    public static let schema = "access_tokens"
    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "name") public var name: String
    @Field(key: "prefix") public var prefix: String
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "expires_at") public var expiresAt: Date?
    @OptionalField(key: "last_used_at") public var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?
    public init() {}
}

/// A verified 工商憑證 whose company is not registered yet: sign-up continues with the 統一編號 and name
/// taken from the certificate (SPEC T1). Short-lived; referenced by an HttpOnly cookie.
public final class CertificateSignupModel: Model, @unchecked Sendable {
    public static let schema = "certificate_signups"
    @ID(key: .id) public var id: UUID?
    @Field(key: "tax_id") public var taxID: String
    @Field(key: "name") public var name: String
    @Field(key: "card_type") public var cardType: String
    @Field(key: "serial") public var serial: String
    @Field(key: "expires_at") public var expiresAt: Date
    public init() {}
}

public struct CreateSessionsAndTokens: AsyncMigration {
    public init() {}
    public func prepare(on database: any Database) async throws {
        try await database.schema(SessionModel.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("state", .string, .required)
            .field("method", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("source_ip", .string)
            .field("user_agent", .string, .required)
            .unique(on: "token_hash")
            .create()
        try await database.schema(OneTimeTokenModel.schema)
            .id()
            .field("purpose", .string, .required)
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
        try await database.schema(LoginThrottleModel.schema)
            .id()
            .field("source_ip", .string, .required)
            .field("failures", .int, .required)
            .field("window_start", .datetime, .required)
            .field("blocked_until", .datetime)
            .unique(on: "source_ip")
            .create()
        try await database.schema(CertificateChallengeModel.schema)
            .id()
            .field("challenge", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("source_ip", .string)
            .create()
        try await database.schema(CertificateSignupModel.schema)
            .id()
            .field("tax_id", .string, .required)
            .field("name", .string, .required)
            .field("card_type", .string, .required)
            .field("serial", .string, .required)
            .field("expires_at", .datetime, .required)
            .create()
        try await database.schema(ConsentModel.schema)
            .id()
            .field("user_id", .uuid)
            .field("organisation_id", .uuid)
            .field("kind", .string, .required)
            .field("version", .string, .required)
            .field("given_at", .datetime, .required)
            .field("source_ip", .string)
            .create()
        try await database.schema(AccessTokenModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("name", .string, .required)
            .field("prefix", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }
    public func revert(on database: any Database) async throws {
        for schema in [AccessTokenModel.schema, ConsentModel.schema, CertificateSignupModel.schema, CertificateChallengeModel.schema,
                       LoginThrottleModel.schema, OneTimeTokenModel.schema, SessionModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}

public enum IdentityMigrations {
    public static var all: [any Migration] {
        [CreateOrganisations(), CreateUsers(), CreateSessionsAndTokens(), AddIdentityIndexes()]
    }
}
