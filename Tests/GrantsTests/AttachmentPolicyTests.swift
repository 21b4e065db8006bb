@testable import Grants
import SuanliKit
import Testing

/// The first bytes of real files of each type, as the programs that make them write them.
enum AttachmentHeads {
    static let mib: Int64 = 1_048_576

    static let pdf = Array("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".utf8)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D,
                               0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01,
                                0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]
    static let exe: [UInt8] = [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
                               0xFF, 0xFF, 0x00, 0x00, 0xB8, 0x00, 0x00, 0x00]
    static let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00]
    static let legacyDoc: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0x00, 0x00]
    static let rar: [UInt8] = [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00]

    /// A ZIP local file header as Word, Excel and LibreOffice write it: signature, version 2.0, flags,
    /// method (0 stored, 8 deflated), time, date, CRC-32, sizes, name length, extra length, name, data.
    static func zip(firstEntry name: String, stored content: String? = nil, extra: [UInt8] = []) -> [UInt8] {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16) }
        let nameBytes = Array(name.utf8), data = Array((content ?? "").utf8)
        var bytes: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + le16(20) + le16(0) + le16(content == nil ? 8 : 0)
        bytes += le16(0x6000) + le16(0x5A21) + le32(content == nil ? 0 : 0x2CAB616F)
        bytes += le32(data.count) + le32(data.count) + le16(nameBytes.count) + le16(extra.count)
        bytes += nameBytes + extra + data
        // What follows the first entry: the start of the deflated XML or of the next entry.
        return bytes + Array("PK\u{03}\u{04}\u{14}\u{00}\u{00}\u{00}\u{08}\u{00}".utf8) + [0x8D, 0x52, 0xCB, 0x6E]
    }

    static let docx = zip(firstEntry: "[Content_Types].xml")
    static let xlsxFromOpenpyxl = zip(firstEntry: "docProps/app.xml")
    static let xlsxMainFirst = zip(firstEntry: "xl/workbook.xml")
    static let pptx = zip(firstEntry: "_rels/.rels")
    static let odt = zip(firstEntry: "mimetype", stored: "application/vnd.oasis.opendocument.text")
    static let ods = zip(firstEntry: "mimetype", stored: "application/vnd.oasis.opendocument.spreadsheet")
    static let odp = zip(firstEntry: "mimetype", stored: "application/vnd.oasis.opendocument.presentation")
    static let odg = zip(firstEntry: "mimetype", stored: "application/vnd.oasis.opendocument.graphics")
}

/// Attachments (SPEC C3.4): types sniffed from real magic bytes, sizes, counts, names, and the
/// messages that tell the applicant how to fix each refusal.
@Suite struct AttachmentPolicyTests {
    typealias H = AttachmentHeads
    static let policy = AttachmentPolicy.standard

    func check(
        _ name: String, _ head: [UInt8], size: Int64? = nil, declared: String? = nil,
        purpose: AttachmentPurpose = .supporting, count: Int = 0, total: Int64 = 0,
        policy: AttachmentPolicy = AttachmentPolicyTests.policy
    ) throws(AttachmentProblem) -> AcceptedAttachment {
        try policy.check(fileName: name, declaredContentType: declared, head: head, size: size ?? Int64(head.count),
                         purpose: purpose, existingCount: count, existingTotal: total)
    }

    func refusal(
        _ name: String, _ head: [UInt8], size: Int64? = nil, declared: String? = nil,
        purpose: AttachmentPurpose = .supporting, count: Int = 0, total: Int64 = 0,
        policy: AttachmentPolicy = AttachmentPolicyTests.policy
    ) -> AttachmentProblem? {
        do {
            _ = try check(name, head, size: size, declared: declared, purpose: purpose, count: count, total: total,
                          policy: policy)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Acceptance

    @Test(arguments: [
        ("計畫書.pdf", H.pdf, AttachmentKind.pdf), ("掃描.PNG", H.png, .png), ("photo.jpg", H.jpeg, .jpeg),
        ("photo.JPEG", H.jpeg, .jpeg), ("報告.docx", H.docx, .docx), ("預算.xlsx", H.xlsxFromOpenpyxl, .xlsx),
        ("預算.xlsx", H.xlsxMainFirst, .xlsx), ("簡報.pptx", H.pptx, .pptx), ("報告.odt", H.odt, .odt),
        ("預算.ods", H.ods, .ods), ("簡報.odp", H.odp, .odp),
    ])
    func acceptsEachKindWhenNameAndContentAgree(_ name: String, _ head: [UInt8], _ kind: AttachmentKind) throws {
        let accepted = try check(name, head, size: 3 * H.mib)
        #expect(accepted.kind == kind)
        #expect(accepted.contentType == kind.mimeType)
        #expect(accepted.name.original == name)
        #expect(accepted.size == 3 * H.mib)
    }

    @Test func theStoredTypeIsCanonicalWhateverTheBrowserDeclared() throws {
        #expect(try check("a.pdf", H.pdf, declared: "application/octet-stream").contentType == "application/pdf")
        #expect(try check("a.pdf", H.pdf, declared: "Application/PDF; charset=binary").kind == .pdf)
        #expect(try check("a.jpg", H.jpeg, declared: "image/pjpeg").kind == .jpeg)
        #expect(try check("a.docx", H.docx, declared: "application/x-zip-compressed").kind == .docx)
        #expect(try check("a.pdf", H.pdf, declared: "").kind == .pdf)
        // A type no accepted kind uses says nothing useful, and the content decides anyway.
        #expect(try check("a.pdf", H.pdf, declared: "text/html").contentType == "application/pdf")
    }

    @Test func limitsAreInclusive() throws {
        _ = try check("a.pdf", H.pdf, size: 20 * H.mib)
        _ = try check("a.pdf", H.pdf, size: 10 * H.mib, count: 19, total: 90 * H.mib)
    }

    // MARK: Type and content

    @Test(arguments: [("setup.exe", "exe"), ("報告.doc", "doc"), ("資料.zip", "zip"), ("圖.heic", "heic"),
                      ("巨集.xlsm", "xlsm"), ("notes.txt", "txt"), ("報告.pdf.exe", "exe")])
    func refusesTypesNotOnTheList(_ name: String, _ ext: String) {
        let problem = refusal(name, H.pdf)
        #expect(problem == .typeNotAllowed(extension: ext, allowed: AttachmentKind.allCases))
        #expect(problem?.code == "attachment.type")
    }

    @Test func refusesANameWithoutExtension() {
        #expect(refusal("README", H.pdf) == .typeNotAllowed(extension: nil, allowed: AttachmentKind.allCases))
        #expect(refusal("報告.", H.pdf)?.code == "attachment.type")
    }

    @Test func eachPurposeTakesItsOwnTypes() throws {
        #expect(refusal("成果.xlsx", H.xlsxMainFirst, purpose: .closeOutSlides)
            == .typeNotAllowed(extension: "xlsx", allowed: [.pdf, .pptx, .odp]))
        #expect(refusal("備忘錄.docx", H.docx, purpose: .fieldSiteMOU)?.code == "attachment.type")
        #expect(try check("備忘錄.jpg", H.jpeg, purpose: .fieldSiteMOU).kind == .jpeg)
        #expect(try check("結案.odt", H.odt, purpose: .closeOutReport).kind == .odt)
        #expect(AttachmentPurpose.supporting.allowedKinds == AttachmentKind.allCases)
    }

    @Test(arguments: [
        ("計畫書.pdf", H.exe, AttachmentKind.pdf, ContentSignature.executable),
        ("計畫書.pdf", H.png, .pdf, .png),
        ("圖.png", H.jpeg, .png, .jpeg),
        ("圖.jpg", H.elf, .jpeg, .executable),
        ("報告.docx", H.legacyDoc, .docx, .legacyOffice),
        ("報告.docx", H.odt, .docx, .openDocument(mimeType: "application/vnd.oasis.opendocument.text")),
        ("報告.docx", H.xlsxMainFirst, .docx, .zipPackage(mainPart: .xlsx)),
        ("報告.odt", H.docx, .odt, .zipPackage(mainPart: nil)),
        ("報告.odt", H.ods, .odt, .openDocument(mimeType: "application/vnd.oasis.opendocument.spreadsheet")),
        ("繪圖.odp", H.odg, .odp, .openDocument(mimeType: "application/vnd.oasis.opendocument.graphics")),
        ("報告.pdf", H.rar, .pdf, .otherArchive),
        ("報告.pdf", Array("<html><script>alert(1)</script>".utf8), .pdf, .unknown),
        // Junk before the header is what PDF polyglots rely on.
        ("報告.pdf", Array("GIF89a%PDF-1.4".utf8), .pdf, .unknown),
    ])
    func refusesContentThatIsNotWhatTheNameSays(
        _ name: String, _ head: [UInt8], _ expected: AttachmentKind, _ found: ContentSignature
    ) {
        let ext = String(name.split(separator: ".").last!)
        let problem = refusal(name, head)
        #expect(problem == .contentMismatch(extension: ext, expected: expected, found: found))
        #expect(problem?.code == "attachment.mismatch")
    }

    @Test func refusesADeclaredTypeOfAnotherAcceptedKind() {
        #expect(refusal("a.pdf", H.pdf, declared: "image/png")
            == .declaredTypeMismatch(declared: "image/png", kind: .pdf))
        #expect(refusal("a.png", H.png, declared: "application/pdf")?.code == "attachment.mismatch")
        #expect(refusal("a.pdf", H.pdf, declared: "application/zip")?.code == "attachment.mismatch")
    }

    @Test func sniffsTheODFMimetypeOnlyWhenStored() {
        // ODF requires `mimetype` first and uncompressed; a deflated one cannot be read from the head.
        var deflated = H.zip(firstEntry: "mimetype", stored: "application/vnd.oasis.opendocument.text")
        deflated[8] = 8
        #expect(ContentSignature.sniff(deflated) == .zipPackage(mainPart: nil))
        #expect(ContentSignature.sniff(H.odt) == .openDocument(mimeType: AttachmentKind.odt.mimeType))
        let withExtra = H.zip(firstEntry: "mimetype", stored: AttachmentKind.ods.mimeType, extra: [1, 0, 0, 0])
        #expect(ContentSignature.sniff(withExtra) == .openDocument(mimeType: AttachmentKind.ods.mimeType))
        // A head cut short inside the header still says "some ZIP", never crashes.
        #expect(ContentSignature.sniff(Array(H.odt.prefix(12))) == .zipPackage(mainPart: nil))
        #expect(ContentSignature.sniff(Array(H.odt.prefix(50))) == .zipPackage(mainPart: nil))
        #expect(ContentSignature.sniff([]) == .unknown)
    }

    // MARK: Size, count, total

    @Test func refusesAnEmptyFile() {
        #expect(refusal("a.pdf", [], size: 0) == .empty)
        #expect(refusal("a.pdf", H.pdf, size: 0)?.code == "attachment.empty")
    }

    @Test func refusesAFileOverTheLimit() {
        let over = 20 * H.mib + 1
        #expect(refusal("a.pdf", H.pdf, size: over) == .tooLarge(size: over, limit: 20 * H.mib))
        let small = AttachmentPolicy(maxFileBytes: 1_000, maxTotalBytes: 10_000, maxFiles: 3)
        #expect(refusal("a.pdf", H.pdf, size: 1_001, policy: small)?.code == "attachment.size")
    }

    @Test func refusesOneFileTooMany() {
        #expect(refusal("a.pdf", H.pdf, count: 20) == .tooManyFiles(limit: 20))
        #expect(refusal("a.pdf", H.pdf, count: 20)?.code == "attachment.count")
    }

    @Test func refusesAFileThatWouldPassTheTotal() {
        let problem = refusal("a.pdf", H.pdf, size: 11 * H.mib, total: 90 * H.mib)
        #expect(problem == .totalTooLarge(existing: 90 * H.mib, adding: 11 * H.mib, limit: 100 * H.mib))
        #expect(problem?.code == "attachment.total")
    }

    // MARK: Names

    @Test(arguments: [
        ("../../etc/passwd.pdf", AttachmentProblem.namePathSeparator),
        ("C:\\Users\\me\\計畫書.pdf", .namePathSeparator),
        ("計畫書\u{7}.pdf", .nameControlCharacter),
        ("計畫書\n.pdf", .nameControlCharacter),
        ("計畫書\r\n.pdf", .nameControlCharacter),
        ("報告\u{202E}fdp.exe", .nameControlCharacter),
        ("報告\u{2067}x.pdf", .nameControlCharacter),
        ("報告\u{85}.pdf", .nameControlCharacter),
        ("", .nameEmpty),
        ("   ", .nameEmpty),
        (".pdf", .nameEmpty),
        ("..", .nameEmpty),
    ])
    func refusesNamesThatCouldMislead(_ name: String, _ expected: AttachmentProblem) {
        #expect(refusal(name, H.pdf) == expected)
        #expect(refusal(name, H.pdf)?.code == "attachment.name")
    }

    @Test func limitsNamesTo200Characters() throws {
        let longest = String(repeating: "計", count: 196) + ".pdf"
        #expect(try check(longest, H.pdf).name.original.count == 200)
        let tooLong = String(repeating: "計", count: 197) + ".pdf"
        #expect(refusal(tooLong, H.pdf) == .nameTooLong(length: 201, limit: 200))
    }

    @Test func keepsTheOriginalAndCleansWhatIsShown() throws {
        let name = try AttachmentName("  期中\u{3000}\u{3000}報告   v2 .PDF ")
        #expect(name.original == "  期中\u{3000}\u{3000}報告   v2 .PDF ")
        #expect(name.display == "期中 報告 v2 .PDF")
        #expect(name.fileExtension == "pdf")
        // macOS sends decomposed names; stored names are NFC so that they compare equal.
        #expect(try AttachmentName("Cafe\u{301}.pdf").original == "Caf\u{E9}.pdf")
        #expect(try AttachmentName("CON.pdf").downloadName == "_CON.pdf")
        #expect(try AttachmentName("lpt1").downloadName == "_lpt1")
        #expect(try AttachmentName("問題?:<答案>*.pdf").downloadName == "問題___答案__.pdf")
        #expect(try AttachmentName("報告. . ").downloadName == "報告")
        #expect(try AttachmentName("CONSOLE.pdf").downloadName == "CONSOLE.pdf")
    }

    // MARK: Messages

    @Test func messagesSayWhatWasWrongAndHowToFixIt() {
        let size = AttachmentProblem.tooLarge(size: 20 * H.mib + 1, limit: 20 * H.mib).userFacing
        #expect(size.code == "attachment.size")
        #expect(size.kind == .invalidInput)
        #expect(size.zh.contains("20.1 MiB") && size.zh.contains("20 MiB"))
        #expect(size.en.contains("20.1 MiB") && size.en.contains("limit of 20 MiB"))
        #expect(size.fields == [FieldError(field: "file", zh: size.zh, en: size.en)])

        let type = AttachmentProblem.typeNotAllowed(extension: "doc", allowed: [.pdf, .docx, .odt]).userFacing
        #expect(type.zh.contains("PDF, DOCX, ODT") && type.zh.contains(".docx"))
        #expect(type.en.contains("Accepted types: PDF, DOCX, ODT") && type.en.contains("without macros"))
        let zip = AttachmentProblem.typeNotAllowed(extension: "zip", allowed: AttachmentKind.allCases)
        #expect(zip.userFacing.en.contains("extract"))

        let mismatch = AttachmentProblem.contentMismatch(extension: "pdf", expected: .pdf, found: .executable)
        #expect(mismatch.userFacing(field: "mou").fields.first?.field == "mou")
        #expect(mismatch.userFacing.zh.contains("可執行程式"))
        #expect(mismatch.userFacing.en.contains("not a PDF document (it looks like an executable program)"))

        let total = AttachmentProblem.totalTooLarge(existing: 95 * H.mib, adding: 8 * H.mib, limit: 100 * H.mib)
        #expect(total.userFacing.en.contains("at most 100 MiB; 95 MiB is already used, leaving 5 MiB"))
        #expect(AttachmentProblem.tooManyFiles(limit: 20).userFacing.zh.contains("20 個附件"))
        #expect(AttachmentProblem.nameTooLong(length: 230, limit: 200).userFacing.en.contains("230"))
        for each: AttachmentProblem in [
            .nameEmpty, .namePathSeparator, .nameControlCharacter, .empty, .checksumInvalid,
            .declaredTypeMismatch(declared: "image/png", kind: .pdf), .incomplete(expected: 10, received: 4),
        ] {
            #expect(!each.userFacing.zh.isEmpty && !each.userFacing.en.isEmpty)
            #expect(each.userFacing.code.hasPrefix("attachment."))
        }
    }

    @Test(arguments: [
        (Int64(0), "0 MiB", "0 MiB"), (20 * H.mib, "20 MiB", "20 MiB"), (20 * H.mib + 1, "20 MiB", "20.1 MiB"),
        (H.mib * 3 / 2, "1.5 MiB", "1.5 MiB"), (1, "0 MiB", "0.1 MiB"), (H.mib * 99 / 10 + 5, "9.9 MiB", "10 MiB"),
    ])
    func mebibytesRoundLimitsDownAndSizesUp(_ bytes: Int64, _ limit: String, _ size: String) {
        #expect(MebibyteText.limit(bytes) == limit)
        #expect(MebibyteText.size(bytes) == size)
    }

    // MARK: Closing the upload

    @Test func recordsTheChecksumOnlyForACompleteUpload() throws {
        let accepted = try check("計畫書.pdf", H.pdf, purpose: .closeOutReport)
        let digest = ContentDigest.sha256Hex(H.pdf)
        let record = try accepted.record(receivedBytes: Int64(H.pdf.count), sha256Hex: digest)
        #expect(record.sha256 == digest && record.kind == .pdf && record.purpose == .closeOutReport)
        #expect(record.contentType == "application/pdf")
        #expect(throws: AttachmentProblem.incomplete(expected: Int64(H.pdf.count), received: 10)) {
            try accepted.record(receivedBytes: 10, sha256Hex: digest)
        }
        #expect(throws: AttachmentProblem.checksumInvalid) {
            try accepted.record(receivedBytes: Int64(H.pdf.count), sha256Hex: digest.uppercased())
        }
    }

    @Test func everyPurposeHasLabelsAndAcceptsPDF() {
        for purpose in AttachmentPurpose.allCases {
            #expect(!purpose.label.zh.isEmpty && !purpose.label.en.isEmpty)
            #expect(purpose.allowedKinds.contains(.pdf))
        }
        #expect(AttachmentPurpose.fieldSiteMOU.label.zh.contains("合作備忘錄"))
        #expect(AttachmentKind.forExtension("JPG") == .jpeg && AttachmentKind.forExtension("exe") == nil)
    }
}
