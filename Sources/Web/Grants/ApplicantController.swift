import Foundation
import Grants
import Hummingbird
import Identity
import NIOCore
import SuanliKit

/// The applicant's pages (SPEC C1.2, C3, C4.1, C7.1): applications with drafts, attachments, a
/// read-only preview, submit, withdraw and corrections; the company's projects and their close-out.
struct ApplicantController {
    let services: PortalServices
    var grants: GrantsService { services.grants }
    var renderer: Renderer { services.renderer }

    func register(on router: Router<AppRequestContext>) {
        router.get("/applications", use: list)
        router.post("/applications", use: start)
        router.get("/applications/:id", use: show)
        router.get("/applications/:id/edit", use: edit)
        router.post("/applications/:id/edit", use: save)
        router.post("/applications/:id/attachments", use: upload)
        router.post("/applications/:id/attachments/:file/delete", use: removeFile)
        router.post("/applications/:id/submit", use: submit)
        router.post("/applications/:id/resubmit", use: resubmit)
        router.post("/applications/:id/withdraw", use: withdraw)
        router.get("/attachments/:file", use: download)
        router.get("/projects", use: projects)
        router.get("/projects/:id", use: project)
        router.post("/projects/:id/closeout", use: closeOut)
    }

    // MARK: List and start

    func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.applicant])
        let db = services.db
        let rows = try await grants.applications(of: caller, on: db)
        let programme = try await grants.currentProgramme(on: db)
        var blocks: [BlockView] = []
        if let programme {
            let window = programme.settings.window
            var block = BlockView(title: context.tr(programme.settings.title), paragraphs: [
                context.tr("申請截止：", "Applications close: ") + window.closes.announced(context.language)
                    + context.tr("（以本系統伺服器時間為準）", " (by this server's clock)"),
                context.tr("同一梯次一家公司只能擇一類別提出申請；後續梯次可再申請，並須說明與前次申請之差異。",
                           "A company may file one category per round; it may apply again in a later round, "
                            + "stating how the new application differs."),
            ])
            if !window.closes.isLate(grants.clock.now()) {
                block.forms = GrantCategory.allCases.map { category in
                    BlockForm(form: FormView(
                        action: "/applications",
                        submit: context.tr("開始填寫\(category.zh)申請", "Start a \(category.en) application"),
                        hidden: [HiddenField(name: "category", value: category.rawValue)]))
                }
            } else {
                block.warning = context.tr("本計畫申請期限已截止。", "Applications for this programme have closed.")
            }
            blocks.append(block)
        } else {
            blocks.append(BlockView(paragraphs: [context.tr(GrantsFailure.noProgramme.zh, GrantsFailure.noProgramme.en)]))
        }
        blocks.append(BlockView(title: context.tr("本公司的申請案", "Your applications"), table: TableView(
            caption: context.tr("申請案與狀態", "Applications and their status"),
            headers: [context.tr("案號", "Ref."), context.tr("主題", "Title"), context.tr("類別", "Category"),
                      context.tr("狀態", "Status"), context.tr("補正期限", "Correction due"), context.tr("更新時間", "Updated")],
            rows: rows.map { row in
                RowView(cells: [
                    CellView(text: row.reference, href: "/applications/\(row.id.uuidString)"),
                    CellView(text: row.title.isEmpty ? context.tr("（未命名）", "(untitled)") : row.title),
                    CellView(text: context.tr(row.category.zh, row.category.en)),
                    CellView(text: context.tr(row.status.label)),
                    CellView(text: context.time(row.correctionDeadline)),
                    CellView(text: context.time(row.updatedAt)),
                ], tone: row.status == .correctionRequested ? "warn" : nil)
            }, empty: context.tr("尚未建立申請案。", "No applications yet."))))
        let page = GrantsPage(heading: context.tr("算力申請", "Compute applications"), blocks: blocks)
        return renderer.render("grants", title: page.heading, body: page, context: context,
                               notice: GrantsWeb.notice(request, context))
    }

    func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.applicant])
        var request = request
        let form = try await request.form(context: context)
        guard let category = GrantCategory(rawValue: form["category"]) else { throw GrantsFailure.notFound }
        let record = try await grants.startApplication(category: category, by: caller, on: services.db)
        return .seeOther("/applications/\(record.id.uuidString)/edit")
    }

    // MARK: One application

    func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.applicant])
        return try await renderShow(GrantsWeb.id(context), caller: caller, context: context,
                                    notice: GrantsWeb.notice(request, context))
    }

    func renderShow(_ id: UUID, caller: GrantsCaller, context: AppRequestContext, notice: String? = nil,
                    values: [String: String] = [:], errors: [FieldError] = [], status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let db = services.db
        let record = try await grants.application(id, for: caller, on: db)
        let files = try await grants.attachments(of: id, for: caller, on: db)
        let f = FieldFactory(renderer: renderer, language: context.language, values: values, errors: errors)
        let base = "/applications/\(id.uuidString)"
        let hidden = [HiddenField(name: "version", value: String(record.version))]
        var blocks: [BlockView] = []
        var actions = BlockView(title: context.tr("下一步", "Next steps"))
        switch record.status {
        case .draft:
            actions.paragraphs.append(context.tr(
                "草稿會保留，可隨時回來繼續填寫。送出前請確認預覽內容；送出後內容即鎖定。",
                "Your draft is kept; come back any time. Check the preview before submitting; submitting locks it."))
            actions.links.append(LinkView(href: "\(base)/edit", label: context.tr("繼續填寫", "Continue editing")))
            let problems = record.form.problems(for: .submission).filter { $0.field != "differenceFromPrevious" }
            if problems.isEmpty {
                actions.forms.append(BlockForm(form: FormView(
                    action: "\(base)/submit", submit: context.tr("確認內容無誤，送出申請", "Submit the application"),
                    confirm: context.tr("送出後內容即鎖定，確定送出？", "Submitting locks the application. Submit now?"),
                    hidden: hidden)))
            } else {
                actions.warning = context.tr("尚有 \(problems.count) 個欄位需要完成才能送出：",
                                             "\(problems.count) field(s) still need completing before you can submit:")
                actions.list = problems.prefix(12).map { $0.message(context.language) }
            }
        case .correctionRequested:
            actions.warning = context.tr("執行單位通知補正，請於期限前修改並送出。",
                                         "The operator asked for corrections; change and resubmit before the deadline.")
            actions.list = record.progress.correctionItems
            actions.paragraphs.append(context.tr("補正期限：", "Deadline: ")
                + (record.progress.correctionDeadline?.announced(context.language) ?? "—"))
            actions.paragraphs.append(context.tr("開放修改：", "You may change: ")
                + record.openSections.map { context.tr($0.label) }.joined(separator: context.tr("、", ", ")))
            actions.links.append(LinkView(href: "\(base)/edit", label: context.tr("修改補正項目", "Make the corrections")))
            actions.forms.append(BlockForm(form: FormView(
                action: "\(base)/resubmit", submit: context.tr("送出補正", "Resubmit"),
                confirm: context.tr("確定送出補正？", "Resubmit the corrected application?"), hidden: hidden)))
        default:
            actions.paragraphs.append(context.tr("申請已送出，內容已鎖定。狀態變更時會以電子郵件及站內通知告知。",
                                                 "Submitted and locked. You are told by e-mail and in-app at every change."))
        }
        if record.progress.availableActions(for: .applicant).contains(.withdraw) {
            actions.forms.append(BlockForm(heading: context.tr("撤回申請", "Withdraw"), form: FormView(
                action: "\(base)/withdraw", submit: context.tr("撤回申請", "Withdraw the application"),
                confirm: context.tr("撤回後無法復原，確定撤回？", "Withdrawing cannot be undone. Withdraw?"), hidden: hidden,
                fields: [f.input("reason", label: context.tr("撤回原因（選填）", "Reason (optional)"), required: false)])))
        }
        blocks.append(actions)
        var attachmentBlock = BlockView(title: context.tr("附件", "Attachments"), anchor: "attachments",
                                        table: GrantsWeb.attachmentsTable(files, context))
        if record.status == .draft || (record.status == .correctionRequested && record.openSections.contains(.attachments)) {
            let policy = grants.attachmentPolicy
            attachmentBlock.paragraphs.append(context.tr(
                "每檔上限 \(policy.maxFileBytes / 1_048_576) MiB，合計 \(policy.maxTotalBytes / 1_048_576) MiB，最多 \(policy.maxFiles) 個檔案；接受 PDF、Office 文件、ODF 文件、PNG、JPEG。",
                "Up to \(policy.maxFileBytes / 1_048_576) MiB per file, \(policy.maxTotalBytes / 1_048_576) MiB in all, \(policy.maxFiles) files; PDF, Office and ODF documents, PNG and JPEG."))
            attachmentBlock.forms.append(BlockForm(heading: context.tr("上傳附件", "Upload a file"), form: FormView(
                action: "\(base)/attachments", submit: context.tr("上傳", "Upload"), fields: [
                    f.select("purpose", options: AttachmentPurpose.allCases.filter { $0 != .closeOutReport && $0 != .closeOutSlides }.map {
                        ($0.rawValue, context.tr($0.label)) }, label: context.tr("用途", "Purpose")),
                    f.input("file", label: context.tr("檔案", "File"), type: "file"),
                ], multipart: true)))
            for file in files {
                attachmentBlock.forms.append(BlockForm(form: FormView(
                    action: "\(base)/attachments/\(file.id.uuidString)/delete",
                    submit: context.tr("刪除「\(file.fileName)」", "Remove “\(file.fileName)”"))))
            }
        }
        blocks.append(attachmentBlock)
        blocks += ApplicationFormView.readOnlyBlocks(record.form, company: record.company, context: context)
        blocks.append(GrantsWeb.history(record, context))
        let page = GrantsPage(
            heading: "\(record.reference) \(record.title.isEmpty ? context.tr("（未命名）", "(untitled)") : record.title)",
            back: LinkView(href: "/applications", label: context.tr("算力申請", "Compute applications")),
            badge: BadgeView(text: context.tr(record.status.label), tone: record.status.tone,
                             detail: context.tr(record.category.zh, record.category.en)),
            blocks: blocks)
        return renderer.render("grants", title: page.heading, body: page, context: context, status: status,
                               errors: errors, notice: notice)
    }

    // MARK: Editing

    func edit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.applicant])
        let id = try GrantsWeb.id(context)
        let record = try await grants.application(id, for: caller, on: services.db)
        return try renderEdit(record, values: record.form.fieldValues, errors: [], context: context,
                              notice: GrantsWeb.notice(request, context))
    }

    func renderEdit(_ record: ApplicationRecord, values: [String: [String]], errors: [FieldError],
                    context: AppRequestContext, notice: String? = nil, status: HTTPResponse.Status = .ok) throws
        -> Response
    {
        guard record.status == .draft || record.status == .correctionRequested else { throw GrantsFailure.notEditable }
        let open: Set<ApplicationSection>? = record.status == .correctionRequested ? Set(record.openSections) : nil
        let form = FormView(
            action: "/applications/\(record.id.uuidString)/edit",
            submit: context.tr("儲存", "Save"),
            hidden: [HiddenField(name: "version", value: String(record.version))],
            groups: ApplicationFormView.editGroups(category: record.category, values: values, errors: errors,
                                                   open: open, context: context),
            secondaryHref: "/applications/\(record.id.uuidString)",
            secondaryLabel: context.tr("預覽與送出", "Preview and submit"))
        let page = GrantsPage(
            heading: context.tr("填寫\(record.category.zh)申請書", "\(record.category.en.capitalized) application form")
                + " \(record.reference)",
            back: LinkView(href: "/applications/\(record.id.uuidString)", label: context.tr("申請案", "Application")),
            badge: BadgeView(text: context.tr(record.status.label), tone: record.status.tone),
            intro: context.tr("附件1（企業資料取自公司資料頁，送出時一併鎖定）及\(record.category == .training ? "附件2" : "附件3")。草稿可隨時儲存；送出前會檢查必填欄位。",
                              "Forms 1 (company data comes from your company profile and is frozen at submission) and \(record.category == .training ? "2" : "3"). Save a draft at any time; required fields are checked when you submit."),
            blocks: [BlockView(forms: [BlockForm(form: form)])])
        return renderer.render("grants", title: page.heading, body: page, context: context, status: status,
                               errors: errors, notice: notice)
    }

    func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.applicant])
        let id = try GrantsWeb.id(context)
        var request = request
        let body = try await request.form(context: context)
        var values: [String: [String]] = [:]
        for (key, value) in body.pairs where key != "_csrf" && key != "version" { values[key, default: []].append(value) }
        do {
            _ = try await grants.saveForm(id, fields: values, expectedVersion: GrantsWeb.version(body), by: caller,
                                          on: services.db)
        } catch let error as UserFacingError where error.kind == .invalidInput || error.kind == .conflict {
            let record = try await grants.application(id, for: caller, on: services.db)
            // Unticked boxes are absent from a post; show what the user sent, not the stored form.
            let fields = error.fields.isEmpty ? [FieldError(field: "main", zh: error.zh, en: error.en)] : error.fields
            // Disabled (locked) parts of a correction are not posted: show their stored values again.
            if record.status == .correctionRequested {
                values = GrantsService.keepingLockedFields(values, of: record.form, open: Set(record.openSections))
            }
            return try renderEdit(record, values: values, errors: fields, context: context,
                                  status: ErrorMiddleware.status(error.kind))
        }
        return .seeOther("/applications/\(id.uuidString)/edit?done=saved")
    }

    // MARK: Steps

    func step(_ request: Request, _ context: AppRequestContext, done: String,
              _ body: @escaping @Sendable (GrantsCaller, UUID, FormBody) async throws -> Void) async throws -> Response {
        let caller = try context.grantsCaller([.applicant])
        let id = try GrantsWeb.id(context)
        var request = request
        let form = try await request.form(context: context)
        return try await GrantsWeb.act(context, back: "/applications/\(id.uuidString)", done: done, render: { errors, error in
            try await renderShow(id, caller: caller, context: context, values: form.dictionary, errors: errors,
                                 status: ErrorMiddleware.status(error.kind))
        }) { try await body(caller, id, form) }
    }

    func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await step(request, context, done: "submitted") { caller, id, form in
            _ = try await grants.submit(id, expectedVersion: GrantsWeb.version(form), by: caller, on: services.db)
        }
    }

    func resubmit(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await step(request, context, done: "resubmitted") { caller, id, form in
            _ = try await grants.resubmit(id, expectedVersion: GrantsWeb.version(form), by: caller, on: services.db)
        }
    }

    func withdraw(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await step(request, context, done: "withdrawn") { caller, id, form in
            _ = try await grants.withdraw(id, reason: form["reason"], expectedVersion: GrantsWeb.version(form),
                                          by: caller, on: services.db)
        }
    }

    func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.applicant])
        let id = try GrantsWeb.id(context)
        var request = request
        let form = try await request.multipartForm()
        return try await GrantsWeb.act(context, back: "/applications/\(id.uuidString)#attachments", done: "uploaded",
                                       render: { errors, error in
            try await renderShow(id, caller: caller, context: context, errors: errors.map {
                FieldError(field: "file", zh: $0.zh, en: $0.en) }, status: ErrorMiddleware.status(error.kind))
        }) {
            guard let file = form.files["file"] else {
                throw GrantsFailure.invalid([FieldError(field: "file", zh: "請選擇要上傳的檔案。", en: "Choose a file to upload.")])
            }
            let purpose = AttachmentPurpose(rawValue: form["purpose"]) ?? .supporting
            _ = try await grants.addAttachment(id, purpose: purpose, file: file, by: caller, on: services.db)
        }
    }

    func removeFile(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.applicant])
        let id = try GrantsWeb.id(context)
        let file = try GrantsWeb.id(context, "file")
        try await grants.removeAttachment(file, by: caller, on: services.db)
        return .seeOther("/applications/\(id.uuidString)?done=removed#attachments")
    }

    /// Downloads for anyone who may see the application or project; always as an attachment with
    /// the stored type and `nosniff`, so an uploaded file can never run as a page of this site.
    func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller()
        let (file, bytes) = try await grants.attachmentContent(GrantsWeb.id(context, "file"), for: caller,
                                                                on: services.db)
        let encoded = file.fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "attachment"
        return Response(status: .ok, headers: [
            .contentType: file.contentType,
            .contentDisposition: "attachment; filename=\"attachment\"; filename*=UTF-8''\(encoded)",
            .init("X-Content-Type-Options")!: "nosniff",
            .init("X-Checksum-SHA256")!: file.sha256,
            .cacheControl: "private, no-store",
        ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: Projects and close-out (SPEC C1.6, C7.1)

    func projects(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.applicant, .operator, .ministry])
        let rows = try await grants.projects(of: caller, on: services.db)
        let page = GrantsPage(heading: context.tr("核定專案", "Awarded projects"), blocks: [BlockView(table: TableView(
            caption: context.tr("專案與使用期間", "Projects and their terms"),
            headers: [context.tr("案號", "Ref."), context.tr("主題", "Title"), context.tr("公司", "Company"),
                      context.tr("類別", "Category"), context.tr("等級", "Level"), context.tr("點數", "Points"),
                      context.tr("使用期間", "Term"), context.tr("結案資料", "Close-out")],
            rows: rows.map { project in
                RowView(cells: [
                    CellView(text: project.reference, href: "/projects/\(project.id.uuidString)"),
                    CellView(text: project.title), CellView(text: project.companyName),
                    CellView(text: context.tr(project.category.zh, project.category.en)),
                    CellView(text: project.level.rawValue), CellView(text: project.points.formatted(.number)),
                    CellView(text: "\(context.day(project.term.start)) – \(context.day(project.term.lastDay))"),
                    CellView(text: closeOutText(project, context)),
                ])
            }, empty: context.tr("尚無核定專案。", "No awarded projects yet.")))])
        return renderer.render("grants", title: page.heading, body: page, context: context,
                               notice: GrantsWeb.notice(request, context))
    }

    func closeOutText(_ project: ProjectRecord, _ context: AppRequestContext) -> String {
        switch project.schedule.status(at: grants.clock.now(), submission: project.closeOut) {
        case .complete(let late): late ? context.tr("已繳交（逾期）", "complete (late)") : context.tr("已繳交", "complete")
        case .open(let missing, let days):
            context.tr("待繳 \(missing.count) 項，剩 \(days) 天", "\(missing.count) missing, \(days) days left")
        case .overdue(let missing, let days):
            context.tr("逾期 \(days) 天，缺 \(missing.count) 項", "\(days) days late, \(missing.count) missing")
        }
    }

    func project(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.applicant, .operator, .ministry])
        return try await renderProject(GrantsWeb.id(context), caller: caller, context: context,
                                       notice: GrantsWeb.notice(request, context))
    }

    func renderProject(_ id: UUID, caller: GrantsCaller, context: AppRequestContext, notice: String? = nil,
                       errors: [FieldError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let project = try await grants.project(id, for: caller, on: services.db)
        let f = FieldFactory(renderer: renderer, language: context.language, values: [:], errors: errors)
        let schedule = project.schedule
        var closeOut = BlockView(title: context.tr("結案資料（使用期間結束後 30 日內）", "Close-out (within 30 days after the term)"),
                                 anchor: "closeout", facts: [
            FactView(term: context.tr("繳交期限", "Due"), value: schedule.deadline.announced(context.language)),
            FactView(term: context.tr("狀態", "Status"), value: closeOutText(project, context)),
        ] + CloseOutItem.allCases.map { item in
            FactView(term: context.tr(item.label), value: project.closeOut.missing.contains(item)
                ? context.tr("未繳交", "missing") : context.tr("已繳交", "handed in"))
        })
        if caller.role == .applicant && project.term.lastDay < ROCDate(grants.clock.now()) {
            closeOut.forms = [
                BlockForm(heading: context.tr("上傳結案報告", "Upload the close-out report"), form: FormView(
                    action: "/projects/\(id.uuidString)/closeout", submit: context.tr("上傳", "Upload"),
                    hidden: [HiddenField(name: "item", value: CloseOutItem.report.rawValue)],
                    fields: [f.input("file", label: context.tr("結案報告（PDF 或 Office 文件）", "Report (PDF or Office)"), type: "file")],
                    multipart: true)),
                BlockForm(heading: context.tr("上傳成果簡報", "Upload the results slides"), form: FormView(
                    action: "/projects/\(id.uuidString)/closeout", submit: context.tr("上傳", "Upload"),
                    hidden: [HiddenField(name: "item", value: CloseOutItem.slides.rawValue)],
                    fields: [f.input("file", label: context.tr("成果簡報", "Slides"), type: "file").renamed("slidesFile")],
                    multipart: true)),
                BlockForm(heading: context.tr("產品 demo 影片連結", "Demo video link"), form: FormView(
                    action: "/projects/\(id.uuidString)/closeout", submit: context.tr("儲存", "Save"),
                    hidden: [HiddenField(name: "item", value: CloseOutItem.demoVideo.rawValue)],
                    fields: [f.input("link", label: context.tr("影片網址（https）", "Video URL (https)"), type: "url"),
                             f.checkbox("showcase", label: context.tr("願意參加年底成果展示會（自由參加）",
                                                                      "We would like to join the year-end showcase (optional)"))],
                    multipart: true)),
            ]
        }
        let page = GrantsPage(
            heading: "\(project.reference) \(project.title)",
            back: LinkView(href: "/projects", label: context.tr("核定專案", "Awarded projects")),
            badge: BadgeView(text: "\(project.level.rawValue) · \(project.points.formatted(.number)) \(context.tr("點", "points"))",
                             tone: "ok"),
            blocks: [
                BlockView(title: context.tr("專案", "Project"), facts: [
                    FactView(term: context.tr("公司", "Company"), value: project.companyName),
                    FactView(term: context.tr("類別", "Category"), value: context.tr(project.category.zh, project.category.en)),
                    FactView(term: context.tr("使用期間", "Term"),
                             value: "\(context.day(project.term.start)) – \(context.day(project.term.lastDay))"),
                    FactView(term: context.tr("聯絡人", "Contacts"),
                             value: project.contacts.map { "\($0.name) \($0.email)" }.joined(separator: "；")),
                ]),
                closeOut,
            ] + (project.category == .inference ? [BlockView(
                title: context.tr("推論服務", "Inference"),
                paragraphs: [context.tr("API 金鑰、剩餘點數、每日用量與各模型用量。", "API keys, remaining points, daily and per-model usage.")],
                links: [LinkView(href: "/projects/\(project.id.uuidString)/inference",
                                 label: context.tr("API 金鑰與用量", "API keys and usage"))])] : []))
        return renderer.render("grants", title: page.heading, body: page, context: context, status: status,
                               errors: errors, notice: notice)
    }

    func closeOut(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.applicant])
        let id = try GrantsWeb.id(context)
        var request = request
        let form = try await request.multipartForm()
        return try await GrantsWeb.act(context, back: "/projects/\(id.uuidString)", done: "handedIn", render: { errors, error in
            try await renderProject(id, caller: caller, context: context, errors: errors,
                                    status: ErrorMiddleware.status(error.kind))
        }) {
            guard let item = CloseOutItem(rawValue: form["item"]) else { throw GrantsFailure.notFound }
            _ = try await grants.handInCloseOut(
                id, item: item, text: form["link"], file: form.files["file"] ?? form.files["slidesFile"],
                showcaseOptIn: item == .demoVideo ? ApplicationFormView.isTicked(form.fields["showcase"]) : nil,
                by: caller, on: services.db)
        }
    }
}

extension FieldView {
    func renamed(_ name: String) -> FieldView {
        var copy = self
        copy.name = name
        return copy
    }
}
