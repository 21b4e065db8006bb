import FluentKit
import Foundation
import Logging
import ServiceLifecycle
import SuanliKit
import Synchronization

/// Sends what the outbox holds: polls for due messages, claims each one, hands it to the
/// transport and records the outcome, retrying with back-off (SPEC C4.5: every transition is
/// notified by e-mail — reliably, even across relay outages and restarts).
///
/// Several instances may run against one database; the claim protocol in `Outbox+Claims.swift`
/// makes sure each message is handed to the relay by one of them at a time. Delivery is
/// at-least-once: a worker that dies after the relay accepted a message but before recording it
/// causes one resend after the claim lease; the stable Message-ID lets receivers spot it.
public final class MailDeliveryService: Service {
    private let database: any Database
    private let transport: (any MailTransport)?
    private let configuration: MailDeliveryConfiguration
    private let clock: any WallClock
    private let logger: Logger
    private let warnedAboutMissingTransport = Mutex(false)

    /// - Parameter transport: nil when no SMTP host is configured; messages then stay pending
    ///   (and are sent once a relay is configured) while the portal works normally.
    public init(
        database: any Database,
        transport: (any MailTransport)?,
        configuration: MailDeliveryConfiguration = MailDeliveryConfiguration(),
        clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "suanli.notify.delivery")
    ) {
        self.database = database
        self.transport = transport
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        logger.info(
            "mail delivery started",
            metadata: ["poll-interval": "\(configuration.pollInterval)", "relay": "\(transport != nil)"]
        )
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await deliverDue()
            } catch {
                // A database hiccup must not end the service; the next round tries again.
                logger.error("mail delivery round failed", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: self.configuration.pollInterval)
                }
            } catch {
                break
            }
        }
        logger.info("mail delivery stopped")
    }

    /// One round: every due message (up to the batch size) is tried once.
    @discardableResult
    public func deliverDue() async throws -> DeliveryReport {
        guard let transport else {
            let firstTime = warnedAboutMissingTransport.withLock { warned in
                defer { warned = true }
                return !warned
            }
            if firstTime {
                logger.warning("no SMTP host configured (smtp.host); e-mails stay in the outbox until one is")
            }
            return DeliveryReport()
        }
        var report = DeliveryReport()
        let due = try await Outbox.due(on: database, now: clock.now(), limit: configuration.batchSize)
        for candidate in due {
            guard
                let message = try await Outbox.claim(
                    candidate,
                    on: database,
                    now: clock.now(),
                    lease: configuration.claimLease
                )
            else {
                report.skipped += 1
                continue
            }
            try await deliver(message, via: transport, report: &report)
        }
        return report
    }

    private func deliver(_ message: OutboxMessage, via transport: any MailTransport, report: inout DeliveryReport)
        async throws
    {
        let id = message.id!
        var logger = self.logger
        logger[metadataKey: "outbox.id"] = "\(id)"
        logger[metadataKey: "mail.template"] = "\(message.templateKey)"
        logger[metadataKey: "mail.attempt"] = "\(message.attempts)"
        let mail = MailMessage(
            messageID: id.uuidString.lowercased(),
            date: clock.now(),
            toAddress: message.recipientAddress,
            toName: message.recipientName,
            subject: message.subject,
            text: message.textBody,
            html: message.htmlBody
        )
        do {
            try await transport.send(mail)
        } catch {
            let permanent = (error as? SMTPError)?.isPermanent ?? false
            let description = String(describing: error)
            switch configuration.retry.decision(afterAttempt: message.attempts, permanent: permanent) {
            case .retry(let delay):
                let next = clock.now().addingTimeInterval(delay.timeInterval)
                try await Outbox.markForRetry(message, on: database, at: next, error: description)
                report.retried += 1
                logger.warning(
                    "mail not delivered; will retry",
                    metadata: ["error": "\(description)", "retry-at": "\(next)", "permanent": "\(permanent)"]
                )
            case .giveUp:
                try await Outbox.markFailed(message, on: database, error: description)
                report.failed += 1
                logger.error("mail not delivered; giving up", metadata: ["error": "\(description)"])
            }
            return
        }
        try await Outbox.markSent(message, on: database, at: clock.now())
        report.sent += 1
        logger.info("mail delivered")
    }
}
