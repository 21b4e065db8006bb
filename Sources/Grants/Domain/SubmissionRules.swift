import Foundation
import SuanliKit

/// What a company has already filed in this programme, as the submission rules need it.
public struct FiledApplication: Hashable, Sendable {
    public var application: ApplicationID
    public var round: RoundID
    public var category: GrantCategory
    public var status: ApplicationStatus

    public init(application: ApplicationID, round: RoundID, category: GrantCategory, status: ApplicationStatus) {
        self.application = application
        self.round = round
        self.category = category
        self.status = status
    }
}

/// The checks before `ApplicationAction.submit` (SPEC C1.1, C1.2):
/// 1. the window is open by the server clock — a late submission is refused, never queued;
/// 2. a round is still taking applications; that round is the one the application joins;
/// 3. one application per company per round: FAQ 12 "同一梯次中，一家業者原則上只能擇一類別提出申請".
///    Applications the company withdrew or let lapse free the place; decided ones (rejected,
///    ineligible) do not — a second try goes to a later round;
/// 4. applying again after an earlier round needs a statement of what differs (FAQ 12:
///    "重複申請時，建議清楚說明與前次申請之差異"), which reviewers read.
public enum SubmissionRules {
    public static func admit(
        category: GrantCategory, programme: ProgrammeSettings, companyApplications: [FiledApplication],
        differenceFromPrevious: String?, at now: Date
    ) throws(GrantsError) -> Round {
        try programme.window.check(now)
        guard let round = programme.round(forSubmissionAt: now) else { throw .noRoundTakingApplications }
        if let holder = companyApplications.first(where: { $0.round == round.id && $0.status.holdsRoundPlace }) {
            if holder.category == category { throw .alreadyAppliedInRound(round.label, category) }
            throw .oneCategoryPerRound(round.label, holder.category)
        }
        let numbers = Dictionary(uniqueKeysWithValues: programme.rounds.map { ($0.id, $0.number) })
        let filedBefore = companyApplications.contains { filed in
            filed.status != .draft && (numbers[filed.round] ?? Int.max) < round.number
        }
        if filedBefore {
            let statement = differenceFromPrevious?.trimmingWhitespace() ?? ""
            guard !statement.isEmpty else { throw .differenceFromPreviousRequired }
            guard !statement.hasControlCharacters else { throw .controlCharacters(field: "differenceFromPrevious") }
        }
        return round
    }
}
