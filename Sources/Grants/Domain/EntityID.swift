/// A typed identifier, so that an application ID cannot be passed where a reviewer ID is expected.
/// The Store layer decides what the text is (a UUID today); the Domain only compares and sorts it,
/// and sorting by ID is the last, always-decisive tie-breaker in ranking and assignment.
public struct EntityID<Entity>: Hashable, Comparable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

public enum ProgrammeEntity {}
public enum RoundEntity {}
public enum ApplicationEntity {}
public enum ReviewerEntity {}

public typealias ProgrammeID = EntityID<ProgrammeEntity>
public typealias RoundID = EntityID<RoundEntity>
public typealias ApplicationID = EntityID<ApplicationEntity>
public typealias ReviewerID = EntityID<ReviewerEntity>
