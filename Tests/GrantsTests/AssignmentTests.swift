import Foundation
@testable import Grants
import PropertyBased
import Testing

/// Reviewer assignment by hand and balanced, and conflicts of interest (SPEC C4.4).
@Suite struct AssignmentTests {
    typealias F = Fixture

    static func ids<E>(_ prefix: String, _ count: Int) -> [EntityID<E>] {
        (0..<count).map { EntityID("\(prefix)\(String(format: "%02d", $0))") }
    }

    static func conflict(_ reviewer: ReviewerID, _ application: ApplicationID) -> ConflictDeclaration {
        ConflictDeclaration(reviewer: reviewer, application: application, reason: "擔任該公司顧問",
                            declaredAt: Fixture.taipei(2026, 7, 2))
    }

    @Test func byHand() throws {
        var assignments = ReviewAssignments()
        let conflicts = ConflictRegister([Self.conflict("rv2", "a1")])
        try assignments.assign("rv1", to: "a1", conflicts: conflicts)
        #expect(assignments.reviewers(of: "a1") == ["rv1"])
        #expect(throws: GrantsError.reviewerAlreadyAssigned("rv1", "a1")) {
            try assignments.assign("rv1", to: "a1", conflicts: conflicts)
        }
        #expect(throws: GrantsError.reviewerHasConflict("rv2", "a1")) {
            try assignments.assign("rv2", to: "a1", conflicts: conflicts)
        }
        try assignments.assign("rv2", to: "a2", conflicts: conflicts)
        try assignments.assign("rv1", to: "a2", conflicts: conflicts)
        #expect(assignments.applications(of: "rv1") == ["a1", "a2"])
        let loads: [Int] = [assignments.load(of: "rv1"), assignments.load(of: "rv2"), assignments.load(of: "rv9")]
        #expect(loads == [2, 1, 0])
        let removed = assignments.remove("rv1", from: "a1")
        let removedAgain = assignments.remove("rv1", from: "a1")
        #expect(removed && !removedAgain)
        #expect(assignments.reviewersByApplication["a1"] == nil)
    }

    @Test func declaringAConflictRemovesTheAssignment() throws {
        var assignments = ReviewAssignments(["a1": ["rv1", "rv2"]])
        var conflicts = ConflictRegister()
        let removed = try conflicts.declare(Self.conflict("rv1", "a1"), assignments: &assignments)
        #expect(removed)
        #expect(assignments.reviewers(of: "a1") == ["rv2"])
        #expect(conflicts.isConflicted("rv1", "a1") && !conflicts.isConflicted("rv1", "a2"))
        // Declaring again, or where not assigned, records nothing new and removes nothing.
        let again = try conflicts.declare(Self.conflict("rv1", "a1"), assignments: &assignments)
        #expect(!again && conflicts.declarations.count == 1)
        let unassigned = try conflicts.declare(Self.conflict("rv3", "a1"), assignments: &assignments)
        #expect(!unassigned)
        #expect(conflicts.declarations.count == 2)
        var blank = Self.conflict("rv2", "a1")
        blank.reason = " "
        #expect(throws: GrantsError.conflictNeedsReason) { try conflicts.declare(blank, assignments: &assignments) }
        #expect(assignments.reviewers(of: "a1") == ["rv2"], "a refused declaration removes nothing")
    }

    @Test func balancedAssignmentSpreadsLoadEvenly() throws {
        let apps: [ApplicationID] = Self.ids("a", 10)
        let reviewers: [ReviewerID] = Self.ids("rv", 4)
        let result = try AutoAssigner.balance(applications: apps, reviewers: reviewers, perApplication: 3,
                                              conflicts: ConflictRegister())
        for app in apps { #expect(result.reviewers(of: app).count == 3) }
        let loads = reviewers.map { result.load(of: $0) }
        #expect(loads.reduce(0, +) == 30)
        #expect(loads.max()! - loads.min()! <= 1, "\(loads)")
    }

    @Test func balancedAssignmentNeverPicksAConflict() async throws {
        let apps: [ApplicationID] = Self.ids("a", 8)
        let reviewers: [ReviewerID] = Self.ids("rv", 6)
        let pairs = apps.flatMap { app in reviewers.map { (app, $0) } }
        await propertyCheck(count: 200, input: Gen.int(in: 0..<pairs.count).array(of: 0...12), Gen.int(in: 1...3)) {
            picks, perApplication in
            let conflicts = ConflictRegister(picks.map { Self.conflict(pairs[$0].1, pairs[$0].0) })
            do {
                let result = try AutoAssigner.balance(applications: apps, reviewers: reviewers,
                                                      perApplication: perApplication, conflicts: conflicts)
                for app in apps {
                    let assigned = result.reviewers(of: app)
                    #expect(assigned.count == perApplication)
                    #expect(assigned.allSatisfy { !conflicts.isConflicted($0, app) })
                }
            } catch let error as GrantsError {
                // Only when some application has too few reviewers without a conflict.
                guard case .notEnoughReviewers(let app, let needed, let available) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(available < needed)
                #expect(reviewers.filter { !conflicts.isConflicted($0, app) }.count == available)
            }
        }
    }

    @Test func theSameInputInAnyOrderGivesTheSameAssignment() async throws {
        let apps: [ApplicationID] = Self.ids("a", 9)
        let reviewers: [ReviewerID] = Self.ids("rv", 5)
        let conflicts = ConflictRegister([Self.conflict("rv00", "a03"), Self.conflict("rv01", "a03")])
        let expected = try AutoAssigner.balance(applications: apps, reviewers: reviewers, perApplication: 2,
                                                conflicts: conflicts)
        await propertyCheck(count: 100, input: Gen.shuffled(apps), Gen.shuffled(reviewers)) { a, r in
            let again = try AutoAssigner.balance(applications: a, reviewers: r, perApplication: 2, conflicts: conflicts)
            #expect(again == expected)
        }
    }

    @Test func theMostConstrainedApplicationIsStaffedFirst() throws {
        // a2 can only be reviewed by rv1 and rv2; a1 goes first by ID, but a2 must not lose them.
        let conflicts = ConflictRegister([Self.conflict("rv3", "a2")])
        let result = try AutoAssigner.balance(applications: ["a1", "a2"], reviewers: ["rv1", "rv2", "rv3"],
                                              perApplication: 2, conflicts: conflicts)
        #expect(result.reviewers(of: "a2") == ["rv1", "rv2"])
        #expect(result.reviewers(of: "a1") == ["rv1", "rv3"] || result.reviewers(of: "a1") == ["rv2", "rv3"])
        #expect(result.reviewers(of: "a1").contains("rv3"), "rv3 has the least load after a2")
    }

    @Test func topsUpAfterAConflictWithoutMovingOthers() throws {
        let apps: [ApplicationID] = ["a1", "a2", "a3"]
        let reviewers: [ReviewerID] = ["rv1", "rv2", "rv3", "rv4"]
        var conflicts = ConflictRegister()
        var assignments = try AutoAssigner.balance(applications: apps, reviewers: reviewers, perApplication: 2,
                                                   conflicts: conflicts)
        let victim = assignments.reviewers(of: "a2")[0]
        try conflicts.declare(Self.conflict(victim, "a2"), assignments: &assignments)
        #expect(assignments.reviewers(of: "a2").count == 1)
        let toppedUp = try AutoAssigner.balance(applications: apps, reviewers: reviewers, perApplication: 2,
                                                conflicts: conflicts, existing: assignments)
        #expect(toppedUp.reviewers(of: "a2").count == 2 && !toppedUp.isAssigned(victim, to: "a2"))
        #expect(toppedUp.reviewers(of: "a1") == assignments.reviewers(of: "a1"))
        #expect(toppedUp.reviewers(of: "a3") == assignments.reviewers(of: "a3"))
    }

    @Test func refusesWholeWhenAnApplicationCannotBeStaffed() {
        let conflicts = ConflictRegister([Self.conflict("rv1", "a2"), Self.conflict("rv2", "a2")])
        #expect(throws: GrantsError.notEnoughReviewers("a2", needed: 2, available: 1)) {
            try AutoAssigner.balance(applications: ["a1", "a2"], reviewers: ["rv1", "rv2", "rv3"], perApplication: 2,
                                     conflicts: conflicts)
        }
        #expect(throws: GrantsError.reviewersPerApplicationInvalid(0)) {
            try AutoAssigner.balance(applications: ["a1"], reviewers: ["rv1"], perApplication: 0, conflicts: conflicts)
        }
    }
}
