import SuanliKit

/// What reviewers score (SPEC C4.2, C4.3; 須知 陸、二). Weights are basis points — 1% = 100, and a
/// rubric's weights add up to exactly 10,000 — so that custom weights such as 33.33% stay integers.
public enum CriterionKey: String, Sendable, CaseIterable, Codable {
    case importance
    case industryApplication
    case dataset
    case modelAndResources
    case scenario
    case expectedBenefits
    case productisation

    /// The seed's own headings, so reviewers see the words of the guideline.
    public var label: Bilingual {
        switch self {
        case .importance: Bilingual(zh: "專案重要性", en: "Project importance")
        case .industryApplication: Bilingual(zh: "產業應用機會", en: "Industry application opportunities")
        case .dataset: Bilingual(zh: "訓練資料集", en: "Training dataset")
        case .modelAndResources: Bilingual(zh: "使用模型及資源需求", en: "Model and resource plan")
        case .scenario: Bilingual(zh: "應用情境說明", en: "Application scenario")
        case .expectedBenefits: Bilingual(zh: "預期效益合理性", en: "Reasonableness of expected benefits")
        case .productisation: Bilingual(zh: "預計產品化階段說明", en: "Productisation plan")
        }
    }
}

public struct Criterion: Hashable, Sendable, Codable {
    public var key: CriterionKey
    /// Basis points of the whole (3000 = 30%).
    public var weight: Int

    public init(_ key: CriterionKey, weight: Int) {
        self.key = key
        self.weight = weight
    }

    public var label: Bilingual { key.label }
}

public struct Rubric: Hashable, Sendable, Codable {
    public static let wholeWeight = 10_000

    public let category: GrantCategory
    /// In the order reviewers see them; ties in ranking look at the first of the heaviest.
    public let criteria: [Criterion]

    /// Refuses a rubric whose weights are not all positive or do not add up to 100%, listing every
    /// problem at once so that the operator fixes them in one go.
    public init(category: GrantCategory, criteria: [Criterion]) throws(GrantsError) {
        let problems = Rubric.problems(criteria)
        guard problems.isEmpty else { throw .invalidRubric(problems) }
        self.category = category
        self.criteria = criteria
    }

    /// Decoding checks the same rules, so a stored rubric cannot bypass them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(category: container.decode(GrantCategory.self, forKey: .category),
                      criteria: container.decode([Criterion].self, forKey: .criteria))
    }

    /// C4.2 (training) and C4.3 (inference), exactly as published.
    public static func standard(_ category: GrantCategory) -> Rubric {
        switch category {
        case .training:
            try! Rubric(category: .training, criteria: [
                Criterion(.importance, weight: 3_000), Criterion(.industryApplication, weight: 1_500),
                Criterion(.dataset, weight: 1_000), Criterion(.modelAndResources, weight: 2_000),
                Criterion(.expectedBenefits, weight: 1_500), Criterion(.productisation, weight: 1_000),
            ])
        case .inference:
            try! Rubric(category: .inference, criteria: [
                Criterion(.importance, weight: 2_500), Criterion(.industryApplication, weight: 2_500),
                Criterion(.scenario, weight: 2_000), Criterion(.expectedBenefits, weight: 2_000),
                Criterion(.productisation, weight: 1_000),
            ])
        }
    }

    public static func problems(_ criteria: [Criterion]) -> [RubricProblem] {
        if criteria.isEmpty { return [.empty] }
        var problems: [RubricProblem] = []
        var seen: Set<CriterionKey> = []
        for criterion in criteria {
            if !seen.insert(criterion.key).inserted { problems.append(.duplicate(criterion.key)) }
            if !(1...wholeWeight).contains(criterion.weight) {
                problems.append(.weightOutOfRange(criterion.key, criterion.weight))
            }
        }
        let sum = criteria.reduce(0) { $0 + $1.weight }
        if sum != wholeWeight { problems.append(.sumIsNotWhole(sum)) }
        return problems
    }

    public var keys: [CriterionKey] { criteria.map(\.key) }

    public func weight(of key: CriterionKey) -> Int? { criteria.first { $0.key == key }?.weight }

    /// The first criterion with the largest weight (importance in both standard rubrics).
    public var heaviest: CriterionKey {
        criteria.reduce(criteria[0]) { $1.weight > $0.weight ? $1 : $0 }.key
    }
}

public enum RubricProblem: Hashable, Sendable {
    case empty
    case duplicate(CriterionKey)
    case weightOutOfRange(CriterionKey, Int)
    case sumIsNotWhole(Int)

    public var fieldError: FieldError {
        switch self {
        case .empty:
            FieldError(field: "criteria", zh: "評分項目不可為空，請至少設定一項。",
                           en: "A rubric needs at least one criterion.")
        case .duplicate(let key):
            FieldError(field: "criteria.\(key.rawValue)",
                           zh: "評分項目「\(key.label.zh)」重複設定，請只保留一項。",
                           en: "The criterion \"\(key.label.en)\" is listed twice; keep one.")
        case .weightOutOfRange(let key, let weight):
            FieldError(field: "criteria.\(key.rawValue).weight",
                           zh: "「\(key.label.zh)」的權重須介於 0.01% 與 100% 之間，目前為 \(Percent(weight))。",
                           en: "The weight of \"\(key.label.en)\" must be between 0.01% and 100%; "
                               + "it is \(Percent(weight)).")
        case .sumIsNotWhole(let sum):
            FieldError(field: "criteria",
                           zh: "各項權重合計須為 100%，目前合計 \(Percent(sum))。",
                           en: "The weights must add up to 100%; they add up to \(Percent(sum)).")
        }
    }
}

/// Basis points shown as a percentage without floating point: 3000 → "30%", 3333 → "33.33%".
struct Percent: CustomStringConvertible {
    var basisPoints: Int
    init(_ basisPoints: Int) { self.basisPoints = basisPoints }

    var description: String {
        let sign = basisPoints < 0 ? "-" : ""
        let magnitude = abs(basisPoints)
        let whole = magnitude / 100, fraction = magnitude % 100
        if fraction == 0 { return "\(sign)\(whole)%" }
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)%"
    }
}
