internal import Foundation
import SuanliKit

/// What a failed request-body decoding means to the caller (SPEC X3: a clear, specific error).
enum DecodingFailure {
    /// Not JSON at all, or not the JSON object the operation takes: 400.
    case malformed(APIProblem)
    /// A JSON object with one field wrong (the decoder stops at the first): 422 naming the field.
    case invalid(UserFacingError)
}

extension DecodingError {
    static let invalidJSON = APIProblem(
        code: "request.invalid_json",
        zh: "請求內容不是有效的 JSON 物件。請依 API 文件送出 JSON，並設定 Content-Type: application/json。",
        en: "The request body is not a valid JSON object. Send JSON as the API document describes, "
            + "with Content-Type: application/json.")

    var apiFailure: DecodingFailure {
        let (path, message): ([any CodingKey], (zh: String, en: String))
        switch self {
        case .keyNotFound(let key, let context):
            path = context.codingPath + [key]
            message = ("此欄位為必填。", "This field is required.")
        case .valueNotFound(_, let context):
            path = context.codingPath
            message = ("此欄位不可為 null。", "This field must not be null.")
        case .typeMismatch(let type, let context):
            path = context.codingPath
            let expected = Self.describe(type)
            message = ("格式不符，應為\(expected.zh)。", "Wrong type: expected \(expected.en).")
        case .dataCorrupted(let context):
            path = context.codingPath
            message = Self.explainCorrupted(context, field: path.last?.stringValue ?? "")
        @unknown default:
            return .malformed(Self.invalidJSON)
        }
        guard !path.isEmpty else { return .malformed(Self.invalidJSON) }
        let field = Self.fieldName(path)
        return .invalid(UserFacingError(
            .invalidInput, code: "request.invalid_field",
            zh: "欄位「\(field)」需要修正：\(message.zh)", en: "The field “\(field)” needs attention: \(message.en)",
            fields: [FieldError(field: field, zh: message.zh, en: message.en)]))
    }

    /// `industryCodes[2]`, `name` — the field names of the API document, as the domain uses them.
    static func fieldName(_ path: [any CodingKey]) -> String {
        path.enumerated().map { index, key in
            if let position = key.intValue { return "[\(position)]" }
            return index == 0 ? key.stringValue : "." + key.stringValue
        }.joined()
    }

    static func describe(_ type: Any.Type) -> (zh: String, en: String) {
        if type == String.self { return ("文字", "a string") }
        if type == Bool.self { return ("true 或 false", "true or false") }
        if type is any BinaryInteger.Type { return ("整數", "a whole number") }
        if type is any BinaryFloatingPoint.Type { return ("數字", "a number") }
        if type is [Any].Type { return ("陣列", "an array") }
        return ("物件", "an object")
    }

    /// The allowed values of the request bodies' enumerations, so a wrong one can be named.
    static let allowedValues: [String: [String]] = [
        "kind": Components.Schemas.RegistrableKind.allCases.map(\.rawValue),
        "role": Components.Schemas.MemberRole.allCases.map(\.rawValue),
    ]

    static func explainCorrupted(_ context: Context, field: String) -> (zh: String, en: String) {
        // The generated decoders reject keys the document does not list (additionalProperties: false).
        if context.debugDescription.hasPrefix("Additional properties") {
            return ("API 不接受此欄位，請對照 API 文件的欄位名稱。",
                    "The API does not take this field; check the field names in the API document.")
        }
        if let allowed = allowedValues[field] {
            let list = allowed.joined(separator: ", ")
            return ("請使用下列值之一：\(list)。", "Use one of: \(list).")
        }
        return ("值不正確（例如數字超出範圍）。", "The value is not valid (for example, a number out of range).")
    }
}
