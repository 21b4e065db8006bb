import FluentKit
import Foundation
import Identity
import Notify
import SuanliKit

/// Identity's e-mails go through the Notify outbox, in the caller's transaction.
struct OutboxMessenger: IdentityMessenger {
    let clock: any WallClock

    func send(_ template: MailTemplate, to email: String, userID: UUID?, language: Language,
              on db: any Database) async throws {
        _ = try await Outbox.enqueue(OutgoingMail(to: email, userID: userID, language: language, template: template),
                                     on: db, now: clock.now())
    }
}
