import Foundation

/// One message as the transport sends it. The sender comes from the transport's configuration.
public struct MailMessage: Sendable, Equatable {
    /// Without angle brackets, e.g. `3f2504e0-…@suanli.example`; without `@` the sender's domain is
    /// appended. The outbox derives it from the message id, so every retry of one message carries
    /// the same Message-ID and receiving systems can recognise a duplicate.
    public var messageID: String
    public var date: Date
    public var toAddress: String
    public var toName: String?
    public var subject: String
    public var text: String
    public var html: String?

    public init(
        messageID: String,
        date: Date,
        toAddress: String,
        toName: String? = nil,
        subject: String,
        text: String,
        html: String? = nil
    ) {
        self.messageID = messageID
        self.date = date
        self.toAddress = toAddress
        self.toName = toName
        self.subject = subject
        self.text = text
        self.html = html
    }
}

/// Anything that can hand a message to a mail system. `SMTPClient` is the real one; the delivery
/// service takes the protocol so a broken relay can be simulated where a real one cannot.
public protocol MailTransport: Sendable {
    /// Throws `SMTPError` (or any error, treated as transient) when the message was not accepted.
    func send(_ message: MailMessage) async throws
}
