internal import Foundation
import Identity
import Notify
import SuanliKit

/// In-app notifications. Every query is scoped by the caller's user id, so another user's
/// notification is 404 whether it exists or not.
extension APIHandlers {
    func listNotifications(_ input: Operations.listNotifications.Input) async throws
        -> Operations.listNotifications.Output
    {
        let user = try APIRequest.context().requireUser()
        let limit = input.query.limit ?? 50
        var rules = SchemaRules()
        rules.range("limit", limit, 1...100)
        try rules.check()
        let db = services.db
        let items = try await InAppNotifications.list(userID: user.id, on: db, limit: limit)
        let unread = try await InAppNotifications.unreadCount(userID: user.id, on: db)
        return .ok(.init(body: .json(.init(items: items.map(Components.Schemas.Notification.init),
                                           unreadCount: unread))))
    }

    func markNotificationRead(_ input: Operations.markNotificationRead.Input) async throws
        -> Operations.markNotificationRead.Output
    {
        let user = try APIRequest.context().requireUser()
        let notFound = NotifyError.notificationNotFound.userFacing
        let id = try Self.uuid(input.path.id, orElse: notFound)
        do {
            try await InAppNotifications.markRead(id: id, userID: user.id, on: services.db,
                                                  now: services.clock.now())
        } catch let error as NotifyError {
            throw error.userFacing
        }
        return .noContent(.init())
    }
}

extension Components.Schemas.Notification {
    init(_ item: NotificationItem) {
        self.init(id: item.id.uuidString, title: item.title, body: item.body, link: item.link, read: item.isRead,
                  readAt: item.readAt, createdAt: item.createdAt)
    }
}
