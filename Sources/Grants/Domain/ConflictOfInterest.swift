import Foundation
import SuanliKit

/// A reviewer's declaration that they should not review an application (SPEC C4.4), e.g. they
/// advise or invest in the company. Declaring is always accepted and always wins: it removes any
/// assignment, and the assigner never picks that reviewer for that application again.
public struct ConflictDeclaration: Hashable, Sendable {
    public var reviewer: ReviewerID
    public var application: ApplicationID
    public var reason: String
    public var declaredAt: Date

    public init(reviewer: ReviewerID, application: ApplicationID, reason: String, declaredAt: Date) {
        self.reviewer = reviewer
        self.application = application
        self.reason = reason
        self.declaredAt = declaredAt
    }
}

public struct ConflictRegister: Hashable, Sendable {
    public private(set) var declarations: [ConflictDeclaration] = []

    public init(_ declarations: [ConflictDeclaration] = []) { self.declarations = declarations }

    public func isConflicted(_ reviewer: ReviewerID, _ application: ApplicationID) -> Bool {
        declarations.contains { $0.reviewer == reviewer && $0.application == application }
    }

    /// Records the declaration and drops the assignment it concerns. Returns whether an assignment
    /// was removed, so that the caller can discard that reviewer's draft and find a replacement.
    @discardableResult
    public mutating func declare(
        _ declaration: ConflictDeclaration, assignments: inout ReviewAssignments
    ) throws(GrantsError) -> Bool {
        var recorded = declaration
        recorded.reason = declaration.reason.trimmingWhitespace()
        guard !recorded.reason.isEmpty else { throw .conflictNeedsReason }
        guard !recorded.reason.hasControlCharacters else { throw .controlCharacters(field: "reason") }
        if !isConflicted(declaration.reviewer, declaration.application) { declarations.append(recorded) }
        return assignments.remove(declaration.reviewer, from: declaration.application)
    }
}
