import SuanliKit

extension AttachmentProblem {
    /// The error as the portal and API show it; `field` names the form control the file came from.
    public func userFacing(field: String = "file") -> UserFacingError {
        let (zh, en) = messages
        return UserFacingError(.invalidInput, code: code, zh: zh, en: en,
                               fields: [FieldError(field: field, zh: zh, en: en)])
    }

    public var userFacing: UserFacingError { userFacing() }

    private var messages: (zh: String, en: String) {
        switch self {
        case .nameEmpty:
            ("檔名不可空白，請為檔案命名（例如「合作備忘錄.pdf」）後再上傳。",
             "The file has no name; name it (for example \"MOU.pdf\") and upload it again.")
        case .nameTooLong(let length, let limit):
            ("檔名有 \(length) 個字，超過 \(limit) 個字的上限，請縮短檔名後再上傳。",
             "The file name has \(length) characters, over the limit of \(limit); shorten it and upload again.")
        case .namePathSeparator:
            ("檔名不可包含「/」或「\\」，請修改檔名後再上傳。",
             "The file name may not contain \"/\" or \"\\\"; rename the file and upload it again.")
        case .nameControlCharacter:
            ("檔名含有控制字元或隱藏的文字方向符號，請重新輸入檔名後再上傳。",
             "The file name contains control characters or hidden text-direction marks; retype the name "
                + "and upload the file again.")
        case .typeNotAllowed(let ext, let allowed):
            typeMessages(ext, allowed)
        case .contentMismatch(let ext, let expected, let found):
            ("檔名為 .\(ext)，但內容不是\(expected.label.zh)（看起來是\(found.label.zh)）。"
                + "請確認選擇了正確的檔案，或以原軟體另存為 .\(expected.canonicalExtension) 後再上傳。",
             "The file is named .\(ext), but its content is not \(expected.withArticle) (it looks like "
                + "\(found.label.en)). Check that you picked the right file, or save it again as "
                + ".\(expected.canonicalExtension) from the program that made it.")
        case .declaredTypeMismatch(let declared, let kind):
            ("上傳時宣告的檔案類型（\(declared)）與檔案內容（\(kind.label.zh)）不符，請重新選擇檔案上傳。",
             "The type declared with the upload (\(declared)) does not match the content (\(kind.withArticle)); "
                + "choose the file again and upload it.")
        case .empty:
            ("檔案是空的（0 位元組），請確認檔案已儲存完成後再上傳。",
             "The file is empty (0 bytes); make sure it was saved completely and upload it again.")
        case .tooLarge(let size, let limit):
            ("檔案大小為 \(MebibyteText.size(size))，超過每個檔案 \(MebibyteText.limit(limit)) 的上限。"
                + "請壓縮圖片、降低掃描解析度或將文件分成數個檔案後再上傳。",
             "The file is \(MebibyteText.size(size)), over the limit of \(MebibyteText.limit(limit)) per file. "
                + "Compress its images, scan at a lower resolution or split it into several files, then upload again.")
        case .tooManyFiles(let limit):
            ("每件申請最多可上傳 \(limit) 個附件，已達上限。請刪除不需要的附件，或將相關文件合併成一個 PDF。",
             "An application may have at most \(limit) attachments and this one has reached it. Delete "
                + "attachments you no longer need, or combine related documents into one PDF.")
        case .totalTooLarge(let existing, let adding, let limit):
            totalMessages(existing, adding, limit)
        case .incomplete(let expected, let received):
            ("檔案上傳未完成（應為 \(expected) 位元組，收到 \(received) 位元組），未儲存任何內容，請重新上傳。",
             "The upload did not complete (expected \(expected) bytes, received \(received)); nothing was "
                + "stored. Upload the file again.")
        case .checksumInvalid:
            ("檔案檢查碼計算失敗，未儲存任何內容，請稍後重新上傳；若持續發生請聯絡執行單位。",
             "The file's checksum could not be computed and nothing was stored; try again later, and contact "
                + "the programme office if it keeps happening.")
        }
    }

    private func typeMessages(_ ext: String?, _ allowed: [AttachmentKind]) -> (String, String) {
        let listing = AttachmentKind.listing(allowed)
        let (zhFix, enFix): (String, String) =
            switch ext {
            case "doc", "xls", "ppt", "docm", "xlsm", "pptm", "dotm":
                ("請以 Office 另存為 .docx、.xlsx、.pptx 或 PDF（不含巨集）後再上傳。",
                 "Save it from Office as .docx, .xlsx, .pptx or PDF (without macros) and upload that.")
            case "zip", "rar", "7z", "gz", "tar", "tgz":
                ("不接受壓縮檔，請解壓縮後逐一上傳文件。",
                 "Archives are not accepted; extract the documents and upload them one by one.")
            default:
                ("請轉存為上述格式之一後再上傳。", "Convert it to one of these types and upload it again.")
            }
        guard let ext else {
            return ("檔名沒有副檔名，無法判斷檔案類型。可接受的類型：\(listing)。請在檔名加上正確的副檔名（例如「.pdf」）。",
                    "The file name has no extension, so its type is unclear. Accepted types: \(listing). "
                        + "Add the right extension (for example \".pdf\") to the name.")
        }
        return ("不接受 .\(ext) 檔案。可接受的類型：\(listing)。\(zhFix)",
                "Files of type .\(ext) are not accepted. Accepted types: \(listing). \(enFix)")
    }

    private func totalMessages(_ existing: Int64, _ adding: Int64, _ limit: Int64) -> (String, String) {
        let left = max(0, limit - existing)
        return ("附件總大小上限為 \(MebibyteText.limit(limit))，目前已使用 \(MebibyteText.size(existing))，"
                    + "尚可上傳 \(MebibyteText.limit(left))，此檔案為 \(MebibyteText.size(adding))。"
                    + "請刪除不需要的附件，或壓縮此檔案後再上傳。",
                "Attachments may total at most \(MebibyteText.limit(limit)); \(MebibyteText.size(existing)) "
                    + "is already used, leaving \(MebibyteText.limit(left)), and this file is "
                    + "\(MebibyteText.size(adding)). Delete attachments you no longer need, or compress this "
                    + "file, then upload again.")
    }
}
