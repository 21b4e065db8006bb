import FluentKit
import Foundation

// The Grants tables. Domain values that are read and written whole (the form, the progress with its
// history, the eligibility report, a score sheet) are kept as JSON text in one column; what lists
// filter and sort on (status, round, category, deadline, organisation) is duplicated into plain,
// indexed columns, written in the same statement so they can never disagree.

public final class ProgrammeModel: Model, @unchecked Sendable {
    public static let schema = "grant_programmes"
    @ID(key: .id) public var id: UUID?
    /// Short stable code shown in 案號 and URLs, e.g. "2026".
    @Field(key: "code") public var code: String
    /// "draft" while operators edit it, "published" once applications may be filed.
    @Field(key: "status") public var status: String
    /// `ProgrammeSettings` as JSON: the editable draft, and after publication the current settings.
    @Field(key: "settings") public var settings: String
    /// `Programme` as JSON once published (settings, version, amendments).
    @OptionalField(key: "published") public var published: String?
    @Field(key: "version") public var version: Int
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?
    public init() {}
}

public final class ApplicationModel: Model, @unchecked Sendable {
    public static let schema = "grant_applications"
    @ID(key: .id) public var id: UUID?
    /// 案號, e.g. "115-T-0007": ROC year, category letter, sequence in the programme.
    @Field(key: "reference") public var reference: String
    @Field(key: "programme_id") public var programmeID: UUID
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "category") public var category: String
    @Field(key: "status") public var status: String
    @OptionalField(key: "round_id") public var roundID: String?
    @OptionalField(key: "submitted_at") public var submittedAt: Date?
    @OptionalField(key: "level") public var level: String?
    @OptionalField(key: "correction_deadline") public var correctionDeadline: Date?
    @Field(key: "title") public var title: String
    @Field(key: "company_name") public var companyName: String
    @Field(key: "tax_id") public var taxID: String
    @Field(key: "is_startup") public var isStartup: Bool
    /// The form's industry domains, comma-separated, for the statistics (SPEC C4.6) without decoding forms.
    @Field(key: "domains") public var domains: String
    /// `ApplicationForm` as JSON.
    @Field(key: "form") public var form: String
    /// `ApplicationProgress` as JSON (status, deadline, level and the whole history).
    @Field(key: "progress") public var progress: String
    /// `CompanySnapshot` as JSON, frozen at submission so reviewers read what was filed.
    @OptionalField(key: "company") public var company: String?
    /// `EligibilityReport` as JSON, with the operator's overrides.
    @OptionalField(key: "eligibility") public var eligibility: String?
    /// `[ApplicationSection]` as JSON: what the open correction lets the applicant change.
    @Field(key: "open_sections") public var openSections: String
    @OptionalField(key: "previous_application_id") public var previousApplicationID: UUID?
    /// Bumped by every write; a write with an older version is refused (no silent overwrite).
    @Field(key: "version") public var version: Int
    @Field(key: "created_by") public var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?
    public init() {}
}

public final class AttachmentModel: Model, @unchecked Sendable {
    public static let schema = "grant_attachments"
    @ID(key: .id) public var id: UUID?
    @OptionalField(key: "application_id") public var applicationID: UUID?
    @OptionalField(key: "project_id") public var projectID: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "purpose") public var purpose: String
    @Field(key: "file_name") public var fileName: String
    @Field(key: "content_type") public var contentType: String
    @Field(key: "size") public var size: Int64
    @Field(key: "sha256") public var sha256: String
    @Field(key: "uploaded_by") public var uploadedBy: UUID
    @Field(key: "uploaded_at") public var uploadedAt: Date
    public init() {}
}

/// The bytes, apart from the metadata so that lists never load them. Stored in the database so that
/// a file and its record commit together and every instance behind a load balancer sees it.
public final class AttachmentBlobModel: Model, @unchecked Sendable {
    public static let schema = "grant_attachment_blobs"
    @ID(key: .id) public var id: UUID?
    @Field(key: "bytes") public var bytes: Data
    public init() {}
}

public final class ReviewerModel: Model, @unchecked Sendable {
    public static let schema = "grant_reviewers"
    @ID(key: .id) public var id: UUID?
    @Field(key: "programme_id") public var programmeID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "name") public var name: String
    @Field(key: "email") public var email: String
    /// Comma-separated categories this reviewer scores ("training,inference").
    @Field(key: "categories") public var categories: String
    @Field(key: "active") public var active: Bool
    @Field(key: "added_at") public var addedAt: Date
    public init() {}
}

public final class AssignmentModel: Model, @unchecked Sendable {
    public static let schema = "grant_assignments"
    @ID(key: .id) public var id: UUID?
    @Field(key: "application_id") public var applicationID: UUID
    @Field(key: "reviewer_user_id") public var reviewerUserID: UUID
    @Field(key: "assigned_by") public var assignedBy: String
    @Field(key: "assigned_at") public var assignedAt: Date
    /// "manual" or "auto".
    @Field(key: "method") public var method: String
    /// "undeclared", "none" (declared free of conflicts) or "conflict".
    @Field(key: "conflict") public var conflict: String
    @OptionalField(key: "conflict_reason") public var conflictReason: String?
    @OptionalField(key: "declared_at") public var declaredAt: Date?
    /// Set when a declared conflict removed the assignment; the row stays for the record.
    @OptionalField(key: "removed_at") public var removedAt: Date?
    public init() {}
}

public final class ScoreSheetModel: Model, @unchecked Sendable {
    public static let schema = "grant_score_sheets"
    @ID(key: .id) public var id: UUID?
    @Field(key: "application_id") public var applicationID: UUID
    @Field(key: "reviewer_user_id") public var reviewerUserID: UUID
    /// `ScoreSheet` as JSON.
    @Field(key: "sheet") public var sheet: String
    /// `ScoreSheet.scoringLine`: the scores and bonus the ranking reads without decoding the JSON.
    /// Nil on sheets written before the column existed; the ranking then reads `sheet`.
    @OptionalField(key: "scoring") public var scoring: String?
    /// `SheetFigures` of a submitted sheet (nil for drafts, older sheets and after a rubric amendment).
    @OptionalField(key: "total_exact") public var totalExact: Int?
    @OptionalField(key: "heaviest_score") public var heaviestScore: Int?
    @OptionalField(key: "submitted_at") public var submittedAt: Date?
    @Field(key: "version") public var version: Int
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?
    public init() {}

    /// Writes the sheet and the columns derived from it, in one place so they always agree. A submitted
    /// sheet's figures are worked out with the programme's rubric and bonus policy for its category.
    public func store(_ sheet: ScoreSheet, rubric: Rubric, bonus: BonusPolicy) throws {
        self.sheet = try GrantsJSON.encode(sheet)
        scoring = sheet.scoringLine
        submittedAt = sheet.submittedAt
        let figures = try sheet.isSubmitted ? GrantsError.lift { () throws(GrantsError) in
            try SheetFigures(sheet, rubric: rubric, bonus: bonus)
        } : nil
        totalExact = figures?.exact
        heaviestScore = figures?.heaviest
    }
}

public final class ProjectModel: Model, @unchecked Sendable {
    public static let schema = "grant_projects"
    @ID(key: .id) public var id: UUID?
    @Field(key: "reference") public var reference: String
    @Field(key: "application_id") public var applicationID: UUID
    @Field(key: "programme_id") public var programmeID: UUID
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "round_id") public var roundID: String
    @Field(key: "category") public var category: String
    @Field(key: "level") public var level: String
    @Field(key: "points") public var points: Int
    @Field(key: "title") public var title: String
    @Field(key: "company_name") public var companyName: String
    /// ISO days (2026-12-01); shown in the ROC calendar.
    @Field(key: "term_start") public var termStart: String
    @Field(key: "term_end") public var termEnd: String
    /// `[ProjectContact]` as JSON.
    @Field(key: "contacts") public var contacts: String
    /// `CloseOutSubmission` as JSON.
    @Field(key: "close_out") public var closeOut: String
    @OptionalField(key: "close_out_completed_at") public var closeOutCompletedAt: Date?
    /// The reminder offsets (days before the due day) already sent, as JSON `[Int]`.
    @Field(key: "reminders_sent") public var remindersSent: String
    @Field(key: "overdue_notified") public var overdueNotified: Bool
    @Field(key: "version") public var version: Int
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    public init() {}
}

public final class RegistryImportModel: Model, @unchecked Sendable {
    public static let schema = "grant_registry_imports"
    @ID(key: .id) public var id: UUID?
    @Field(key: "source") public var source: String
    @OptionalField(key: "dataset_date") public var datasetDate: String?
    @Field(key: "record_count") public var recordCount: Int
    @Field(key: "rejected_count") public var rejectedCount: Int
    @Field(key: "file_name") public var fileName: String
    @Field(key: "sha256") public var sha256: String
    @Field(key: "imported_by") public var importedBy: String
    @Field(key: "imported_at") public var importedAt: Date
    public init() {}
}

public final class RegistryRecordModel: Model, @unchecked Sendable {
    public static let schema = "grant_registry_records"
    @ID(key: .id) public var id: UUID?
    @Field(key: "import_id") public var importID: UUID
    @Field(key: "source") public var source: String
    @Field(key: "tax_id") public var taxID: String
    /// `RegistryRecord` as JSON.
    @Field(key: "record") public var record: String
    public init() {}
}

/// Who runs a periodic task now (ARCHITECTURE "Background work": DB-backed leases, so that one
/// instance at a time lapses applications or sends reminders).
public final class WorkerLeaseModel: Model, @unchecked Sendable {
    public static let schema = "worker_leases"
    @ID(custom: "name", generatedBy: .user) public var id: String?
    @Field(key: "holder") public var holder: String
    @Field(key: "expires_at") public var expiresAt: Date
    public init() {}
}
