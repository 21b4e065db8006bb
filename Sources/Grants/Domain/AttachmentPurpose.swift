import SuanliKit

/// What an uploaded file is for on the grant forms (SPEC C3.2 bonus items, C7.1 close-out), which
/// decides the types it may have: slides as PDF or a presentation, a signed MOU as PDF or a scan.
public enum AttachmentPurpose: String, Sendable, CaseIterable, Codable, Hashable {
    /// 加值型提案：落地場域之雙方合作備忘錄 (bonus item `BonusItem.fieldSiteMOU`).
    case fieldSiteMOU
    /// 加分型資料：已具備產品化之介紹簡報或資料 (bonus item `BonusItem.productisationMaterial`).
    case productisationMaterial
    /// 結案報告 (`CloseOutItem.report`).
    case closeOutReport
    /// 成果簡報 (`CloseOutItem.slides`).
    case closeOutSlides
    /// 其他佐證資料, e.g. a capability-registration certificate or a correction the operator asked for.
    case supporting

    public var label: Bilingual {
        switch self {
        case .fieldSiteMOU: Bilingual(zh: "落地場域合作備忘錄", en: "Field-site memorandum of understanding")
        case .productisationMaterial: Bilingual(zh: "產品化介紹資料", en: "Productisation material")
        case .closeOutReport: Bilingual(zh: "結案報告", en: "Close-out report")
        case .closeOutSlides: Bilingual(zh: "成果簡報", en: "Results slides")
        case .supporting: Bilingual(zh: "其他佐證資料", en: "Other supporting documents")
        }
    }

    /// Accepted kinds, in the order the upload hint lists them.
    public var allowedKinds: [AttachmentKind] {
        switch self {
        // A signed agreement: the signed PDF, or a photo/scan of the paper.
        case .fieldSiteMOU: [.pdf, .png, .jpeg]
        case .closeOutReport: [.pdf, .docx, .odt]
        case .closeOutSlides: [.pdf, .pptx, .odp]
        case .productisationMaterial, .supporting: AttachmentKind.allCases
        }
    }
}
