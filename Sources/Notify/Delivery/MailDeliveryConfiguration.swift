/// Settings of the outbox worker (config keys `notify.delivery.*`).
public struct MailDeliveryConfiguration: Sendable, Equatable {
    /// How often `run()` looks for due messages.
    public var pollInterval: Duration
    /// At most this many messages per round, so one round cannot run for ever.
    public var batchSize: Int
    public var retry: RetryPolicy
    /// How long a claim protects a message from other workers. Far longer than one SMTP session
    /// can take (a handful of replies, each bounded by the SMTP timeout), so a live worker never
    /// loses its claim; a crashed worker's message is picked up again after this.
    public var claimLease: Duration

    public init(
        pollInterval: Duration = .seconds(10),
        batchSize: Int = 20,
        retry: RetryPolicy = RetryPolicy(),
        claimLease: Duration = .seconds(15 * 60)
    ) {
        self.pollInterval = pollInterval
        self.batchSize = max(1, batchSize)
        self.retry = retry
        self.claimLease = claimLease
    }
}

/// What one `deliverDue()` round did.
public struct DeliveryReport: Sendable, Equatable {
    public var sent = 0
    public var retried = 0
    public var failed = 0
    /// Due messages another worker claimed first.
    public var skipped = 0

    public init(sent: Int = 0, retried: Int = 0, failed: Int = 0, skipped: Int = 0) {
        self.sent = sent
        self.retried = retried
        self.failed = failed
        self.skipped = skipped
    }
}
