import SuanliKit

/// The file types the grant forms accept (SPEC C3.4). Documents and images only:
/// - PDF, PNG and JPEG cover signed papers (an MOU, a scanned certificate) and finished reports;
/// - the Office Open XML and OpenDocument formats cover editable reports, tables and slides, and
///   ODF is there because government agencies in Taiwan use it (政府文件標準格式 ODF-CNS15251).
///
/// Deliberately refused:
/// - ZIP and other archives: reviewers cannot open or preview them, and the checks here cannot see
///   inside them — the applicant uploads the documents one by one instead;
/// - legacy `.doc/.xls/.ppt` and the macro-enabled `.docm/.xlsm/.pptm`: they can carry macros that run
///   on a reviewer's machine; saving as `.docx/.xlsx/.pptx` or PDF removes them;
/// - video: the demo video of the close-out is a link (`CloseOutItem.demoVideo`), not an upload.
public enum AttachmentKind: String, Sendable, CaseIterable, Codable, Hashable {
    case pdf
    case png
    case jpeg
    case docx
    case xlsx
    case pptx
    case odt
    case ods
    case odp

    /// The type the Store keeps and serves the file as. Never the browser's declared type, so an
    /// upload can never be served back as HTML or script.
    public var mimeType: String {
        switch self {
        case .pdf: "application/pdf"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        case .odt: "application/vnd.oasis.opendocument.text"
        case .ods: "application/vnd.oasis.opendocument.spreadsheet"
        case .odp: "application/vnd.oasis.opendocument.presentation"
        }
    }

    /// Lower-case file-name extensions, the canonical one first.
    public var extensions: [String] {
        switch self {
        case .jpeg: ["jpg", "jpeg"]
        default: [rawValue]
        }
    }

    public var canonicalExtension: String { extensions[0] }

    /// How people call the type, for error messages and the upload hint.
    public var label: Bilingual {
        switch self {
        case .pdf: Bilingual(zh: "PDF 文件", en: "PDF document")
        case .png: Bilingual(zh: "PNG 圖片", en: "PNG image")
        case .jpeg: Bilingual(zh: "JPEG 圖片", en: "JPEG image")
        case .docx: Bilingual(zh: "Word 文件（.docx）", en: "Word document (.docx)")
        case .xlsx: Bilingual(zh: "Excel 試算表（.xlsx）", en: "Excel spreadsheet (.xlsx)")
        case .pptx: Bilingual(zh: "PowerPoint 簡報（.pptx）", en: "PowerPoint presentation (.pptx)")
        case .odt: Bilingual(zh: "ODF 文字文件（.odt）", en: "OpenDocument text (.odt)")
        case .ods: Bilingual(zh: "ODF 試算表（.ods）", en: "OpenDocument spreadsheet (.ods)")
        case .odp: Bilingual(zh: "ODF 簡報（.odp）", en: "OpenDocument presentation (.odp)")
        }
    }

    /// "a PDF document", "an Excel spreadsheet (.xlsx)" — for English sentences.
    var withArticle: String {
        let label = self.label.en
        return ("AEIOU".contains(label.first ?? "x") ? "an " : "a ") + label
    }

    /// Other names browsers and operating systems send for the same type. Windows sends the ZIP types
    /// for Office files when Office is not installed.
    var declaredAliases: Set<String> {
        switch self {
        case .pdf: ["application/pdf", "application/x-pdf", "application/acrobat"]
        case .png: ["image/png", "image/x-png"]
        case .jpeg: ["image/jpeg", "image/jpg", "image/pjpeg"]
        case .docx, .xlsx, .pptx, .odt, .ods, .odp:
            [mimeType, "application/zip", "application/x-zip-compressed", "application/x-zip"]
        }
    }

    /// The kind a file-name extension names, case-insensitively; nil for anything else.
    public static func forExtension(_ ext: String) -> AttachmentKind? {
        let lower = ext.lowercased()
        return allCases.first { $0.extensions.contains(lower) }
    }

    /// "PDF, PNG, JPEG, DOCX, …" — how error messages list what is accepted.
    public static func listing(_ kinds: [AttachmentKind]) -> String {
        kinds.map { $0.canonicalExtension.uppercased() }.joined(separator: ", ")
    }

    /// Whether content with this signature may be stored under this kind.
    func accepts(_ signature: ContentSignature) -> Bool {
        switch (self, signature) {
        case (.pdf, .pdf), (.png, .png), (.jpeg, .jpeg):
            return true
        case (.docx, .zipPackage(let mainPart)), (.xlsx, .zipPackage(let mainPart)),
             (.pptx, .zipPackage(let mainPart)):
            // Office Open XML prescribes no first entry; Word writes `[Content_Types].xml`, other tools
            // `_rels/` or `docProps/`, which say nothing about the kind. Only when the first entry is
            // already in `word/`, `xl/` or `ppt/` can, say, a .xlsx renamed .docx be caught here; any
            // other ZIP is accepted rather than refusing a real document on deadline day.
            guard let mainPart else { return true }
            return mainPart == self
        case (.odt, .openDocument(let mimeType)), (.ods, .openDocument(let mimeType)),
             (.odp, .openDocument(let mimeType)):
            return mimeType == self.mimeType
        default:
            return false
        }
    }
}
