#if canImport(FluentSQLiteDriver)
import FluentKit
import Foundation
import SuanliKit
import Testing

@testable import Notify

@Suite("Notify: in-app notifications")
struct NotifyInAppTests {
    @Test("a user sees, counts and marks only their own notifications")
    func scopedByUser() async throws {
        try await NotifyTestDB.with { db in
            let clock = ManualClock()
            let alice = UUID()
            let bob = UUID()
            let organisation = UUID()
            let first = try await InAppNotifications.post(
                userID: alice, organisationID: organisation, title: "申請已送出", body: "您的申請已送出。",
                link: "/applications/1", on: db, now: clock.now())
            clock.advance(by: 60)
            let second = try await InAppNotifications.post(
                userID: alice, title: "進入專業審查", body: "您的申請已進入專業審查。", on: db, now: clock.now())
            let bobs = try await InAppNotifications.post(
                userID: bob, title: "Welcome", body: "Welcome to Suanli.", on: db, now: clock.now())

            let list = try await InAppNotifications.list(userID: alice, on: db)
            #expect(list.map(\.id) == [second, first])
            #expect(list[1].organisationID == organisation)
            #expect(list[1].link == "/applications/1")
            #expect(list.allSatisfy { !$0.isRead })
            #expect(try await InAppNotifications.unreadCount(userID: alice, on: db) == 2)

            // Bob cannot read or mark Alice's notification, nor Alice Bob's; the answer is
            // "not found" either way, so ids cannot be probed.
            await #expect(throws: NotifyError.notificationNotFound) {
                try await InAppNotifications.markRead(id: first, userID: bob, on: db)
            }
            await #expect(throws: NotifyError.notificationNotFound) {
                try await InAppNotifications.markRead(id: bobs, userID: alice, on: db)
            }
            await #expect(throws: NotifyError.notificationNotFound) {
                try await InAppNotifications.markRead(id: UUID(), userID: alice, on: db)
            }
            #expect(try await InAppNotifications.unreadCount(userID: alice, on: db) == 2)
            #expect(try await InAppNotifications.unreadCount(userID: bob, on: db) == 1)
            #expect(try await InAppNotifications.list(userID: bob, on: db).map(\.id) == [bobs])

            clock.advance(by: 60)
            let readTime = clock.now()
            try await InAppNotifications.markRead(id: first, userID: alice, on: db, now: readTime)
            clock.advance(by: 60)
            // Marking again keeps the first read time.
            try await InAppNotifications.markRead(id: first, userID: alice, on: db, now: clock.now())
            #expect(try await InAppNotifications.unreadCount(userID: alice, on: db) == 1)
            let marked = try await InAppNotifications.list(userID: alice, on: db).first { $0.id == first }
            #expect(marked?.readAt == readTime)

            try await InAppNotifications.markAllRead(userID: alice, on: db, now: clock.now())
            #expect(try await InAppNotifications.unreadCount(userID: alice, on: db) == 0)
            #expect(try await InAppNotifications.unreadCount(userID: bob, on: db) == 1)
        }
    }

    @Test("list honours the limit, newest first")
    func limit() async throws {
        try await NotifyTestDB.with { db in
            let clock = ManualClock()
            let user = UUID()
            for index in 0..<5 {
                clock.advance(by: 1)
                try await InAppNotifications.post(userID: user, title: "#\(index)", body: "", on: db, now: clock.now())
            }
            let titles = try await InAppNotifications.list(userID: user, on: db, limit: 3).map(\.title)
            #expect(titles == ["#4", "#3", "#2"])
        }
    }

    @Test("migrations revert cleanly")
    func revert() async throws {
        try await NotifyTestDB.with { db in
            for migration in NotifyMigrations.all.reversed() {
                try await migration.revert(on: db).get()
            }
            for migration in NotifyMigrations.all {
                try await migration.prepare(on: db).get()
            }
            #expect(try await OutboxMessage.query(on: db).count() == 0)
        }
    }
}
#endif
