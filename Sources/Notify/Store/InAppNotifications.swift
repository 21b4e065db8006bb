import FluentKit
import Foundation

/// In-app notifications of one user. Every query is scoped by the user id, so one user can
/// never list, count or mark another user's notifications — even with a guessed id.
public enum InAppNotifications {
    /// Adds a notification; call it inside the transaction of the change it reports.
    @discardableResult
    public static func post(
        userID: UUID,
        organisationID: UUID? = nil,
        title: String,
        body: String,
        link: String? = nil,
        on db: any Database,
        now: Date = Date()
    ) async throws -> UUID {
        let notification = InAppNotification()
        let id = UUID()
        notification.id = id
        notification.userID = userID
        notification.organisationID = organisationID
        notification.title = title
        notification.body = body
        notification.link = link
        notification.createdAt = now
        try await notification.create(on: db)
        return id
    }

    /// The user's newest notifications first.
    public static func list(userID: UUID, on db: any Database, limit: Int = 50) async throws -> [NotificationItem] {
        try await InAppNotification.query(on: db)
            .filter(\.$userID == userID)
            .sort(\.$createdAt, .descending)
            .limit(limit)
            .all()
            .map(NotificationItem.init)
    }

    public static func unreadCount(userID: UUID, on db: any Database) async throws -> Int {
        try await InAppNotification.query(on: db)
            .filter(\.$userID == userID)
            .filter(\.$readAt == nil)
            .count()
    }

    /// Marks one of the user's notifications read; marking it again keeps the first read time.
    /// - Throws: `NotifyError.notificationNotFound` when the id is unknown or belongs to someone else.
    public static func markRead(id: UUID, userID: UUID, on db: any Database, now: Date = Date()) async throws {
        guard
            let notification = try await InAppNotification.query(on: db)
                .filter(\.$id == id)
                .filter(\.$userID == userID)
                .first()
        else { throw NotifyError.notificationNotFound }
        guard notification.readAt == nil else { return }
        try await InAppNotification.query(on: db)
            .filter(\.$id == id)
            .filter(\.$userID == userID)
            .filter(\.$readAt == nil)
            .set(\.$readAt, to: now)
            .update()
    }

    /// Marks all of the user's notifications read (the "mark all read" button).
    public static func markAllRead(userID: UUID, on db: any Database, now: Date = Date()) async throws {
        try await InAppNotification.query(on: db)
            .filter(\.$userID == userID)
            .filter(\.$readAt == nil)
            .set(\.$readAt, to: now)
            .update()
    }
}

/// A notification as the portal shows it.
public struct NotificationItem: Sendable, Equatable, Identifiable {
    public var id: UUID
    public var userID: UUID
    public var organisationID: UUID?
    public var title: String
    public var body: String
    public var link: String?
    public var readAt: Date?
    public var createdAt: Date

    public var isRead: Bool { readAt != nil }

    init(_ model: InAppNotification) {
        id = model.id!
        userID = model.userID
        organisationID = model.organisationID
        title = model.title
        body = model.body
        link = model.link
        readAt = model.readAt
        createdAt = model.createdAt
    }
}
