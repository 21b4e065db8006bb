import FluentKit
import Foundation
import SuanliKit

/// What one registry import did, for the CLI's report.
public struct RegistryImportSummary: Sendable, Equatable {
    public var importID: UUID
    public var source: RegistrySource
    public var recordCount: Int
    public var rejectedCount: Int
    public var datasetDate: ROCDate?
    public var warnings: [RegistryImportIssue]
    public var errors: [RegistryImportIssue]
}

extension GrantsService {
    // MARK: Registry snapshots (SPEC C2, T8)

    /// Stores one downloaded registry file; it replaces that source's earlier records in one
    /// transaction, so eligibility never reads half of an import. Parsing happens first: a file that
    /// fails (all-or-nothing mode) writes nothing.
    public func importRegistry(_ bytes: [UInt8], source: RegistrySource, fileName: String,
                               mode: RegistryImportMode = .allOrNothing, by label: String,
                               on db: any Database) async throws -> RegistryImportSummary {
        let result: RegistryImportResult
        do {
            result = try RegistryImporter.parse(bytes, as: source, mode: mode)
        } catch {
            throw RegistryImportRefused(failure: error)
        }
        let caller = GrantsCaller(userID: GrantsCaller.system.userID, role: .system, organisationID: nil,
                                  label: label, sourceIP: nil)
        return try await db.transaction { tx in
            let importModel = RegistryImportModel()
            importModel.id = UUID()
            importModel.source = source.rawValue
            importModel.datasetDate = result.datasetDate?.isoForm
            importModel.recordCount = result.records.count
            importModel.rejectedCount = result.rejectedRowCount
            importModel.fileName = String(fileName.suffix(200))
            importModel.sha256 = ContentDigest.sha256Hex(bytes)
            importModel.importedBy = label
            importModel.importedAt = clock.now()
            try await importModel.create(on: tx)
            try await RegistryRecordModel.query(on: tx).filter(\.$source == source.rawValue).delete()
            for chunk in stride(from: 0, to: result.records.count, by: 500) {
                let models = try result.records[chunk..<min(chunk + 500, result.records.count)].map { record in
                    let model = RegistryRecordModel()
                    model.id = UUID()
                    model.importID = importModel.id!
                    model.source = source.rawValue
                    model.taxID = record.taxID.digits
                    model.record = try GrantsJSON.encode(record)
                    return model
                }
                try await models.create(on: tx)
            }
            try await record("grants.registry.imported", subject: "registry", id: importModel.id!.uuidString,
                             by: caller, details: ["source": source.rawValue, "records": String(result.records.count),
                                                   "rejected": String(result.rejectedRowCount),
                                                   "sha256": importModel.sha256, "file": importModel.fileName],
                             on: tx)
            return RegistryImportSummary(
                importID: importModel.id!, source: source, recordCount: result.records.count,
                rejectedCount: result.rejectedRowCount, datasetDate: result.datasetDate, warnings: result.warnings,
                errors: result.errors)
        }
    }

    /// The datasets loaded now, newest import of each source.
    public func registryDatasets(on db: any Database) async throws -> [RegistryDataset] {
        var latest: [RegistrySource: RegistryImportModel] = [:]
        for model in try await RegistryImportModel.query(on: db).sort(\.$importedAt, .ascending).all() {
            if let source = RegistrySource(rawValue: model.source) { latest[source] = model }
        }
        return latest.values.map { model in
            RegistryDataset(source: RegistrySource(rawValue: model.source)!,
                            datasetDate: model.datasetDate.flatMap(ROCDate.parse), recordCount: model.recordCount)
        }.sorted { $0.source < $1.source }
    }

    func registrySnapshot(for taxID: TaxID, on db: any Database) async throws -> RegistrySnapshot {
        let rows = try await RegistryRecordModel.query(on: db).filter(\.$taxID == taxID.digits).all()
        let records = try rows.compactMap { row -> (source: RegistrySource, record: RegistryRecord)? in
            guard let source = RegistrySource(rawValue: row.source) else { return nil }
            return (source, try GrantsJSON.decode(RegistryRecord.self, from: row.record))
        }
        return RegistrySnapshot(restoring: records, datasets: try await registryDatasets(on: db))
    }

    // MARK: The eligibility review (SPEC C2, C4.1)

    /// Starts (or re-runs) the eligibility review: evaluates every rule against the registry and the
    /// applicant's declarations, and keeps the report with the application. A re-run after a
    /// resubmission starts a fresh report; earlier decisions stay in the audit log.
    public func evaluateEligibility(_ id: UUID, by caller: GrantsCaller, on db: any Database) async throws
        -> ApplicationRecord
    {
        try Self.require(caller, [.operator])
        let current = try await visibleApplication(id, for: caller, on: db)
        if current.status == ApplicationStatus.submitted.rawValue
            || current.status == ApplicationStatus.resubmitted.rawValue
        {
            _ = try await transition(id, expectedVersion: nil, by: caller, on: db) { _, _ in .startEligibilityReview }
        }
        return try await db.transaction { tx in
            try await RowLock.lock(ApplicationModel.schema, id: id, on: tx)
            let model = try await visibleApplication(id, for: caller, on: tx)
            guard model.status == ApplicationStatus.eligibilityReview.rawValue else {
                throw GrantsError.transitionNotAllowed(
                    .passEligibility, from: ApplicationStatus(rawValue: model.status) ?? .draft).userFacing
            }
            guard let taxID = TaxID(model.taxID) else { throw GrantsFailure.notFound }
            let form = try model.decodedForm()
            var report = EligibilityEvaluator.evaluate(
                taxID, registry: try await registrySnapshot(for: taxID, on: tx),
                declarations: form.declarations(), on: today)
            // The operator's earlier decisions carry over where the rule still computes what they
            // decided on; where the data changed (e.g. after a correction), the rule is open again.
            if let earlier = try model.eligibility.map({ try GrantsJSON.decode(EligibilityReport.self, from: $0) }) {
                for decision in earlier.overrides {
                    if case .success(let kept) = report.applying(decision) { report = kept }
                }
            }
            model.eligibility = try GrantsJSON.encode(report)
            if let startup = report.startupPriority { model.isStartup = startup }
            model.version += 1
            try await model.save(on: tx)
            try await record("grants.eligibility.evaluated", subject: "application", id: id.uuidString, by: caller,
                             organisation: model.organisationID,
                             details: ["verdict": report.verdict.rawValue,
                                       "results": report.results.map { "\($0.rule.rawValue)=\($0.outcome.rawValue)" }
                                        .joined(separator: ",")], on: tx)
            return try ApplicationRecord(model)
        }
    }

    /// The operator confirms a rule's result or sets another outcome with a reason (SPEC C2.5, X2).
    public func decideEligibilityRule(_ id: UUID, rule: EligibilityRuleID, decision: EligibilityOverride.Decision,
                                      reason: String?, expectedVersion: Int, by caller: GrantsCaller,
                                      on db: any Database) async throws -> ApplicationRecord {
        try Self.require(caller, [.operator])
        return try await db.transaction { tx in
            try await RowLock.lock(ApplicationModel.schema, id: id, on: tx)
            let model = try await visibleApplication(id, for: caller, on: tx)
            guard model.version == expectedVersion else { throw GrantsFailure.staleVersion }
            guard model.status == ApplicationStatus.eligibilityReview.rawValue, let stored = model.eligibility else {
                throw GrantsError.transitionNotAllowed(
                    .passEligibility, from: ApplicationStatus(rawValue: model.status) ?? .draft).userFacing
            }
            let report = try GrantsJSON.decode(EligibilityReport.self, from: stored)
            guard let result = report.result(for: rule) else { throw GrantsFailure.notFound }
            let decided = try EligibilityOverride.make(on: result, decision: decision, reason: reason,
                                                       by: caller.actor, at: clock.now()).get()
            let updated = try report.applying(decided).get()
            model.eligibility = try GrantsJSON.encode(updated)
            if let startup = updated.startupPriority { model.isStartup = startup }
            model.version += 1
            try await model.save(on: tx)
            try await record("grants.eligibility.decided", subject: "application", id: id.uuidString, by: caller,
                             organisation: model.organisationID,
                             details: ["rule": rule.rawValue, "computed": result.outcome.rawValue,
                                       "outcome": decided.outcome.rawValue, "reason": decided.reason ?? ""], on: tx)
            return try ApplicationRecord(model)
        }
    }

    /// Passes the eligibility review; every requirement must read "pass" after the operator's decisions.
    public func passEligibility(_ id: UUID, expectedVersion: Int, by caller: GrantsCaller, on db: any Database)
        async throws -> ApplicationRecord
    {
        try await transition(id, expectedVersion: expectedVersion, by: caller, on: db) { model, _ in
            guard let stored = model.eligibility else { throw GrantsFailure.eligibilityNotEvaluated }
            let report = try GrantsJSON.decode(EligibilityReport.self, from: stored)
            guard report.verdict == .pass else { throw GrantsFailure.eligibilityUndecided(report) }
            return .passEligibility
        }
    }

    public func declareIneligible(_ id: UUID, reason: String, expectedVersion: Int, by caller: GrantsCaller,
                                  on db: any Database) async throws -> ApplicationRecord {
        try await transition(id, expectedVersion: expectedVersion, by: caller, on: db) { _, _ in
            .declareIneligible(reason: reason)
        }
    }

    /// A correction notice (SPEC C4.1): what to fix, which parts of the form it opens, and the
    /// deadline; the worker withdraws the application when the deadline passes.
    public func requestCorrection(_ id: UUID, items: [String], sections: [ApplicationSection], deadline: Cutoff,
                                  expectedVersion: Int, by caller: GrantsCaller, on db: any Database) async throws
        -> ApplicationRecord
    {
        guard !sections.isEmpty else {
            throw GrantsFailure.invalid([FieldError(field: "sections", zh: "請勾選申請人可以修改的項目。",
                                                    en: "Tick the parts the applicant may change.")])
        }
        let opened = Bilingual(zh: "開放修改：" + sections.map(\.label.zh).joined(separator: "、"),
                               en: "You may change: " + sections.map(\.label.en).joined(separator: ", "))
        return try await transition(id, expectedVersion: expectedVersion, by: caller, on: db,
                                    details: ["sections": sections.map(\.rawValue).joined(separator: ",")],
                                    extraNotice: [opened]) { model, _ in
            model.openSections = try GrantsJSON.encode(sections)
            return .requestCorrection(items: items, deadline: deadline)
        }
    }

    /// An operator gives a lapsed application a new deadline (e.g. the portal was down), with a reason.
    public func reinstate(_ id: UUID, deadline: Cutoff, reason: String, expectedVersion: Int,
                          by caller: GrantsCaller, on db: any Database) async throws -> ApplicationRecord {
        try await transition(id, expectedVersion: expectedVersion, by: caller, on: db) { _, _ in
            .reinstate(deadline: deadline, reason: reason)
        }
    }
}

/// A registry file that could not be imported; nothing was written.
public struct RegistryImportRefused: Error, Sendable {
    public var failure: RegistryImportFailure
}

extension GrantsFailure {
    public static let eligibilityNotEvaluated = UserFacingError(
        .conflict, code: "grants.eligibility.notEvaluated", zh: "請先執行資格檢核，再判定結果。",
        en: "Run the eligibility check before deciding.")

    static func eligibilityUndecided(_ report: EligibilityReport) -> UserFacingError {
        let open = report.results.filter { $0.rule.isRequirement && report.effectiveOutcome(of: $0.rule) != .pass }
        return UserFacingError(
            .conflict, code: "grants.eligibility.undecided",
            zh: "尚有規則未通過或無法判定：\(open.map(\.rule.rawValue).joined(separator: "、"))。請逐條確認或改判並填寫理由。",
            en: "Some rules have not passed or are unknown: \(open.map(\.rule.rawValue).joined(separator: ", ")). "
                + "Confirm or decide each with a reason.")
    }
}
