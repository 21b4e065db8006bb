import FluentKit
import Foundation

/// How delivery workers take messages from the outbox without sending one twice.
///
/// A claim is a compare-and-set: `UPDATE … SET status = 'sending', attempts = n + 1,
/// claim_token = t WHERE id = ? AND status = ? AND attempts = n`. FluentKit's `update()` does not
/// report affected rows, so the worker then reads the row back and owns the message only if its
/// token is there. SQLite serialises writers; PostgreSQL re-checks the WHERE clause after waiting
/// for a concurrent writer's row lock, so exactly one of two racing workers matches.
extension Outbox {
    /// Pending messages whose time has come, and `sending` messages whose claim lease ran out
    /// (their worker died mid-send), oldest first.
    static func due(on db: any Database, now: Date, limit: Int) async throws -> [OutboxMessage] {
        try await OutboxMessage.query(on: db)
            .filter(\.$status ~~ [.pending, .sending])
            .group(.or) { due in
                due.filter(\.$nextAttemptAt == nil).filter(\.$nextAttemptAt <= now)
            }
            .sort(\.$createdAt)
            .limit(limit)
            .all()
    }

    /// Claims `message` as it was read; nil when another worker got there first.
    static func claim(_ message: OutboxMessage, on db: any Database, now: Date, lease: Duration) async throws
        -> OutboxMessage?
    {
        guard let id = message.id else { return nil }
        let token = UUID()
        try await OutboxMessage.query(on: db)
            .filter(\.$id == id)
            .filter(\.$status == message.status)
            .filter(\.$attempts == message.attempts)
            .set(\.$status, to: .sending)
            .set(\.$attempts, to: message.attempts + 1)
            .set(\.$claimToken, to: token)
            .set(\.$nextAttemptAt, to: now.addingTimeInterval(lease.timeInterval))
            .update()
        return try await OutboxMessage.query(on: db)
            .filter(\.$id == id)
            .filter(\.$claimToken == token)
            .first()
    }

    static func markSent(_ message: OutboxMessage, on db: any Database, at now: Date) async throws {
        try await finish(message, on: db) { update in
            update.set(\.$status, to: .sent)
                .set(\.$sentAt, to: now)
                .set(\.$nextAttemptAt, to: nil)
                .set(\.$lastError, to: nil)
        }
    }

    static func markForRetry(_ message: OutboxMessage, on db: any Database, at time: Date, error: String) async throws {
        try await finish(message, on: db) { update in
            update.set(\.$status, to: .pending)
                .set(\.$nextAttemptAt, to: time)
                .set(\.$lastError, to: error)
        }
    }

    static func markFailed(_ message: OutboxMessage, on db: any Database, error: String) async throws {
        try await finish(message, on: db) { update in
            update.set(\.$status, to: .failed)
                .set(\.$nextAttemptAt, to: nil)
                .set(\.$lastError, to: error)
        }
    }

    /// Records an outcome only while the claim is still ours.
    private static func finish(
        _ message: OutboxMessage,
        on db: any Database,
        _ changes: (QueryBuilder<OutboxMessage>) -> QueryBuilder<OutboxMessage>
    ) async throws {
        guard let id = message.id, let token = message.claimToken else { return }
        try await changes(
            OutboxMessage.query(on: db)
                .filter(\.$id == id)
                .filter(\.$claimToken == token)
                .set(\.$claimToken, to: nil)
        ).update()
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
