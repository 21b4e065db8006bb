"""Helpers for the browser tests of the portal: TOTP codes, 統一編號, forms, waits and mail.

Plain functions over a selenium WebDriver, so each test reads as the steps a person takes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from email.message import EmailMessage
from typing import Any

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

WAIT = 15  # seconds for anything the browser or the server does


# --------------------------------------------------------------------------- codes


def totp(secret: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 TOTP (HMAC-SHA1), what authenticator apps compute from a base32 secret."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def fresh_totp(secret: str, margin: float = 3.0) -> str:
    """A code that stays valid for at least `margin` seconds (waits out the end of a 30 s step)."""
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left + 0.2)
    return totp(secret)


TAX_ID_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)


def tax_id_is_valid(tax_id: str) -> bool:
    """統一編號 checksum (財政部 2023 rule: the weighted digit sum divisible by 5; a 7th digit of 7
    may count as 0 or 1)."""
    if not re.fullmatch(r"\d{8}", tax_id):
        return False
    total = 0
    for digit, weight in zip(tax_id, TAX_ID_WEIGHTS):
        product = int(digit) * weight
        total += product // 10 + product % 10
    return total % 5 == 0 or (tax_id[6] == "7" and (total + 1) % 5 == 0)


# --------------------------------------------------------------------------- browser


def wait(driver: Any, timeout: float = WAIT) -> WebDriverWait:
    # A page being replaced while a condition reads it (a form just posted) is normal: read again.
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,))


def open_page(driver: Any, url: str) -> None:
    driver.get(url)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _page_replaced(error: WebDriverException) -> bool:
    # Chrome reports a node of a page that a navigation just replaced either as a stale element or, when the
    # swap lands between finding the node and reading it, as an inspector error about the document.
    return isinstance(error, StaleElementReferenceException) or "does not belong to the document" in (error.msg or "")


def _read_settled(read: Any, attempts: int = 50) -> Any:
    """Runs `read` again while the page it reads is being replaced (a form just posted); other errors surface."""
    for attempt in range(attempts):
        try:
            return read()
        except WebDriverException as error:
            if not _page_replaced(error) or attempt == attempts - 1:
                raise
            time.sleep(0.1)


def heading(driver: Any) -> str:
    return _read_settled(lambda: driver.find_element(By.CSS_SELECTOR, "main h1").text.strip())


def main_text(driver: Any) -> str:
    return _read_settled(lambda: driver.find_element(By.ID, "main").text)


def fill(driver: Any, values: dict[str, str]) -> None:
    """Types each value into the control with that name (inputs, textareas) or picks it (selects)."""
    for name, value in values.items():
        element = driver.find_element(By.NAME, name)
        if element.tag_name == "select":
            Select(element).select_by_value(value)
            continue
        element.clear()
        if value:
            element.send_keys(value)


def click_button(driver: Any, text: str, scope: Any = None) -> None:
    """Clicks the button whose visible text is `text` (inside `scope`, default the page's main)."""
    root = scope or driver.find_element(By.ID, "main")
    buttons = [b for b in root.find_elements(By.TAG_NAME, "button") if b.text.strip() == text]
    assert buttons, f"no button {text!r} on {driver.current_url}; buttons: " + repr(
        [b.text for b in root.find_elements(By.TAG_NAME, "button")]
    )
    buttons[0].click()


def click_link(driver: Any, text: str) -> None:
    driver.find_element(By.LINK_TEXT, text).click()
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def accept_confirm(driver: Any, expected: str | None = None) -> str:
    """Accepts the window.confirm() the page raised (forms with data-confirm) and returns its text."""
    alert = wait(driver, 5).until(EC.alert_is_present())
    text = alert.text
    if expected is not None:
        assert expected in text, f"confirm text {text!r}"
    alert.accept()
    return text


def dismiss_confirm(driver: Any) -> str:
    """Answers "Cancel" to the page's window.confirm() and returns its text."""
    alert = wait(driver, 5).until(EC.alert_is_present())
    text = alert.text
    alert.dismiss()
    return text


def continue_to_signup_form(driver: Any, timeout: float = WAIT) -> None:
    """Accepts the 個資 notice (its box already ticked) and waits for the sign-up form itself. The notice
    page is also at /signup, so waiting for the path can return before the form has replaced it."""
    click_button(driver, "已閱讀，繼續註冊")
    wait(driver, timeout).until(lambda d: d.find_elements(By.NAME, "taxID"))
    wait(driver, timeout).until(lambda d: d.execute_script("return document.readyState") == "complete")


def wait_for_path(driver: Any, path: str, timeout: float = WAIT) -> None:
    """Waits until the browser is on `path` (query ignored) and the page has loaded."""

    def arrived(d: Any) -> bool:
        current = re.sub(r"^https?://[^/]+", "", d.current_url).split("?")[0]
        return current == path and d.execute_script("return document.readyState") == "complete"

    try:
        wait(driver, timeout).until(arrived)
    except Exception as error:
        raise AssertionError(f"expected {path}, still on {driver.current_url}: {main_text(driver)[:500]}") from error


def wait_for_text(driver: Any, locator: tuple[str, str], text: str, timeout: float = WAIT) -> str:
    try:
        wait(driver, timeout).until(EC.text_to_be_present_in_element(locator, text))
    except Exception as error:
        found = driver.find_element(*locator).text if driver.find_elements(*locator) else "(missing)"
        raise AssertionError(f"{locator} never showed {text!r}; it shows {found!r} on {driver.current_url}") from error
    return driver.find_element(*locator).text


def error_summary(driver: Any) -> list[str]:
    """The error summary's entries (each links to its field)."""
    return [item.text for item in driver.find_elements(By.CSS_SELECTOR, "#error-summary li")]


def inline_error(driver: Any, field: str) -> str:
    return driver.find_element(By.ID, f"{field}-error").text


def sign_in(driver: Any, base_url: str, email: str, password: str) -> None:
    open_page(driver, base_url + "/signin")
    fill(driver, {"email": email, "password": password})
    click_button(driver, "登入" if driver.find_element(By.TAG_NAME, "html").get_attribute("lang") != "en" else "Sign in")


def sign_out(driver: Any) -> None:
    driver.find_element(By.CSS_SELECTOR, "form[action='/signout'] button").click()
    wait(driver).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "form[action='/signout']"))


# --------------------------------------------------------------------------- mail


def mail_text(message: EmailMessage) -> str:
    """The text/plain part, with its transfer encoding (base64 / quoted-printable) and charset undone."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, f"no text/plain part in {message['Subject']}"
    return part.get_content()


def mail_link(message: EmailMessage, path: str) -> str:
    """The one link in the mail whose path starts with `path`."""
    links = re.findall(r"https?://[^\s\"'<>)\]]+", mail_text(message))
    matching = [link for link in links if re.sub(r"^https?://[^/]+", "", link).startswith(path)]
    assert matching, f"no {path} link in the mail; links: {links}"
    return matching[0]


# --------------------------------------------------------------------------- plain HTTP


def form_session(server: Any, path: str) -> tuple[Any, str]:
    """A requests session that has loaded `path`, and the page's CSRF token for posting forms."""
    session = server.session()
    page = session.get(path)
    found = re.search(r'name="_csrf" value="([^"]+)"', page.text)
    assert found, f"no _csrf field on {path}"
    return session, found.group(1)
