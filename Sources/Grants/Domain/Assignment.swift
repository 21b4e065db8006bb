/// Which reviewers score which applications (SPEC C4.4): set by hand, or balanced automatically.
public struct ReviewAssignments: Hashable, Sendable {
    public private(set) var reviewersByApplication: [ApplicationID: Set<ReviewerID>] = [:]

    public init(_ reviewersByApplication: [ApplicationID: Set<ReviewerID>] = [:]) {
        self.reviewersByApplication = reviewersByApplication.filter { !$0.value.isEmpty }
    }

    public func reviewers(of application: ApplicationID) -> [ReviewerID] {
        (reviewersByApplication[application] ?? []).sorted()
    }

    public func applications(of reviewer: ReviewerID) -> [ApplicationID] {
        reviewersByApplication.filter { $0.value.contains(reviewer) }.keys.sorted()
    }

    public func load(of reviewer: ReviewerID) -> Int {
        reviewersByApplication.values.reduce(0) { $0 + ($1.contains(reviewer) ? 1 : 0) }
    }

    public func isAssigned(_ reviewer: ReviewerID, to application: ApplicationID) -> Bool {
        reviewersByApplication[application]?.contains(reviewer) ?? false
    }

    /// By hand: the operator picks a reviewer; a declared conflict still refuses it.
    public mutating func assign(
        _ reviewer: ReviewerID, to application: ApplicationID, conflicts: ConflictRegister
    ) throws(GrantsError) {
        guard !conflicts.isConflicted(reviewer, application) else { throw .reviewerHasConflict(reviewer, application) }
        guard !isAssigned(reviewer, to: application) else { throw .reviewerAlreadyAssigned(reviewer, application) }
        reviewersByApplication[application, default: []].insert(reviewer)
    }

    /// Returns whether there was such an assignment.
    @discardableResult
    public mutating func remove(_ reviewer: ReviewerID, from application: ApplicationID) -> Bool {
        guard reviewersByApplication[application]?.remove(reviewer) != nil else { return false }
        if reviewersByApplication[application]!.isEmpty { reviewersByApplication[application] = nil }
        return true
    }
}

/// Automatic assignment: every application gets `perApplication` reviewers, load spread evenly,
/// never a conflicted reviewer, and the same result for the same input in any order. Greedy:
/// applications with the fewest possible reviewers go first (then by ID), and each takes the
/// least-loaded eligible reviewers (then by ID). Existing assignments are kept and count as load,
/// so the same call tops up after a conflict removed someone. Without conflicts, loads end within
/// one of each other. It either assigns everything or changes nothing.
public enum AutoAssigner {
    public static func balance(
        applications: [ApplicationID], reviewers: [ReviewerID], perApplication: Int,
        conflicts: ConflictRegister, existing: ReviewAssignments = ReviewAssignments()
    ) throws(GrantsError) -> ReviewAssignments {
        guard perApplication >= 1 else { throw .reviewersPerApplicationInvalid(perApplication) }
        let pool = Array(Set(reviewers)).sorted()
        let apps = Array(Set(applications))
        var result = existing
        var load = Dictionary(uniqueKeysWithValues: pool.map { ($0, existing.load(of: $0)) })

        func candidates(_ app: ApplicationID, in assignments: ReviewAssignments) -> [ReviewerID] {
            pool.filter { !conflicts.isConflicted($0, app) && !assignments.isAssigned($0, to: app) }
        }
        // Check everything first: nothing is half-assigned when one application cannot be staffed.
        for app in apps.sorted() {
            let needed = perApplication - existing.reviewers(of: app).count
            let available = candidates(app, in: existing).count
            if needed > available { throw .notEnoughReviewers(app, needed: needed, available: available) }
        }
        let order = apps.sorted { a, b in
            let (ca, cb) = (candidates(a, in: existing).count, candidates(b, in: existing).count)
            return ca != cb ? ca < cb : a < b
        }
        for app in order {
            let needed = perApplication - result.reviewers(of: app).count
            guard needed > 0 else { continue }
            let picks = candidates(app, in: result).sorted { a, b in
                load[a]! != load[b]! ? load[a]! < load[b]! : a < b
            }.prefix(needed)
            for reviewer in picks {
                try result.assign(reviewer, to: app, conflicts: conflicts)
                load[reviewer]! += 1
            }
        }
        return result
    }
}
