#if canImport(FluentSQLiteDriver)
import FluentKit
import Foundation
import Logging
import SuanliKit
import Synchronization
import Testing

@testable import Notify

/// The outbox and the delivery service, with a real SMTP server (`scripts/smtp-sink`).
@Suite("Notify: outbox and delivery")
struct NotifyDeliveryTests {
    static let to = "chen@example.com.tw"

    static func mail(to address: String = to, userID: UUID? = nil) -> OutgoingMail {
        OutgoingMail(
            to: address,
            name: "陳美玲",
            userID: userID,
            language: .zhTW,
            template: .verifyEmail(link: "https://suanli.example/verify?t=abc")
        )
    }

    static func smtp(_ sink: SMTPSink) throws -> SMTPClient {
        try SMTPClient(
            configuration: SMTPConfiguration(
                host: "127.0.0.1",
                port: sink.port,
                security: .none,
                fromAddress: "noreply@suanli.example",
                timeout: .seconds(10)
            )
        )
    }

    static func service(
        _ db: any Database,
        transport: (any MailTransport)?,
        clock: ManualClock,
        retry: RetryPolicy = RetryPolicy(),
        pollInterval: Duration = .seconds(10),
        logger: Logger = Logger(label: "test.notify.delivery")
    ) -> MailDeliveryService {
        MailDeliveryService(
            database: db,
            transport: transport,
            configuration: MailDeliveryConfiguration(pollInterval: pollInterval, retry: retry),
            clock: clock,
            logger: logger
        )
    }

    static func only(_ db: any Database) async throws -> OutboxEntry {
        let entries = try await Outbox.messages(to: to, on: db)
        try #require(entries.count == 1)
        return entries[0]
    }

    struct Boom: Error {}

    @Test("a message exists exactly when the caller's transaction commits")
    func transactional() async throws {
        try await NotifyTestDB.with { db in
            try await db.transaction { tx in
                _ = try await Outbox.enqueue(Self.mail(), on: tx)
            }
            await #expect(throws: Boom.self) {
                try await db.transaction { tx in
                    try await Outbox.enqueue(Self.mail(), on: tx)
                    throw Boom()
                }
            }
            let entry = try await Self.only(db)
            #expect(entry.status == .pending)
            #expect(entry.attempts == 0)
            #expect(entry.nextAttemptAt == nil)
            #expect(entry.templateKey == "verify-email")
            #expect(entry.language == .zhTW)
        }
    }

    @Test("an unusable address is refused and nothing is written")
    func invalidAddress() async throws {
        try await NotifyTestDB.with { db in
            await #expect(throws: NotifyError.invalidAddress("x@y>\r\nRCPT TO:<z@w")) {
                try await Outbox.enqueue(Self.mail(to: "x@y>\r\nRCPT TO:<z@w"), on: db)
            }
            let stored = try await OutboxMessage.query(on: db).count()
            #expect(stored == 0)
        }
    }

    @Test("a zh-TW message is delivered and marked sent at the clock's time")
    func delivers() async throws {
        try await NotifyTestDB.with { db in
            try await withSMTPSink { sink in
                let clock = ManualClock()
                let userID = UUID()
                let id = try await Outbox.enqueue(Self.mail(userID: userID), on: db, now: clock.now())
                let report = try await Self.service(db, transport: try Self.smtp(sink), clock: clock).deliverDue()
                #expect(report == DeliveryReport(sent: 1))
                let entry = try await Self.only(db)
                #expect(entry.id == id)
                #expect(entry.status == .sent)
                #expect(entry.sentAt == clock.now())
                #expect(entry.attempts == 1)
                #expect(entry.recipientUserID == userID)
                let mail = try #require(try sink.received().first)
                #expect(mail.rcpt_tos == [Self.to])
                #expect(mail.to == "陳美玲 <\(Self.to)>")
                #expect(mail.subject == "【算力平台】請驗證您的電子郵件地址")
                #expect(mail.text?.contains("https://suanli.example/verify?t=abc") == true)
                #expect(mail.message_id == "<\(id.uuidString.lowercased())@suanli.example>")
                #expect(mail.defects.isEmpty)
            }
        }
    }

    @Test("451 twice, then success: retried after 30 s and 2 min")
    func retriesWithBackOff() async throws {
        try await NotifyTestDB.with { db in
            try await withSMTPSink(["--fail-first", "2"]) { sink in
                let clock = ManualClock()
                let service = Self.service(db, transport: try Self.smtp(sink), clock: clock)
                try await Outbox.enqueue(Self.mail(), on: db, now: clock.now())

                #expect(try await service.deliverDue() == DeliveryReport(retried: 1))
                var entry = try await Self.only(db)
                #expect(entry.status == .pending)
                #expect(entry.attempts == 1)
                #expect(entry.nextAttemptAt == clock.now().addingTimeInterval(30))
                #expect(entry.lastError?.contains("451") == true)

                // Not due yet: nothing happens, however often the worker polls.
                #expect(try await service.deliverDue() == DeliveryReport())
                clock.advance(by: 29)
                #expect(try await service.deliverDue() == DeliveryReport())

                clock.advance(by: 1)
                #expect(try await service.deliverDue() == DeliveryReport(retried: 1))
                entry = try await Self.only(db)
                #expect(entry.attempts == 2)
                #expect(entry.nextAttemptAt == clock.now().addingTimeInterval(120))

                clock.advance(by: 120)
                #expect(try await service.deliverDue() == DeliveryReport(sent: 1))
                entry = try await Self.only(db)
                #expect(entry.status == .sent)
                #expect(entry.attempts == 3)
                #expect(entry.lastError == nil)
                #expect(try sink.received().count == 1)
            }
        }
    }

    @Test("550 ends as failed after at most one retry")
    func permanentRejection() async throws {
        try await NotifyTestDB.with { db in
            try await withSMTPSink(["--reject"]) { sink in
                let clock = ManualClock()
                let service = Self.service(db, transport: try Self.smtp(sink), clock: clock)
                try await Outbox.enqueue(Self.mail(), on: db, now: clock.now())
                #expect(try await service.deliverDue() == DeliveryReport(retried: 1))
                clock.advance(by: 30)
                #expect(try await service.deliverDue() == DeliveryReport(failed: 1))
                let entry = try await Self.only(db)
                #expect(entry.status == .failed)
                #expect(entry.attempts == 2)
                #expect(entry.nextAttemptAt == nil)
                #expect(entry.lastError?.contains("550") == true)
                clock.advance(by: 86_400)
                #expect(try await service.deliverDue() == DeliveryReport())
            }
        }
    }

    @Test("with no retries for permanent errors, 550 fails at once")
    func permanentRejectionWithoutRetry() async throws {
        try await NotifyTestDB.with { db in
            try await withSMTPSink(["--reject"]) { sink in
                let clock = ManualClock()
                let retry = RetryPolicy(retriesAfterPermanentFailure: 0)
                let service = Self.service(db, transport: try Self.smtp(sink), clock: clock, retry: retry)
                try await Outbox.enqueue(Self.mail(), on: db, now: clock.now())
                #expect(try await service.deliverDue() == DeliveryReport(failed: 1))
                #expect(try await Self.only(db).status == .failed)
            }
        }
    }

    @Test("transient failures give up after maxAttempts tries")
    func outOfAttempts() async throws {
        try await NotifyTestDB.with { db in
            try await withSMTPSink(["--fail-first", "100"]) { sink in
                let clock = ManualClock()
                let service = Self.service(
                    db, transport: try Self.smtp(sink), clock: clock, retry: RetryPolicy(maxAttempts: 3))
                try await Outbox.enqueue(Self.mail(), on: db, now: clock.now())
                #expect(try await service.deliverDue() == DeliveryReport(retried: 1))
                clock.advance(by: 3600)
                #expect(try await service.deliverDue() == DeliveryReport(retried: 1))
                clock.advance(by: 3600)
                #expect(try await service.deliverDue() == DeliveryReport(failed: 1))
                let entry = try await Self.only(db)
                #expect(entry.status == .failed)
                #expect(entry.attempts == 3)
            }
        }
    }

    @Test("errors that are not SMTP errors count as transient")
    func foreignErrors() async throws {
        struct Broken: MailTransport {
            func send(_ message: MailMessage) async throws { throw Boom() }
        }
        try await NotifyTestDB.with { db in
            let clock = ManualClock()
            try await Outbox.enqueue(Self.mail(), on: db, now: clock.now())
            let report = try await Self.service(db, transport: Broken(), clock: clock).deliverDue()
            #expect(report == DeliveryReport(retried: 1))
            #expect(try await Self.only(db).lastError?.contains("Boom") == true)
        }
    }

    @Test("two workers polling at once never send one message twice", arguments: 1...3)
    func concurrentWorkers(round: Int) async throws {
        try await NotifyTestDB.with { db in
            try await withSMTPSink { sink in
                let clock = ManualClock()
                var ids: Set<String> = []
                for index in 0..<10 {
                    let created = clock.now().addingTimeInterval(Double(index))
                    let id = try await Outbox.enqueue(Self.mail(to: "user\(index)@example.com"), on: db, now: created)
                    ids.insert("<\(id.uuidString.lowercased())@suanli.example>")
                }
                let first = Self.service(db, transport: try Self.smtp(sink), clock: clock)
                let second = Self.service(db, transport: try Self.smtp(sink), clock: clock)
                async let a = first.deliverDue()
                async let b = second.deliverDue()
                let (reportA, reportB) = try await (a, b)
                #expect(reportA.sent + reportB.sent == 10)
                #expect(reportA.retried + reportB.retried + reportA.failed + reportB.failed == 0)
                let received = try sink.received()
                #expect(received.count == 10)
                #expect(Set(received.compactMap(\.message_id)) == ids)
                let statuses = try await OutboxMessage.query(on: db).all().map(\.status)
                #expect(statuses.allSatisfy { $0 == .sent })
            }
        }
    }

    @Test("a message claimed by a worker that died is sent after the claim lease")
    func staleClaim() async throws {
        try await NotifyTestDB.with { db in
            try await withSMTPSink { sink in
                let clock = ManualClock()
                let service = Self.service(db, transport: try Self.smtp(sink), clock: clock)
                try await Outbox.enqueue(Self.mail(), on: db, now: clock.now())
                let due = try await Outbox.due(on: db, now: clock.now(), limit: 10)
                let dead = try #require(try await Outbox.claim(due[0], on: db, now: clock.now(), lease: .seconds(900)))

                #expect(try await service.deliverDue() == DeliveryReport())
                clock.advance(by: 900)
                #expect(try await service.deliverDue() == DeliveryReport(sent: 1))
                #expect(try sink.received().count == 1)

                // The dead worker wakes up: its outcome no longer counts.
                try await Outbox.markForRetry(dead, on: db, at: clock.now(), error: "late")
                let entry = try await Self.only(db)
                #expect(entry.status == .sent)
                #expect(entry.attempts == 2)
                #expect(entry.lastError == nil)
            }
        }
    }

    @Test("without an SMTP host messages stay pending and one warning is logged")
    func noRelay() async throws {
        try await NotifyTestDB.with { db in
            let clock = ManualClock()
            let logs = LogCapture()
            let logger = Logger(label: "test.notify.delivery") { _ in logs }
            let service = Self.service(db, transport: nil, clock: clock, logger: logger)
            try await Outbox.enqueue(Self.mail(), on: db, now: clock.now())
            #expect(try await service.deliverDue() == DeliveryReport())
            clock.advance(by: 3600)
            #expect(try await service.deliverDue() == DeliveryReport())
            let entry = try await Self.only(db)
            #expect(entry.status == .pending)
            #expect(entry.attempts == 0)
            #expect(logs.messages(at: .warning).count == 1)
            #expect(logs.messages(at: .warning).first?.contains("smtp.host") == true)
        }
    }

    @Test("run() polls until cancelled")
    func runLoop() async throws {
        try await NotifyTestDB.with { db in
            try await withSMTPSink { sink in
                let clock = ManualClock()
                let service = Self.service(
                    db, transport: try Self.smtp(sink), clock: clock, pollInterval: .milliseconds(50))
                let worker = Task { try await service.run() }
                try await Outbox.enqueue(Self.mail(), on: db, now: clock.now())
                var status = OutboxStatus.pending
                for _ in 0..<200 where status != .sent {
                    try await Task.sleep(for: .milliseconds(25))
                    status = try await Self.only(db).status
                }
                worker.cancel()
                try await worker.value
                #expect(status == .sent)
                #expect(try sink.received().count == 1)
            }
        }
    }
}

/// Collects log lines so a test can count warnings.
final class LogCapture: LogHandler, @unchecked Sendable {
    private let lines = Mutex<[(Logger.Level, String)]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.withLock { $0.append((event.level, "\(event.message)")) }
    }

    func messages(at level: Logger.Level) -> [String] {
        lines.withLock { $0.filter { $0.0 == level }.map(\.1) }
    }
}
#endif
