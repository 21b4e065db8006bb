import FluentKit
import SQLKit

/// The operator's lists filter by programme, status, round and category; the deadline worker looks
/// for open corrections by deadline; eligibility looks records up by 統一編號.
public struct AddGrantsIndexes: AsyncMigration {
    public init() {}

    static let indexes: [(name: String, table: String, columns: [String])] = [
        ("grant_applications_list", ApplicationModel.schema, ["programme_id", "status", "round_id", "category"]),
        ("grant_applications_org", ApplicationModel.schema, ["organisation_id"]),
        ("grant_applications_deadline", ApplicationModel.schema, ["status", "correction_deadline"]),
        // The operator's list is ordered by submission time; with a filter, by status first.
        ("grant_applications_order", ApplicationModel.schema, ["submitted_at", "reference"]),
        ("grant_applications_filtered", ApplicationModel.schema,
         ["status", "round_id", "category", "submitted_at", "reference"]),
        ("grant_score_sheets_application", ScoreSheetModel.schema, ["application_id"]),
        ("grant_attachments_application", AttachmentModel.schema, ["application_id"]),
        ("grant_attachments_project", AttachmentModel.schema, ["project_id"]),
        ("grant_assignments_reviewer", AssignmentModel.schema, ["reviewer_user_id"]),
        ("grant_projects_org", ProjectModel.schema, ["organisation_id"]),
        ("grant_registry_records_tax_id", RegistryRecordModel.schema, ["tax_id", "source"]),
    ]

    public func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in Self.indexes {
            var builder = sql.create(index: index.name).on(index.table)
            for column in index.columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    public func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in Self.indexes.reversed() { try await sql.drop(index: index.name).run() }
    }
}
