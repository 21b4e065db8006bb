import Hummingbird
import Identity
import NIOCore
import SuanliKit

/// The one request context of the router: who is asking, in which language, from where.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var user: CurrentUser?
    public var language: Language = .zhTW
    /// Show dates as Gregorian instead of the ROC calendar (X1: "Gregorian on request").
    public var gregorianDates = false
    /// The double-submit CSRF token for this browser (cookie + hidden form field).
    public var csrfToken: String = ""
    /// Source address after applying the trusted-proxy rule.
    public var sourceIP: String?
    public var authenticatedByBearer = false
    public var isHTTPS = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        sourceIP = remoteAddress?.ipAddress
    }

    public var maxUploadSize: Int { 2 * 1024 * 1024 }

    public var origin: RequestOrigin { RequestOrigin(sourceIP: sourceIP, userAgent: userAgent) }
    public var userAgent: String = ""

    public var display: DateDisplay { DateDisplay(language: language, gregorian: gregorianDates) }

    /// The user when fully signed in (second factor and forced password change done), or 401/redirect.
    public func requireUser() throws -> CurrentUser {
        guard let user, user.isFullySignedIn else { throw SignInRequired() }
        return user
    }

    public func require(_ roles: Role...) throws -> CurrentUser {
        let user = try requireUser()
        guard roles.contains(user.role) else { throw IdentityErrors.forbidden }
        return user
    }
}

/// Thrown when a page needs a signed-in user; the error middleware redirects browsers to sign-in.
public struct SignInRequired: Error {}
