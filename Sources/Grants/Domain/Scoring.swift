import Foundation
import SuanliKit

/// One reviewer's scores for one application (SPEC C4.4): 0–100 per criterion, comments, and the
/// bonus items granted out of those the applicant claimed. Once submitted it is frozen: other
/// reviewers' scores become visible at that moment (`ReviewPanel`), so changing one's own
/// afterwards would let a reviewer follow the crowd.
public struct ScoreSheet: Hashable, Sendable, Codable {
    public static let scoreRange = 0...100

    public let application: ApplicationID
    public let reviewer: ReviewerID
    public private(set) var scores: [CriterionKey: Int] = [:]
    public private(set) var comments: [CriterionKey: String] = [:]
    /// 審查意見 — required to submit; per-criterion comments are optional.
    public private(set) var overallComment = ""
    public private(set) var grantedBonus: Set<BonusItem> = []
    public private(set) var submittedAt: Date?

    public init(application: ApplicationID, reviewer: ReviewerID) {
        self.application = application
        self.reviewer = reviewer
    }

    public var isSubmitted: Bool { submittedAt != nil }

    public mutating func score(
        _ key: CriterionKey, _ value: Int, comment: String? = nil, rubric: Rubric
    ) throws(GrantsError) {
        guard !isSubmitted else { throw .sheetAlreadySubmitted }
        guard rubric.weight(of: key) != nil else { throw .criterionNotInRubric(key, rubric.category) }
        guard ScoreSheet.scoreRange.contains(value) else { throw .scoreOutOfRange(key, value) }
        if let comment, comment.hasControlCharacters { throw .controlCharacters(field: "comments.\(key.rawValue)") }
        scores[key] = value
        if let comment { comments[key] = comment.isBlankAfterTrimming ? nil : comment }
    }

    public mutating func comment(_ text: String) throws(GrantsError) {
        guard !isSubmitted else { throw .sheetAlreadySubmitted }
        guard !text.hasControlCharacters else { throw .controlCharacters(field: "overallComment") }
        overallComment = text
    }

    /// Grants an item the applicant claimed; a reviewer cannot award what was never claimed.
    public mutating func grant(_ item: BonusItem, claims: [BonusClaim], category: GrantCategory) throws(GrantsError) {
        guard !isSubmitted else { throw .sheetAlreadySubmitted }
        guard BonusItem.available(for: category).contains(item) else { throw .bonusNotOffered(item, category) }
        guard claims.contains(where: { $0.item == item }) else { throw .bonusNotClaimed(item) }
        grantedBonus.insert(item)
    }

    public mutating func withdrawGrant(_ item: BonusItem) throws(GrantsError) {
        guard !isSubmitted else { throw .sheetAlreadySubmitted }
        grantedBonus.remove(item)
    }

    public mutating func submit(rubric: Rubric, at now: Date) throws(GrantsError) {
        guard !isSubmitted else { throw .sheetAlreadySubmitted }
        let missing = rubric.keys.filter { scores[$0] == nil }
        guard missing.isEmpty else { throw .scoresMissing(missing) }
        guard !overallComment.isBlankAfterTrimming else { throw .overallCommentRequired }
        submittedAt = now
    }

    /// The scores and granted bonus items on one line, e.g. `dataset=62,importance=65|openModel`:
    /// what a round's ranking reads of each sheet. Decoding thousands of sheets' JSON (comments
    /// included) was most of the ranking's time (bench/grants_bench.py, issue 3).
    public var scoringLine: String {
        let scores = self.scores.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: ",")
        return scores + "|" + grantedBonus.map(\.code).sorted().joined(separator: ",")
    }

    /// A sheet for aggregation from its scoring line; its comments are empty. Nil when the line is
    /// malformed (the caller then reads the whole sheet).
    public init?(scoringLine line: String, application: ApplicationID, reviewer: ReviewerID, submittedAt: Date?) {
        self.init(application: application, reviewer: reviewer)
        // Read as UTF-8 bytes: splitting `String`s by `Character` cost more than the rest of the ranking.
        let bytes = Array(line.utf8)
        guard let bar = bytes.firstIndex(of: UInt8(ascii: "|")),
              !bytes[(bar + 1)...].contains(UInt8(ascii: "|")) else { return nil }
        for pair in bytes[..<bar].split(separator: UInt8(ascii: ",")) {
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")),
                  let key = CriterionKey(rawValue: String(decoding: pair[..<equals], as: UTF8.self)),
                  let value = Self.decimal(pair[(equals + 1)...]), Self.scoreRange.contains(value), scores[key] == nil
            else { return nil }
            scores[key] = value
        }
        for code in bytes[(bar + 1)...].split(separator: UInt8(ascii: ",")) {
            guard let item = BonusItem(code: String(decoding: code, as: UTF8.self)) else { return nil }
            grantedBonus.insert(item)
        }
        self.submittedAt = submittedAt
    }

    /// A small unsigned decimal (1–3 digits), or nil.
    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        guard (1...3).contains(digits.count) else { return nil }
        var value = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

/// A sheet's weighted total, kept exact until it is shown. Σ(score × weight in basis points) is the
/// total in ten-thousandths of a point (≤ 1,000,000), so weighting itself never rounds; the one
/// rounding, half-up to hundredths, happens when a total or mean is published.
public struct SheetTotal: Hashable, Sendable {
    /// Weighted criterion scores, in ten-thousandths of a point.
    public let weighted: Int
    public let bonus: Score

    /// Weighted total plus bonus, in ten-thousandths of a point.
    public var exact: Int { weighted + bonus.hundredths * 100 }
    /// The weighted total without bonus, rounded half-up to hundredths.
    public var base: Score { Score(hundredths: IntegerRounding.halfUp.divide(weighted, by: 100)) }
    /// The reviewer's total with bonus, rounded half-up to hundredths.
    public var total: Score { Score(hundredths: IntegerRounding.halfUp.divide(exact, by: 100)) }
}

extension Rubric {
    public func total(of sheet: ScoreSheet, bonus policy: BonusPolicy) throws(GrantsError) -> SheetTotal {
        let missing = keys.filter { sheet.scores[$0] == nil }
        guard missing.isEmpty else { throw .scoresMissing(missing) }
        let strays = sheet.scores.keys.filter { weight(of: $0) == nil }
        if let stray = strays.min(by: { $0.rawValue < $1.rawValue }) { throw .criterionNotInRubric(stray, category) }
        let weighted = criteria.reduce(0) { $0 + sheet.scores[$1.key]! * $1.weight }
        return SheetTotal(weighted: weighted, bonus: try policy.bonus(for: sheet.grantedBonus, in: category))
    }
}
