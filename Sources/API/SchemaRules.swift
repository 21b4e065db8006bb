import SuanliKit

/// The constraints of `openapi.yaml` that swift-openapi-generator does not enforce — it checks JSON
/// types, required keys, enumerations and `additionalProperties: false`, not lengths, patterns or
/// ranges. Checked here so that what the document promises holds (SPEC X3): a value outside them is
/// 422 naming the field. Lengths count Unicode code points, as JSON Schema does.
struct SchemaRules {
    private(set) var errors: [FieldError] = []

    /// One message per field: the first rule a value breaks is the one to fix first.
    private mutating func add(_ error: FieldError) {
        if !errors.contains(where: { $0.field == error.field }) { errors.append(error) }
    }

    mutating func length(_ field: String, _ value: String?, min: Int = 0, max: Int) {
        guard let value else { return }
        let count = value.unicodeScalars.count
        guard count < min || count > max else { return }
        add(min == 0
            ? FieldError(field: field, zh: "最多 \(max) 字元（目前 \(count)）。",
                         en: "Use at most \(max) characters (now \(count)).")
            : FieldError(field: field, zh: "長度須為 \(min)–\(max) 字元（目前 \(count)）。",
                         en: "Use \(min)–\(max) characters (now \(count))."))
    }

    /// `hint` says what a valid value looks like, in both languages.
    mutating func matches(_ field: String, _ value: String?, _ pattern: Regex<Substring>,
                          hint: (zh: String, en: String)) {
        guard let value, (try? pattern.firstMatch(in: value)) == nil else { return }
        add(FieldError(field: field, zh: hint.zh, en: hint.en))
    }

    /// Some non-space character (the document's `pattern: "\\S"`).
    mutating func notBlank(_ field: String, _ value: String?) {
        guard let value, !value.contains(where: { !$0.isWhitespace }) else { return }
        add(FieldError(field: field, zh: "不可只有空白。", en: "Must not be blank."))
    }

    mutating func range<Number: BinaryInteger>(_ field: String, _ value: Number?, _ range: ClosedRange<Number>) {
        guard let value, !range.contains(value) else { return }
        add(FieldError(field: field, zh: "須介於 \(range.lowerBound) 與 \(range.upperBound) 之間。",
                       en: "Use a whole number from \(range.lowerBound) to \(range.upperBound)."))
    }

    mutating func items(_ field: String, _ count: Int, min: Int, max: Int) {
        guard count < min || count > max else { return }
        add(FieldError(field: field, zh: "請提供 \(min)–\(max) 項。", en: "Give \(min)–\(max) items."))
    }

    /// Throws the 422 for everything found so far.
    func check() throws {
        guard !errors.isEmpty else { return }
        throw Self.error(errors)
    }

    static func error(_ fields: [FieldError]) -> UserFacingError {
        UserFacingError(.invalidInput, code: "request.invalid_field",
                        zh: "請求內容有 \(fields.count) 處需要修正。", en: "\(fields.count) field(s) need attention.",
                        fields: fields)
    }
}
