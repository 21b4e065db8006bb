"""The whole grant path in a real browser (headless Chromium), against the real server and SMTP sink.

One walk, each step a numbered screenshot in artifacts/screenshots/<db>/grants-NN-name.png and an
axe-core check of each distinct page (no serious or critical violations):

  01–04  a company signs up (個資 notice, form, confirm), verifies its e-mail and signs in
  05–08  it starts a training application, fills every required field of the form, uploads an
         attachment and submits it (confirm dialog)
  09–11  the operator (password + TOTP) finds it in the list, runs the eligibility check and asks
         for a correction of one section with a deadline
  12–13  the applicant reads what to fix, edits the opened section and resubmits
  14–15  the operator runs the check again, decides each rule the registry could not settle, passes
         the application and assigns two reviewers
  16–19  each reviewer declares no conflict of interest and submits scores
  20–22  the operator reads the ranking, sends the application to the review meeting, approves L2
  23–24  the ministry (password + TOTP) awards it; the 核定 e-mail with the 案號 reaches the SMTP server
  25–26  the public list of awarded projects and the applicant's projects show it
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select

from portal import (
    continue_to_signup_form,
    accept_confirm,
    click_button,
    fill,
    heading,
    mail_link,
    main_text,
    open_page,
    sign_in,
    tax_id_is_valid,
    totp,
    wait,
    wait_for_path,
    wait_for_text,
)

pytestmark = pytest.mark.browser

COMPANY = {
    "taxID": "42761234",
    "name": "青禾語言智能股份有限公司",
    "kind": "company",
    "industryCodes": "J6201",
    "established": "111/09/01",
    "paidInCapital": "6000000",
    "representative": "蔡承恩",
    "employees": "15",
    "address": "高雄市前鎮區成功二路 25 號 9 樓",
    "phone": "07-335-6789",
    "businessLines": "金融業語言模型開發與導入顧問",
    "mainProducts": "法遵問答助理、客服知識庫",
    "salesRegions": "臺灣",
}
ADMIN = {
    "adminName": "蔡承恩",
    "adminEmail": "chengen.tsai@qinghe-ai.example.tw",
    "adminPhone": "0922-456-789",
    "password": "Qinghe-2026-TPU",
    "passwordConfirmation": "Qinghe-2026-TPU",
}

# Every required field of the training form (ApplicationForm+Example.swift, in the browser's names).
FORM_TEXT = {
    "lead.name": "陳志明", "lead.title": "技術長", "lead.phone": "07-335-6789#101", "lead.mobile": "0933-111-222",
    "lead.email": "chihming.chen@example.com.tw",
    "contact.name": "林雅婷", "contact.title": "專案經理", "contact.phone": "07-335-6789#125",
    "contact.mobile": "0912-345-678", "contact.email": "yating.lin@example.com.tw",
    "title": "金融法規智慧問答助理模型訓練",
    "training.container.modelName": "fin-taide-8b-chat", "training.container.version": "v0.3",
    "training.container.downloadURL": "https://huggingface.co/example-fintech/fin-taide-8b-chat",
    "training.container.baseModel": "Llama-3.1-TAIDE-LX-8B-Chat",
    "importance": "金融業第一線人員每日需查詢大量主管機關函令與內部規章，人工檢索耗時且易有遺漏。"
                  "本專案以繁體中文金融法規語料微調 TAIDE 模型，使其能正確引用條文回答法遵問題。",
    "industryApplication": "模型完成後可延伸至保險理賠審核、證券開戶審查與銀行洗錢防制等情境。",
    "training.dataset.textTokens": "1,200,000,000",
    "training.dataset.description": "金融監督管理委員會公開函令、銀行公會自律規範及本公司整理之問答，共約 12 億 tokens。",
    "expectedBenefits": "預計產出金融法規問答模型 2 項，並導入客服知識庫、法遵檢核及教育訓練 3 項應用。",
    "expectedModels": "2", "expectedApplications": "3",
    "productisation.targetCustomers": "國內中小型金融機構、保險經紀人公司及證券商之客服與法遵部門。",
    "productisation.progress": "已完成概念驗證並於一家合作券商內部試用；預計 116 年第 2 季推出正式版。",
    "productisation.productForm": "SaaS 雲端服務，提供網頁介面與 API。",
    "productisation.pricingUnit": "依每月查詢次數計價，每月 10,000 次以內新臺幣 30,000 元。",
    "otherNeeds": "希望執行單位協助媒合有意試用之金融業者。",
}
FORM_TICKS = [
    "industryCodes-J62", "industryCodes-J63", "consent.privacy", "consent.statement", "consent.notChineseCapital",
    "consent.noGovernmentProjectBreach", "consent.noSeriousViolation", "consent.affidavit", "domains-finance",
    "training.environments-container", "training.environments-validation", "training.validation.models-taide",
    "consent.closeOut",
]
CRITERIA = ["importance", "industryApplication", "dataset", "modelAndResources", "expectedBenefits", "productisation"]

_last_totp: dict[str, int] = {}


def step(screenshot: Any, axe_check: Any, browser: Any, name: str, *, axe: bool = True, full_page: bool = False) -> None:
    screenshot(f"grants-{name}", full_page=full_page)
    if axe:
        axe_check(browser, f"grants-{name}")


def roc(day: dt.date) -> str:
    return f"{day.year - 1911}/{day.month:02d}/{day.day:02d}"


def staff_sign_in(browser: Any, base_url: str, login: dict[str, Any]) -> None:
    """Password, then a TOTP code from a 30 s step this test has not used for the account yet (the
    server refuses a code twice); a refused code (another test took the step) is retried once."""
    browser.delete_all_cookies()
    sign_in(browser, base_url, login["email"], login["password"])
    wait_for_path(browser, "/signin/totp")
    for _attempt in range(2):
        step_now = int(time.time() // 30)
        if _last_totp.get(login["email"]) == step_now or 30 - time.time() % 30 < 3:
            time.sleep(30 - time.time() % 30 + 0.3)
        _last_totp[login["email"]] = int(time.time() // 30)
        code_field = browser.find_element(By.NAME, "code")
        fill(browser, {"code": totp(login["totpSecret"])})
        click_button(browser, "驗證")
        # Wait for the answer to replace the page (readyState alone can still be the old page's), then
        # see where it went: on, or back to the code form when the step's code was refused.
        wait(browser).until(staleness_of(code_field))
        wait(browser).until(lambda d: d.execute_script("return document.readyState") == "complete")
        if "/signin/totp" not in browser.current_url:
            return
        time.sleep(30 - time.time() % 30 + 0.3)
    raise AssertionError(f"{login['email']} could not finish the TOTP sign-in: {main_text(browser)[:300]}")


class Personas:
    """Keeps each person's session cookies so the walk can switch between them without signing in
    again (a TOTP sign-in per switch would wait out 30 s steps)."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser, self.base_url, self.cookies = browser, base_url, {}

    def save(self, who: str) -> None:
        self.cookies[who] = self.browser.get_cookies()

    def be(self, who: str, login: dict[str, Any] | None = None) -> None:
        browser = self.browser
        if who in self.cookies:
            open_page(browser, self.base_url + "/healthz")
            browser.delete_all_cookies()
            for cookie in self.cookies[who]:
                browser.add_cookie({k: v for k, v in cookie.items() if k in ("name", "value", "path", "secure", "httpOnly")})
            return
        assert login is not None, f"no session for {who}"
        staff_sign_in(browser, self.base_url, login)
        self.save(who)


def submit_form(browser: Any, action_suffix: str, button: str | None = None) -> None:
    """Clicks the submit button of the form whose action ends with `action_suffix`."""
    forms = [f for f in browser.find_elements(By.CSS_SELECTOR, "main form")
             if (f.get_attribute("action") or "").endswith(action_suffix)]
    assert forms, f"no form …{action_suffix} on {browser.current_url}"
    buttons = forms[0].find_elements(By.CSS_SELECTOR, "button[type=submit]")
    target = next((b for b in buttons if button is None or b.text.strip() == button), None)
    assert target is not None, f"no button {button!r} in form …{action_suffix}"
    target.click()


def wait_done(browser: Any, done: str) -> None:
    """Waits for the redirect that reports `?done=<done>` (the page's success notice).

    The page it arrives on is marked, and a page that carries the mark never counts: two steps in a row
    that both report `done=decided` (one eligibility rule after another) would otherwise see the first
    step's page, still showing while the second post is under way, and read elements it then replaces.
    """
    try:
        wait(browser).until(lambda d: f"done={done}" in d.current_url
                            and d.execute_script("return document.readyState") == "complete"
                            and not d.execute_script("return document.documentElement.dataset.e2eDone === '1'"))
        browser.execute_script("document.documentElement.dataset.e2eDone = '1'")
    except Exception as error:
        errors = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#error-summary li, .error")]
        raise AssertionError(f"expected ?done={done}, on {browser.current_url}; errors {errors}; "
                             f"page: {main_text(browser)[:600]}") from error


def test_training_application_from_sign_up_to_award(server, browser, smtp_sink, screenshot, axe_check, tmp_path: Path):
    assert tax_id_is_valid(COMPANY["taxID"])
    logins = {login["role"] if login["role"] != "reviewer" else login["email"]: login for login in server.demo["logins"]}
    reviewers = [login for login in server.demo["logins"] if login["role"] == "reviewer"][:2]
    assert len(reviewers) == 2, "the demo should seed two reviewers"
    people = Personas(browser, server.url)
    base = server.url

    # 01–05 — sign up (個資 notice first), verify the e-mail, sign in.
    open_page(browser, base + "/signup")
    browser.find_element(By.ID, "privacyNotice").click()
    continue_to_signup_form(browser)
    fill(browser, {**COMPANY, **ADMIN})
    step(screenshot, axe_check, browser, "01-signup-form", full_page=True)
    click_button(browser, "確認送出註冊")
    accept_confirm(browser)
    wait_for_text(browser, (By.CSS_SELECTOR, "main h1"), "請收取驗證信")
    step(screenshot, axe_check, browser, "02-signup-done")
    verification = smtp_sink.wait_for_one(to=ADMIN["adminEmail"], subject="請驗證您的電子郵件地址")
    open_page(browser, mail_link(verification, "/verify-email?token="))
    assert heading(browser) == "電子郵件驗證完成"
    step(screenshot, axe_check, browser, "03-email-verified")
    sign_in(browser, base, ADMIN["adminEmail"], ADMIN["password"])
    wait_for_path(browser, "/")
    assert COMPANY["name"] in main_text(browser)
    step(screenshot, axe_check, browser, "04-home")
    people.save("applicant")

    # 05–06 — start a training application; the form has every section of 附件2.
    open_page(browser, base + "/applications")
    step(screenshot, axe_check, browser, "05-applications")
    click_button(browser, "開始填寫模型訓練類申請")
    wait(browser).until(lambda d: re.search(r"/applications/[0-9A-Fa-f-]{36}/edit", d.current_url))
    application_id = re.search(r"/applications/([0-9A-Fa-f-]{36})/edit", browser.current_url).group(1)
    fill(browser, FORM_TEXT)
    for box in FORM_TICKS:
        element = browser.find_element(By.ID, box)
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        if not element.is_selected():
            element.click()
    step(screenshot, axe_check, browser, "06-form-filled", full_page=True)
    click_button(browser, "儲存")
    wait_done(browser, "saved")

    # 07 — the preview: upload an attachment (with its SHA-256 shown), then submit after the confirm.
    open_page(browser, f"{base}/applications/{application_id}")
    reference = re.search(r"\d{3}-T-\d{4}", main_text(browser)).group(0)
    pdf = tmp_path / "落地場域合作備忘錄.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                    b"trailer<</Root 1 0 R>>\n%%EOF\n")
    Select(browser.find_element(By.ID, "purpose")).select_by_index(0)
    browser.find_element(By.ID, "file").send_keys(str(pdf))
    submit_form(browser, "/attachments", "上傳")
    wait(browser).until(lambda d: pdf.name in main_text(d) or d.find_elements(By.ID, "error-summary"))
    assert pdf.name in main_text(browser), main_text(browser)[:500]
    step(screenshot, axe_check, browser, "07-preview-with-attachment")
    click_button(browser, "確認內容無誤，送出申請")
    assert "送出後內容即鎖定" in accept_confirm(browser)
    wait_done(browser, "submitted")
    assert "已送出" in main_text(browser)
    step(screenshot, axe_check, browser, "08-submitted")

    # 09–11 — the operator: the list, the eligibility check, a correction of the contacts section.
    people.be("operator", logins["operator"])
    open_page(browser, base + "/operator/applications")
    assert reference in main_text(browser)
    step(screenshot, axe_check, browser, "09-operator-list")
    open_page(browser, f"{base}/operator/applications/{application_id}")
    click_button(browser, "開始資格審查並執行檢核")
    wait_done(browser, "evaluated")
    step(screenshot, axe_check, browser, "10-eligibility-checked", full_page=True)
    browser.find_element(By.ID, "sections-contacts").click()
    deadline = roc(dt.date.today() + dt.timedelta(days=14))
    fill(browser, {"items": "請更正專案主持人行動電話。", "deadline": deadline})
    click_button(browser, "寄出補正通知")
    wait_done(browser, "correction")
    assert "待補正" in main_text(browser)
    step(screenshot, axe_check, browser, "11-correction-requested")
    people.save("operator")

    # 12–13 — the applicant sees what to fix, edits the opened section and resubmits.
    people.be("applicant")
    open_page(browser, f"{base}/applications/{application_id}")
    assert "請更正專案主持人行動電話。" in main_text(browser)
    step(screenshot, axe_check, browser, "12-correction-notice")
    browser.find_element(By.LINK_TEXT, "修改補正項目").click()
    wait_for_path(browser, f"/applications/{application_id}/edit")
    fill(browser, {"lead.mobile": "0933-222-333"})
    click_button(browser, "儲存")
    wait_done(browser, "saved")
    open_page(browser, f"{base}/applications/{application_id}")
    click_button(browser, "送出補正")
    accept_confirm(browser)
    wait_done(browser, "resubmitted")
    assert "0933-222-333" in main_text(browser)
    step(screenshot, axe_check, browser, "13-resubmitted")

    # 14–16 — the operator checks again, decides the rules the registry could not settle, passes,
    # and assigns two reviewers.
    people.be("operator")
    open_page(browser, f"{base}/operator/applications/{application_id}")
    click_button(browser, "開始資格審查並執行檢核")
    wait_done(browser, "evaluated")
    rules = [e.get_attribute("name")[len("decision-"):] for e in browser.find_elements(By.CSS_SELECTOR, "select[name^='decision-']")]
    for rule in rules:
        Select(browser.find_element(By.NAME, f"decision-{rule}")).select_by_value("pass")
        fill(browser, {f"reason-{rule}": "已人工查核經濟部商工登記公示資料。"})
        submit_form(browser, f"/eligibility/{rule}")
        wait_done(browser, "decided")
    step(screenshot, axe_check, browser, "14-eligibility-decided", full_page=True)
    click_button(browser, "通過，進入專業審查")
    wait_done(browser, "passed")
    for reviewer in reviewers:
        select = Select(browser.find_element(By.ID, "reviewer"))
        option = next(o for o in select.options if o.text.startswith(reviewer["name"]))
        select.select_by_value(option.get_attribute("value"))
        click_button(browser, "指派")
        wait_done(browser, "assigned")
    text = main_text(browser)
    assert all(reviewer["name"] in text for reviewer in reviewers)
    step(screenshot, axe_check, browser, "15-reviewers-assigned")
    people.save("operator")

    # 16–19 — each reviewer: declaration, then the scores.
    for number, (reviewer, score) in enumerate(zip(reviewers, (82, 76)), start=1):
        people.be(reviewer["email"], reviewer)
        open_page(browser, base + "/review")
        assert reference in main_text(browser)
        if number == 1:
            step(screenshot, axe_check, browser, "16-review-list")
        open_page(browser, f"{base}/review/{application_id}")
        Select(browser.find_element(By.ID, "conflict")).select_by_value("no")
        click_button(browser, "送出聲明")
        wait_done(browser, "declared")
        fill(browser, {f"score.{key}": str(score) for key in CRITERIA})
        fill(browser, {"overallComment": "資料來源明確、算力需求估算合理；建議補充模型評測指標。"})
        Select(browser.find_element(By.ID, "action")).select_by_value("submit")
        step(screenshot, axe_check, browser, f"{16 + number}-reviewer{number}-scores", full_page=True)
        click_button(browser, "確認")
        wait_done(browser, "scoreSubmitted")
    step(screenshot, axe_check, browser, "19-scores-submitted")

    # 20–22 — the operator: ranking, review meeting, approval at L2.
    people.be("operator")
    open_page(browser, f"{base}/operator/ranking?category=training")
    assert reference in main_text(browser)
    step(screenshot, axe_check, browser, "20-ranking")
    open_page(browser, f"{base}/operator/applications/{application_id}")
    click_button(browser, "提送審查會議")
    wait_done(browser, "meeting")
    Select(browser.find_element(By.ID, "level")).select_by_value("L2")
    step(screenshot, axe_check, browser, "21-review-meeting")
    click_button(browser, "通過並記錄等級")
    wait_done(browser, "approved")
    assert "審查通過，待核定" in main_text(browser)
    step(screenshot, axe_check, browser, "22-approved")

    # 23–24 — the ministry awards; the applicant's 核定 e-mail reaches the SMTP server.
    people.be("ministry", logins["ministry"])
    open_page(browser, f"{base}/operator/applications/{application_id}")
    step(screenshot, axe_check, browser, "23-award-form")
    click_button(browser, "核定並建立專案")
    assert "核定" in accept_confirm(browser)
    wait(browser).until(lambda d: "done=" in d.current_url)
    assert "已核定" in main_text(browser), main_text(browser)[:600]
    step(screenshot, axe_check, browser, "24-awarded")
    award = smtp_sink.wait_for_one(to=ADMIN["adminEmail"], predicate=lambda m: reference in str(m["Subject"])
                                   and "核定" in str(m["Subject"]), timeout=60)
    assert reference in str(award["Subject"]) and "核定" in str(award["Subject"])

    # 25–26 — the public list of awarded projects, and the applicant's project.
    open_page(browser, base + "/awarded")
    assert COMPANY["name"] in main_text(browser) or FORM_TEXT["title"] in main_text(browser)
    step(screenshot, axe_check, browser, "25-awarded-list")
    people.be("applicant")
    open_page(browser, base + "/projects")
    assert FORM_TEXT["title"] in main_text(browser) or reference in main_text(browser)
    step(screenshot, axe_check, browser, "26-projects")
