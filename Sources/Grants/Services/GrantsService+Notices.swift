import FluentKit
import Foundation
import Notify
import SuanliKit

extension GrantsService {
    /// Tells everyone in the company about a step, by e-mail and in-app, inside the step's
    /// transaction (SPEC C4.5): a notice is sent exactly when the change commits.
    func notify(_ model: ApplicationModel, _ step: TransitionRecord, extra: [Bilingual] = [],
                on db: any Database) async throws {
        let details = Self.noticeDetails(step) + extra
        let title = model.title.isEmpty ? model.reference : model.title
        let link = "\(portalURL)/applications/\(model.id!.uuidString)"
        try await send(to: model.organisationID, reference: model.reference, title: title, heading: step.to.label,
                       details: details, link: link, on: db)
    }

    func send(to organisation: UUID, reference: String, title: String, heading: Bilingual, details: [Bilingual],
              link: String, on db: any Database) async throws {
        let now = clock.now()
        for member in try await directory.members(of: organisation, on: db) {
            let template = MailTemplate.grantNotice(reference: reference, subjectTitle: title, heading: heading,
                                                    details: details, link: link)
            try await Outbox.enqueue(OutgoingMail(to: member.email, userID: member.userID,
                                                  language: member.language, template: template), on: db, now: now)
            let text = (member.language == .en ? details.map(\.en) : details.map(\.zh)).joined(separator: "\n")
            try await InAppNotifications.post(
                userID: member.userID, organisationID: organisation,
                title: member.language == .en ? "\(reference): \(heading.en)" : "\(reference)：\(heading.zh)",
                body: text, link: link, on: db, now: now)
        }
    }

    /// What the notice says beyond the new status: the reason, the level, what to correct and by when.
    static func noticeDetails(_ step: TransitionRecord) -> [Bilingual] {
        var lines: [Bilingual] = []
        if let level = step.level {
            lines.append(Bilingual(zh: "核給等級：\(level.zh)", en: "Level: \(level.en)"))
        }
        if !step.items.isEmpty {
            lines.append(Bilingual(zh: "請補正以下項目：", en: "Please correct the following:"))
            lines += step.items.map { Bilingual(zh: "・\($0)", en: "• \($0)") }
        }
        if let deadline = step.deadline {
            lines.append(Bilingual(zh: "補正期限：\(deadline.announced(.zhTW))；逾期未補正者視同放棄申請。",
                                   en: "Deadline: \(deadline.announced(.en)); after it the application is treated "
                                       + "as withdrawn."))
        }
        if let reason = step.reason {
            lines.append(Bilingual(zh: "說明：\(reason)", en: "Reason: \(reason)"))
        }
        return lines
    }
}
