"""The portal in a real browser (headless Chromium), against the real server and a real SMTP sink.

Each test is a walk a person would take, with a numbered screenshot of every step in
artifacts/screenshots/<db>/NN-name.png and an axe-core check (no serious or critical violations,
SPEC T7) of every distinct page:

  01–19  a company registers (個資 notice, form, error summary, confirm), verifies its e-mail, signs
         in, sees its dashboard and profile, invites a member, switches language, makes an API token,
         signs out                                                    (SPEC C3.1, T2, T6, T7, X1)
  20–24  an operator signs in with password + TOTP and reads the tamper-evident audit log (T2, T3)
  25–29  five wrong passwords lock the account; the sixth try says so; a mail tells the owner (T2)
  30–34  the idle-session warning appears and "繼續使用" keeps the session (T2)
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from portal import (
    continue_to_signup_form,
    accept_confirm,
    dismiss_confirm,
    click_button,
    error_summary,
    fill,
    form_session,
    fresh_totp,
    heading,
    inline_error,
    mail_link,
    mail_text,
    main_text,
    open_page,
    sign_in,
    sign_out,
    tax_id_is_valid,
    wait,
    wait_for_path,
    wait_for_text,
)

pytestmark = pytest.mark.browser

# A made-up but realistic applicant (統一編號 with a valid checksum, a ROC founding date).
COMPANY = {
    "taxID": "53212539",
    "name": "晨曦智造股份有限公司",
    "kind": "company",
    "industryCodes": "J6201, J6312",
    "established": "110/04/12",
    "paidInCapital": "8000000",
    "representative": "陳怡君",
    "employees": "23",
    "address": "臺南市新市區南科三路 15 號 3 樓",
    "phone": "06-505-1234",
    "businessLines": "工業視覺檢測模型開發、製造業資料分析顧問",
    "mainProducts": "PCB 瑕疵檢測 AI、產線異常預警系統",
    "salesRegions": "臺灣、越南",
}
ADMIN = {
    "adminName": "陳怡君",
    "adminEmail": "yijun.chen@chenxi-ai.example.tw",
    "adminPhone": "0912-345-678",
    "password": "Chenxi-2026-GPU",
    "passwordConfirmation": "Chenxi-2026-GPU",
}
BAD_TAX_ID = "53212538"  # one digit off: the checksum fails
MEMBER = {"name": "林冠宇", "email": "guanyu.lin@chenxi-ai.example.tw", "role": "applicant_member"}


def step(screenshot: Any, axe_check: Any, browser: Any, name: str, *, axe: bool = True, full_page: bool = False) -> None:
    """Screenshot this step; run axe-core when the page is one not checked before."""
    screenshot(name, full_page=full_page)
    if axe:
        axe_check(browser, name)


def test_company_signs_up_verifies_and_uses_the_portal(server, browser, smtp_sink, screenshot, axe_check):
    assert tax_id_is_valid(COMPANY["taxID"]) and not tax_id_is_valid(BAD_TAX_ID)

    # 01 — home page, zh-TW by default, signed out.
    open_page(browser, server.url + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-TW"
    assert heading(browser) == "AI 算力補助計畫"
    assert "民國" in browser.find_element(By.CSS_SELECTOR, "footer").text or re.search(
        r"\d{3}年", browser.find_element(By.CSS_SELECTOR, "footer").text
    ), "today's date in the footer should be in the ROC calendar (SPEC X1)"
    step(screenshot, axe_check, browser, "01-home")

    # 02 — 公司註冊 first shows the 個資法 §8 notice; continuing without the tick is refused.
    browser.find_element(By.CSS_SELECTOR, "main a.button[href='/signup']").click()
    wait_for_path(browser, "/signup")
    assert heading(browser) == "個人資料蒐集、處理及利用告知事項"
    assert "個人資料保護法第 8 條" in main_text(browser)
    step(screenshot, axe_check, browser, "02-privacy-notice")
    click_button(browser, "已閱讀，繼續註冊")
    wait_for_path(browser, "/signup/notice")
    assert "請勾選已閱讀個人資料蒐集告知事項。" in main_text(browser)
    step(screenshot, axe_check, browser, "03-privacy-notice-not-ticked")
    browser.find_element(By.ID, "privacyNotice").click()
    continue_to_signup_form(browser)

    # 04 — the company form (附件1) and the administrator account.
    assert heading(browser) == "公司註冊"
    fill(browser, {**COMPANY, "taxID": BAD_TAX_ID, **ADMIN})
    step(screenshot, axe_check, browser, "04-signup-form", full_page=True)
    # Cancelling the confirmation sends nothing.
    click_button(browser, "確認送出註冊")
    dismiss_confirm(browser)
    assert browser.current_url.endswith("/signup") and not browser.find_elements(By.ID, "error-summary")

    # 05 — submitting asks for confirmation (legal effect, SPEC T7); the wrong 統一編號 comes back
    # with an error summary linking to the field and the error next to it; nothing is lost.
    click_button(browser, "確認送出註冊")
    assert "聲明所填資料均屬實" in accept_confirm(browser)
    wait(browser).until(lambda d: d.find_elements(By.ID, "error-summary"))
    summary = error_summary(browser)
    assert len(summary) == 1 and "統一編號" in summary[0], summary
    assert browser.find_element(By.CSS_SELECTOR, "#error-summary a").get_attribute("href").endswith("#taxID")
    assert inline_error(browser, "taxID"), "no error text next to the 統一編號 field"
    assert browser.find_element(By.ID, "taxID").get_attribute("aria-invalid") == "true"
    assert browser.switch_to.active_element.get_attribute("id") == "error-summary", "focus should move to the summary"
    assert browser.find_element(By.ID, "name").get_attribute("value") == COMPANY["name"]
    assert browser.find_element(By.ID, "address").get_attribute("value") == COMPANY["address"]
    assert browser.find_element(By.ID, "password").get_attribute("value") == "", "passwords must not be echoed"
    step(screenshot, axe_check, browser, "05-signup-errors")

    # 06 — corrected and confirmed: "check your e-mail".
    fill(browser, {"taxID": COMPANY["taxID"], "password": ADMIN["password"],
                   "passwordConfirmation": ADMIN["passwordConfirmation"]})
    click_button(browser, "確認送出註冊")
    accept_confirm(browser)
    wait_for_text(browser, (By.CSS_SELECTOR, "main h1"), "請收取驗證信")
    assert ADMIN["adminEmail"] in main_text(browser)
    step(screenshot, axe_check, browser, "06-signup-done")

    # 07 — the verification mail (MIME, decoded) links back to the portal; the link verifies.
    mail = smtp_sink.wait_for_one(to=ADMIN["adminEmail"], subject="請驗證您的電子郵件地址")
    assert mail.get_content_type() == "multipart/alternative"
    plain, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert plain.get_content_charset() == "utf-8" and plain["Content-Transfer-Encoding"] == "base64"
    text = mail_text(mail)  # decoded from base64 / UTF-8
    assert "感謝您註冊算力平台" in text, text
    link = mail_link(mail, "/verify-email?token=")
    assert link in html.get_content(), "the HTML part should carry the same link"
    assert link.startswith(server.url), f"the link {link} should point at this server"
    open_page(browser, link)
    assert heading(browser) == "電子郵件驗證完成"
    step(screenshot, axe_check, browser, "07-email-verified")

    # 08 — sign in with e-mail and password.
    browser.find_element(By.LINK_TEXT, "登入").click()
    wait_for_path(browser, "/signin")
    fill(browser, {"email": ADMIN["adminEmail"], "password": ADMIN["password"]})
    step(screenshot, axe_check, browser, "08-signin")
    click_button(browser, "登入")

    # 09 — the dashboard shows the company.
    wait_for_path(browser, "/")
    header = browser.find_element(By.CSS_SELECTOR, "header").text
    assert ADMIN["adminName"] in header and "登出" in header
    facts = browser.find_element(By.CSS_SELECTOR, "main .facts").text
    assert COMPANY["name"] in facts and COMPANY["taxID"] in facts
    step(screenshot, axe_check, browser, "09-home-signed-in")

    # 10 — the company profile, with the ROC founding date and the capital as entered.
    browser.find_element(By.LINK_TEXT, "檢視公司資料").click()
    wait_for_path(browser, "/organisation")
    profile = browser.find_element(By.CSS_SELECTOR, "main .facts").text
    assert "民國110年4月12日" in profile, profile  # ROC calendar by default (SPEC X1)
    assert "8,000,000" in profile and COMPANY["representative"] in profile and "自行填報" in profile
    step(screenshot, axe_check, browser, "10-organisation", full_page=True)

    # 11–12 — invite a member: the invitation mail arrives with a link to set a password.
    open_page(browser, server.url + "/organisation/members")
    assert heading(browser) == "成員管理"
    assert ADMIN["adminEmail"] in main_text(browser)
    step(screenshot, axe_check, browser, "11-members")
    fill(browser, MEMBER)
    click_button(browser, "寄送邀請")
    wait_for_text(browser, (By.CSS_SELECTOR, "main .notice"), MEMBER["email"])
    rows = browser.find_element(By.CSS_SELECTOR, "main table").text
    assert MEMBER["name"] in rows and "待接受邀請" in rows, rows
    step(screenshot, axe_check, browser, "12-member-invited")
    invitation = smtp_sink.wait_for_one(to=MEMBER["email"], subject=COMPANY["name"])
    assert mail_link(invitation, "/invitation?token=").startswith(server.url)

    # 13 — English and back (the choice is remembered for the account).
    open_page(browser, server.url + "/")
    browser.find_element(By.CSS_SELECTOR, "a.lang-switch").click()
    wait_for_text(browser, (By.CSS_SELECTOR, "main h1"), "AI compute grant programme")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "Sign out" in browser.find_element(By.CSS_SELECTOR, "header").text
    step(screenshot, axe_check, browser, "13-home-english")
    browser.find_element(By.CSS_SELECTOR, "a.lang-switch").click()
    wait_for_text(browser, (By.CSS_SELECTOR, "main h1"), "AI 算力補助計畫")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-TW"

    # 14–15 — account settings: create an API token, shown once.
    browser.find_element(By.LINK_TEXT, "前往帳號設定").click()
    wait_for_path(browser, "/account")
    assert heading(browser) == "帳號設定"
    step(screenshot, axe_check, browser, "14-account", full_page=True)
    token_form = browser.find_element(By.CSS_SELECTOR, "form[action='/account/tokens']")
    token_form.find_element(By.NAME, "name").send_keys("產線檢測批次上傳")
    token_form.find_element(By.NAME, "expiresInDays").send_keys("90")
    click_button(browser, "建立權杖", scope=token_form)
    wait_for_text(browser, (By.ID, "new-token"), "")
    token = browser.find_element(By.ID, "new-token").text.strip()
    assert len(token) >= 20, token
    rows = browser.find_element(By.CSS_SELECTOR, "main table").text
    assert "產線檢測批次上傳" in rows
    step(screenshot, axe_check, browser, "15-api-token-created")
    # Shown once: a reload lists the token (by its prefix) but never the token itself.
    # (Using it against /api/v1 belongs to the API tests.)
    open_page(browser, server.url + "/account")
    assert not browser.find_elements(By.ID, "new-token") and token not in browser.page_source

    # 16 — sign out: back to the public home page.
    sign_out(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "main a.button[href='/signin']")
    step(screenshot, axe_check, browser, "16-signed-out", axe=False)
    open_page(browser, server.url + "/account")
    wait_for_path(browser, "/signin")


def test_operator_signs_in_with_totp_and_reads_the_audit_log(server, browser, screenshot, axe_check):
    operator = next(login for login in server.demo["logins"] if login["role"] == "operator")

    # 20 — password first; staff then need the second factor (SPEC T2).
    sign_in(browser, server.url, operator["email"], operator["password"])
    wait_for_path(browser, "/signin/totp")
    assert heading(browser) == "第二階段驗證"
    step(screenshot, axe_check, browser, "20-operator-totp")
    # Until the code is given, staff pages stay closed.
    open_page(browser, server.url + "/operator/audit")
    assert "/operator/audit" not in browser.current_url or "稽核紀錄" not in heading(browser)
    open_page(browser, server.url + "/signin/totp")

    # 21 — a wrong code is refused with a message; the right one lets the operator in.
    fill(browser, {"code": "000000" if fresh_totp(operator["totpSecret"]) != "000000" else "111111"})
    click_button(browser, "驗證")
    wait(browser).until(lambda d: d.find_elements(By.ID, "error-summary"))
    assert inline_error(browser, "code")
    step(screenshot, axe_check, browser, "21-operator-totp-wrong")
    fill(browser, {"code": fresh_totp(operator["totpSecret"])})
    click_button(browser, "驗證")
    wait_for_path(browser, "/")
    assert operator["name"] in browser.find_element(By.CSS_SELECTOR, "header").text

    # 22 — the audit log: records, newest first, and the hash chain reported intact.
    browser.find_element(By.CSS_SELECTOR, "nav a[href='/operator/audit']").click()
    wait_for_path(browser, "/operator/audit")
    assert heading(browser).startswith("稽核紀錄")
    status = browser.find_element(By.CSS_SELECTOR, "main [role=status]")
    assert "notice" in status.get_attribute("class"), status.text
    assert "紀錄完整" in status.text and "intact:" in status.text, status.text
    rows = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    assert len(rows) >= 5, len(rows)
    actions = [row.find_elements(By.TAG_NAME, "td")[3].text for row in rows]
    assert "user.mfa.succeeded" in actions, actions
    assert any(row.find_elements(By.TAG_NAME, "td")[2].text == operator["email"] for row in rows)
    step(screenshot, axe_check, browser, "22-operator-audit")

    # A company account may not open it.
    sign_out(browser)
    company = next(login for login in server.demo["logins"] if login["role"] == "applicant_admin")
    sign_in(browser, server.url, company["email"], company["password"])
    wait_for_path(browser, "/")
    open_page(browser, server.url + "/operator/audit")
    assert "稽核紀錄" not in heading(browser)
    assert "您沒有權限" in main_text(browser) and "auth.forbidden" in main_text(browser)
    step(screenshot, axe_check, browser, "23-audit-forbidden-for-company")


@pytest.fixture(scope="module")
def lockout_server(make_server):
    """Its own server: the shared one's per-address failure counter (10 per window from 127.0.0.1)
    must not be spent by this test."""
    return make_server("server-lockout", "--set", "security.bcrypt.cost=4")


def test_five_wrong_passwords_lock_the_account(lockout_server, browser, smtp_sink, screenshot, axe_check):
    server = lockout_server
    victim = next(login for login in server.demo["logins"] if login["email"] == "admin@guanghe.demo")

    # 25 — wrong passwords are refused with a warning about the lock.
    for attempt in range(1, 6):
        sign_in(browser, server.url, victim["email"], f"Wrong-password-{attempt}")
        wait(browser).until(lambda d: d.find_elements(By.ID, "error-summary"))
        if attempt == 1:
            assert "連續錯誤 5 次帳號將鎖定 15 分鐘" in main_text(browser)
            step(screenshot, axe_check, browser, "25-signin-wrong-password")
        elif attempt < 5:
            assert "帳號已鎖定" not in main_text(browser)
    # The 5th failure locks the account (SPEC T2: lock for ≥ 15 minutes after 5 failed logins).
    assert "帳號已鎖定" in main_text(browser) and "15 分鐘" in main_text(browser), main_text(browser)
    # 26 — the 6th try, even with the right password, gets the lock message (HTTP 423).
    sign_in(browser, server.url, victim["email"], victim["password"])
    wait(browser).until(lambda d: d.find_elements(By.ID, "error-summary"))
    assert "帳號已鎖定" in main_text(browser), main_text(browser)
    assert not browser.find_elements(By.CSS_SELECTOR, "form[action='/signout']")
    step(screenshot, axe_check, browser, "26-signin-locked")
    session, csrf = form_session(server, "/signin")
    locked = session.post("/signin", data={"email": victim["email"], "password": victim["password"], "_csrf": csrf},
                          allow_redirects=False)
    assert locked.status_code == 423, (locked.status_code, locked.text[:300])

    # The owner is told by e-mail.
    mail = smtp_sink.wait_for_one(to=victim["email"], subject="您的帳號已暫時鎖定")
    assert "15" in mail_text(mail)


IDLE_MINUTES = 3  # the smallest setting that leaves time before the 2-minute warning


@pytest.fixture(scope="module")
def idle_server(make_server):
    return make_server("server-idle", "--set", f"session.idle.minutes={IDLE_MINUTES}",
                       "--set", "security.bcrypt.cost=4")


@pytest.mark.slow
def test_idle_session_warning_and_extend(idle_server, browser, screenshot, axe_check):
    """SPEC T2: idle sessions time out with a warning and a way to extend.

    Real time, no clock tricks: with a 3-minute idle limit the page must stay quiet for the first
    minute and show the warning when 2 minutes are left (~60 s after the page loaded); then
    「繼續使用」 asks the server to extend the session. About 65 s of waiting.
    """
    company = next(login for login in idle_server.demo["logins"] if login["role"] == "applicant_admin")
    sign_in(browser, idle_server.url, company["email"], company["password"])
    wait_for_path(browser, "/")
    loaded = time.monotonic()
    seconds = int(browser.find_element(By.TAG_NAME, "body").get_attribute("data-idle-seconds"))
    assert IDLE_MINUTES * 60 - 5 <= seconds <= IDLE_MINUTES * 60, seconds
    warning = browser.find_element(By.ID, "idle-warning")
    assert not warning.is_displayed()
    # Record what the server answers to the extend request (the page's own fetch, unchanged).
    browser.execute_script("""
        window.__extendReplies = [];
        const original = window.fetch;
        window.fetch = function (input, init) {
          return original.call(this, input, init).then(function (response) {
            if (String(input).indexOf("/session/extend") >= 0) {
              response.clone().json().then(function (body) { window.__extendReplies.push(body); });
            }
            return response;
          });
        };""")

    # 30 — still quiet well before the last two minutes…
    time.sleep(max(0.0, seconds - 120 - 8 - (time.monotonic() - loaded)))
    assert not warning.is_displayed(), "the warning came too early"
    # …and shown once two minutes are left, with a countdown and the extend button.
    wait(browser, 20).until(lambda d: warning.is_displayed())
    shown_after = time.monotonic() - loaded
    assert seconds - 120 - 3 <= shown_after <= seconds - 120 + 5, shown_after
    remaining = browser.find_element(By.ID, "idle-remaining").text
    assert re.fullmatch(r"[0-2]:[0-5]\d", remaining), remaining
    assert warning.get_attribute("role") == "alertdialog"
    assert "將於以下時間後自動登出" in warning.text
    assert browser.switch_to.active_element.get_attribute("id") == "idle-extend", "focus should go to the button"
    step(screenshot, axe_check, browser, "30-idle-warning")

    # 31 — 「繼續使用」: the server grants a fresh idle period and the warning goes away.
    click_button(browser, "繼續使用", scope=warning)
    wait(browser, 10).until(lambda d: not warning.is_displayed())
    replies = wait(browser, 10).until(lambda d: d.execute_script("return window.__extendReplies"))
    assert IDLE_MINUTES * 60 - 5 <= replies[0]["remainingSeconds"] <= IDLE_MINUTES * 60, replies
    # (Without it, about 2 minutes would have been left.)
    step(screenshot, axe_check, browser, "31-idle-extended", axe=False)

    # Still signed in on the next page, with a full idle period ahead.
    open_page(browser, idle_server.url + "/account")
    assert heading(browser) == "帳號設定"
    fresh = int(browser.find_element(By.TAG_NAME, "body").get_attribute("data-idle-seconds"))
    assert fresh >= IDLE_MINUTES * 60 - 10, fresh
