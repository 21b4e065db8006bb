import FluentKit
import Foundation

public final class UserModel: Model, @unchecked Sendable {
    public static let schema = "users"

    @ID(key: .id) public var id: UUID?
    @OptionalField(key: "organisation_id") public var organisationID: UUID?
    @Field(key: "email") public var email: String
    @Field(key: "display_name") public var displayName: String
    @Field(key: "phone") public var phone: String
    @Field(key: "role") public var role: String
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "must_change_password") public var mustChangePassword: Bool
    @OptionalField(key: "email_verified_at") public var emailVerifiedAt: Date?
    @Field(key: "failed_logins") public var failedLogins: Int
    @OptionalField(key: "locked_until") public var lockedUntil: Date?
    /// TOTP seed, encrypted with SecretBox (SPEC T5). Nil until enrolled.
    @OptionalField(key: "totp_secret") public var totpSecret: String?
    @Field(key: "totp_enabled") public var totpEnabled: Bool
    /// Last accepted TOTP step: a code is never accepted twice.
    @Field(key: "totp_last_step") public var totpLastStep: Int64
    @Field(key: "language") public var language: String
    @Field(key: "active") public var active: Bool
    @OptionalField(key: "last_login_at") public var lastLoginAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}
}

public final class PasswordHistoryModel: Model, @unchecked Sendable {
    public static let schema = "password_history"
    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "password_hash") public var passwordHash: String
    /// 1, 2, 3 … per user: orders the history even when two changes share a timestamp.
    @Field(key: "ordinal") public var ordinal: Int
    @Field(key: "created_at") public var createdAt: Date
    public init() {}
}

public struct CreateUsers: AsyncMigration {
    public init() {}
    public func prepare(on database: any Database) async throws {
        try await database.schema(UserModel.schema)
            .id()
            .field("organisation_id", .uuid, .references(OrganisationModel.schema, "id"))
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("phone", .string, .required)
            .field("role", .string, .required)
            .field("password_hash", .string, .required)
            .field("must_change_password", .bool, .required)
            .field("email_verified_at", .datetime)
            .field("failed_logins", .int, .required)
            .field("locked_until", .datetime)
            .field("totp_secret", .string)
            .field("totp_enabled", .bool, .required)
            .field("totp_last_step", .int64, .required)
            .field("language", .string, .required)
            .field("active", .bool, .required)
            .field("last_login_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "email")
            .create()
        try await database.schema(PasswordHistoryModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserModel.schema, "id"))
            .field("password_hash", .string, .required)
            .field("ordinal", .int, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "ordinal")
            .create()
    }
    public func revert(on database: any Database) async throws {
        try await database.schema(PasswordHistoryModel.schema).delete()
        try await database.schema(UserModel.schema).delete()
    }
}
