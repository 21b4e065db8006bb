import FluentKit
import Foundation
import SQLKit
import SuanliKit

/// Appends to and verifies the tamper-evident audit log (SPEC X2, C6.4, T3).
public struct AuditLog: Sendable {
    public let chain: AuditChain
    public let clock: any WallClock

    public init(key: [UInt8], clock: any WallClock) {
        chain = AuditChain(key: key)
        self.clock = clock
    }

    /// Appends one record. Call it inside the transaction of the change it describes, so that the change
    /// and its record commit together or not at all; outside a transaction it opens its own.
    @discardableResult
    public func record(_ entry: AuditEntry, on db: any Database) async throws -> Int64 {
        try await db.transaction { tx in
            guard let sql = tx as? any SQLDatabase else { throw AuditLogError.notSQL }
            // Bumping the head first takes its row lock (PostgreSQL) / the write lock (SQLite), so
            // concurrent appends line up one after the other and the chain never forks.
            struct Head: Decodable { let seq: Int64; let hash: String }
            let rows = try await sql.raw("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
                .all(decoding: Head.self)
            guard let head = rows.first else { throw AuditLogError.missingHead }
            let record = AuditRecordModel()
            record.id = UUID()
            record.seq = head.seq
            record.atMicros = Int64((clock.now().timeIntervalSince1970 * 1_000_000).rounded())
            record.actorUserID = entry.actorUserID
            record.actorLabel = entry.actorLabel
            record.organisationID = entry.organisationID
            record.action = entry.action
            record.subjectType = entry.subjectType
            record.subjectID = entry.subjectID
            record.sourceIP = entry.sourceIP
            record.details = entry.canonicalDetails
            record.prevHash = head.hash
            record.hash = chain.mac(record.chainFields)
            try await record.create(on: tx)
            try await sql.update(AuditHeadModel.schema).set("hash", to: record.hash)
                .where("id", .equal, 1).run()
            return head.seq
        }
    }

    /// Walks the whole chain in sequence order and reports the first problem.
    public func verify(on db: any Database, pageSize: Int = 1000) async throws -> AuditVerification {
        guard let head = try await AuditHeadModel.find(1, on: db) else { throw AuditLogError.missingHead }
        var expectedPrev = AuditChain.genesis
        var lastSeq: Int64 = 0
        var count: Int64 = 0
        var after: Int64 = Int64.min
        var pending: [AuditRecordModel] = []
        var exhausted = false

        func fill() async throws {
            guard !exhausted, pending.count < 2 else { return }
            let page = try await AuditRecordModel.query(on: db).filter(\.$seq > after)
                .sort(\.$seq).limit(pageSize).all()
            if page.isEmpty { exhausted = true }
            after = page.last?.seq ?? after
            pending += page
        }

        try await fill()
        while !pending.isEmpty {
            let record = pending.removeFirst()
            try await fill()
            let next = pending.first
            if record.hash != chain.mac(record.chainFields) {
                // A record whose neighbours still link around it was slipped in; otherwise it was changed.
                if next?.prevHash == expectedPrev || record.seq > head.seq { return .inserted(seq: record.seq) }
                return .altered(seq: record.seq)
            }
            if record.seq != lastSeq + 1 || record.prevHash != expectedPrev {
                return .removed(beforeSeq: record.seq)
            }
            expectedPrev = record.hash
            lastSeq = record.seq
            count += 1
        }
        if head.seq != lastSeq || head.hash != expectedPrev {
            return .truncated(expected: head.seq, found: lastSeq)
        }
        return .intact(records: count)
    }

    /// Newest first, optionally for one organisation (operators' audit view).
    public func recent(on db: any Database, organisationID: UUID? = nil, limit: Int = 100)
        async throws -> [AuditRecordModel]
    {
        var query = AuditRecordModel.query(on: db).sort(\.$seq, .descending).limit(limit)
        if let organisationID { query = query.filter(\.$organisationID == organisationID) }
        return try await query.all()
    }
}

public enum AuditLogError: Error {
    case notSQL
    case missingHead
}
