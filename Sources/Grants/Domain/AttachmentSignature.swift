import SuanliKit

/// What a file's first bytes say it is (SPEC C3.4: types are validated, not taken from the name).
/// Only the kinds we accept are told apart precisely; the rest are recognised well enough to tell
/// the applicant what they uploaded by mistake ("this .pdf is really a program").
public enum ContentSignature: Hashable, Sendable {
    case pdf
    case png
    case jpeg
    /// A ZIP file: an Office Open XML document, or any other archive. `mainPart` is the OOXML kind
    /// when the first entry already shows it (`word/…`, `xl/…`, `ppt/…`).
    case zipPackage(mainPart: AttachmentKind?)
    /// An OpenDocument file, identified by its leading `mimetype` entry (ODF 1.2 Part 3 §3.3).
    case openDocument(mimeType: String)
    /// OLE compound file: legacy .doc/.xls/.ppt, or .msg.
    case legacyOffice
    /// Windows PE, ELF, Mach-O or a script with a `#!` line.
    case executable
    /// RAR, 7-Zip, gzip or an empty/spanned ZIP.
    case otherArchive
    case unknown

    /// How many leading bytes `sniff` looks at; callers pass at least this many (or the whole file).
    /// 512 covers an ODF `mimetype` entry, whose content starts at byte 38 and is under 80 bytes long.
    public static let headLength = 512

    public var label: Bilingual {
        switch self {
        case .pdf: ContentSignature.named(.pdf)
        case .png: ContentSignature.named(.png)
        case .jpeg: ContentSignature.named(.jpeg)
        case .zipPackage: Bilingual(zh: "ZIP 壓縮檔或 Office 文件", en: "a ZIP archive or Office document")
        case .openDocument(let mimeType):
            AttachmentKind.allCases.first { $0.mimeType == mimeType }.map(ContentSignature.named)
                ?? Bilingual(zh: "其他 ODF 文件（\(mimeType)）", en: "another OpenDocument file (\(mimeType))")
        case .legacyOffice:
            Bilingual(zh: "舊版 Office 文件（.doc、.xls、.ppt）", en: "a legacy Office file (.doc, .xls, .ppt)")
        case .executable: Bilingual(zh: "可執行程式", en: "an executable program")
        case .otherArchive: Bilingual(zh: "壓縮檔", en: "a compressed archive")
        case .unknown: Bilingual(zh: "無法辨識的內容", en: "content we cannot recognise")
        }
    }

    private static func named(_ kind: AttachmentKind) -> Bilingual {
        Bilingual(zh: kind.label.zh, en: kind.withArticle)
    }

    public static func sniff(_ head: [UInt8]) -> ContentSignature {
        func starts(_ prefix: [UInt8]) -> Bool { head.starts(with: prefix) }
        // PDF readers tolerate junk before `%PDF-`; we do not, because that tolerance is exactly what
        // polyglot files (valid as both PDF and something else) rely on.
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return zipEntry(head) }
        if starts([0x50, 0x4B, 0x05, 0x06]) || starts([0x50, 0x4B, 0x07, 0x08]) { return .otherArchive }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .legacyOffice }
        let executables: [[UInt8]] = [
            [0x4D, 0x5A],                                                   // MZ: Windows .exe/.dll
            [0x7F, 0x45, 0x4C, 0x46],                                       // ELF
            [0xFE, 0xED, 0xFA, 0xCE], [0xFE, 0xED, 0xFA, 0xCF],             // Mach-O
            [0xCE, 0xFA, 0xED, 0xFE], [0xCF, 0xFA, 0xED, 0xFE], [0xCA, 0xFE, 0xBA, 0xBE],
            Array("#!".utf8),
        ]
        if executables.contains(where: starts) { return .executable }
        let archives: [[UInt8]] = [
            [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07],                           // Rar!
            [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C],                           // 7z
            [0x1F, 0x8B],                                                   // gzip
        ]
        if archives.contains(where: starts) { return .otherArchive }
        return .unknown
    }

    /// Reads the first ZIP local file header: name at offset 30, its length at 26, the extra field's
    /// length at 28, the compression method at 8 and the stored size at 18 (all little-endian).
    private static func zipEntry(_ head: [UInt8]) -> ContentSignature {
        func u16(_ at: Int) -> Int? { at + 1 < head.count ? Int(head[at]) | Int(head[at + 1]) << 8 : nil }
        func u32(_ at: Int) -> Int? {
            guard let low = u16(at), let high = u16(at + 2) else { return nil }
            return low | high << 16
        }
        guard let nameLength = u16(26), let extraLength = u16(28), head.count >= 30 + nameLength else {
            return .zipPackage(mainPart: nil)
        }
        let name = String(decoding: head[30..<(30 + nameLength)], as: UTF8.self)
        if name == "mimetype", u16(8) == 0, let size = u32(18), size <= 100 {
            let start = 30 + nameLength + extraLength
            if head.count >= start + size {
                let mimeType = String(decoding: head[start..<(start + size)], as: UTF8.self)
                if mimeType.hasPrefix("application/vnd.oasis.opendocument.") {
                    return .openDocument(mimeType: mimeType)
                }
            }
        }
        let mainPart: AttachmentKind? =
            name.hasPrefix("word/") ? .docx : name.hasPrefix("xl/") ? .xlsx : name.hasPrefix("ppt/") ? .pptx : nil
        return .zipPackage(mainPart: mainPart)
    }
}
