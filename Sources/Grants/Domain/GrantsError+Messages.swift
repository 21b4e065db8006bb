import Foundation
import SuanliKit

extension GrantsError {
    public var userFacing: UserFacingError {
        let (kind, code, zh, en, fields) = parts
        return UserFacingError(kind, code: "grants.\(code)", zh: zh, en: en, fields: fields)
    }

    private var parts: (UserFacingError.Kind, String, String, String, [FieldError]) {
        switch self {
        case .invalidProgramme(let fields):
            (.invalidInput, "programme.invalid", "計畫設定有 \(fields.count) 處需要修正。",
             "The programme settings need \(fields.count) correction(s).", fields)
        case .roleMayNotPublish(let role):
            (.forbidden, "programme.publishRole", "只有執行單位或主辦單位可以公告計畫，您的身分是\(role.zh)。",
             "Only the operator or the ministry can publish a programme; you act as \(role.en).", [])
        case .roleMayNotAmend(let role):
            (.forbidden, "programme.amendRole", "只有執行單位或主辦單位可以修訂計畫，您的身分是\(role.zh)。",
             "Only the operator or the ministry can amend a programme; you act as \(role.en).", [])
        case .amendmentHasNoChanges:
            (.invalidInput, "amendment.empty", "修訂內容為空，請至少指定一項變更。",
             "The amendment changes nothing; name at least one change.", [])
        case .amendmentNeedsReason:
            (.invalidInput, "amendment.reason", "請填寫修訂原因，公告時會一併顯示。",
             "Give the reason for the amendment; it is shown with the notice.",
             [FieldError(field: "reason", zh: "請填寫修訂原因。", en: "Give a reason.")])
        case .amendmentChangesNothing(let what):
            (.invalidInput, "amendment.noDifference", "「\(what.zh)」與目前版本相同，無需修訂。",
             "\(what.en) is the same as in the current version; there is nothing to amend.", [])
        case .windowCannotCloseInThePast(let cutoff):
            (.conflict, "amendment.closeInPast", "截止時間（\(cutoff.announced(.zhTW))）已過，不能改為過去的時間。",
             "The cut-off (\(cutoff.announced(.en))) is already past; it cannot be set in the past.", [])
        case .roundAlreadyExists(let id):
            (.conflict, "round.exists", "梯次代碼 \(id) 已存在。", "A round with the ID \(id) already exists.", [])
        case .unknownRound(let id):
            (.notFound, "round.unknown", "找不到梯次 \(id)。", "There is no round \(id).", [])
        case .roundIntakeAlreadyClosed(let round):
            (.conflict, "round.intakeClosed", "\(round.zh)已截止收件，收件截止時間不能再變更。",
             "\(round.en) has closed its intake; its cut-off can no longer change.", [])
        case .roundNumberIsFixed(let round):
            (.invalidInput, "round.numberFixed", "\(round.zh)的編號不能變更。",
             "The number of \(round.en) cannot change.", [])
        case .scoringRulesFrozen(let round):
            (.conflict, "amendment.scoringFrozen", "\(round.zh)已開始審查，評分項目與加分配分不能再變更。",
             "\(round.en) is already under review; the rubric and bonus points can no longer change.", [])
        case .applicationsNotYetOpen(let opens):
            (.conflict, "submit.notOpen",
             "申請尚未開始受理，受理時間自 \(DateDisplay(language: .zhTW).instant(opens)) 起。",
             "Applications open at \(DateDisplay(language: .en).instant(opens)) (Taipei time).", [])
        case .applicationsClosed(let cutoff):
            (.conflict, "submit.closed",
             "申請已於 \(cutoff.announced(.zhTW)) 截止，依系統時間逾期不予受理。",
             "Applications closed at \(cutoff.announced(.en)) (Taipei time, server clock); late "
                + "applications are not accepted.", [])
        case .noRoundTakingApplications:
            (.conflict, "submit.noRound", "目前沒有開放收件的梯次，請留意申請網址公告。",
             "No round is taking applications now; watch the programme website for the next one.", [])
        case .alreadyAppliedInRound(let round, let category):
            (.conflict, "submit.duplicate", "貴公司已於\(round.zh)提出\(category.zh)申請，同一梯次只能申請一案。",
             "Your company already applied in \(round.en) (\(category.en)); one application per round.", [])
        case .oneCategoryPerRound(let round, let category):
            (.conflict, "submit.oneCategory",
             "貴公司已於\(round.zh)申請\(category.zh)，同一梯次只能擇一類別，另一類別請於後續梯次申請。",
             "Your company already applied for \(category.en) in \(round.en); a round allows one category, "
                + "so apply for the other in a later round.", [])
        case .differenceFromPreviousRequired:
            (.invalidInput, "submit.difference", "貴公司曾於先前梯次申請，請說明本次申請與前次之差異。",
             "Your company applied in an earlier round; explain how this application differs from it.",
             [FieldError(field: "differenceFromPrevious", zh: "請說明與前次申請之差異。",
                         en: "Explain how this application differs from the previous one.")])
        case .roleMayNotAct(let action, let role):
            (.forbidden, "transition.role", "您的身分（\(role.zh)）不能「\(action.label.zh)」。",
             "You act as \(role.en), who cannot \(action.label.en).", [])
        case .transitionNotAllowed(let action, let status):
            (.conflict, "transition.state", "申請案目前為「\(status.label.zh)」，無法「\(action.label.zh)」。",
             "The application is at \"\(status.label.en)\"; you cannot \(action.label.en) now.", [])
        case .draftIsNotFiled:
            (.conflict, "transition.draft", "草稿尚未送出，無須撤回；如不需要可直接刪除草稿。",
             "A draft has not been filed, so there is nothing to withdraw; delete the draft instead.", [])
        case .noReviewMeetingForInference:
            (.conflict, "transition.noMeeting", "模型推論類不召開審查會議，專業審查通過即可核定。",
             "Inference applications have no review meeting; they are decided after the professional review.", [])
        case .reviewMeetingDecides(let action):
            (.conflict, "transition.meetingDecides", "模型訓練類須由審查會議決議，請先提送審查會議再「\(action.label.zh)」。",
             "Training applications are decided by the review meeting; send it there before you "
                + "\(action.label.en).", [])
        case .reasonRequired(let action):
            (.invalidInput, "transition.reason", "「\(action.label.zh)」需要填寫理由，理由會通知申請企業。",
             "To \(action.label.en), give a reason; it is sent to the applicant.",
             [FieldError(field: "reason", zh: "請填寫理由。", en: "Give a reason.")])
        case .levelChangeNeedsReason(let from, let to):
            (.invalidInput, "transition.levelReason",
             "核定級別（\(to.rawValue)）與審查通過級別（\(from?.rawValue ?? "未定")）不同，請填寫調整理由。",
             "The awarded level (\(to.rawValue)) differs from the approved one (\(from?.rawValue ?? "none")); "
                + "give the reason.",
             [FieldError(field: "reason", zh: "請填寫調整級別的理由。", en: "Give the reason for the change.")])
        case .correctionItemsRequired:
            (.invalidInput, "transition.correctionItems", "請列出需要補正的項目。",
             "List what the applicant must correct.",
             [FieldError(field: "items", zh: "請至少列出一項補正項目。", en: "List at least one item.")])
        case .deadlineNotInFuture(let cutoff):
            (.invalidInput, "transition.deadlinePast", "期限（\(cutoff.announced(.zhTW))）已過，請設定未來的期限。",
             "The deadline (\(cutoff.announced(.en))) has passed; set one in the future.",
             [FieldError(field: "deadline", zh: "請設定未來的期限。", en: "Set a future deadline.")])
        case .correctionDeadlinePassed(let cutoff):
            (.conflict, "transition.correctionLate", "補正期限（\(cutoff.announced(.zhTW))）已過，逾期未補正視同放棄。",
             "The correction deadline (\(cutoff.announced(.en))) has passed; the application is treated as "
                + "withdrawn.", [])
        case .correctionDeadlineNotReached(let cutoff):
            (.conflict, "transition.correctionOpen", "補正期限（\(cutoff.announced(.zhTW))）尚未屆滿，不能逾期結案。",
             "The correction deadline (\(cutoff.announced(.en))) has not passed yet.", [])
        case .invalidRubric(let problems):
            (.invalidInput, "rubric.invalid", "評分項目設定有誤：\(problems.map(\.fieldError.zh).joined(separator: ""))",
             "The rubric is invalid: \(problems.map(\.fieldError.en).joined(separator: " "))",
             problems.map(\.fieldError))
        case .criterionNotInRubric(let key, let category):
            (.invalidInput, "score.criterion", "「\(key.label.zh)」不是\(category.zh)的評分項目。",
             "\"\(key.label.en)\" is not a criterion for \(category.en).", [])
        case .scoreOutOfRange(let key, let value):
            (.invalidInput, "score.range", "「\(key.label.zh)」的分數須為 0 至 100 的整數，您輸入了 \(value)。",
             "The score for \"\(key.label.en)\" must be a whole number from 0 to 100; you entered \(value).",
             [FieldError(field: "scores.\(key.rawValue)", zh: "請輸入 0 至 100 的整數。",
                         en: "Enter a whole number from 0 to 100.")])
        case .scoresMissing(let keys):
            (.invalidInput, "score.missing",
             "尚未評分：\(keys.map(\.label.zh).joined(separator: "、"))。",
             "Score every criterion first; missing: \(keys.map(\.label.en).joined(separator: ", ")).",
             keys.map { FieldError(field: "scores.\($0.rawValue)", zh: "請評分。", en: "Enter a score.") })
        case .overallCommentRequired:
            (.invalidInput, "score.comment", "請填寫審查意見後再送出。", "Write your review comments before submitting.",
             [FieldError(field: "overallComment", zh: "請填寫審查意見。", en: "Write your comments.")])
        case .sheetAlreadySubmitted:
            (.conflict, "score.submitted", "評分表已送出，不能再修改。",
             "This score sheet was submitted and can no longer change.", [])
        case .duplicateScoreSheet(let reviewer, let application):
            (.conflict, "score.duplicate", "委員 \(reviewer) 對申請案 \(application) 有兩份評分表。",
             "Reviewer \(reviewer) has two score sheets for application \(application).", [])
        case .bonusNotOffered(let item, let category):
            (.invalidInput, "bonus.notOffered", "\(category.zh)沒有「\(item.label.zh)」加分項目。",
             "\(category.en) has no bonus item \"\(item.label.en)\".", [])
        case .bonusNotClaimed(let item):
            (.invalidInput, "bonus.notClaimed", "申請企業未申報「\(item.label.zh)」，不能給予此加分。",
             "The applicant did not claim \"\(item.label.en)\", so it cannot be granted.", [])
        case .conflictNeedsReason:
            (.invalidInput, "conflict.reason", "請簡述利益迴避的原因（例如：擔任該公司顧問）。",
             "Briefly state the conflict of interest (e.g. you advise the company).",
             [FieldError(field: "reason", zh: "請填寫迴避原因。", en: "State the reason.")])
        case .reviewerHasConflict(let reviewer, let application):
            (.conflict, "assign.conflict", "委員 \(reviewer) 已聲明與申請案 \(application) 有利益衝突，不能指派。",
             "Reviewer \(reviewer) declared a conflict of interest with application \(application).", [])
        case .reviewerAlreadyAssigned(let reviewer, let application):
            (.conflict, "assign.duplicate", "委員 \(reviewer) 已指派審查申請案 \(application)。",
             "Reviewer \(reviewer) is already assigned to application \(application).", [])
        case .reviewersPerApplicationInvalid(let count):
            (.invalidInput, "assign.perApplication", "每案審查委員人數至少 1 人，您設定了 \(count) 人。",
             "Each application needs at least 1 reviewer; you asked for \(count).", [])
        case .notEnoughReviewers(let application, let needed, let available):
            (.conflict, "assign.notEnough",
             "申請案 \(application) 還需要 \(needed) 位委員，但只有 \(available) 位無利益衝突的委員可指派，請增加委員。",
             "Application \(application) needs \(needed) more reviewer(s) but only \(available) without a "
                + "conflict are available; add reviewers.", [])
        case .closeOutItemEmpty(let item):
            (.invalidInput, "closeout.empty", "請提供\(item.label.zh)。", "Provide the \(item.label.en).",
             [FieldError(field: item.rawValue, zh: "請提供\(item.label.zh)。", en: "Provide it.")])
        case .demoVideoLinkInvalid(let link):
            (.invalidInput, "closeout.videoLink", "影片連結須為 https:// 開頭的網址，您輸入了「\(link)」。",
             "The video link must be a web address starting with https://; you entered \"\(link)\".",
             [FieldError(field: CloseOutItem.demoVideo.rawValue, zh: "請輸入 https:// 開頭的網址。",
                         en: "Enter an https:// address.")])
        case .controlCharacters(let field):
            (.invalidInput, "text.controlCharacters", "內容含有無法辨識的控制字元，請刪除後重新輸入。",
             "The text contains control characters; remove them and type it again.",
             [.controlCharacters(field)])
        }
    }
}
