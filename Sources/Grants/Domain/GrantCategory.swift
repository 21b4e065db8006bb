/// The two application categories (SPEC C1.2). They differ in their rubric (C4.2, C4.3), their
/// bonus items, and in the review flow: only training goes to a review meeting (C4.1).
public enum GrantCategory: String, Sendable, CaseIterable, Codable, Comparable {
    case training
    case inference

    public var zh: String {
        switch self {
        case .training: "模型訓練類"
        case .inference: "模型推論類"
        }
    }

    public var en: String {
        switch self {
        case .training: "Model training"
        case .inference: "Model inference"
        }
    }

    /// 須知 伍、二、(三)「審查會議（僅模型訓練類）」.
    public var hasReviewMeeting: Bool { self == .training }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The level the committee decides (SPEC C1.3); the same points for either category.
public enum GrantLevel: String, Sendable, CaseIterable, Codable, Comparable {
    case l1 = "L1"
    case l2 = "L2"
    case l3 = "L3"

    /// Whole points granted: 須知 參「L1 級：核發點數 1000 點。L2 級：2000 點。L3 級：6000 點。」
    public var points: Int {
        switch self {
        case .l1: 1_000
        case .l2: 2_000
        case .l3: 6_000
        }
    }

    public var zh: String { "\(rawValue) 級（\(points) 點）" }
    public var en: String { "Level \(rawValue) (\(points) points)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.points < rhs.points }
}
