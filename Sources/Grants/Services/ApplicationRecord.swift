import Foundation
import SuanliKit

/// An application as the services hand it out: the stored row decoded into domain values.
public struct ApplicationRecord: Sendable, Equatable {
    public var id: UUID
    public var reference: String
    public var programmeID: UUID
    public var organisationID: UUID
    public var category: GrantCategory
    public var title: String
    public var companyName: String
    public var taxID: String
    public var isStartup: Bool
    public var form: ApplicationForm
    public var progress: ApplicationProgress
    public var company: CompanySnapshot?
    public var eligibility: EligibilityReport?
    public var openSections: [ApplicationSection]
    public var previousApplicationID: UUID?
    public var version: Int
    public var createdAt: Date?
    public var updatedAt: Date?

    public var status: ApplicationStatus { progress.status }
    public var roundID: String? { progress.round?.rawValue }
    public var applicationID: ApplicationID { ApplicationID(id.uuidString) }

    init(_ model: ApplicationModel) throws {
        id = model.id!
        reference = model.reference
        programmeID = model.programmeID
        organisationID = model.organisationID
        category = GrantCategory(rawValue: model.category) ?? .training
        title = model.title
        companyName = model.companyName
        taxID = model.taxID
        isStartup = model.isStartup
        form = try GrantsJSON.decode(ApplicationForm.self, from: model.form)
        progress = try GrantsJSON.decode(ApplicationProgress.self, from: model.progress)
        company = try model.company.map { try GrantsJSON.decode(CompanySnapshot.self, from: $0) }
        eligibility = try model.eligibility.map { try GrantsJSON.decode(EligibilityReport.self, from: $0) }
        openSections = try GrantsJSON.decode([ApplicationSection].self, from: model.openSections)
        previousApplicationID = model.previousApplicationID
        version = model.version
        createdAt = model.createdAt
        updatedAt = model.updatedAt
    }
}

/// A row of the operator's and the applicant's lists, without the heavy JSON columns.
public struct ApplicationSummary: Sendable, Equatable {
    public var id: UUID
    public var reference: String
    public var category: GrantCategory
    public var status: ApplicationStatus
    public var roundID: String?
    public var title: String
    public var companyName: String
    public var taxID: String
    public var isStartup: Bool
    public var level: GrantLevel?
    public var submittedAt: Date?
    public var correctionDeadline: Date?
    public var updatedAt: Date?
}

extension ApplicationModel {

    var summary: ApplicationSummary {
        ApplicationSummary(
            id: id!, reference: reference, category: GrantCategory(rawValue: category) ?? .training,
            status: ApplicationStatus(rawValue: status) ?? .draft, roundID: roundID, title: title,
            companyName: companyName, taxID: taxID, isStartup: isStartup,
            level: level.flatMap(GrantLevel.init(rawValue:)), submittedAt: submittedAt,
            correctionDeadline: correctionDeadline, updatedAt: updatedAt)
    }

    /// Writes the progress and the columns that mirror it, in one place so they always agree.
    func store(_ progress: ApplicationProgress) throws {
        self.progress = try GrantsJSON.encode(progress)
        status = progress.status.rawValue
        roundID = progress.round?.rawValue
        submittedAt = progress.submittedAt
        level = progress.level?.rawValue
        correctionDeadline = progress.status == .correctionRequested ? progress.correctionDeadline?.lateFrom : nil
    }

    func decodedProgress() throws -> ApplicationProgress {
        try GrantsJSON.decode(ApplicationProgress.self, from: progress)
    }

    func decodedForm() throws -> ApplicationForm {
        try GrantsJSON.decode(ApplicationForm.self, from: form)
    }
}
