import Compliance
import FluentKit
import Gateway
import Ledger
import Grants
import Identity
import Notify
import SuanliKit

/// What the portal and API handlers need, built once by App.
public struct PortalServices: Sendable {
    public var database: @Sendable () -> any Database
    public var accounts: AccountService
    public var grants: GrantsService
    public var signIn: SignInService
    public var challenges: CertificateChallenges
    public var accessTokens: AccessTokens
    public var certificates: BusinessCertificateVerifier?
    public var certificateComponentURL: String
    public var audit: AuditLog
    public var renderer: Renderer
    public var secureCookies: Bool
    public var trustForwardedFor: Bool
    public var environment: String
    /// The points ledger and the inference gateway, for the tenant's and the operator's pages.
    public var inference: InferenceServices?

    public init(database: @escaping @Sendable () -> any Database, accounts: AccountService, grants: GrantsService,
                signIn: SignInService,
                challenges: CertificateChallenges, accessTokens: AccessTokens,
                certificates: BusinessCertificateVerifier?, certificateComponentURL: String,
                audit: AuditLog, renderer: Renderer, secureCookies: Bool,
                trustForwardedFor: Bool, environment: String) {
        self.database = database
        self.accounts = accounts
        self.grants = grants
        self.signIn = signIn
        self.challenges = challenges
        self.accessTokens = accessTokens
        self.certificates = certificates
        self.certificateComponentURL = certificateComponentURL
        self.audit = audit
        self.renderer = renderer
        self.secureCookies = secureCookies
        self.trustForwardedFor = trustForwardedFor
        self.environment = environment
    }

    public var db: any Database { database() }
    public var clock: any WallClock { audit.clock }
    public var settings: IdentitySettings { accounts.settings }
}

/// What the inference pages read and change (issue 4, item 6).
public struct InferenceServices: Sendable {
    public var ledger: LedgerService
    public var keys: GatewayKeys
    public var catalogue: GatewayCatalogue
    public var runtime: GatewayRuntime
    public var requests = GatewayRequestLog()

    public init(ledger: LedgerService, keys: GatewayKeys, catalogue: GatewayCatalogue, runtime: GatewayRuntime) {
        self.ledger = ledger
        self.keys = keys
        self.catalogue = catalogue
        self.runtime = runtime
    }
}
