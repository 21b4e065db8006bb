import Foundation
import SuanliKit

/// How to reach the executing unit (須知 cover page: e-mail, 申請諮詢專線, 申請網址).
public struct ProgrammeContact: Hashable, Sendable, Codable {
    public var email: String
    public var phones: [String]
    public var website: String

    public init(email: String, phones: [String], website: String) {
        self.email = email
        self.phones = phones
        self.website = website
    }
}

/// From the announcement until the cut-off (SPEC C1.1); "逾期不予受理".
public struct ApplicationWindow: Hashable, Sendable, Codable {
    public var opens: Date
    public var closes: Cutoff

    public init(opens: Date, closes: Cutoff) {
        self.opens = opens
        self.closes = closes
    }

    public func check(_ now: Date) throws(GrantsError) {
        guard now >= opens else { throw .applicationsNotYetOpen(opens) }
        guard !closes.isLate(now) else { throw .applicationsClosed(closes) }
    }
}

/// Everything a programme announces. Freely editable until published; afterwards it changes only
/// through an `Amendment`, so that every applicant can be shown which version applied to them.
public struct ProgrammeSettings: Hashable, Sendable, Codable {
    public var title: Bilingual
    /// 主辦單位, e.g. 數位發展部數位產業署.
    public var organiser: Bilingual
    /// 執行單位, e.g. 台灣智慧雲端服務股份有限公司.
    public var executingUnit: Bilingual
    /// 協辦單位, if any.
    public var coOrganiser: Bilingual?
    public var contact: ProgrammeContact
    public var window: ApplicationWindow
    public var rounds: [Round]
    public var trainingMetering: TrainingMetering = .perGPU
    public var trainingRubric: Rubric = .standard(.training)
    public var inferenceRubric: Rubric = .standard(.inference)
    public var bonus: BonusPolicy = .standard
    public var disagreementSpread: Score = ScoreAggregation.defaultDisagreementSpread
    /// Reviewers per application for automatic assignment (our default: three, so that a mean
    /// exists even when one reviewer drops out with a conflict).
    public var reviewersPerApplication = 3

    public init(
        title: Bilingual, organiser: Bilingual, executingUnit: Bilingual, coOrganiser: Bilingual? = nil,
        contact: ProgrammeContact, window: ApplicationWindow, rounds: [Round]
    ) {
        self.title = title
        self.organiser = organiser
        self.executingUnit = executingUnit
        self.coOrganiser = coOrganiser
        self.contact = contact
        self.window = window
        self.rounds = rounds
    }

    public func rubric(for category: GrantCategory) -> Rubric {
        category == .training ? trainingRubric : inferenceRubric
    }

    /// The round a submission at `now` belongs to: the first whose intake is still open.
    public func round(forSubmissionAt now: Date) -> Round? {
        rounds.sorted { $0.intakeCloses < $1.intakeCloses }.first { !$0.intakeCloses.isLate(now) }
    }

    public var problems: [FieldError] {
        var problems: [FieldError] = []
        func require(_ text: String, _ field: String, _ zh: String, _ en: String) {
            if text.isBlankAfterTrimming {
                problems.append(FieldError(field: field, zh: "請填寫\(zh)。", en: "Enter the \(en)."))
            } else if text.hasControlCharacters {
                problems.append(.controlCharacters(field))
            }
        }
        require(title.zh, "title.zh", "計畫名稱", "programme title")
        require(organiser.zh, "organiser.zh", "主辦單位", "organiser")
        require(executingUnit.zh, "executingUnit.zh", "執行單位", "executing unit")
        require(contact.website, "contact.website", "申請網址", "application website")
        if !contact.email.contains("@") || contact.email.isBlankAfterTrimming {
            problems.append(FieldError(field: "contact.email", zh: "請填寫有效的聯絡電子郵件。",
                                       en: "Enter a valid contact e-mail address."))
        }
        if window.closes.lateFrom <= window.opens {
            problems.append(FieldError(field: "window.closes", zh: "申請截止時間須晚於公告受理時間。",
                                       en: "Applications must close after they open."))
        }
        problems += Round.problems(rounds)
        if let last = rounds.last, last.intakeCloses < window.closes {
            problems.append(FieldError(
                field: "rounds.\(last.number).intakeCloses",
                zh: "最後一個梯次的收件截止不可早於申請截止（\(window.closes.announced(.zhTW))），否則準時送件將無梯次可審。",
                en: "The last round's intake must not close before applications close "
                    + "(\(window.closes.announced(.en))), or a timely application would have no round."))
        }
        if trainingRubric.category != .training || inferenceRubric.category != .inference {
            problems.append(FieldError(field: "rubrics", zh: "評分項目的類別不符。",
                                       en: "A rubric is set for the wrong category."))
        }
        problems += bonus.problems
        if disagreementSpread < .zero {
            problems.append(FieldError(field: "disagreementSpread", zh: "分數差距門檻不可為負數。",
                                       en: "The disagreement spread cannot be negative."))
        }
        if !(1...20).contains(reviewersPerApplication) {
            problems.append(FieldError(field: "reviewersPerApplication", zh: "每案委員人數須介於 1 至 20 人。",
                                       en: "Each application needs between 1 and 20 reviewers."))
        }
        return problems
    }
}

/// A published programme. Its settings are read-only; `amended(by:)` returns the next version.
public struct Programme: Hashable, Sendable, Codable {
    public let id: ProgrammeID
    public let settings: ProgrammeSettings
    /// 1 when published, one more for each amendment.
    public let version: Int
    public let publishedAt: Date
    public let publishedBy: GrantsActor
    public let amendments: [Amendment]

    /// The operator (執行單位) or the ministry (主辦單位) publishes; the settings must be complete.
    public static func publish(
        _ id: ProgrammeID, settings: ProgrammeSettings, by actor: GrantsActor, at now: Date
    ) throws(GrantsError) -> Programme {
        guard actor.role == .operator || actor.role == .ministry else { throw .roleMayNotPublish(actor.role) }
        let problems = settings.problems
        guard problems.isEmpty else { throw .invalidProgramme(problems) }
        return Programme(id: id, settings: settings, version: 1, publishedAt: now, publishedBy: actor, amendments: [])
    }

    init(
        id: ProgrammeID, settings: ProgrammeSettings, version: Int, publishedAt: Date, publishedBy: GrantsActor,
        amendments: [Amendment]
    ) {
        self.id = id
        self.settings = settings
        self.version = version
        self.publishedAt = publishedAt
        self.publishedBy = publishedBy
        self.amendments = amendments
    }
}
