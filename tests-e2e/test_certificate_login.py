"""工商憑證 (business certificate) sign-in in a real browser (SPEC C2.4, T1).

There is no card reader, no MOEACA card and no HiPKI component on a CI machine. So:
  * scripts/make-test-pki builds a throw-away GRCA → MOEACA → card hierarchy with real openssl
    (cards for 測試科技股份有限公司 / 統一編號 12345675; a revoked one listed on the CRL);
  * the CRLs are served over HTTP on the loopback port baked into the certificates' CRL
    distribution points, as MOEACA serves its own;
  * scripts/hipki-standin plays the HiPKI local component with a software "card" (that card's key),
    speaking the popup + postMessage protocol that Sources/Web/Static/hipki.js uses.
Everything else is real: the server's challenge, hipki.js in Chromium, the pop-up window, the
server's verification of the PKCS#7 signature, the chain to the pinned root, dates, KeyUsage,
統一編號 and the CRL. What is not tested: the vendor's component, PKCS#11, the card, the reader.

Screenshots 40–49 in artifacts/screenshots/<db>/.
"""

from __future__ import annotations

import base64
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
from selenium.webdriver.common.by import By

from conftest import ROOT, free_port, stop_process, tail
from portal import (
    accept_confirm,
    click_button,
    fill,
    form_session,
    heading,
    mail_link,
    main_text,
    open_page,
    wait_for_path,
    wait_for_text,
)

pytestmark = pytest.mark.browser

CARD_PIN = "246810"
CARD_COMPANY = "測試科技股份有限公司"
CARD_TAX_ID = "12345675"
ADMIN = {
    "adminName": "張雅婷",
    "adminEmail": "yating.chang@test-tech.example.tw",
    "adminPhone": "02-2345-6789",
    "password": "TestTech-2026-card",
    "passwordConfirmation": "TestTech-2026-card",
}
PROFILE = {
    "kind": "company",
    "industryCodes": "J6202, J6399",
    "established": "112/09/01",
    "paidInCapital": "5000000",
    "representative": "張雅婷",
    "employees": "9",
    "address": "臺北市內湖區瑞光路 399 號 5 樓",
    "phone": "02-2345-6789",
    "businessLines": "語音辨識與客服自動化",
    "mainProducts": "臺語客服語音機器人",
    "salesRegions": "臺灣",
}


# --------------------------------------------------------------------------- peers


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@dataclass
class PKIFolder:
    folder: Path
    crl_base: str
    requests_served: list[str]

    def path(self, name: str) -> Path:
        return self.folder / name


@pytest.fixture(scope="module")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PKIFolder]:
    """scripts/make-test-pki for a free loopback port, and that folder served over HTTP there
    (the certificates' CRL distribution points are http://127.0.0.1:PORT/moeaca.crl …)."""
    folder = tmp_path_factory.mktemp("test-pki")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    made = subprocess.run(["bash", str(ROOT / "scripts" / "make-test-pki"), str(folder), base],
                          capture_output=True, text=True, timeout=180, check=False)
    if made.returncode != 0:
        pytest.fail(f"make-test-pki failed:\n{made.stdout}\n{made.stderr}", pytrace=False)
    served: list[str] = []

    class Handler(_QuietHandler):
        def do_GET(self) -> None:
            served.append(self.path)
            super().do_GET()

    httpd = ThreadingHTTPServer(("127.0.0.1", port), partial(Handler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield PKIFolder(folder, base, served)
    finally:
        httpd.shutdown()
        httpd.server_close()


@dataclass
class HiPKIStandIn:
    url: str

    def insert(self, card: str | None) -> None:
        """Puts another software card in the stand-in's reader (None: an empty reader)."""
        response = requests.post(self.url + "/_standin/card", json={"card": card}, timeout=10)
        response.raise_for_status()

    def log(self) -> list[dict[str, Any]]:
        return requests.get(self.url + "/_standin/log", timeout=10).json()


@pytest.fixture(scope="module")
def hipki(test_pki: PKIFolder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HiPKIStandIn]:
    """scripts/hipki-standin on a free loopback port, the primary card inserted, PIN CARD_PIN."""
    folder = tmp_path_factory.mktemp("hipki")
    ready, log_path = folder / "ready", folder / "hipki-standin.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "hipki-standin"), "--pki", str(test_pki.folder),
             "--card", "primary", "--pin", CARD_PIN, "--port", "0", "--ready-file", str(ready)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not ready.is_file():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"hipki-standin did not start:\n{tail(log_path)}", pytrace=False)
            time.sleep(0.05)
        port = int(ready.read_text().split("port=")[1])
        yield HiPKIStandIn(f"http://127.0.0.1:{port}")
    finally:
        stop_process(process, grace=5)


def certificate_settings(test_pki: PKIFolder, hipki: HiPKIStandIn) -> list[str]:
    return [
        "--set", f"certificate.roots={test_pki.path('grca.pem')}",
        "--set", f"certificate.intermediates={test_pki.path('moeaca.pem')}",
        "--set", f"certificate.component.url={hipki.url}",
        "--set", "security.bcrypt.cost=4",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def cert_server(make_server: Any, test_pki: PKIFolder, hipki: HiPKIStandIn) -> Any:
    """A server that trusts the test GRCA/MOEACA and talks to the stand-in component."""
    return make_server("server-certificate", *certificate_settings(test_pki, hipki))


@pytest.fixture
def card(hipki: HiPKIStandIn) -> Iterator[HiPKIStandIn]:
    """The stand-in with the primary card back in the reader after the test."""
    yield hipki
    hipki.insert("primary")


def sign_in_with_card(browser: Any, server: Any, pin: str) -> None:
    """On /signin: type the PIN, press 以工商憑證登入 (opens the component's pop-up)."""
    open_page(browser, server.url + "/signin")
    section = browser.find_element(By.ID, "certificate-login")
    assert section.get_attribute("data-component-url").startswith("http://127.0.0.1:")
    pin_field = browser.find_element(By.ID, "pin")
    assert not pin_field.get_attribute("name"), "the PIN field must not be submitted to the server (T1)"
    pin_field.send_keys(pin)
    click_button(browser, "以工商憑證登入", scope=section)


# --------------------------------------------------------------------------- tests


def test_environment_check_finds_the_component_and_the_card(cert_server, card, browser, screenshot, axe_check):
    # 40 — the page explains what is needed and links the official download.
    open_page(browser, cert_server.url + "/certificate/environment")
    assert heading(browser) == "工商憑證環境檢測"
    assert browser.find_element(By.PARTIAL_LINK_TEXT, "下載專區").get_attribute("href").startswith("https://moica.nat.gov.tw/")
    screenshot("40-certificate-environment")
    # 41 — 開始檢測 asks the local component (CORS) for its version and the card.
    click_button(browser, "開始檢測")
    status = wait_for_text(browser, (By.ID, "env-status"), CARD_COMPANY)
    assert "已偵測到憑證元件：1.3.4.103327" in status, status
    assert "讀卡機中的卡片：" + CARD_COMPANY in status, status
    screenshot("41-certificate-environment-check")
    axe_check(browser, "41-certificate-environment-check")
    # An empty reader is reported as such.
    card.insert(None)
    click_button(browser, "開始檢測")
    status = wait_for_text(browser, (By.ID, "env-status"), "未偵測到卡片")
    assert "已偵測到憑證元件" in status


def test_new_company_registers_with_its_card_then_signs_in_with_it(
    cert_server, card, browser, smtp_sink, screenshot, axe_check, test_pki
):
    # 42 — the card's signature verifies, but no company has this 統一編號 yet: on to sign-up.
    sign_in_with_card(browser, cert_server, CARD_PIN)
    wait_for_path(browser, "/signup", timeout=30)
    assert heading(browser) == "個人資料蒐集、處理及利用告知事項"  # the 個資 notice comes first (T6)
    browser.find_element(By.ID, "privacyNotice").click()
    click_button(browser, "已閱讀，繼續註冊")
    # The notice page is also /signup: wait for the form page's banner itself, not for the path.
    notice = wait_for_text(browser, (By.CSS_SELECTOR, "main .notice"), CARD_TAX_ID)
    assert CARD_COMPANY in notice and CARD_TAX_ID in notice, notice
    tax_id, name = browser.find_element(By.ID, "taxID"), browser.find_element(By.ID, "name")
    assert tax_id.get_attribute("value") == CARD_TAX_ID and tax_id.get_attribute("readonly") is not None
    assert name.get_attribute("value") == CARD_COMPANY and name.get_attribute("readonly") is not None
    screenshot("42-certificate-signup-prefilled")
    axe_check(browser, "42-certificate-signup-prefilled")
    # The CRL was fetched from its distribution point.
    assert "/moeaca.crl" in test_pki.requests_served

    # 43 — the rest of the form, confirm, done.
    fill(browser, {**PROFILE, **ADMIN})
    click_button(browser, "確認送出註冊")
    accept_confirm(browser, "聲明所填資料均屬實")
    wait_for_text(browser, (By.CSS_SELECTOR, "main h1"), "請收取驗證信")
    screenshot("43-certificate-signup-done")
    mail = smtp_sink.wait_for_one(to=ADMIN["adminEmail"], subject="請驗證您的電子郵件地址")
    open_page(browser, mail_link(mail, "/verify-email?token="))
    assert heading(browser) == "電子郵件驗證完成"

    # 44 — the same card again: signed in at once as the company's administrator.
    browser.delete_all_cookies()
    sign_in_with_card(browser, cert_server, CARD_PIN)
    wait_for_path(browser, "/", timeout=30)
    assert ADMIN["adminName"] in browser.find_element(By.CSS_SELECTOR, "header").text
    facts = browser.find_element(By.CSS_SELECTOR, "main .facts").text
    assert CARD_COMPANY in facts and CARD_TAX_ID in facts, facts
    screenshot("44-certificate-signed-in-home")

    # 45 — the profile says the 統一編號 was proven by certificate; the name cannot be edited.
    open_page(browser, cert_server.url + "/organisation")
    assert "工商憑證驗證" in browser.find_element(By.CSS_SELECTOR, "main .facts").text
    assert browser.find_element(By.ID, "name").get_attribute("readonly") is not None
    screenshot("45-certificate-organisation")
    axe_check(browser, "45-certificate-organisation")

    # The component got the page's challenge and the PIN; our server never saw the PIN.
    signs = [entry for entry in card.log() if entry["path"] == "/sign"]
    assert signs and signs[-1]["tbs"].startswith("suanli-login:") and signs[-1]["pinGiven"]
    assert signs[-1]["signatureType"] == "PKCS7" and signs[-1]["hashAlgorithm"] == "SHA256"
    assert CARD_PIN not in cert_server.log_path.read_text(errors="replace")


def test_revoked_card_is_refused(cert_server, card, browser, screenshot, axe_check):
    card.insert("revoked")
    sign_in_with_card(browser, cert_server, CARD_PIN)
    wait_for_path(browser, "/signin/certificate", timeout=30)
    assert "此憑證已被廢止，無法用於登入。" in main_text(browser), main_text(browser)
    assert "certificate.revoked" in main_text(browser)
    assert not browser.find_elements(By.CSS_SELECTOR, "form[action='/signout']")
    screenshot("46-certificate-revoked")
    axe_check(browser, "46-certificate-revoked")


def test_wrong_pin_is_reported_by_the_component(cert_server, card, browser, screenshot):
    sign_in_with_card(browser, cert_server, "000000")
    status = wait_for_text(browser, (By.ID, "cert-status"), "卡片簽章失敗")
    assert "0x76000006" in status, status
    assert "/signin" in browser.current_url and not browser.find_elements(By.CSS_SELECTOR, "form[action='/signout']")
    screenshot("47-certificate-wrong-pin")


def sign_challenge(test_pki: PKIFolder, card_name: str, challenge: str, tmp_path: Path) -> str:
    """What the component does: CMS SignedData over the challenge with the card's key (base64)."""
    tbs = tmp_path / "tbs.bin"
    tbs.write_bytes(challenge.encode())
    der = subprocess.run(
        ["openssl", "cms", "-sign", "-binary", "-nodetach", "-outform", "DER", "-md", "sha256",
         "-signer", str(test_pki.path(f"{card_name}.pem")), "-inkey", str(test_pki.path(f"{card_name}.key")),
         "-in", str(tbs)],
        capture_output=True, check=True, timeout=30,
    ).stdout  # fmt: skip
    return base64.b64encode(der).decode()


def test_certificate_signup_keeps_the_certificates_company_name(make_server, test_pki, hipki, smtp_sink, tmp_path):
    """Server-side, not just `readonly` in the page (SPEC T4: all validation is server-side).

    Plain HTTP, as a client that ignores `readonly` would send it; the signature is made the way the
    component makes it."""
    server = make_server("server-certificate-tamper", *certificate_settings(test_pki, hipki))
    session, csrf = form_session(server, "/signin")
    issued = session.post("/signin/certificate/challenge", headers={"X-CSRF-Token": csrf, "Accept": "application/json"})
    assert issued.status_code == 200, issued.text
    challenge = issued.json()
    signature = sign_challenge(test_pki, "primary", challenge["challenge"], tmp_path)
    verified = session.post("/signin/certificate", data={"_csrf": csrf, "challengeId": challenge["challengeId"],
                                                        "signature": signature, "certificate": ""},
                            allow_redirects=False)
    assert verified.status_code == 303 and verified.headers["Location"] == "/signup", verified.text[:300]
    session.post("/signup/notice", data={"_csrf": csrf, "privacyNotice": "yes"})
    admin = {**ADMIN, "adminEmail": "tamper@test-tech.example.tw"}
    done = session.post("/signup", data={"_csrf": csrf, **PROFILE, **admin, "taxID": CARD_TAX_ID,
                                         "name": "冒名頂替股份有限公司"})
    if done.status_code == 422:
        return  # refused: fine
    assert done.status_code == 200, done.text[:500]
    # Registered: verify the address, sign in, and read the stored name.
    mail = smtp_sink.wait_for_one(to=admin["adminEmail"], subject="請驗證您的電子郵件地址")
    server.get(mail_link(mail, "/verify-email?token=").replace(server.url, ""))
    login, token = form_session(server, "/signin")
    login.post("/signin", data={"_csrf": token, "email": admin["adminEmail"], "password": admin["password"]})
    profile = login.get("/organisation").text
    assert "工商憑證驗證" in profile
    assert "冒名頂替股份有限公司" not in profile and CARD_COMPANY in profile, (
        "the tampered name was stored as certificate-proven"
    )
