import Compliance
import FluentKit
import Foundation
import Notify
import SuanliKit

/// Signing in and out, sessions, second factor, lock-out and per-address back-off (SPEC T2).
public struct SignInService: Sendable {
    public let accounts: AccountService
    public let secrets: SecretBox
    var settings: IdentitySettings { accounts.settings }
    var clock: any WallClock { accounts.clock }
    var audit: AuditLog { accounts.audit }

    public init(accounts: AccountService, secrets: SecretBox) {
        self.accounts = accounts
        self.secrets = secrets
    }

    public struct Started: Sendable {
        /// The cookie value; shown once, stored only as a digest.
        public var token: String
        public var user: CurrentUser
    }

    // MARK: Password

    public func signIn(email rawEmail: String, password: String, origin: RequestOrigin,
                       on db: any Database) async throws -> Started {
        let now = clock.now()
        let ip = origin.sourceIP ?? "unknown"
        if let wait = try await throttleWait(ip: ip, now: now, on: db) { throw IdentityErrors.throttled(seconds: wait) }
        guard let email = EmailAddress.normalise(rawEmail),
              let user = try await UserModel.query(on: db).filter(\.$email == email).first() else {
            // Spend the same time as a real check so response times do not reveal which addresses exist.
            _ = try? await accounts.passwords.verify(password, hash: Self.dummyHash)
            try await recordFailure(ip: ip, user: nil, email: rawEmail, reason: "unknown_email", origin: origin, on: db)
            throw IdentityErrors.badCredentials
        }
        if let until = user.lockedUntil, until > now {
            try await recordFailure(ip: ip, user: user, email: email, reason: "locked", origin: origin, on: db)
            throw IdentityErrors.locked(until: until, now: now)
        }
        guard try await accounts.passwords.verify(password, hash: user.passwordHash) else {
            try await recordFailure(ip: ip, user: user, email: email, reason: "bad_password", origin: origin, on: db)
            if let until = user.lockedUntil, until > now { throw IdentityErrors.locked(until: until, now: now) }
            throw IdentityErrors.badCredentials
        }
        guard user.active else { throw IdentityErrors.inactive }
        guard user.emailVerifiedAt != nil else { throw IdentityErrors.emailNotVerified }
        let role = Role(rawValue: user.role) ?? .applicantMember
        let state = role.requiresTOTP ? SessionState.mfaPending
            : (user.mustChangePassword ? SessionState.passwordChange : SessionState.active)
        return try await startSession(user, state: state, method: "password", origin: origin, on: db)
    }

    /// Signs the organisation's administrator in after a verified 工商憑證 signature (SPEC T1).
    public func signIn(certificate: VerifiedBusinessCertificate, origin: RequestOrigin,
                       on db: any Database) async throws -> Started? {
        guard let org = try await OrganisationModel.query(on: db).filter(\.$taxID == certificate.taxID).first(),
              let admin = try await UserModel.query(on: db).filter(\.$organisationID == org.id)
                .filter(\.$role == Role.applicantAdmin.rawValue).filter(\.$active == true)
                .sort(\.$createdAt).first()
        else { return nil }
        // Same rule as password sign-in: the administrator's address must be proven first.
        guard admin.emailVerifiedAt != nil else { throw IdentityErrors.emailNotVerified }
        let started = try await startSession(admin, state: SessionState.active, method: "certificate",
                                             origin: origin, on: db,
                                             details: ["cardType": certificate.cardType.rawValue,
                                                       "certificateSerial": certificate.serialNumberHex,
                                                       "taxID": certificate.taxID])
        return started
    }

    static let dummyHash = "$2b$12$C6UzMDM.H6dfI/f/IKxGhu9xYHT0JOp2rBtkfnDxFJPjOU6ak1zay"

    // MARK: Second factor

    public func verifyTOTP(session current: CurrentUser, code: String, origin: RequestOrigin,
                           on db: any Database) async throws -> CurrentUser {
        guard current.sessionState == SessionState.mfaPending, let sessionID = current.sessionID,
              let session = try await SessionModel.find(sessionID, on: db),
              let user = try await UserModel.find(current.id, on: db),
              let sealed = user.totpSecret, let secret = Base32.decode(try secrets.open(sealed)) else {
            throw IdentityErrors.badTOTP
        }
        let now = clock.now()
        let ip = origin.sourceIP ?? "unknown"
        guard let step = TOTP(secret: secret).matchingStep(code, at: now), step > user.totpLastStep else {
            try await recordFailure(ip: ip, user: user, email: user.email, reason: "bad_totp", origin: origin, on: db)
            if let until = user.lockedUntil, until > now {
                try await SessionModel.query(on: db).filter(\.$id == sessionID).delete()
                throw IdentityErrors.locked(until: until, now: now)
            }
            throw IdentityErrors.badTOTP
        }
        try await db.transaction { tx in
            user.totpLastStep = step
            user.totpEnabled = true
            user.failedLogins = 0
            try await user.save(on: tx)
            session.state = user.mustChangePassword ? SessionState.passwordChange : SessionState.active
            try await session.save(on: tx)
            try await self.audit.record(AuditEntry(
                actorUserID: user.id, actorLabel: user.email, organisationID: user.organisationID,
                action: "user.mfa.succeeded", subjectType: "session", subjectID: sessionID.uuidString,
                sourceIP: origin.sourceIP), on: tx)
        }
        return user.current(session: session, idle: settings.sessionIdle)
    }

    /// A staff member without a TOTP seed gets one to enrol, shown once (SPEC T2).
    public func pendingTOTPEnrolment(for current: CurrentUser, on db: any Database) async throws -> TOTP? {
        guard let user = try await UserModel.find(current.id, on: db), !user.totpEnabled else { return nil }
        if let sealed = user.totpSecret, let secret = Base32.decode(try secrets.open(sealed)) {
            return TOTP(secret: secret)
        }
        let secret = TOTP.generateSecret()
        user.totpSecret = try secrets.seal(Base32.encode(secret))
        try await user.save(on: db)
        return TOTP(secret: secret)
    }

    // MARK: Sessions

    /// Resolves a cookie token; ends sessions that have been idle too long or passed their absolute limit.
    public func resolve(token: String, touch: Bool = true, on db: any Database) async throws -> CurrentUser? {
        guard !token.isEmpty, let session = try await SessionModel.query(on: db)
            .filter(\.$tokenHash == Tokens.digest(token)).first() else { return nil }
        let now = clock.now()
        if now > session.expiresAt || now > session.lastSeenAt + settings.sessionIdle {
            try await session.delete(on: db)
            return nil
        }
        guard let user = try await UserModel.find(session.userID, on: db), user.active else { return nil }
        // Writing on every request would make each page view a write; once a minute is precise enough.
        if touch && now.timeIntervalSince(session.lastSeenAt) >= 60 {
            session.lastSeenAt = now
            try await session.save(on: db)
        }
        return user.current(session: session, idle: settings.sessionIdle)
    }

    /// The "extend" button of the idle warning.
    public func extend(_ current: CurrentUser, on db: any Database) async throws -> Date? {
        guard let sessionID = current.sessionID, let session = try await SessionModel.find(sessionID, on: db) else {
            return nil
        }
        session.lastSeenAt = clock.now()
        try await session.save(on: db)
        return min(session.lastSeenAt + settings.sessionIdle, session.expiresAt)
    }

    public func signOut(_ current: CurrentUser, origin: RequestOrigin, on db: any Database) async throws {
        guard let sessionID = current.sessionID else { return }
        try await db.transaction { tx in
            try await SessionModel.query(on: tx).filter(\.$id == sessionID).delete()
            try await self.audit.record(AuditEntry(
                actorUserID: current.id, actorLabel: current.email, organisationID: current.organisationID,
                action: "user.signed_out", subjectType: "session", subjectID: sessionID.uuidString,
                sourceIP: origin.sourceIP), on: tx)
        }
    }

    func startSession(_ user: UserModel, state: String, method: String, origin: RequestOrigin,
                      on db: any Database, details: [String: String] = [:]) async throws -> Started {
        let now = clock.now()
        let token = Tokens.random()
        let session = SessionModel()
        session.tokenHash = Tokens.digest(token)
        session.userID = user.id!
        session.state = state
        session.method = method
        session.createdAt = now
        session.lastSeenAt = now
        session.expiresAt = now + settings.sessionAbsolute
        session.sourceIP = origin.sourceIP
        session.userAgent = String(origin.userAgent.prefix(300))
        try await db.transaction { tx in
            try await session.create(on: tx)
            user.failedLogins = 0
            user.lockedUntil = nil
            user.lastLoginAt = now
            try await user.save(on: tx)
            try await LoginThrottleModel.query(on: tx).filter(\.$sourceIP == (origin.sourceIP ?? "unknown")).delete()
            var facts = details
            facts["method"] = method
            facts["state"] = state
            try await self.audit.record(AuditEntry(
                actorUserID: user.id, actorLabel: user.email, organisationID: user.organisationID,
                action: "user.signed_in", subjectType: "session", subjectID: session.id?.uuidString,
                sourceIP: origin.sourceIP, details: facts), on: tx)
        }
        return Started(token: token, user: user.current(session: session, idle: settings.sessionIdle))
    }

    // MARK: Failures, lock-out, back-off

    func throttleWait(ip: String, now: Date, on db: any Database) async throws -> Int? {
        guard let row = try await LoginThrottleModel.query(on: db).filter(\.$sourceIP == ip).first(),
              let until = row.blockedUntil, until > now else { return nil }
        return max(1, Int(until.timeIntervalSince(now).rounded(.up)))
    }

    func recordFailure(ip: String, user: UserModel?, email: String, reason: String, origin: RequestOrigin,
                       on db: any Database) async throws {
        let now = clock.now()
        try await db.transaction { tx in
            var lockedNow = false
            if let user, reason != "locked" {
                user.failedLogins += 1
                if user.failedLogins >= self.settings.maxFailedLogins {
                    user.lockedUntil = now + self.settings.lockDuration
                    user.failedLogins = 0
                    lockedNow = true
                }
                try await user.save(on: tx)
            }
            let row = try await LoginThrottleModel.query(on: tx).filter(\.$sourceIP == ip).first() ?? {
                let fresh = LoginThrottleModel()
                fresh.sourceIP = ip
                fresh.failures = 0
                fresh.windowStart = now
                return fresh
            }()
            if now.timeIntervalSince(row.windowStart) > self.settings.ipWindow {
                row.failures = 0
                row.windowStart = now
                row.blockedUntil = nil
            }
            row.failures += 1
            let excess = row.failures - self.settings.ipFailureThreshold
            if excess >= 0 {
                // 1 s, 2 s, 4 s … doubling per further failure, capped at the lock duration.
                let delay = min(pow(2.0, Double(min(excess, 20))), self.settings.lockDuration)
                row.blockedUntil = now + delay
            }
            try await row.save(on: tx)
            try await self.audit.record(AuditEntry(
                actorUserID: user?.id, actorLabel: String(email.prefix(254)), organisationID: user?.organisationID,
                action: lockedNow ? "user.locked" : "user.sign_in_failed", subjectType: "user",
                subjectID: user?.id?.uuidString, sourceIP: origin.sourceIP, details: ["reason": reason]), on: tx)
            if lockedNow, let user {
                try await self.accounts.messenger.send(
                    .accountLocked(minutes: Int(self.settings.lockDuration / 60)), to: user.email, userID: user.id,
                    language: Language(tag: user.language), on: tx)
            }
        }
    }
}
