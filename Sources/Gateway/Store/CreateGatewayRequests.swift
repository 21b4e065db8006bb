import FluentKit
import Foundation
import SQLKit

/// One row per request that reached admission with a valid key (issue 4, items 1, 4, 6): the exact
/// token counts the model server reported, what the ledger charged, and the outcome — including
/// refusals (region, rate limit, points), so the operator's "blocked requests" and the tenant's
/// per-request view read one table. Kept with the logs for 3 years (SPEC C6.4).
public struct CreateGatewayRequests: AsyncMigration {
    public init() {}
    public func prepare(on database: any Database) async throws {
        try await database.schema(GatewayRequestRow.schema)
            .field("id", .string, .identifier(auto: false))
            .field("key_id", .uuid, .required)
            .field("project_id", .uuid, .required)
            .field("organisation_id", .uuid, .required)
            .field("endpoint", .string, .required)
            .field("model", .string, .required)
            .field("streamed", .bool, .required)
            .field("outcome", .string, .required)
            .field("status", .int, .required)
            .field("prompt_tokens", .int64, .required)
            .field("completion_tokens", .int64, .required)
            .field("reported_completion_tokens", .int64)
            .field("charged_ticks", .int64, .required)
            .field("max_tokens", .int64, .required)
            .field("client_ip", .string)
            .field("country", .string)
            .field("upstream", .string)
            .field("started_at", .datetime, .required)
            .field("duration_ms", .int64, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "gateway_requests_project_time").on(GatewayRequestRow.schema)
                .column("project_id").column("started_at").run()
            try await sql.create(index: "gateway_requests_outcome_time").on(GatewayRequestRow.schema)
                .column("outcome").column("started_at").run()
        }
    }
    public func revert(on database: any Database) async throws {
        try await database.schema(GatewayRequestRow.schema).delete()
    }
}

/// A request-log row as written (snake_case, as the columns).
public struct GatewayRequestRow: Codable, Sendable, Equatable {
    public static let schema = "gateway_requests"

    public var id: String
    public var key_id: UUID
    public var project_id: UUID
    public var organisation_id: UUID
    public var endpoint: String
    public var model: String
    public var streamed: Bool
    public var outcome: String
    public var status: Int
    public var prompt_tokens: Int
    public var completion_tokens: Int
    public var reported_completion_tokens: Int?
    public var charged_ticks: Int
    public var max_tokens: Int
    public var client_ip: String?
    public var country: String?
    public var upstream: String?
    public var started_at: Date
    public var duration_ms: Int

    public init(id: String, key_id: UUID, project_id: UUID, organisation_id: UUID, endpoint: String, model: String,
                streamed: Bool, outcome: String, status: Int, prompt_tokens: Int, completion_tokens: Int,
                reported_completion_tokens: Int?, charged_ticks: Int, max_tokens: Int, client_ip: String?,
                country: String?, upstream: String?, started_at: Date, duration_ms: Int) {
        self.id = id
        self.key_id = key_id
        self.project_id = project_id
        self.organisation_id = organisation_id
        self.endpoint = endpoint
        self.model = model
        self.streamed = streamed
        self.outcome = outcome
        self.status = status
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens
        self.reported_completion_tokens = reported_completion_tokens
        self.charged_ticks = charged_ticks
        self.max_tokens = max_tokens
        self.client_ip = client_ip
        self.country = country
        self.upstream = upstream
        self.started_at = started_at
        self.duration_ms = duration_ms
    }
}

/// How a request ended, as the request log and the pages name it.
public enum RequestOutcome: String, Sendable, CaseIterable {
    /// Served; billed what the model server reported.
    case completed
    /// The client went away mid-stream; the gateway read the stream to its end and billed it.
    case clientClosed = "client_closed"
    /// The model server failed or answered an error; billed only what it reported (usually nothing).
    case upstreamError = "upstream_error"
    case regionDenied = "region_denied"
    case rateLimited = "rate_limited"
    case insufficientPoints = "insufficient_points"
    case modelRefused = "model_refused"
    case projectInactive = "project_inactive"

    /// Refusals the operator's "blocked requests" page lists.
    public var isBlock: Bool {
        switch self {
        case .regionDenied, .rateLimited, .insufficientPoints, .modelRefused, .projectInactive: true
        default: false
        }
    }
}
