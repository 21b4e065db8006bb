import SuanliKit

/// A round (梯次) of batch review (SPEC C1.1; 須知 肆、三 "將安排批次審查作業"). Applications filed
/// before a round's intake cut-off are reviewed in that round; FAQ 9's example: a round whose
/// review starts on 1 July has its projects in use around early August.
public struct Round: Hashable, Sendable, Codable {
    public var id: RoundID
    /// 第 n 梯次, from 1.
    public var number: Int
    public var intakeCloses: Cutoff
    public var reviewStarts: ROCDate
    /// The training review meeting (審查會議); inference has none.
    public var meetingDay: ROCDate?
    /// When results are planned to be announced.
    public var announcementDay: ROCDate?

    public init(
        id: RoundID, number: Int, intakeCloses: Cutoff, reviewStarts: ROCDate, meetingDay: ROCDate? = nil,
        announcementDay: ROCDate? = nil
    ) {
        self.id = id
        self.number = number
        self.intakeCloses = intakeCloses
        self.reviewStarts = reviewStarts
        self.meetingDay = meetingDay
        self.announcementDay = announcementDay
    }

    public var label: Bilingual { Bilingual(zh: "第 \(number) 梯次", en: "Round \(number)") }

    /// The round's own schedule must run forwards: intake, review, meeting, announcement.
    public var problems: [FieldError] {
        let field = "rounds.\(number)"
        var problems: [FieldError] = []
        if number < 1 {
            problems.append(FieldError(field: "\(field).number", zh: "梯次編號須從 1 開始。",
                                       en: "Round numbers start at 1."))
        }
        if reviewStarts < intakeCloses.lastDay {
            problems.append(FieldError(
                field: "\(field).reviewStarts",
                zh: "\(label.zh)的審查開始日（\(reviewStarts.longForm)）不可早於收件截止日（\(intakeCloses.lastDay.longForm)）。",
                en: "\(label.en): the review cannot start (\(reviewStarts.isoForm)) before intake closes "
                    + "(\(intakeCloses.lastDay.isoForm))."))
        }
        if let meetingDay, meetingDay < reviewStarts {
            problems.append(FieldError(
                field: "\(field).meetingDay",
                zh: "\(label.zh)的審查會議日不可早於審查開始日。",
                en: "\(label.en): the review meeting cannot come before the review starts."))
        }
        if let announcementDay, announcementDay < (meetingDay ?? reviewStarts) {
            problems.append(FieldError(
                field: "\(field).announcementDay",
                zh: "\(label.zh)的公告日不可早於審查會議或審查開始日。",
                en: "\(label.en): results cannot be announced before the review (meeting)."))
        }
        return problems
    }

    /// Rounds of one programme: unique IDs, numbered 1, 2, 3 … with intake cut-offs in that order.
    static func problems(_ rounds: [Round]) -> [FieldError] {
        var problems = rounds.flatMap(\.problems)
        if rounds.isEmpty {
            problems.append(FieldError(field: "rounds", zh: "請至少設定一個梯次。", en: "Add at least one round."))
        }
        if Set(rounds.map(\.id)).count != rounds.count {
            problems.append(FieldError(field: "rounds", zh: "梯次代碼重複。", en: "Two rounds share an ID."))
        }
        if rounds.map(\.number) != Array(1..<(rounds.count + 1)) {
            problems.append(FieldError(field: "rounds", zh: "梯次須依序編號為 1、2、3…。",
                                       en: "Rounds must be numbered 1, 2, 3 … in order."))
        }
        for (earlier, later) in zip(rounds, rounds.dropFirst()) where later.intakeCloses <= earlier.intakeCloses {
            problems.append(FieldError(
                field: "rounds.\(later.number).intakeCloses",
                zh: "\(later.label.zh)的收件截止須晚於\(earlier.label.zh)。",
                en: "\(later.label.en) must close its intake after \(earlier.label.en)."))
        }
        return problems
    }
}
