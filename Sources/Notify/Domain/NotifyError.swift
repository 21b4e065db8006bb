import SuanliKit

/// The one error type of the Notify context; `userFacing` is how the HTTP layer shows it.
public enum NotifyError: Error, Sendable, Equatable {
    /// The address cannot be used as an SMTP envelope recipient.
    case invalidAddress(String)
    /// No notification with that id belongs to the asking user. Deliberately the same answer for
    /// "does not exist" and "belongs to someone else", so ids cannot be probed across users.
    case notificationNotFound

    public var userFacing: UserFacingError {
        switch self {
        case .invalidAddress(let address):
            return UserFacingError(
                .invalidInput,
                code: "notify.address.invalid",
                zh: "電子郵件地址「\(address)」格式不正確，請輸入像 name@example.com 的地址。",
                en: "The e-mail address “\(address)” is not valid; enter an address like name@example.com."
            )
        case .notificationNotFound:
            return UserFacingError(
                .notFound,
                code: "notify.notification.not-found",
                zh: "找不到這則通知，它可能已被刪除。",
                en: "This notification was not found; it may have been removed."
            )
        }
    }
}
