import FluentKit

/// The Grants context's migrations, in order; the composition root appends them after Identity's.
public enum GrantsMigrations {
    public static var all: [any Migration] {
        [CreateGrantProgrammes(), CreateGrantApplications(), CreateGrantReviews(), CreateGrantProjects(),
         CreateRegistry(), CreateWorkerLeases(), AddGrantsIndexes(), AddScoreSheetScoring(),
         AddScoreSheetFigures()]
    }
}
