/// Who may read which score sheets of one application (SPEC C4.4). Reviewers score independently:
/// a reviewer sees their own sheet, and other reviewers' submitted sheets only once their own is
/// submitted. Drafts are private notes and no one else ever sees them. A reviewer not (or no
/// longer — after declaring a conflict) assigned sees nothing.
public struct ReviewPanel: Hashable, Sendable {
    public var application: ApplicationID
    public var assigned: Set<ReviewerID>
    public var sheets: [ScoreSheet]

    public init(application: ApplicationID, assigned: Set<ReviewerID>, sheets: [ScoreSheet]) {
        self.application = application
        self.assigned = assigned
        self.sheets = sheets.filter { $0.application == application }
    }

    public func visibleScores(for reviewer: ReviewerID) -> [ScoreSheet] {
        guard assigned.contains(reviewer) else { return [] }
        let own = sheets.filter { $0.reviewer == reviewer }
        guard own.contains(where: \.isSubmitted) else { return own }
        let others = sheets.filter { $0.reviewer != reviewer && $0.isSubmitted && assigned.contains($0.reviewer) }
        return own + others.sorted { $0.reviewer < $1.reviewer }
    }

    /// Operators and the ministry run the review: they see every assigned reviewer's submitted sheet,
    /// never drafts.
    public func visibleScoresForStaff() -> [ScoreSheet] {
        sheets.filter { $0.isSubmitted && assigned.contains($0.reviewer) }.sorted { $0.reviewer < $1.reviewer }
    }
}
