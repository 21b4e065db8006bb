import Foundation
@testable import Grants
import PropertyBased
import Testing

/// The one-line form of a sheet's scores and bonus that the ranking reads instead of the JSON
/// (`ScoreSheet.scoringLine`): it must give exactly the totals the whole sheet gives.
@Suite struct ScoringLineTests {
    static let rubric = Rubric.standard(.inference)

    @Test func everyBonusItemHasACodeThatReadsBack() {
        for category in GrantCategory.allCases {
            for item in BonusItem.available(for: category) {
                #expect(BonusItem(code: item.code) == item, "\(item)")
            }
        }
        for code in ["", "registration:", "registration:unknown", "openmodel", "fieldSiteMOU "] {
            #expect(BonusItem(code: code) == nil, "\(code)")
        }
    }

    @Test func aSheetReadFromItsLineHasTheSameTotal() async {
        let items = BonusItem.available(for: .inference)
        await propertyCheck(count: 300, input: Gen.int(in: 0...100).array(of: 6), Gen.int(in: 0...((1 << items.count) - 1))) {
            scores, mask in
            let bonus = items.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
            let sheet = ScoringTests.sheet("a1", "rv1", scores, rubric: Self.rubric, bonus: bonus)
            let line = sheet.scoringLine
            let read = try #require(ScoreSheet(scoringLine: line, application: "a1", reviewer: "rv1",
                                               submittedAt: sheet.submittedAt))
            #expect(read.scores == sheet.scores)
            #expect(read.grantedBonus == sheet.grantedBonus)
            #expect(read.isSubmitted)
            #expect(try Self.rubric.total(of: read, bonus: .standard) == Self.rubric.total(of: sheet, bonus: .standard))
            #expect(read.comments.isEmpty && read.overallComment.isEmpty)
        }
    }

    @Test func theLineIsStableAndReadable() {
        let sheet = ScoringTests.sheet("a1", "rv1", [80, 70, 90, 85, 75, 60], rubric: Self.rubric,
                                       bonus: [.openModel, .registration(.dataEconomy)])
        let line = sheet.scoringLine
        #expect(line.hasSuffix("|openModel,registration:dataEconomy"))
        #expect(line.split(separator: "|")[0].split(separator: ",").count == Self.rubric.criteria.count)
        // Sorted, so the same sheet always gives the same line.
        #expect(line == ScoringTests.sheet("a1", "rv1", [80, 70, 90, 85, 75, 60], rubric: Self.rubric,
                                           bonus: [.registration(.dataEconomy), .openModel]).scoringLine)
    }

    @Test(arguments: ["", "importance=80", "importance=80|x", "importance=101|", "importance=-1|",
                      "importance=80,importance=81|", "nosuch=80|", "importance=eighty|", "importance=80|openModel|"])
    func aMalformedLineIsRefused(_ line: String) {
        #expect(ScoreSheet(scoringLine: line, application: "a1", reviewer: "rv1", submittedAt: nil) == nil)
    }
}
