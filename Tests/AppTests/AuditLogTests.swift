import App
import Compliance
import FluentKit
import Foundation
import SQLKit
import SuanliKit
import Testing

/// The tamper-evident audit log (SPEC X2, C6.4, T3): every kind of tampering with the table is found,
/// and the first damaged record is named.
@Suite struct AuditLogTests {
    static func seed(_ suanli: Suanli, count: Int = 6) async throws {
        for n in 1...count {
            try await suanli.services.audit.record(AuditEntry(
                actorLabel: "tester\(n)@suanli.test", action: "test.event", subjectType: "thing",
                subjectID: "\(n)", sourceIP: "192.0.2.\(n)", details: ["n": "\(n)", "名稱": "測試"]),
                on: suanli.database.db)
        }
    }

    static func sql(_ suanli: Suanli) -> any SQLDatabase { suanli.database.sql }

    @Test func anUntouchedLogVerifies() async throws {
        try await TestApp.withSuanli { suanli in
            try await Self.seed(suanli)
            #expect(try await suanli.services.audit.verify(on: suanli.database.db) == .intact(records: 6))
        }
    }

    @Test func concurrentAppendsKeepOneChain() async throws {
        try await TestApp.withSuanli { suanli in
            let audit = suanli.services.audit
            let database = suanli.database
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<40 {
                    group.addTask {
                        try await audit.record(AuditEntry(actorLabel: "c\(n)", action: "test.concurrent",
                                                          subjectType: "thing"), on: database.db)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await audit.verify(on: database.db) == .intact(records: 40))
        }
    }

    @Test func anAlteredRecordIsNamed() async throws {
        try await TestApp.withSuanli { suanli in
            try await Self.seed(suanli)
            try await Self.sql(suanli).raw("UPDATE audit_records SET source_ip = '10.9.9.9' WHERE seq = 3").run()
            #expect(try await suanli.services.audit.verify(on: suanli.database.db) == .altered(seq: 3))
        }
    }

    @Test func alteredDetailsAreFoundToo() async throws {
        try await TestApp.withSuanli { suanli in
            try await Self.seed(suanli)
            try await Self.sql(suanli).raw(
                "UPDATE audit_records SET details = '{\"n\":\"4\",\"名稱\":\"竄改\"}' WHERE seq = 4").run()
            #expect(try await suanli.services.audit.verify(on: suanli.database.db) == .altered(seq: 4))
        }
    }

    @Test func aRemovedRecordIsFound() async throws {
        try await TestApp.withSuanli { suanli in
            try await Self.seed(suanli)
            try await Self.sql(suanli).raw("DELETE FROM audit_records WHERE seq = 2").run()
            #expect(try await suanli.services.audit.verify(on: suanli.database.db) == .removed(beforeSeq: 3))
        }
    }

    @Test func aRemovedRecordWithRenumberingIsStillFound() async throws {
        try await TestApp.withSuanli { suanli in
            try await Self.seed(suanli)
            let sql = Self.sql(suanli)
            try await sql.raw("DELETE FROM audit_records WHERE seq = 2").run()
            for seq in 3...6 { try await sql.raw("UPDATE audit_records SET seq = \(bind: seq - 1) WHERE seq = \(bind: seq)").run() }
            try await sql.raw("UPDATE audit_head SET seq = 5").run()
            // Renumbering breaks the MAC of the first moved record.
            #expect(try await suanli.services.audit.verify(on: suanli.database.db) == .altered(seq: 2))
        }
    }

    @Test func anInsertedRecordIsFound() async throws {
        try await TestApp.withSuanli { suanli in
            try await Self.seed(suanli)
            let sql = Self.sql(suanli)
            // Make room at #3 and slip in a record copied from #2 with a plausible but forged MAC.
            for seq in (3...6).reversed() {
                try await sql.raw("UPDATE audit_records SET seq = \(bind: seq + 1) WHERE seq = \(bind: seq)").run()
            }
            try await sql.raw("""
                INSERT INTO audit_records (id, seq, at_us, actor_user_id, actor_label, organisation_id, action,
                    subject_type, subject_id, source_ip, details, prev_hash, hash)
                SELECT \(bind: UUID()), 3, at_us, actor_user_id, 'intruder', organisation_id, 'user.created',
                    subject_type, subject_id, source_ip, details, hash, prev_hash
                FROM audit_records WHERE seq = 2
                """).run()
            try await sql.raw("UPDATE audit_head SET seq = 7").run()
            #expect(try await suanli.services.audit.verify(on: suanli.database.db) == .inserted(seq: 3))
        }
    }

    @Test func anAppendedForgeryIsFound() async throws {
        try await TestApp.withSuanli { suanli in
            try await Self.seed(suanli)
            try await Self.sql(suanli).raw("""
                INSERT INTO audit_records (id, seq, at_us, actor_label, action, subject_type, details, prev_hash, hash)
                SELECT \(bind: UUID()), 7, at_us, 'intruder', 'user.created', 'user', '{}', hash, hash
                FROM audit_records WHERE seq = 6
                """).run()
            #expect(try await suanli.services.audit.verify(on: suanli.database.db) == .inserted(seq: 7))
        }
    }

    @Test func truncationAtTheEndIsFound() async throws {
        try await TestApp.withSuanli { suanli in
            try await Self.seed(suanli)
            try await Self.sql(suanli).raw("DELETE FROM audit_records WHERE seq >= 5").run()
            #expect(try await suanli.services.audit.verify(on: suanli.database.db)
                == .truncated(expected: 6, found: 4))
        }
    }

    @Test func aDifferentKeyCannotVouchForTheLog() async throws {
        try await TestApp.withSuanli { suanli in
            try await Self.seed(suanli, count: 2)
            let stranger = AuditLog(key: Array(repeating: 1, count: 32), clock: SystemClock())
            #expect(try await stranger.verify(on: suanli.database.db) == .altered(seq: 1))
        }
    }
}
