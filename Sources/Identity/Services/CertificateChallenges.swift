import FluentKit
import Foundation
import SuanliKit

/// Single-use random challenges for 工商憑證 login (SPEC T1): 256 bits, valid for a short time,
/// consumed on first use whether or not the signature then verifies.
public struct CertificateChallenges: Sendable {
    public let clock: any WallClock
    public let ttl: TimeInterval

    public init(clock: any WallClock, ttl: TimeInterval) {
        self.clock = clock
        self.ttl = ttl
    }

    public struct Issued: Sendable {
        public var id: UUID
        /// The exact text the card signs (ASCII, so every signing component encodes it identically).
        public var challenge: String
        public var expiresAt: Date
    }

    public func issue(origin: RequestOrigin, on db: any Database) async throws -> Issued {
        let record = CertificateChallengeModel()
        record.id = UUID()
        record.challenge = "suanli-login:" + Tokens.random(bytes: 32)
        record.expiresAt = clock.now() + ttl
        record.sourceIP = origin.sourceIP
        try await record.create(on: db)
        return Issued(id: record.id!, challenge: record.challenge, expiresAt: record.expiresAt)
    }

    public static let invalidChallenge = UserFacingError(
        .unauthenticated, code: "certificate.challenge_invalid",
        zh: "登入挑戰碼無效、已使用或已逾時，請重新按「以工商憑證登入」。",
        en: "The sign-in challenge is invalid, used or expired. Press “Sign in with certificate” again.")

    /// Marks the challenge used and returns its bytes; a second use fails.
    public func consume(id: UUID, on db: any Database) async throws -> [UInt8] {
        try await db.transaction { tx in
            guard let record = try await CertificateChallengeModel.find(id, on: tx), record.usedAt == nil,
                  record.expiresAt > self.clock.now() else { throw Self.invalidChallenge }
            record.usedAt = self.clock.now()
            try await record.save(on: tx)
            return Array(record.challenge.utf8)
        }
    }
}

/// Personal access tokens for the JSON API (shown once; stored as a digest; visible prefix).
public struct AccessTokens: Sendable {
    public let clock: any WallClock
    public init(clock: any WallClock) { self.clock = clock }

    public struct Created: Sendable {
        public var id: UUID
        public var token: String
        public var prefix: String
    }

    public struct Summary: Sendable, Equatable {
        public var id: UUID
        public var name: String
        public var prefix: String
        public var createdAt: Date
        public var expiresAt: Date?
        public var lastUsedAt: Date?
    }

    public func create(for user: CurrentUser, name rawName: String, expiresInDays: Int?,
                       on db: any Database) async throws -> Created {
        let name = rawName.trimmingWhitespace()
        guard !name.isEmpty, name.count <= 60, !name.hasControlCharacters else {
            throw UserFacingError(.invalidInput, code: "token.name_invalid", zh: "請為權杖命名（60 字以內）。",
                                  en: "Name the token (up to 60 characters).",
                                  fields: [FieldError(field: "name", zh: "請填寫 1–60 字的名稱。",
                                                      en: "Enter a name of 1–60 characters.")])
        }
        if let days = expiresInDays, !(1...366).contains(days) {
            throw UserFacingError(.invalidInput, code: "token.expiry_invalid", zh: "有效天數須為 1–366 天。",
                                  en: "Expiry must be 1–366 days.",
                                  fields: [FieldError(field: "expiresInDays", zh: "請填 1–366。", en: "Use 1–366.")])
        }
        let secret = Tokens.random(bytes: 32)
        let prefix = "slp_" + String(secret.prefix(8))
        let token = prefix + "_" + secret
        let record = AccessTokenModel()
        record.userID = user.id
        record.name = name
        record.prefix = prefix
        record.tokenHash = Tokens.digest(token)
        record.createdAt = clock.now()
        record.expiresAt = expiresInDays.map { clock.now() + Double($0) * 86_400 }
        try await record.create(on: db)
        return Created(id: record.id!, token: token, prefix: prefix)
    }

    public func list(for user: CurrentUser, on db: any Database) async throws -> [Summary] {
        try await AccessTokenModel.query(on: db).filter(\.$userID == user.id).filter(\.$revokedAt == nil)
            .sort(\.$createdAt, .descending).all()
            .map { Summary(id: $0.id!, name: $0.name, prefix: $0.prefix, createdAt: $0.createdAt,
                           expiresAt: $0.expiresAt, lastUsedAt: $0.lastUsedAt) }
    }

    /// Revokes one of the user's own tokens; another user's token is "not found", never revealed.
    public func revoke(id: UUID, for user: CurrentUser, on db: any Database) async throws {
        guard let record = try await AccessTokenModel.query(on: db).filter(\.$id == id)
            .filter(\.$userID == user.id).filter(\.$revokedAt == nil).first() else {
            throw UserFacingError(.notFound, code: "token.not_found", zh: "找不到此權杖。", en: "No such token.")
        }
        record.revokedAt = clock.now()
        try await record.save(on: db)
    }

    /// The user a bearer token belongs to, if it is valid. Tokens act with full sign-in (no MFA step):
    /// staff create them only after signing in with their second factor.
    public func resolve(_ token: String, settings: IdentitySettings, on db: any Database) async throws -> CurrentUser? {
        guard token.hasPrefix("slp_"), let record = try await AccessTokenModel.query(on: db)
            .filter(\.$tokenHash == Tokens.digest(token)).first(), record.revokedAt == nil else { return nil }
        let now = clock.now()
        if let expires = record.expiresAt, expires <= now { return nil }
        guard let user = try await UserModel.find(record.userID, on: db), user.active else { return nil }
        if record.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            record.lastUsedAt = now
            try await record.save(on: db)
        }
        return user.current(session: nil, idle: settings.sessionIdle)
    }
}

/// Verified certificates waiting for their company's sign-up to finish.
public struct CertificateSignups: Sendable {
    public let clock: any WallClock
    public init(clock: any WallClock) { self.clock = clock }

    public struct Pending: Sendable, Equatable {
        public var id: UUID
        public var taxID: String
        public var name: String
    }

    public func remember(_ certificate: VerifiedBusinessCertificate, on db: any Database) async throws -> UUID {
        let record = CertificateSignupModel()
        record.id = UUID()
        record.taxID = certificate.taxID
        record.name = certificate.organisationName
        record.cardType = certificate.cardType.rawValue
        record.serial = certificate.serialNumberHex
        record.expiresAt = clock.now() + 3600
        try await record.create(on: db)
        return record.id!
    }

    public func find(_ id: UUID?, on db: any Database) async throws -> Pending? {
        guard let id, let record = try await CertificateSignupModel.find(id, on: db),
              record.expiresAt > clock.now() else { return nil }
        return Pending(id: record.id!, taxID: record.taxID, name: record.name)
    }
}
