internal import Foundation
import Grants
import SuanliKit

/// The reviewer's side (SPEC C4.3, C4.4): assignments, the conflict-of-interest declaration, scores.
extension APIHandlers {
    func listReviews(_ input: Operations.listReviews.Input) async throws -> Operations.listReviews.Output {
        let caller = try grantsCaller([.reviewer])
        let rows = try await grants.myAssignments(by: caller, on: services.db)
        return .ok(.init(body: .json(.init(items: rows.map(Components.Schemas.ReviewAssignment.init)))))
    }

    func declareConflict(_ input: Operations.declareConflict.Input) async throws -> Operations.declareConflict.Output {
        let caller = try grantsCaller([.reviewer])
        let id = try Self.grantsID(input.path.id)
        guard case .json(let body) = input.body else { throw GrantsFailure.notFound }
        try Self.checkReason(body.reason)
        try await grants.declareConflict(id, hasConflict: body.conflict, reason: body.reason ?? "", by: caller,
                                         on: services.db)
        return .noContent(.init())
    }

    func saveScores(_ input: Operations.saveScores.Input) async throws -> Operations.saveScores.Output {
        let caller = try grantsCaller([.reviewer])
        let id = try Self.grantsID(input.path.id)
        guard case .json(let body) = input.body else { throw GrantsFailure.notFound }
        var errors: [FieldError] = []
        var scores: [CriterionKey: Int] = [:]
        for (name, value) in body.scores.additionalProperties {
            guard let key = CriterionKey(rawValue: name) else {
                errors.append(Self.unknownCriterion("scores.\(name)"))
                continue
            }
            guard ScoreSheet.scoreRange.contains(value) else {
                errors.append(FieldError(field: "scores.\(name)", zh: "請輸入 0 到 100 的整數分數。",
                                         en: "Enter a whole number from 0 to 100."))
                continue
            }
            scores[key] = value
        }
        var comments: [CriterionKey: String] = [:]
        for (name, text) in body.comments?.additionalProperties ?? [:] {
            guard let key = CriterionKey(rawValue: name) else {
                errors.append(Self.unknownCriterion("comments.\(name)"))
                continue
            }
            if text.unicodeScalars.count > 1_000 {
                errors.append(FieldError(field: "comments.\(name)", zh: "最多 1000 字元。",
                                         en: "Use at most 1000 characters."))
            }
            comments[key] = text
        }
        if body.overallComment.unicodeScalars.count > 5_000 {
            errors.append(FieldError(field: "overallComment", zh: "最多 5000 字元。", en: "Use at most 5000 characters."))
        }
        let record = try await grants.application(id, for: caller, on: services.db)
        let offered = Dictionary(BonusItem.available(for: record.category).map { ($0.apiKey, $0) },
                                 uniquingKeysWith: { first, _ in first })
        var bonus: Set<BonusItem> = []
        for key in body.bonus ?? [] {
            guard let item = offered[key] else {
                let list = offered.keys.sorted().joined(separator: ", ")
                errors.append(FieldError(field: "bonus", zh: "此類別沒有加分項目「\(key)」；可用：\(list)。",
                                         en: "No bonus item “\(key)” in this category; use one of: \(list)."))
                continue
            }
            bonus.insert(item)
        }
        guard errors.isEmpty else { throw GrantsFailure.invalid(errors) }
        let sheet = try await grants.saveScores(
            id, ScoreEntry(scores: scores, comments: comments, overallComment: body.overallComment, bonus: bonus,
                           submit: body.submit), by: caller, on: services.db)
        return .ok(.init(body: .json(.init(sheet))))
    }

    static func unknownCriterion(_ field: String) -> FieldError {
        let list = CriterionKey.allCases.map(\.rawValue).joined(separator: ", ")
        return FieldError(field: field, zh: "沒有這個評分項目；可用：\(list)。",
                          en: "No such criterion; use one of: \(list).")
    }

    func listScores(_ input: Operations.listScores.Input) async throws -> Operations.listScores.Output {
        let caller = try grantsCaller([.operator, .ministry, .reviewer])
        let sheets = try await grants.visibleSheets(try Self.grantsID(input.path.id), by: caller, on: services.db)
        return .ok(.init(body: .json(.init(items: sheets.map(Components.Schemas.ScoreSheet.init)))))
    }
}
