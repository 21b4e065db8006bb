import FluentKit
import Foundation

/// A notification shown in the portal's notification list (SPEC C4.5: "e-mail and in-app").
/// Named `InAppNotification` rather than `Notification` so it never collides with
/// `Foundation.Notification` in files that import both.
public final class InAppNotification: Model, @unchecked Sendable {
    public static let schema = "notify_notifications"

    @ID(key: .id)
    public var id: UUID?

    @Field(key: "user_id")
    public var userID: UUID

    @OptionalField(key: "organisation_id")
    public var organisationID: UUID?

    @Field(key: "title")
    public var title: String

    @Field(key: "body")
    public var body: String

    @OptionalField(key: "link")
    public var link: String?

    @OptionalField(key: "read_at")
    public var readAt: Date?

    @Field(key: "created_at")
    public var createdAt: Date

    public init() {}
}
