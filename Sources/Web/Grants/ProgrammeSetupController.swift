import Foundation
import Grants
import Hummingbird
import Identity
import SuanliKit

/// Programme set-up by operators (SPEC C1): a draft with the window, rounds, rubric weights and
/// settings, saved as often as needed and checked as a whole when it is published. A published
/// programme is read-only here; it changes only through an amendment on /operator/programme.
struct ProgrammeSetupController {
    let services: PortalServices
    var grants: GrantsService { services.grants }
    var renderer: Renderer { services.renderer }
    static let maxRounds = 4

    func register(on router: Router<AppRequestContext>) {
        router.get("/operator/programmes", use: list)
        router.get("/operator/programmes/new", use: new)
        router.post("/operator/programmes", use: save)
        router.get("/operator/programmes/:id/edit", use: edit)
        router.post("/operator/programmes/:id/publish", use: publish)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.grantsCaller([.operator, .ministry])
        let all = try await grants.programmes(on: services.db)
        let page = GrantsPage(heading: context.tr("計畫設定", "Programmes"), blocks: [BlockView(table: TableView(
            caption: context.tr("所有計畫（草稿可編輯；已公告者僅能修訂）", "All programmes (drafts are editable; published ones are amended)"),
            headers: [context.tr("代碼", "Code"), context.tr("名稱", "Title"), context.tr("狀態", "Status"),
                      context.tr("申請截止", "Applications close")],
            rows: all.map { p in RowView(cells: [
                CellView(text: p.code, href: p.isPublished ? "/operator/programme" : "/operator/programmes/\(p.id.uuidString)/edit"),
                CellView(text: context.tr(p.settings.title)),
                CellView(text: p.isPublished ? context.tr("已公告", "published") : context.tr("草稿", "draft")),
                CellView(text: p.settings.window.closes.announced(context.language)),
            ]) }, empty: context.tr("尚無計畫。", "No programmes yet.")),
            links: [LinkView(href: "/operator/programmes/new", label: context.tr("新增計畫草稿", "New programme draft"))])])
        return renderer.render("grants", title: page.heading, body: page, context: context,
                               notice: GrantsWeb.notice(request, context))
    }

    func new(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.grantsCaller([.operator, .ministry])
        var values: [String: String] = ["trainingMetering": TrainingMetering.perGPU.rawValue,
                                        "reviewersPerApplication": "3", "disagreementSpread": "20"]
        for category in GrantCategory.allCases {
            for criterion in Rubric.standard(category).criteria {
                values["rubric.\(category.rawValue).\(criterion.key.rawValue)"] = String(criterion.weight / 100)
            }
        }
        return render(nil, values: values, errors: [], context: context)
    }

    func edit(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.grantsCaller([.operator, .ministry])
        let stored = try await grants.programme(GrantsWeb.id(context), on: services.db)
        guard !stored.isPublished else { return .seeOther("/operator/programme") }
        let problems = stored.settings.problems
        return render(stored, values: Self.values(stored), errors: [], context: context,
                      notice: GrantsWeb.notice(request, context), problems: problems)
    }

    static func values(_ stored: StoredProgramme) -> [String: String] {
        let s = stored.settings
        var v: [String: String] = [
            "code": stored.code, "version": String(stored.version),
            "title.zh": s.title.zh, "title.en": s.title.en, "organiser.zh": s.organiser.zh, "organiser.en": s.organiser.en,
            "executingUnit.zh": s.executingUnit.zh, "executingUnit.en": s.executingUnit.en,
            "contact.email": s.contact.email, "contact.phones": s.contact.phones.joined(separator: ", "),
            "contact.website": s.contact.website, "window.opens": ROCDate(s.window.opens).isoForm,
            "window.closes": s.window.closes.lastDay.isoForm, "trainingMetering": s.trainingMetering.rawValue,
            "reviewersPerApplication": String(s.reviewersPerApplication),
            "disagreementSpread": String(s.disagreementSpread.hundredths / 100),
        ]
        for round in s.rounds {
            v["rounds.\(round.number).intakeCloses"] = round.intakeCloses.lastDay.isoForm
            v["rounds.\(round.number).reviewStarts"] = round.reviewStarts.isoForm
            v["rounds.\(round.number).meetingDay"] = round.meetingDay?.isoForm ?? ""
            v["rounds.\(round.number).announcementDay"] = round.announcementDay?.isoForm ?? ""
        }
        for category in GrantCategory.allCases {
            for criterion in s.rubric(for: category).criteria {
                v["rubric.\(category.rawValue).\(criterion.key.rawValue)"] = String(criterion.weight / 100)
            }
        }
        return v
    }

    func render(_ stored: StoredProgramme?, values: [String: String], errors: [FieldError], context: AppRequestContext,
                notice: String? = nil, problems: [FieldError] = [], status: HTTPResponse.Status = .ok) -> Response {
        let f = FieldFactory(renderer: renderer, language: context.language, values: values, errors: errors)
        func text(_ name: String, _ zh: String, _ en: String, required: Bool = true, hint: String? = nil) -> FieldView {
            f.input(name, label: context.tr(zh, en), hint: hint ?? "", required: required)
        }
        let dateHint = context.tr("例如 2026-10-30 或 115/10/30", "e.g. 2026-10-30 or 115/10/30")
        var groups = [
            FieldGroup(legend: context.tr("計畫", "Programme"), fields: [
                text("code", "計畫代碼（例如 2026）", "Code (e.g. 2026)").readonlyIf(stored != nil),
                text("title.zh", "計畫名稱（中文）", "Title (Chinese)"), text("title.en", "計畫名稱（英文）", "Title (English)"),
                text("organiser.zh", "主辦單位（中文）", "Organiser (Chinese)"), text("organiser.en", "主辦單位（英文）", "Organiser (English)"),
                text("executingUnit.zh", "執行單位（中文）", "Executing unit (Chinese)"),
                text("executingUnit.en", "執行單位（英文）", "Executing unit (English)"),
                text("contact.email", "聯絡電子郵件", "Contact e-mail"),
                text("contact.phones", "聯絡電話（以逗號分隔）", "Phones (comma-separated)"),
                text("contact.website", "申請網址", "Application website"),
            ]),
            FieldGroup(legend: context.tr("申請期間", "Application window"), fields: [
                text("window.opens", "開始受理日", "Applications open", hint: dateHint),
                text("window.closes", "申請截止日（當日 23:59，以伺服器時間為準）", "Applications close (23:59 that day, server clock)",
                     hint: dateHint),
            ]),
        ]
        for number in 1...Self.maxRounds {
            groups.append(FieldGroup(legend: context.tr("第 \(number) 梯次", "Round \(number)"), fields: [
                text("rounds.\(number).intakeCloses", "收件截止日", "Intake closes", required: number == 1, hint: dateHint),
                text("rounds.\(number).reviewStarts", "審查開始日", "Review starts", required: number == 1),
                text("rounds.\(number).meetingDay", "審查會議日", "Review meeting", required: false),
                text("rounds.\(number).announcementDay", "公告日", "Announcement", required: false),
            ], note: number > 1 ? context.tr("不需要此梯次時請留空。", "Leave empty if there is no such round.") : nil))
        }
        for category in GrantCategory.allCases {
            groups.append(FieldGroup(
                legend: context.tr("評分項目權重（%）：\(category.zh)", "Rubric weights (%): \(category.en)"),
                fields: Rubric.standard(category).criteria.map { criterion in
                    text("rubric.\(category.rawValue).\(criterion.key.rawValue)", context.tr(criterion.label.zh, criterion.label.zh),
                         criterion.label.en)
                }, note: context.tr("合計須為 100%；預設值為計畫須知所列。", "Must total 100%; the defaults are the guidelines'.")))
        }
        groups.append(FieldGroup(legend: context.tr("其他設定", "Other settings"), fields: [
            f.select("trainingMetering", options: TrainingMetering.allCases.map { ($0.rawValue, context.tr($0.zh, $0.en)) },
                     label: context.tr("訓練類點數計算（1 點 = 0.5 GPU 小時）", "Training metering (1 point = 0.5 GPU-hour)")),
            text("reviewersPerApplication", "每案審查委員人數", "Reviewers per application"),
            text("disagreementSpread", "委員總分差距警示門檻（分）", "Disagreement warning threshold (points)"),
        ]))
        var blocks = [BlockView(forms: [BlockForm(form: FormView(
            action: "/operator/programmes", submit: context.tr("儲存草稿", "Save draft"),
            hidden: [HiddenField(name: "id", value: stored?.id.uuidString ?? ""),
                     HiddenField(name: "version", value: values["version"] ?? "")],
            groups: groups))])]
        if let stored {
            blocks.insert(BlockView(
                title: context.tr("公告", "Publish"),
                warning: problems.isEmpty ? nil : context.tr("公告前尚需修正：", "Fix before publishing: ")
                    + problems.map { $0.message(context.language) }.joined(separator: " "),
                paragraphs: [context.tr("公告後即開始受理申請，設定不能再直接修改，只能以修訂方式變更。",
                                        "Once published, applications open and settings change only by amendment.")],
                forms: [BlockForm(form: FormView(
                    action: "/operator/programmes/\(stored.id.uuidString)/publish", submit: context.tr("公告計畫", "Publish"),
                    confirm: context.tr("確定公告？公告後設定即鎖定。", "Publish? The settings are then locked.")))]), at: 0)
        }
        let page = GrantsPage(
            heading: stored == nil ? context.tr("新增計畫草稿", "New programme draft")
                : context.tr("編輯計畫草稿 \(stored!.code)", "Edit programme draft \(stored!.code)"),
            back: LinkView(href: "/operator/programmes", label: context.tr("計畫設定", "Programmes")), blocks: blocks)
        return renderer.render("grants", title: page.heading, body: page, context: context, status: status,
                               errors: errors, notice: notice)
    }

    /// Reads the form into settings; every unreadable date or number is a field error.
    static func settings(_ form: FormBody) -> (ProgrammeSettings?, [FieldError]) {
        var errors: [FieldError] = []
        func day(_ name: String, required: Bool) -> ROCDate? {
            let text = form[name].trimmingWhitespace()
            if text.isEmpty {
                if required { errors.append(FieldError(field: name, zh: "請填寫日期。", en: "Enter a date.")) }
                return nil
            }
            guard let parsed = ROCDate.parse(text) else {
                errors.append(FieldError(field: name, zh: "日期格式不正確，例如 2026-10-30 或 115/10/30。",
                                         en: "Not a date; use e.g. 2026-10-30 or 115/10/30."))
                return nil
            }
            return parsed
        }
        func int(_ name: String) -> Int? {
            guard let value = Int(form[name].trimmingWhitespace()) else {
                errors.append(FieldError(field: name, zh: "請填寫整數。", en: "Enter a whole number."))
                return nil
            }
            return value
        }
        let opens = day("window.opens", required: true), closes = day("window.closes", required: true)
        var rounds: [Round] = []
        for number in 1...maxRounds {
            let prefix = "rounds.\(number)"
            let anyFilled = ["intakeCloses", "reviewStarts", "meetingDay", "announcementDay"]
                .contains { !form["\(prefix).\($0)"].trimmingWhitespace().isEmpty }
            guard number == 1 || anyFilled else { continue }
            if let intake = day("\(prefix).intakeCloses", required: true),
               let review = day("\(prefix).reviewStarts", required: true) {
                rounds.append(Round(id: RoundID("\(form["code"].trimmingWhitespace())-R\(number)"), number: number,
                                    intakeCloses: .endOfMinute(intake, hour: 23, minute: 59)!, reviewStarts: review,
                                    meetingDay: day("\(prefix).meetingDay", required: false),
                                    announcementDay: day("\(prefix).announcementDay", required: false)))
            }
        }
        var rubrics: [GrantCategory: Rubric] = [:]
        for category in GrantCategory.allCases {
            let criteria = Rubric.standard(category).criteria.compactMap { criterion -> Criterion? in
                int("rubric.\(category.rawValue).\(criterion.key.rawValue)").map { Criterion(criterion.key, weight: $0 * 100) }
            }
            do {
                rubrics[category] = try Rubric(category: category, criteria: criteria)
            } catch {
                errors.append(FieldError(field: "rubric.\(category.rawValue).\(Rubric.standard(category).criteria[0].key.rawValue)",
                                         zh: "\(category.zh)評分權重合計須為 100%。", en: "The \(category.en) weights must total 100%."))
            }
        }
        let reviewers = int("reviewersPerApplication"), spread = int("disagreementSpread")
        guard errors.isEmpty, let opens, let closes, let reviewers, let spread else { return (nil, errors) }
        var settings = ProgrammeSettings(
            title: Bilingual(zh: form["title.zh"].trimmingWhitespace(), en: form["title.en"].trimmingWhitespace()),
            organiser: Bilingual(zh: form["organiser.zh"].trimmingWhitespace(), en: form["organiser.en"].trimmingWhitespace()),
            executingUnit: Bilingual(zh: form["executingUnit.zh"].trimmingWhitespace(),
                                     en: form["executingUnit.en"].trimmingWhitespace()),
            contact: ProgrammeContact(email: form["contact.email"].trimmingWhitespace(),
                                      phones: form["contact.phones"].split(separator: ",").map { String($0).trimmingWhitespace() }
                                        .filter { !$0.isEmpty },
                                      website: form["contact.website"].trimmingWhitespace()),
            window: ApplicationWindow(opens: opens.startInstant(), closes: .endOfMinute(closes, hour: 23, minute: 59)!),
            rounds: rounds)
        settings.trainingMetering = TrainingMetering(rawValue: form["trainingMetering"]) ?? .perGPU
        if let training = rubrics[.training] { settings.trainingRubric = training }
        if let inference = rubrics[.inference] { settings.inferenceRubric = inference }
        settings.reviewersPerApplication = reviewers
        settings.disagreementSpread = Score.points(spread)
        return (settings, [])
    }

    func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator, .ministry])
        var request = request
        let form = try await request.form(context: context)
        let existing = try await UUID(uuidString: form["id"]).asyncMap { try await grants.programme($0, on: services.db) }
        let (settings, errors) = Self.settings(form)
        guard let settings else {
            return render(existing, values: form.dictionary, errors: errors, context: context, status: .unprocessableContent)
        }
        do {
            let stored = try await grants.saveDraftProgramme(
                code: existing?.code ?? form["code"], settings: settings, expectedVersion: Int(form["version"]),
                by: caller, on: services.db)
            return .seeOther("/operator/programmes/\(stored.id.uuidString)/edit?done=saved")
        } catch let error as UserFacingError where error.kind == .invalidInput || error.kind == .conflict {
            let fields = error.fields.isEmpty ? [FieldError(field: "code", zh: error.zh, en: error.en)] : error.fields
            return render(existing, values: form.dictionary, errors: fields, context: context,
                          status: ErrorMiddleware.status(error.kind))
        }
    }

    func publish(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.grantsCaller([.operator, .ministry])
        let id = try GrantsWeb.id(context)
        do {
            _ = try await grants.publishProgramme(id, by: caller, on: services.db)
        } catch let error as UserFacingError where error.kind == .invalidInput || error.kind == .conflict {
            let stored = try await grants.programme(id, on: services.db)
            return render(stored, values: Self.values(stored), errors: error.fields.isEmpty
                ? [FieldError(field: "code", zh: error.zh, en: error.en)] : error.fields, context: context,
                          status: ErrorMiddleware.status(error.kind))
        }
        return .seeOther("/operator/programme?done=published")
    }
}

extension FieldView {
    func readonlyIf(_ condition: Bool) -> FieldView {
        var copy = self
        copy.readonly = condition
        return copy
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
