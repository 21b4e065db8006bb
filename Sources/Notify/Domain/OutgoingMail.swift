import Foundation
import SuanliKit

/// An e-mail ready for the outbox: recipient, language and the rendered texts.
/// Rendering happens when the mail is built, inside the caller's transaction, so the stored text
/// is exactly what was decided at that moment even if templates change before delivery.
public struct OutgoingMail: Sendable, Equatable {
    public var recipientAddress: String
    public var recipientName: String?
    public var recipientUserID: UUID?
    public var language: Language
    public var templateKey: String
    public var subject: String
    public var textBody: String
    public var htmlBody: String?

    /// A mail from the template catalogue (the normal way).
    public init(
        to address: String,
        name: String? = nil,
        userID: UUID? = nil,
        language: Language,
        template: MailTemplate,
        includeHTML: Bool = true
    ) {
        let rendered = template.render(language, includeHTML: includeHTML)
        self.init(
            to: address,
            name: name,
            userID: userID,
            language: language,
            templateKey: template.key,
            subject: rendered.subject,
            textBody: rendered.text,
            htmlBody: rendered.html
        )
    }

    /// A mail with hand-written texts, for messages the catalogue does not have yet.
    public init(
        to address: String,
        name: String? = nil,
        userID: UUID? = nil,
        language: Language,
        templateKey: String,
        subject: String,
        textBody: String,
        htmlBody: String? = nil
    ) {
        self.recipientAddress = address
        self.recipientName = name
        self.recipientUserID = userID
        self.language = language
        self.templateKey = templateKey
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
    }
}
