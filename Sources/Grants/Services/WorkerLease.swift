import FluentKit
import Foundation
import SQLKit

/// A database-backed lease, so that of several instances only one runs a periodic task at a time
/// (ARCHITECTURE "Background work"). A holder that dies loses the lease when it expires.
public enum WorkerLease {
    /// Takes or renews the lease; false when another holder has it and it has not expired.
    public static func acquire(_ name: String, holder: String, for seconds: TimeInterval, now: Date,
                               on db: any Database) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { return true }
        let expires = now.addingTimeInterval(seconds)
        struct Row: Decodable { let name: String }
        let taken = try await sql.raw("""
            UPDATE worker_leases SET holder = \(bind: holder), expires_at = \(bind: expires)
            WHERE name = \(bind: name) AND (holder = \(bind: holder) OR expires_at < \(bind: now))
            RETURNING name
            """).all(decoding: Row.self)
        if !taken.isEmpty { return true }
        if try await WorkerLeaseModel.find(name, on: db) != nil { return false }
        let lease = WorkerLeaseModel()
        lease.id = name
        lease.holder = holder
        lease.expiresAt = expires
        do {
            try await lease.create(on: db)
            return true
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return false  // another instance created it a moment ago
        }
    }
}
