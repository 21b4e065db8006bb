import SuanliKit

/// Password rules (SPEC T2; 資通系統防護基準 for 普級/中級 systems): at least 10 characters with letters
/// and digits, not the e-mail, and not one of the last three passwords (checked against history by
/// the service, since that needs the stored hashes).
public enum PasswordPolicy {
    public static let minimumLength = 10
    public static let historyDepth = 3

    public static func problems(_ password: String, email: String, field: String = "password") -> [FieldError] {
        var problems: [FieldError] = []
        if password.hasControlCharacters {
            // bcrypt stops at NUL: "abc\0xyz" would hash as "abc".
            problems.append(.controlCharacters(field))
        }
        if password.count < minimumLength {
            problems.append(FieldError(
                field: field,
                zh: "密碼至少需要 \(minimumLength) 個字元（目前 \(password.count) 個）。",
                en: "Use at least \(minimumLength) characters (you used \(password.count))."))
        }
        if password.count > 128 {
            problems.append(FieldError(field: field, zh: "密碼最多 128 個字元。", en: "Use at most 128 characters."))
        }
        let hasLetter = password.unicodeScalars.contains { $0.properties.isAlphabetic }
        let hasDigit = password.unicodeScalars.contains { ("0"..."9").contains($0) }
        if !(hasLetter && hasDigit) {
            problems.append(FieldError(
                field: field,
                zh: "密碼需同時包含英文字母與數字。",
                en: "Use both letters and digits."))
        }
        let local = email.split(separator: "@").first.map(String.init)?.lowercased() ?? ""
        if !local.isEmpty && password.lowercased().contains(local) && local.count >= 4 {
            problems.append(FieldError(
                field: field,
                zh: "密碼不可包含您的電子郵件帳號名稱。",
                en: "Do not use your e-mail name in the password."))
        }
        return problems
    }

    public static let reused = FieldError(
        field: "newPassword",
        zh: "新密碼不可與最近 \(historyDepth) 次使用過的密碼相同，請換一個。",
        en: "The new password must differ from your last \(historyDepth) passwords; choose another.")
}

/// E-mail addresses: a pragmatic check (one @, a dot in the domain, no spaces), stored lower-cased.
public enum EmailAddress {
    public static func normalise(_ text: String) -> String? {
        let email = text.trimmingWhitespace().lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !email.hasControlCharacters, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !email.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" })
        else { return nil }
        return email
    }

    public static func error(field: String = "email") -> FieldError {
        FieldError(field: field, zh: "請輸入有效的電子郵件地址，例如 name@example.com.tw。",
                   en: "Enter a valid e-mail address, e.g. name@example.com.")
    }
}
