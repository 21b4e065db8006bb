/// 統一編號 — the 8-digit Taiwanese business ID (SPEC C3.1, T8).
///
/// Checksum (財政部 rule): multiply the digits by the weights 1,2,1,2,1,2,4,1, add up the *digits*
/// of each product, and the ID is valid when that sum is divisible by 5. Before 2023 the rule was
/// "divisible by 10"; every such legacy ID is also divisible by 5, so the current rule accepts them.
/// When the 7th digit is 7, its product 28 has digit sum 10, which the rule lets count as 1 or 0:
/// the ID is valid if either choice gives a multiple of 5.
public struct TaxID: Hashable, Sendable, CustomStringConvertible, Codable {
    public let digits: String

    public static let weights = [1, 2, 1, 2, 1, 2, 4, 1]

    /// Accepts exactly 8 ASCII digits (surrounding whitespace is trimmed) with a valid checksum.
    public init?(_ text: String) {
        guard case .success(let id) = TaxID.parse(text) else { return nil }
        self = id
    }

    private init(validated: String) { digits = validated }

    public var description: String { digits }

    public enum Problem: Error, Equatable, Sendable {
        case empty
        case wrongLength(Int)
        case notDigits
        case checksum
    }

    public static func parse(_ text: String) -> Result<TaxID, Problem> {
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty { return .failure(.empty) }
        guard trimmed.unicodeScalars.allSatisfy({ $0.isASCII && ("0"..."9").contains($0) }) else {
            return .failure(.notDigits)
        }
        guard trimmed.count == 8 else { return .failure(.wrongLength(trimmed.count)) }
        let values = trimmed.unicodeScalars.map { Int($0.value) - 48 }
        return hasValidChecksum(values) ? .success(TaxID(validated: trimmed)) : .failure(.checksum)
    }

    /// Digit sums of each weighted product, in order.
    static func productDigitSums(_ values: [Int]) -> [Int] {
        zip(values, weights).map { value, weight in
            let product = value * weight
            return product / 10 + product % 10
        }
    }

    static func hasValidChecksum(_ values: [Int]) -> Bool {
        precondition(values.count == 8)
        let sums = productDigitSums(values)
        let total = sums.reduce(0, +)
        if total % 5 == 0 { return true }
        if values[6] == 7 {
            // 7 × 4 = 28 → 2 + 8 = 10, which counts as 1 (1 + 0) or 0; `sums` holds 10.
            let others = total - sums[6]
            return (others + 1) % 5 == 0 || others % 5 == 0
        }
        return false
    }

    /// The user-facing error for a parse problem (both languages), for forms and APIs.
    public static func error(_ problem: Problem, field: String = "taxID") -> FieldError {
        switch problem {
        case .empty:
            FieldError(field: field, zh: "請填寫統一編號。", en: "Enter the business ID (統一編號).")
        case .wrongLength(let n):
            FieldError(
                field: field,
                zh: "統一編號必須是 8 位數字，您輸入了 \(n) 位。",
                en: "The business ID must have 8 digits; you entered \(n).")
        case .notDigits:
            FieldError(
                field: field,
                zh: "統一編號只能包含數字 0–9（請使用半形數字）。",
                en: "The business ID may contain only the digits 0–9.")
        case .checksum:
            FieldError(
                field: field,
                zh: "統一編號檢查碼不正確，請核對營業登記上的號碼。",
                en: "The business ID's check digit is wrong; compare it with the business registration.")
        }
    }
}

extension String {
    /// Trims ASCII and full-width whitespace, which pasted Chinese text often carries.
    public func trimmingWhitespace() -> String {
        guard let head = unicodeScalars.first, let tail = unicodeScalars.last else { return self }
        if !head.properties.isWhitespace && !tail.properties.isWhitespace { return self }
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}

extension String {
    /// True when the text holds C0/C1 control characters other than tab and line breaks — NUL among them,
    /// which PostgreSQL cannot store and C libraries (bcrypt) silently cut at. Such input is refused
    /// with a field error, never stored (SPEC X3).
    public var hasControlCharacters: Bool {
        unicodeScalars.contains { scalar in
            (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r")
                || (0x7F...0x9F).contains(scalar.value)
        }
    }
}

extension FieldError {
    public static func controlCharacters(_ field: String) -> FieldError {
        FieldError(field: field, zh: "內容含有無法辨識的控制字元，請刪除後重新輸入。",
                   en: "The text contains control characters; remove them and type it again.")
    }
}
