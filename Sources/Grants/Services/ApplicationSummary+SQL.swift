import FluentKit
import Foundation
import SQLKit

/// Reads for the operator's list and the ranking (issue 3's benchmark: p95 under 100 ms with 5,000
/// applications). They go through SQLKit and read each column by name: building Fluent models costs a
/// `Mirror` walk of every property per row, which was ~45 % of the ranking's time in a release build,
/// and the list needs none of the JSON columns (form, progress, eligibility).
extension ApplicationSummary {
    static let columns = ["id", "reference", "category", "status", "round_id", "title", "company_name", "tax_id",
                          "is_startup", "level", "submitted_at", "correction_deadline", "updated_at"]

    init(row: any SQLRow) throws {
        let category = try row.decode(column: "category", as: String.self)
        let status = try row.decode(column: "status", as: String.self)
        self.init(
            id: try row.decode(column: "id", as: UUID.self),
            reference: try row.decode(column: "reference", as: String.self),
            category: GrantCategory(rawValue: category) ?? .training,
            status: ApplicationStatus(rawValue: status) ?? .draft,
            roundID: try row.decode(column: "round_id", as: String?.self),
            title: try row.decode(column: "title", as: String.self),
            companyName: try row.decode(column: "company_name", as: String.self),
            taxID: try row.decode(column: "tax_id", as: String.self),
            isStartup: try row.decode(column: "is_startup", as: Bool.self),
            level: try row.decode(column: "level", as: String?.self).flatMap(GrantLevel.init(rawValue:)),
            submittedAt: try row.decode(column: "submitted_at", as: Date?.self),
            correctionDeadline: try row.decode(column: "correction_deadline", as: Date?.self),
            updatedAt: try row.decode(column: "updated_at", as: Date?.self))
    }
}

extension GrantsService {
    /// The SQL side of a Fluent database (both drivers the platform runs on are SQL databases).
    static func sql(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw SQLDatabaseRequired() }
        return sql
    }
}

/// A server set-up error, not a user's: Grants runs on SQLite or PostgreSQL only.
struct SQLDatabaseRequired: Error, CustomStringConvertible {
    var description: String { "the grants module needs an SQL database (SQLite or PostgreSQL)" }
}
