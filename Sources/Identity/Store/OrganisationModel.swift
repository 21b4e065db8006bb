import FluentKit
import Foundation

public final class OrganisationModel: Model, @unchecked Sendable {
    public static let schema = "organisations"

    @ID(key: .id) public var id: UUID?
    @Field(key: "tax_id") public var taxID: String
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: String
    /// Comma-separated 行業標準分類 codes, e.g. "J6201,J6312".
    @Field(key: "industry_codes") public var industryCodes: String
    /// ISO day (2018-01-01); shown in the ROC calendar.
    @OptionalField(key: "established") public var established: String?
    @Field(key: "paid_in_capital") public var paidInCapital: Int64
    @Field(key: "representative") public var representative: String
    @Field(key: "employees") public var employees: Int
    @Field(key: "address") public var address: String
    @Field(key: "phone") public var phone: String
    @Field(key: "business_lines") public var businessLines: String
    @Field(key: "main_products") public var mainProducts: String
    @Field(key: "sales_regions") public var salesRegions: String
    /// How the 統一編號 was proven: "declared" (typed in) or "certificate" (工商憑證 login).
    @Field(key: "tax_id_proof") public var taxIDProof: String
    @Field(key: "version") public var version: Int
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}
}

public struct CreateOrganisations: AsyncMigration {
    public init() {}
    public func prepare(on database: any Database) async throws {
        try await database.schema(OrganisationModel.schema)
            .id()
            .field("tax_id", .string, .required)
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("industry_codes", .string, .required)
            .field("established", .string)
            .field("paid_in_capital", .int64, .required)
            .field("representative", .string, .required)
            .field("employees", .int, .required)
            .field("address", .string, .required)
            .field("phone", .string, .required)
            .field("business_lines", .string, .required)
            .field("main_products", .string, .required)
            .field("sales_regions", .string, .required)
            .field("tax_id_proof", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "tax_id")
            .create()
    }
    public func revert(on database: any Database) async throws {
        try await database.schema(OrganisationModel.schema).delete()
    }
}
