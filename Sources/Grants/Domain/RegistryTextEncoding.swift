/// Decoding of registry files (SPEC T8). The open-data portals publish UTF-8, but files saved
/// through Excel on a Taiwanese Windows machine come back as Big5/CP950; decoding those as UTF-8
/// fails or, worse, yields mojibake that still parses. So we accept only strict UTF-8 (with or
/// without a BOM) and name the likely encoding when refusing, so the operator knows what to convert.
public enum RegistryTextEncoding {
    static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The file's bytes without a UTF-8 BOM, after checking they are valid UTF-8.
    static func utf8Body(_ bytes: [UInt8]) -> Result<ArraySlice<UInt8>, RegistryImportIssue> {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return .failure(.fileLevel(
                code: "registry.encoding.utf16",
                zh: "檔案是 UTF-16 編碼，請另存為「CSV UTF-8」後再匯入。",
                en: "The file is UTF-16; save it as \"CSV UTF-8\" and import it again."))
        }
        let body = bytes.starts(with: utf8BOM) ? bytes.dropFirst(3) : bytes[...]
        if let offset = firstInvalidUTF8Offset(body) {
            if looksLikeBig5(body) {
                return .failure(.fileLevel(
                    code: "registry.encoding.big5",
                    zh: "檔案看來是 Big5（CP950）編碼，系統只接受 UTF-8。請用 iconv -f CP950 -t UTF-8 轉換，"
                        + "或在 Excel 另存為「CSV UTF-8」後再匯入。",
                    en: "The file looks Big5 (CP950) encoded; only UTF-8 is accepted. Convert it with "
                        + "iconv -f CP950 -t UTF-8, or save it from Excel as \"CSV UTF-8\", and import it again."))
            }
            return .failure(.fileLevel(
                code: "registry.encoding.invalid",
                zh: "檔案不是有效的 UTF-8（第 \(offset) 位元組起），請確認檔案編碼後再匯入。",
                en: "The file is not valid UTF-8 (from byte \(offset)); check its encoding and import it again."))
        }
        return .success(body)
    }

    /// Byte offset (from the start of `bytes`) of the first malformed sequence, or nil when valid.
    static func firstInvalidUTF8Offset(_ bytes: ArraySlice<UInt8>) -> Int? {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let lead = bytes[index]
            let length: Int
            switch lead {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return index - bytes.startIndex
            }
            guard index + length <= bytes.endIndex else { return index - bytes.startIndex }
            if length > 1 {
                let second = bytes[index + 1]
                // The tighter second-byte ranges exclude overlong forms, surrogates and > U+10FFFF.
                let secondRange: ClosedRange<UInt8> =
                    switch lead {
                    case 0xE0: 0xA0...0xBF
                    case 0xED: 0x80...0x9F
                    case 0xF0: 0x90...0xBF
                    case 0xF4: 0x80...0x8F
                    default: 0x80...0xBF
                    }
                guard secondRange.contains(second) else { return index - bytes.startIndex }
                for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) {
                    return index - bytes.startIndex
                }
            }
            index += length
        }
        return nil
    }

    /// True when every non-ASCII byte pairs up as a Big5 double-byte character (lead 0x81–0xFE,
    /// trail 0x40–0x7E or 0xA1–0xFE) and there is at least one such pair.
    static func looksLikeBig5(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        var pairs = 0
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            guard (0x81...0xFE).contains(byte), index + 1 < bytes.endIndex else { return false }
            let trail = bytes[index + 1]
            guard (0x40...0x7E).contains(trail) || (0xA1...0xFE).contains(trail) else { return false }
            pairs += 1
            index += 2
        }
        return pairs > 0
    }
}
