import Compliance
import FluentKit
import Foundation
import Notify
import SuanliKit

/// Accounts: sign-up, e-mail verification, invitations, staff creation, password changes and resets
/// (SPEC C2.4, C3.1, T2, T6). Every change is validated first, then written in one transaction with
/// its audit record and its e-mail (SPEC X2, X3).
public struct AccountService: Sendable {
    public let settings: IdentitySettings
    public let audit: AuditLog
    public let messenger: any IdentityMessenger
    public let passwords: Passwords
    public var clock: any WallClock { audit.clock }

    public init(settings: IdentitySettings, audit: AuditLog, messenger: any IdentityMessenger) {
        self.settings = settings
        self.audit = audit
        self.messenger = messenger
        self.passwords = Passwords(cost: settings.bcryptCost)
    }

    // MARK: Sign-up

    public struct SignUp: Sendable {
        public var profile: OrganisationProfileForm
        public var adminName: String
        public var adminEmail: String
        public var adminPhone: String
        public var password: String
        public var passwordConfirmation: String
        /// The acknowledgement of the §8 notice, recorded before the form was shown (SPEC T6).
        public var privacyConsentID: UUID?
        public var language: Language
        /// Set when the 統一編號 was proven by a 工商憑證 login (SPEC T1).
        public var certificateTaxID: String?

        public init(profile: OrganisationProfileForm, adminName: String, adminEmail: String, adminPhone: String,
                    password: String, passwordConfirmation: String, privacyConsentID: UUID?,
                    language: Language, certificateTaxID: String? = nil) {
            self.profile = profile
            self.adminName = adminName
            self.adminEmail = adminEmail
            self.adminPhone = adminPhone
            self.password = password
            self.passwordConfirmation = passwordConfirmation
            self.privacyConsentID = privacyConsentID
            self.language = language
            self.certificateTaxID = certificateTaxID
        }
    }

    public struct SignUpResult: Sendable {
        public var organisationID: UUID
        public var userID: UUID
    }

    public func signUp(_ form: SignUp, origin: RequestOrigin, on db: any Database) async throws -> SignUpResult {
        let now = clock.now()
        guard let consent = try await pendingPrivacyConsent(form.privacyConsentID, on: db) else {
            throw IdentityErrors.privacyNoticeRequired
        }
        let noticeVersion = consent.version

        var fieldErrors: [FieldError] = []
        var profile: OrganisationProfile?
        switch form.profile.validate(today: ROCDate(now)) {
        case .success(let valid): profile = valid
        case .failure(let error): fieldErrors += error.fields
        }
        let name = form.adminName.trimmingWhitespace()
        if name.hasControlCharacters || form.adminPhone.hasControlCharacters {
            fieldErrors.append(.controlCharacters(name.hasControlCharacters ? "adminName" : "adminPhone"))
        } else if name.isEmpty || name.count > 50 {
            fieldErrors.append(FieldError(field: "adminName", zh: "請填寫您的姓名（50 字以內）。",
                                          en: "Enter your name (up to 50 characters)."))
        }
        let email = EmailAddress.normalise(form.adminEmail)
        if email == nil { fieldErrors.append(EmailAddress.error(field: "adminEmail")) }
        fieldErrors += PasswordPolicy.problems(form.password, email: email ?? "")
        if form.password != form.passwordConfirmation {
            fieldErrors.append(FieldError(field: "passwordConfirmation", zh: "兩次輸入的密碼不一致。",
                                          en: "The two passwords do not match."))
        }
        if let proven = form.certificateTaxID, let profile, proven != profile.taxID {
            fieldErrors.append(FieldError(field: "taxID", zh: "統一編號必須與工商憑證相同（\(proven)）。",
                                          en: "The business ID must match the certificate (\(proven))."))
        }
        guard fieldErrors.isEmpty, let profile, let email else {
            throw UserFacingError(.invalidInput, code: "signup.invalid",
                                  zh: "註冊資料有 \(fieldErrors.count) 處需要修正。",
                                  en: "\(fieldErrors.count) field(s) need attention.", fields: fieldErrors)
        }
        if try await OrganisationModel.query(on: db).filter(\.$taxID == profile.taxID).first() != nil {
            throw IdentityErrors.organisationExists
        }
        if try await UserModel.query(on: db).filter(\.$email == email).first() != nil {
            throw IdentityErrors.emailTaken
        }
        let hash = try await passwords.hash(form.password)
        let token = Tokens.random()

        return try await db.transaction { tx in
            let org = OrganisationModel()
            org.apply(profile)
            org.taxIDProof = form.certificateTaxID == nil ? "declared" : "certificate"
            org.version = 1
            try await org.create(on: tx)
            let user = UserModel()
            user.organisationID = org.id
            user.email = email
            user.displayName = name
            user.phone = form.adminPhone.trimmingWhitespace()
            user.role = Role.applicantAdmin.rawValue
            user.passwordHash = hash
            user.mustChangePassword = false
            user.failedLogins = 0
            user.totpEnabled = false
            user.totpLastStep = 0
            user.language = form.language.rawValue
            user.active = true
            try await user.create(on: tx)
            try await self.remember(passwordHash: hash, userID: user.id!, on: tx)
            consent.userID = user.id
            consent.organisationID = org.id
            try await consent.save(on: tx)
            try await self.issueToken(token, purpose: .verifyEmail, userID: user.id!,
                                      ttl: self.settings.verifyEmailTTL, on: tx)
            try await self.audit.record(AuditEntry(
                actorUserID: user.id, actorLabel: email, organisationID: org.id, action: "organisation.registered",
                subjectType: "organisation", subjectID: org.id?.uuidString, sourceIP: origin.sourceIP,
                details: ["taxID": profile.taxID, "name": profile.name, "proof": org.taxIDProof,
                          "privacyNoticeVersion": noticeVersion]), on: tx)
            try await self.messenger.send(.verifyEmail(link: self.link("/verify-email?token=\(token)")),
                                          to: email, userID: user.id, language: form.language, on: tx)
            return SignUpResult(organisationID: org.id!, userID: user.id!)
        }
    }

    // MARK: Personal-data notice (SPEC T6)

    /// Records that the §8 notice was shown and acknowledged, before any personal data is collected.
    /// The returned ID travels with the sign-up form and is attached to the new user.
    public func acknowledgePrivacyNotice(origin: RequestOrigin, on db: any Database) async throws -> UUID {
        let consent = ConsentModel()
        consent.id = UUID()
        consent.kind = "privacy_notice"
        consent.version = settings.privacyNoticeVersion
        consent.givenAt = clock.now()
        consent.sourceIP = origin.sourceIP
        try await consent.create(on: db)
        return consent.id!
    }

    /// An acknowledgement of the current notice version, not older than a day, not yet used.
    public func pendingPrivacyConsent(_ id: UUID?, on db: any Database) async throws -> ConsentModel? {
        guard let id, let consent = try await ConsentModel.find(id, on: db), consent.userID == nil,
              consent.version == settings.privacyNoticeVersion,
              clock.now().timeIntervalSince(consent.givenAt) < 86_400 else { return nil }
        return consent
    }

    // MARK: E-mail verification

    public func verifyEmail(token: String, origin: RequestOrigin, on db: any Database) async throws -> UUID {
        try await db.transaction { tx in
            let record = try await self.consume(token, purpose: .verifyEmail, on: tx)
            guard let user = try await UserModel.find(record.userID, on: tx) else { throw IdentityErrors.badToken }
            if user.emailVerifiedAt == nil { user.emailVerifiedAt = self.clock.now() }
            try await user.save(on: tx)
            try await self.notifyInApp(user, .welcome, on: tx)
            try await self.audit.record(AuditEntry(
                actorUserID: user.id, actorLabel: user.email, organisationID: user.organisationID,
                action: "user.email_verified", subjectType: "user", subjectID: user.id?.uuidString,
                sourceIP: origin.sourceIP), on: tx)
            return user.id!
        }
    }

    /// Sends a new verification link. Says nothing about whether the address exists.
    public func resendVerification(email rawEmail: String, origin: RequestOrigin, on db: any Database) async throws {
        guard let email = EmailAddress.normalise(rawEmail),
              let user = try await UserModel.query(on: db).filter(\.$email == email).first(),
              user.emailVerifiedAt == nil else { return }
        let token = Tokens.random()
        try await db.transaction { tx in
            try await self.issueToken(token, purpose: .verifyEmail, userID: user.id!,
                                      ttl: self.settings.verifyEmailTTL, on: tx)
            try await self.messenger.send(.verifyEmail(link: self.link("/verify-email?token=\(token)")),
                                          to: email, userID: user.id, language: Language(tag: user.language), on: tx)
        }
    }

    // MARK: Members

    public func invite(email rawEmail: String, name rawName: String, role: Role, by inviter: CurrentUser,
                       origin: RequestOrigin, on db: any Database) async throws -> UUID {
        guard inviter.role == .applicantAdmin || inviter.role == .vendor || inviter.role == .buyer,
              let orgID = inviter.organisationID else { throw IdentityErrors.forbidden }
        guard role == .applicantMember || role == .applicantAdmin else { throw IdentityErrors.forbidden }
        var errors: [FieldError] = []
        let email = EmailAddress.normalise(rawEmail)
        if email == nil { errors.append(EmailAddress.error()) }
        let name = rawName.trimmingWhitespace()
        if name.hasControlCharacters {
            errors.append(.controlCharacters("name"))
        } else if name.isEmpty || name.count > 50 {
            errors.append(FieldError(field: "name", zh: "請填寫成員姓名（50 字以內）。", en: "Enter the member's name."))
        }
        guard errors.isEmpty, let email else {
            throw UserFacingError(.invalidInput, code: "member.invalid", zh: "邀請資料需要修正。",
                                  en: "The invitation needs attention.", fields: errors)
        }
        if try await UserModel.query(on: db).filter(\.$email == email).first() != nil {
            throw IdentityErrors.emailTaken
        }
        guard let org = try await OrganisationModel.find(orgID, on: db) else { throw IdentityErrors.forbidden }
        // The member sets a password through the invitation link; until then no password works.
        let placeholder = try await passwords.hash(Tokens.random())
        let token = Tokens.random()
        return try await db.transaction { tx in
            let user = UserModel()
            user.organisationID = orgID
            user.email = email
            user.displayName = name
            user.phone = ""
            user.role = role.rawValue
            user.passwordHash = placeholder
            user.mustChangePassword = false
            user.failedLogins = 0
            user.totpEnabled = false
            user.totpLastStep = 0
            user.language = inviter.language.rawValue
            user.active = true
            try await user.create(on: tx)
            try await self.issueToken(token, purpose: .invitation, userID: user.id!,
                                      ttl: self.settings.invitationTTL, on: tx)
            try await self.audit.record(AuditEntry(
                actorUserID: inviter.id, actorLabel: inviter.email, organisationID: orgID,
                action: "organisation.member.invited", subjectType: "user", subjectID: user.id?.uuidString,
                sourceIP: origin.sourceIP, details: ["email": email, "role": role.rawValue]), on: tx)
            try await self.messenger.send(
                .memberInvitation(orgName: org.name, inviterName: inviter.displayName,
                                  link: self.link("/invitation?token=\(token)")),
                to: email, userID: user.id, language: inviter.language, on: tx)
            return user.id!
        }
    }

    public func members(of organisationID: UUID, on db: any Database) async throws -> [MemberSummary] {
        try await UserModel.query(on: db).filter(\.$organisationID == organisationID).sort(\.$createdAt).all()
            .map(MemberSummary.init)
    }

    /// Accepting an invitation sets the first password and verifies the address (the link proved it).
    public func acceptInvitation(token: String, password: String, confirmation: String, privacyNoticeAt: Date?,
                                 origin: RequestOrigin, on db: any Database) async throws -> UUID {
        guard let tokenRecord = try await findToken(token, purpose: .invitation, on: db),
              let user = try await UserModel.find(tokenRecord.userID, on: db) else { throw IdentityErrors.badToken }
        guard let privacyNoticeAt else { throw IdentityErrors.privacyNoticeRequired }
        var errors = PasswordPolicy.problems(password, email: user.email)
        if password != confirmation {
            errors.append(FieldError(field: "passwordConfirmation", zh: "兩次輸入的密碼不一致。",
                                     en: "The two passwords do not match."))
        }
        guard errors.isEmpty else {
            throw UserFacingError(.invalidInput, code: "password.invalid", zh: "密碼需要修正。",
                                  en: "The password needs attention.", fields: errors)
        }
        let hash = try await passwords.hash(password)
        return try await db.transaction { tx in
            _ = try await self.consume(token, purpose: .invitation, on: tx)
            user.passwordHash = hash
            user.emailVerifiedAt = self.clock.now()
            try await user.save(on: tx)
            try await self.remember(passwordHash: hash, userID: user.id!, on: tx)
            try await self.storeConsent(kind: "privacy_notice", version: self.settings.privacyNoticeVersion,
                                        at: privacyNoticeAt, userID: user.id, organisationID: user.organisationID,
                                        origin: origin, on: tx)
            try await self.audit.record(AuditEntry(
                actorUserID: user.id, actorLabel: user.email, organisationID: user.organisationID,
                action: "organisation.member.joined", subjectType: "user", subjectID: user.id?.uuidString,
                sourceIP: origin.sourceIP), on: tx)
            return user.id!
        }
    }

    // MARK: Staff accounts (suanli admin create-user)

    public struct CreatedUser: Sendable {
        public var id: UUID
        public var email: String
        public var initialPassword: String
        public var totpSecret: String?
    }

    /// Creates an operator, reviewer or ministry account with a random initial password that must be
    /// changed at first sign-in (SPEC T2). `password`/`mustChange` exist for the demo only.
    public func createUser(email rawEmail: String, name: String, role: Role, organisationID: UUID? = nil,
                           password: String? = nil, mustChangePassword: Bool = true, enrolTOTP: Bool = false,
                           secrets: SecretBox, actor: String, on db: any Database) async throws -> CreatedUser {
        guard let email = EmailAddress.normalise(rawEmail) else {
            throw UserFacingError(.invalidInput, code: "user.email_invalid", zh: "電子郵件格式不正確。",
                                  en: "The e-mail address is not valid.", fields: [EmailAddress.error()])
        }
        if role.belongsToOrganisation && organisationID == nil {
            throw UserFacingError(.invalidInput, code: "user.organisation_required",
                                  zh: "此角色必須屬於一個單位。", en: "This role belongs to an organisation.")
        }
        if try await UserModel.query(on: db).filter(\.$email == email).first() != nil {
            throw IdentityErrors.emailTaken
        }
        let initial = password ?? Tokens.random(bytes: 12)
        let hash = try await passwords.hash(initial)
        let totpSecret = enrolTOTP ? TOTP.generateSecret() : nil
        let sealed = try totpSecret.map { try secrets.seal(Base32.encode($0)) }
        return try await db.transaction { tx in
            let user = UserModel()
            user.organisationID = organisationID
            user.email = email
            user.displayName = name
            user.phone = ""
            user.role = role.rawValue
            user.passwordHash = hash
            user.mustChangePassword = mustChangePassword
            user.emailVerifiedAt = self.clock.now()
            user.failedLogins = 0
            user.totpSecret = sealed
            user.totpEnabled = sealed != nil
            user.totpLastStep = 0
            user.language = Language.zhTW.rawValue
            user.active = true
            try await user.create(on: tx)
            try await self.remember(passwordHash: hash, userID: user.id!, on: tx)
            try await self.audit.record(AuditEntry(
                actorLabel: actor, organisationID: organisationID, action: "user.created", subjectType: "user",
                subjectID: user.id?.uuidString, details: ["email": email, "role": role.rawValue]), on: tx)
            return CreatedUser(id: user.id!, email: email, initialPassword: initial,
                               totpSecret: totpSecret.map(Base32.encode))
        }
    }

    // MARK: Passwords

    public func changePassword(user current: CurrentUser, currentPassword: String, newPassword: String,
                               confirmation: String, origin: RequestOrigin, on db: any Database) async throws {
        guard let user = try await UserModel.find(current.id, on: db) else { throw IdentityErrors.forbidden }
        guard try await passwords.verify(currentPassword, hash: user.passwordHash) else {
            throw IdentityErrors.wrongCurrentPassword
        }
        try await setPassword(user, newPassword: newPassword, confirmation: confirmation,
                              action: "user.password_changed", actor: current.email, origin: origin, on: db) { tx in
            // Other sessions end; this one continues and leaves the forced-change step.
            try await SessionModel.query(on: tx).filter(\.$userID == user.id!)
                .filter(\.$id != (current.sessionID ?? UUID())).delete()
            if let sessionID = current.sessionID, let session = try await SessionModel.find(sessionID, on: tx),
               session.state == SessionState.passwordChange {
                session.state = SessionState.active
                try await session.save(on: tx)
            }
        }
    }

    /// Always behaves the same whether or not the address is registered (no account enumeration).
    public func requestPasswordReset(email rawEmail: String, origin: RequestOrigin, on db: any Database) async throws {
        guard let email = EmailAddress.normalise(rawEmail) else {
            throw UserFacingError(.invalidInput, code: "user.email_invalid", zh: "電子郵件格式不正確。",
                                  en: "The e-mail address is not valid.", fields: [EmailAddress.error()])
        }
        guard let user = try await UserModel.query(on: db).filter(\.$email == email).first(), user.active else {
            return
        }
        let token = Tokens.random()
        try await db.transaction { tx in
            try await self.issueToken(token, purpose: .passwordReset, userID: user.id!,
                                      ttl: self.settings.passwordResetTTL, on: tx)
            try await self.audit.record(AuditEntry(
                actorUserID: user.id, actorLabel: email, organisationID: user.organisationID,
                action: "user.password_reset_requested", subjectType: "user", subjectID: user.id?.uuidString,
                sourceIP: origin.sourceIP), on: tx)
            try await self.messenger.send(
                .passwordReset(link: self.link("/reset-password?token=\(token)"),
                               expiresMinutes: Int(self.settings.passwordResetTTL / 60)),
                to: email, userID: user.id, language: Language(tag: user.language), on: tx)
        }
    }

    public func resetPassword(token: String, newPassword: String, confirmation: String, origin: RequestOrigin,
                              on db: any Database) async throws {
        guard let record = try await findToken(token, purpose: .passwordReset, on: db),
              let user = try await UserModel.find(record.userID, on: db) else { throw IdentityErrors.badToken }
        try await setPassword(user, newPassword: newPassword, confirmation: confirmation,
                              action: "user.password_reset", actor: user.email, origin: origin, on: db) { tx in
            _ = try await self.consume(token, purpose: .passwordReset, on: tx)
            // A reset also lifts a lock-out and ends every session.
            user.failedLogins = 0
            user.lockedUntil = nil
            try await SessionModel.query(on: tx).filter(\.$userID == user.id!).delete()
        }
    }

    public func isTokenUsable(_ token: String, purpose: TokenPurpose, on db: any Database) async throws -> Bool {
        try await findToken(token, purpose: purpose, on: db) != nil
    }

    private func setPassword(_ user: UserModel, newPassword: String, confirmation: String, action: String,
                             actor: String, origin: RequestOrigin, on db: any Database,
                             alsoInTransaction: @escaping @Sendable (any Database) async throws -> Void) async throws {
        var errors = PasswordPolicy.problems(newPassword, email: user.email, field: "newPassword")
        if newPassword != confirmation {
            errors.append(FieldError(field: "passwordConfirmation", zh: "兩次輸入的新密碼不一致。",
                                     en: "The two new passwords do not match."))
        }
        if errors.isEmpty {
            let recent = try await PasswordHistoryModel.query(on: db).filter(\.$userID == user.id!)
                .sort(\.$ordinal, .descending).limit(PasswordPolicy.historyDepth).all()
            for old in recent where try await passwords.verify(newPassword, hash: old.passwordHash) {
                errors.append(PasswordPolicy.reused)
                break
            }
        }
        guard errors.isEmpty else {
            throw UserFacingError(.invalidInput, code: "password.invalid", zh: "新密碼需要修正。",
                                  en: "The new password needs attention.", fields: errors)
        }
        let hash = try await passwords.hash(newPassword)
        try await db.transaction { tx in
            user.passwordHash = hash
            user.mustChangePassword = false
            try await alsoInTransaction(tx)
            try await user.save(on: tx)
            try await self.remember(passwordHash: hash, userID: user.id!, on: tx)
            try await self.notifyInApp(user, .passwordChanged, on: tx)
            try await self.audit.record(AuditEntry(
                actorUserID: user.id, actorLabel: actor, organisationID: user.organisationID, action: action,
                subjectType: "user", subjectID: user.id?.uuidString, sourceIP: origin.sourceIP), on: tx)
        }
    }

    // MARK: Profile

    public func organisation(_ id: UUID, on db: any Database) async throws -> OrganisationSummary? {
        try await OrganisationModel.find(id, on: db).map(OrganisationSummary.init)
    }

    /// Updates the company profile; `expectedVersion` refuses a silent overwrite of someone else's edit.
    public func updateProfile(_ form: OrganisationProfileForm, expectedVersion: Int, by user: CurrentUser,
                              origin: RequestOrigin, on db: any Database) async throws {
        guard user.role == .applicantAdmin, let orgID = user.organisationID,
              let org = try await OrganisationModel.find(orgID, on: db) else { throw IdentityErrors.forbidden }
        var values = form.values
        values["taxID"] = org.taxID  // the 統一編號 identifies the organisation and never changes
        let profile: OrganisationProfile
        switch OrganisationProfileForm(values: values, industryCodes: form.industryCodes)
            .validate(today: ROCDate(clock.now())) {
        case .success(let valid): profile = valid
        case .failure(let error): throw error
        }
        guard org.version == expectedVersion else {
            throw UserFacingError(.conflict, code: "organisation.version_conflict",
                                  zh: "公司資料已被其他人更新，請重新載入後再修改。",
                                  en: "Someone else changed the company data. Reload the page and edit again.")
        }
        try await db.transaction { tx in
            org.apply(profile)
            org.version += 1
            try await org.save(on: tx)
            try await self.audit.record(AuditEntry(
                actorUserID: user.id, actorLabel: user.email, organisationID: orgID, action: "organisation.updated",
                subjectType: "organisation", subjectID: orgID.uuidString, sourceIP: origin.sourceIP,
                details: ["version": String(org.version)]), on: tx)
        }
    }

    public func setLanguage(_ language: Language, user: CurrentUser, on db: any Database) async throws {
        guard let model = try await UserModel.find(user.id, on: db) else { return }
        model.language = language.rawValue
        try await model.save(on: db)
    }

    // MARK: Helpers

    enum InAppMessage {
        case welcome, passwordChanged

        func text(_ language: Language) -> (title: String, body: String, link: String) {
            switch (self, language) {
            case (.welcome, .en):
                ("Welcome to Suanli", "Your e-mail address is verified. Complete your company profile before you apply.",
                 "/organisation")
            case (.welcome, _):
                ("歡迎使用算力平台", "您的電子郵件已完成驗證。申請前請先確認公司資料。", "/organisation")
            case (.passwordChanged, .en):
                ("Your password was changed", "If you did not change it, reset your password now and tell the operator.",
                 "/account")
            case (.passwordChanged, _):
                ("您的密碼已變更", "如非本人操作，請立即重設密碼並通知執行單位。", "/account")
            }
        }
    }

    /// In-app notices for events the user should see on the portal too (security-relevant changes).
    func notifyInApp(_ user: UserModel, _ message: InAppMessage, on db: any Database) async throws {
        let text = message.text(Language(tag: user.language))
        try await InAppNotifications.post(userID: user.id!, organisationID: user.organisationID, title: text.title,
                                          body: text.body, link: text.link, on: db, now: clock.now())
    }

    func link(_ path: String) -> String {
        let base = settings.publicURL.hasSuffix("/") ? String(settings.publicURL.dropLast()) : settings.publicURL
        return base + path
    }

    func remember(passwordHash: String, userID: UUID, on db: any Database) async throws {
        let last = try await PasswordHistoryModel.query(on: db).filter(\.$userID == userID)
            .sort(\.$ordinal, .descending).first()
        let entry = PasswordHistoryModel()
        entry.ordinal = (last?.ordinal ?? 0) + 1
        entry.userID = userID
        entry.passwordHash = passwordHash
        entry.createdAt = clock.now()
        try await entry.create(on: db)
    }

    func storeConsent(kind: String, version: String, at: Date, userID: UUID?, organisationID: UUID?,
                      origin: RequestOrigin, on db: any Database) async throws {
        let consent = ConsentModel()
        consent.userID = userID
        consent.organisationID = organisationID
        consent.kind = kind
        consent.version = version
        consent.givenAt = at
        consent.sourceIP = origin.sourceIP
        try await consent.create(on: db)
    }

    func issueToken(_ token: String, purpose: TokenPurpose, userID: UUID, ttl: TimeInterval,
                    on db: any Database) async throws {
        let record = OneTimeTokenModel()
        record.purpose = purpose.rawValue
        record.tokenHash = Tokens.digest(token)
        record.userID = userID
        record.createdAt = clock.now()
        record.expiresAt = clock.now() + ttl
        try await record.create(on: db)
    }

    func findToken(_ token: String, purpose: TokenPurpose, on db: any Database) async throws -> OneTimeTokenModel? {
        guard !token.isEmpty, let record = try await OneTimeTokenModel.query(on: db)
            .filter(\.$tokenHash == Tokens.digest(token)).filter(\.$purpose == purpose.rawValue).first(),
            record.usedAt == nil, record.expiresAt > clock.now() else { return nil }
        return record
    }

    func consume(_ token: String, purpose: TokenPurpose, on db: any Database) async throws -> OneTimeTokenModel {
        guard let record = try await findToken(token, purpose: purpose, on: db) else { throw IdentityErrors.badToken }
        record.usedAt = clock.now()
        try await record.save(on: db)
        return record
    }
}

public enum TokenPurpose: String, Sendable {
    case verifyEmail = "verify_email"
    case passwordReset = "password_reset"
    case invitation
}

extension OrganisationModel {
    func apply(_ profile: OrganisationProfile) {
        taxID = profile.taxID
        name = profile.name
        kind = profile.kind.rawValue
        industryCodes = profile.industryCodes.joined(separator: ",")
        established = profile.established?.isoForm
        paidInCapital = profile.paidInCapital
        representative = profile.representative
        employees = profile.employees
        address = profile.address
        phone = profile.phone
        businessLines = profile.businessLines
        mainProducts = profile.mainProducts
        salesRegions = profile.salesRegions
    }
}

public struct OrganisationSummary: Sendable, Equatable {
    public var id: UUID
    public var taxID: String
    public var name: String
    public var kind: String
    public var industryCodes: [String]
    public var established: ROCDate?
    public var paidInCapital: Int64
    public var representative: String
    public var employees: Int
    public var address: String
    public var phone: String
    public var businessLines: String
    public var mainProducts: String
    public var salesRegions: String
    public var taxIDProof: String
    public var version: Int
    public var isStartup: Bool {
        guard let established else { return false }
        return established >= ROCDate(gregorianYear: 2018, month: 1, day: 1)!
    }

    init(_ m: OrganisationModel) {
        id = m.id!
        taxID = m.taxID
        name = m.name
        kind = m.kind
        industryCodes = m.industryCodes.split(separator: ",").map(String.init)
        established = m.established.flatMap(ROCDate.parse)
        paidInCapital = m.paidInCapital
        representative = m.representative
        employees = m.employees
        address = m.address
        phone = m.phone
        businessLines = m.businessLines
        mainProducts = m.mainProducts
        salesRegions = m.salesRegions
        taxIDProof = m.taxIDProof
        version = m.version
    }
}

public struct MemberSummary: Sendable, Equatable {
    public var id: UUID
    public var email: String
    public var displayName: String
    public var role: Role
    public var verified: Bool
    public var active: Bool
    public var lastLoginAt: Date?

    init(_ m: UserModel) {
        id = m.id!
        email = m.email
        displayName = m.displayName
        role = Role(rawValue: m.role) ?? .applicantMember
        verified = m.emailVerifiedAt != nil
        active = m.active
        lastLoginAt = m.lastLoginAt
    }
}
