import Foundation
import Grants
import Hummingbird
import Identity
import SuanliKit

/// Shared plumbing of the grant pages: IDs from the path, the "done" notices after a POST, and
/// re-rendering a page with the errors of a refused action (the real status, never a 200).
enum GrantsWeb {
    static func id(_ context: AppRequestContext, _ name: String = "id") throws -> UUID {
        guard let id = context.parameters.get(name, as: UUID.self) else { throw GrantsFailure.notFound }
        return id
    }

    static func version(_ form: FormBody) -> Int { Int(form["version"]) ?? -1 }

    /// Runs a POST action: on success redirects to `back` with a notice key; a refusal the user can
    /// fix re-renders the page with the errors and the matching status.
    static func act(
        _ context: AppRequestContext, back: String, done: String,
        render: @Sendable ([FieldError], UserFacingError) async throws -> Response,
        _ body: () async throws -> Void
    ) async throws -> Response {
        do {
            try await body()
        } catch let error as UserFacingError where error.kind != .notFound && error.kind != .forbidden {
            let fields = error.fields.isEmpty ? [FieldError(field: "main", zh: error.zh, en: error.en)] : error.fields
            return try await render(fields, error)
        }
        return .seeOther("\(back)\(back.contains("?") ? "&" : "?")done=\(done)")
    }

    static func notice(_ request: Request, _ context: AppRequestContext) -> String? {
        guard let done = request.uri.queryParameters.get("done") else { return nil }
        return doneNotices[done].map(context.tr) ?? context.tr("已完成。", "Done.")
    }

    static let doneNotices: [String: Bilingual] = [
        "saved": Bilingual(zh: "已儲存草稿。", en: "Draft saved."),
        "submitted": Bilingual(zh: "申請已送出，內容已鎖定。我們已寄出確認信。", en: "Submitted; the application is now locked. A confirmation e-mail is on its way."),
        "resubmitted": Bilingual(zh: "補正資料已送出。", en: "Your corrections have been submitted."),
        "withdrawn": Bilingual(zh: "申請已撤回。", en: "The application has been withdrawn."),
        "uploaded": Bilingual(zh: "附件已上傳。", en: "File uploaded."),
        "removed": Bilingual(zh: "附件已刪除。", en: "File removed."),
        "evaluated": Bilingual(zh: "資格檢核已完成，請逐條確認。", en: "Eligibility evaluated; review each rule."),
        "decided": Bilingual(zh: "已記錄判定。", en: "Decision recorded."),
        "passed": Bilingual(zh: "已通過資格審查，進入專業審查。", en: "Eligibility passed; the application is in professional review."),
        "ineligible": Bilingual(zh: "已判定資格不符並通知申請人。", en: "Declared ineligible; the applicant has been notified."),
        "correction": Bilingual(zh: "已通知申請人補正。", en: "Correction requested; the applicant has been notified."),
        "reinstated": Bilingual(zh: "已恢復補正並通知申請人。", en: "Reinstated for correction; the applicant has been notified."),
        "assigned": Bilingual(zh: "已指派審查委員。", en: "Reviewer assigned."),
        "meeting": Bilingual(zh: "已提送審查會議。", en: "Sent to the review meeting."),
        "approved": Bilingual(zh: "已記錄審查通過及等級。", en: "Approval and level recorded."),
        "rejected": Bilingual(zh: "已記錄審查結果並通知申請人。", en: "Rejection recorded; the applicant has been notified."),
        "awarded": Bilingual(zh: "已核定，專案已建立並通知申請人。", en: "Awarded: the project was created and the applicant notified."),
        "declared": Bilingual(zh: "已記錄利益迴避聲明。", en: "Declaration recorded."),
        "scored": Bilingual(zh: "評分已儲存。", en: "Scores saved."),
        "scoreSubmitted": Bilingual(zh: "評分已送出，現在可以看到其他委員的評分。", en: "Scores submitted; you can now see the other reviewers' scores."),
        "autoAssigned": Bilingual(zh: "已自動平均指派。", en: "Reviewers assigned automatically."),
        "reviewerAdded": Bilingual(zh: "已加入審查委員名單。", en: "Reviewer added to the pool."),
        "handedIn": Bilingual(zh: "結案資料已收到。", en: "Close-out item received."),
        "amended": Bilingual(zh: "計畫修訂已公告。", en: "The amendment has been published."),
        "keyRevoked": Bilingual(zh: "金鑰已撤銷，使用此金鑰的請求將被拒絕。", en: "Key revoked; requests with it are refused."),
        "modelSaved": Bilingual(zh: "模型目錄已更新。", en: "Catalogue updated."),
        "originDenied": Bilingual(zh: "已加入來源禁止清單。", en: "Added to the origin deny list."),
        "published": Bilingual(zh: "計畫已公告，開始受理申請。", en: "The programme is published; applications are open."),
    ]

    static func history(_ record: ApplicationRecord, _ context: AppRequestContext) -> BlockView {
        let rows = record.progress.history.reversed().map { step in
            RowView(cells: [
                CellView(text: context.time(step.at)),
                CellView(text: context.tr(step.action.label)),
                CellView(text: "\(context.tr(step.from.label)) → \(context.tr(step.to.label))"),
                CellView(text: context.tr(step.actor.role.zh, step.actor.role.en)),
                CellView(text: [step.reason, step.level.map { context.tr($0.zh, $0.en) }, step.deadline.map {
                    context.tr("期限 ", "due ") + $0.announced(context.language) }]
                    .compactMap { $0 }.joined(separator: "；")),
            ])
        }
        return BlockView(title: context.tr("審查歷程", "History"), anchor: "history", table: TableView(
            caption: context.tr("每一次狀態變更（最新在上）", "Every change of status (newest first)"),
            headers: [context.tr("時間", "Time"), context.tr("步驟", "Step"), context.tr("狀態", "Status"),
                      context.tr("執行者", "By"), context.tr("說明", "Notes")],
            rows: Array(rows), empty: "—"))
    }

    static func attachmentsTable(_ files: [StoredAttachment], _ context: AppRequestContext,
                                 removable: Bool = false) -> TableView {
        TableView(
            caption: context.tr("附件（含 SHA-256 檢查碼）", "Attachments (with SHA-256 checksums)"),
            headers: [context.tr("用途", "Purpose"), context.tr("檔名", "File"), context.tr("大小", "Size"),
                      "SHA-256", context.tr("上傳時間", "Uploaded")],
            rows: files.map { file in
                RowView(cells: [
                    CellView(text: context.tr(file.purpose.label)),
                    CellView(text: file.fileName, href: "/attachments/\(file.id.uuidString)"),
                    CellView(text: ByteCountFormatter.string(fromByteCount: file.size, countStyle: .binary)),
                    CellView(text: String(file.sha256.prefix(16)) + "…"),
                    CellView(text: context.time(file.uploadedAt)),
                ])
            }, empty: context.tr("尚無附件。", "No files yet."))
    }
}

