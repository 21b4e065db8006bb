import SuanliKit

/// Why a 工商憑證 sign-in was refused (SPEC T1). One stable code per check, so the audit log and the
/// tests can tell the checks apart; the messages say what the applicant can do about it.
public enum BusinessCertificateErrors {
    static func make(_ code: String, zh: String, en: String) -> UserFacingError {
        UserFacingError(.unauthenticated, code: "certificate." + code, zh: zh, en: en)
    }

    /// The signature package could not be read (not CMS/PKCS#7, bad base64, broken certificate).
    public static let malformed = make(
        "malformed",
        zh: "無法讀取憑證簽章資料，請重新以工商憑證簽章登入。",
        en: "The certificate signature could not be read. Sign in with the business certificate again.")

    /// The CMS package names no signer certificate we could find.
    public static let signerMissing = make(
        "signer_missing",
        zh: "簽章資料中沒有簽章者的憑證，請確認元件設定為附帶憑證後重試。",
        en: "The signature carries no signer certificate. Let the signing component include it and retry.")

    /// SHA-1 (unless allowed) or an algorithm we do not verify.
    public static let algorithmRefused = make(
        "algorithm_refused",
        zh: "簽章使用的演算法不被接受（需 SHA-256 以上），請更新跨平台網頁元件後重試。",
        en: "The signature algorithm is not accepted (SHA-256 or stronger is required). "
            + "Update the signing component and retry.")

    /// The signed content (or its messageDigest attribute) is not exactly the challenge.
    public static let contentMismatch = make(
        "content_mismatch",
        zh: "簽章內容與本次登入挑戰碼不符，請重新整理頁面後再登入。",
        en: "The signed content does not match this sign-in challenge. Reload the page and sign in again.")

    public static let signatureInvalid = make(
        "signature_invalid",
        zh: "簽章驗證失敗，請重新以工商憑證簽章登入。",
        en: "The signature does not verify. Sign in with the business certificate again.")

    /// The certificate does not chain to a configured MOEACA intermediate and a pinned GRCA root.
    public static let chainUntrusted = make(
        "chain_untrusted",
        zh: "此憑證不是由經濟部工商憑證管理中心簽發，無法用於登入。",
        en: "This certificate was not issued by the MOEA Certification Authority and cannot be used to sign in.")

    public static let expired = make(
        "expired",
        zh: "憑證已過期，請向經濟部工商憑證管理中心辦理展期或換發。",
        en: "The certificate has expired. Renew it with the MOEA Certification Authority.")

    public static let notYetValid = make(
        "not_yet_valid",
        zh: "憑證尚未生效，請於生效日後再登入，或確認本機時間正確。",
        en: "The certificate is not valid yet. Sign in after its start date, or check the computer's clock.")

    public static let keyUsage = make(
        "key_usage",
        zh: "此憑證不可用於數位簽章，請改用工商憑證 IC 卡上的簽章用憑證。",
        en: "This certificate may not be used for digital signatures. Use the card's signing certificate.")

    /// No 統一編號 in Subject Directory Attributes (OID 2.16.886.1.100.2.101).
    public static let taxIDMissing = make(
        "taxid_missing",
        zh: "憑證中找不到統一編號，請確認使用的是工商憑證。",
        en: "The certificate carries no business ID (統一編號). Make sure it is a business certificate.")

    /// The 統一編號 is there but is not 8 digits with a valid check digit.
    public static let taxIDInvalid = make(
        "taxid_invalid",
        zh: "憑證中的統一編號格式不正確。",
        en: "The business ID (統一編號) in the certificate is not valid.")

    /// The 統一編號 in Subject Directory Attributes differs from (or lacks) the Subject serialNumber.
    public static let taxIDMismatch = make(
        "taxid_mismatch",
        zh: "憑證中的統一編號前後不一致，無法用於登入。",
        en: "The certificate's business ID entries disagree, so it cannot be used to sign in.")

    /// An attached card (附卡) where policy accepts the primary card only.
    public static let cardNotAccepted = make(
        "card_not_accepted",
        zh: "本系統僅接受工商憑證正卡登入，請改用正卡。",
        en: "Only the primary business certificate card is accepted here. Use the primary card.")

    public static let revoked = make(
        "revoked",
        zh: "此憑證已被廢止，無法用於登入。",
        en: "This certificate has been revoked and cannot be used to sign in.")

    /// Revocation status could not be established (CRL unreachable, bad signature, stale): refuse.
    public static let revocationUnknown = make(
        "revocation_unknown",
        zh: "目前無法確認憑證是否已被廢止，請稍後再試。",
        en: "We cannot confirm right now that the certificate is not revoked. Try again later.")
}
