import FluentKit
import Foundation
import SQLKit

/// Reads of the request log for the pages (SPEC C5.6, issue 4 item 6): a project's recent requests,
/// and the operator's blocked requests with counts by reason and country. Tenant reads are always
/// scoped by project; the caller has checked the project is the tenant's.
public struct GatewayRequestLog: Sendable {
    public init() {}

    static func sql(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw GatewayStoreError.notSQL }
        return sql
    }

    /// The project's latest requests, newest first.
    public func recent(project: UUID, limit: Int = 20, on db: any Database) async throws -> [GatewayRequestRow] {
        try await Self.sql(db).select().column("*").from(GatewayRequestRow.schema)
            .where("project_id", .equal, project).orderBy("started_at", .descending).limit(limit)
            .all(decoding: GatewayRequestRow.self)
    }

    /// Refused requests (region, rate limit, points, model, term), newest first.
    public func blocked(limit: Int = 50, on db: any Database) async throws -> [GatewayRequestRow] {
        let outcomes = RequestOutcome.allCases.filter(\.isBlock).map(\.rawValue)
        return try await Self.sql(db).select().column("*").from(GatewayRequestRow.schema)
            .where("outcome", .in, outcomes).orderBy("started_at", .descending).limit(limit)
            .all(decoding: GatewayRequestRow.self)
    }

    public struct BlockCount: Sendable, Equatable, Decodable {
        public var outcome: String
        public var country: String?
        public var count: Int
    }

    /// Refusals since `since`, by reason and country, most first.
    public func blockCounts(since: Date, on db: any Database) async throws -> [BlockCount] {
        let outcomes = RequestOutcome.allCases.filter(\.isBlock).map(\.rawValue)
        return try await Self.sql(db).select().column("outcome").column("country")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count").from(GatewayRequestRow.schema)
            .where("outcome", .in, outcomes).where("started_at", .greaterThanOrEqual, since)
            .groupBy("outcome").groupBy("country").all(decoding: BlockCount.self)
            .sorted { ($0.count, $1.outcome) > ($1.count, $0.outcome) }
    }

    public struct ProjectTotals: Sendable, Equatable, Decodable {
        public var project_id: UUID
        public var requests: Int
        public var refused: Int
    }

    /// Requests and refusals per project (all time), for the operator's consumption table.
    public func totals(on db: any Database) async throws -> [UUID: ProjectTotals] {
        let outcomes = RequestOutcome.allCases.filter(\.isBlock).map(\.rawValue)
        let refused = SQLFunction("SUM", args: SQLCaseWhen(outcomes: outcomes))
        let rows = try await Self.sql(db).select().column("project_id")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "requests").column(refused, as: "refused")
            .from(GatewayRequestRow.schema).groupBy("project_id").all(decoding: ProjectTotals.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.project_id, $0) })
    }
}

/// `CASE WHEN outcome IN (…) THEN 1 ELSE 0 END`
struct SQLCaseWhen: SQLExpression {
    let outcomes: [String]
    func serialize(to serializer: inout SQLSerializer) {
        serializer.write("CASE WHEN ")
        SQLColumn("outcome").serialize(to: &serializer)
        serializer.write(" IN (")
        for (index, outcome) in outcomes.enumerated() {
            if index > 0 { serializer.write(", ") }
            SQLBind(outcome).serialize(to: &serializer)
        }
        serializer.write(") THEN 1 ELSE 0 END")
    }
}

public enum GatewayStoreError: Error, Equatable {
    case notSQL
}
