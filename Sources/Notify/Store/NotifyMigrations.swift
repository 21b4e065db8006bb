import FluentKit

/// The Notify context's migrations, in order. The composition root appends them after the
/// migrations of the contexts Notify does not depend on.
public enum NotifyMigrations {
    public static var all: [any Migration] {
        [CreateOutbox(), CreateInAppNotifications(), AddNotifyIndexes()]
    }
}
