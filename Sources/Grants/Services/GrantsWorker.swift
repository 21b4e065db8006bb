import FluentKit
import Foundation
import Logging
import ServiceLifecycle
import SuanliKit

/// What one pass of the worker did, for logs and tests.
public struct GrantsWorkerReport: Sendable, Equatable {
    public var lapsed: [String] = []
    public var remindersSent: [String] = []
    public var overdueNotified: [String] = []
}

/// The Grants background work (SPEC C4.1, C7.1): withdraws applications whose correction deadline
/// passed, reminds tenants of the close-out deadline and tells them when it is missed. Everything
/// it needs is in the database, so it picks up where it left off after a restart; a lease keeps
/// two instances from doing the same work.
public struct GrantsWorker: Service {
    public let grants: GrantsService
    public let database: @Sendable () -> any Database
    public let interval: Duration
    public let holder: String
    public let logger: Logger

    public init(grants: GrantsService, database: @escaping @Sendable () -> any Database,
                interval: Duration = .seconds(30), holder: String = UUID().uuidString, logger: Logger) {
        self.grants = grants
        self.database = database
        self.interval = interval
        self.holder = holder
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let report = try await runOnce()
                if !report.lapsed.isEmpty || !report.remindersSent.isEmpty || !report.overdueNotified.isEmpty {
                    logger.info("grants worker pass", metadata: [
                        "lapsed": "\(report.lapsed)", "reminders": "\(report.remindersSent)",
                        "overdue": "\(report.overdueNotified)"])
                }
            } catch {
                logger.error("grants worker pass failed", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            } catch {
                break
            }
        }
    }

    /// One pass; returns at once when another instance holds the lease.
    @discardableResult
    public func runOnce() async throws -> GrantsWorkerReport {
        let db = database()
        let now = grants.clock.now()
        let seconds = Double(interval.components.seconds) * 4 + 60
        guard try await WorkerLease.acquire("grants", holder: holder, for: seconds, now: now, on: db) else {
            return GrantsWorkerReport()
        }
        var report = GrantsWorkerReport()
        report.lapsed = try await grants.lapseOverdueCorrections(on: db)
        let closeOut = try await grants.sendCloseOutNotices(on: db)
        report.remindersSent = closeOut.reminders
        report.overdueNotified = closeOut.overdue
        return report
    }
}

extension GrantsService {
    /// SPEC C4.1: "逾期未補正者，視同放棄" — each application past its correction deadline lapses,
    /// in its own transaction, with its notice.
    public func lapseOverdueCorrections(on db: any Database) async throws -> [String] {
        let now = clock.now()
        let due = try await ApplicationModel.query(on: db)
            .filter(\.$status == ApplicationStatus.correctionRequested.rawValue)
            .filter(\.$correctionDeadline <= now).all()
        var lapsed: [String] = []
        for model in due {
            _ = try await transition(model.id!, expectedVersion: nil, by: .system, on: db) { _, _ in .lapse }
            lapsed.append(model.reference)
        }
        return lapsed
    }

    /// Close-out reminders before the deadline and one notice when it has passed (SPEC C7.1).
    public func sendCloseOutNotices(on db: any Database) async throws -> (reminders: [String], overdue: [String]) {
        let now = clock.now()
        var reminders: [String] = [], overdue: [String] = []
        for model in try await ProjectModel.query(on: db).filter(\.$closeOutCompletedAt == nil).all() {
            let project = try ProjectRecord(model)
            let schedule = project.schedule
            let link = "\(portalURL)/projects/\(project.id.uuidString)"
            let missing = project.closeOut.missing
            let missingLine = Bilingual(zh: "尚未繳交：" + missing.map(\.label.zh).joined(separator: "、"),
                                        en: "Still missing: " + missing.map(\.label.en).joined(separator: ", "))
            if let offset = schedule.reminderDue(at: now, sent: project.remindersSent, submission: project.closeOut) {
                try await db.transaction { tx in
                    model.remindersSent = try GrantsJSON.encode(project.remindersSent.union([offset]).sorted())
                    try await model.save(on: tx)
                    try await send(
                        to: project.organisationID, reference: project.reference, title: project.title,
                        heading: Bilingual(zh: "結案資料繳交提醒", en: "Close-out reminder"),
                        details: [Bilingual(zh: "請於 \(schedule.dueDay.longForm) 前繳交結案報告、成果簡報及產品 demo 影片。",
                                            en: "Hand in the close-out report, slides and demo video by "
                                                + "\(schedule.dueDay.isoForm)."), missingLine],
                        link: link, on: tx)
                    try await record("grants.closeout.reminded", subject: "project", id: project.id.uuidString,
                                     by: .system, organisation: project.organisationID,
                                     details: ["daysBefore": String(offset)], on: tx)
                }
                reminders.append(project.reference)
            } else if schedule.status(at: now, submission: project.closeOut).isOverdue && !model.overdueNotified {
                try await db.transaction { tx in
                    model.overdueNotified = true
                    try await model.save(on: tx)
                    try await send(
                        to: project.organisationID, reference: project.reference, title: project.title,
                        heading: Bilingual(zh: "結案資料已逾期", en: "Close-out overdue"),
                        details: [Bilingual(zh: "繳交期限 \(schedule.dueDay.longForm) 已過，請儘速繳交並與執行單位聯繫。",
                                            en: "The deadline \(schedule.dueDay.isoForm) has passed; hand in the "
                                                + "items as soon as possible and contact the operator."), missingLine],
                        link: link, on: tx)
                    try await record("grants.closeout.overdue", subject: "project", id: project.id.uuidString,
                                     by: .system, organisation: project.organisationID, on: tx)
                }
                overdue.append(project.reference)
            }
        }
        return (reminders, overdue)
    }
}
