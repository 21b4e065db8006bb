"""The e2e harness itself works on this machine: Chromium, chromedriver, fonts, axe-core, mail.

These need no `suanli` binary, so a broken machine is told apart from a broken server.
"""

from __future__ import annotations

import smtplib
import struct
import warnings
from email.message import EmailMessage
from pathlib import Path

import pytest

from conftest import run_axe

GOOD_PAGE = """<!doctype html>
<html lang="zh-Hant-TW"><head><meta charset="utf-8"><title>算力 測試頁</title></head>
<body><main><h1>國家算力補助計畫</h1><p>申請期限：民國 115 年 12 月 31 日</p>
<form><label for="tax">統一編號</label><input id="tax" name="tax"></form></main></body></html>"""

BAD_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>bad</title></head>
<body><img src="x.png"><input name="nolabel"></body></html>"""


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def page(tmp_path: Path):
    def write(html: str) -> str:
        path = tmp_path / "page.html"
        path.write_text(html, encoding="utf-8")
        return path.as_uri()

    return write


@pytest.mark.browser
def test_browser_prefers_taiwanese_mandarin(browser, page):
    browser.get(page(GOOD_PAGE))
    assert browser.execute_script("return navigator.languages")[0] == "zh-TW"
    assert browser.execute_script("return [window.innerWidth, window.innerHeight]") == [1280, 900]


@pytest.mark.browser
def test_screenshot_is_saved_at_window_size(browser, page, screenshot, db_kind):
    browser.get(page(GOOD_PAGE))
    path = screenshot("harness-zh-tw")
    assert path.parts[-2] == db_kind and path.name == "harness-zh-tw.png"
    assert png_size(path) == (1280, 900)
    full = screenshot("harness-zh-tw-full", full_page=True)
    assert png_size(full)[0] == 1280


@pytest.mark.browser
def test_cjk_text_renders_with_a_real_font(browser, page):
    # Without a CJK font every ideograph is drawn as the same "tofu" box.
    browser.get(page(GOOD_PAGE))
    glyphs = browser.execute_script(
        "return ['國', '一', '算'].map(t => {"
        "  const canvas = document.createElement('canvas'); canvas.width = canvas.height = 40;"
        "  const c = canvas.getContext('2d'); c.font = '32px sans-serif'; c.fillText(t, 4, 34);"
        "  return canvas.toDataURL(); });"
    )
    assert len(set(glyphs)) == 3, "CJK characters render identically: no CJK font (fonts-noto-cjk)"


@pytest.mark.browser
def test_axe_check_passes_a_clean_page_and_writes_its_report(browser, page, axe_check, artifacts_dir, db_kind):
    browser.get(page(GOOD_PAGE))
    results = axe_check(browser, "harness-good")
    assert results["testEngine"]["name"] == "axe-core"
    assert (artifacts_dir / "axe" / db_kind / "harness-good.json").is_file()


@pytest.mark.browser
def test_axe_check_fails_on_critical_violations(browser, page, axe_check):
    browser.get(page(BAD_PAGE))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its minor/moderate findings; which ones depends on axe's version
        with pytest.raises(pytest.fail.Exception, match="image-alt"):
            axe_check(browser, "harness-bad")
    ids = {v["id"] for v in run_axe(browser)["violations"]}
    assert {"image-alt", "label"} <= ids


def test_smtp_sink_receives_and_parses_utf8_mail(smtp_sink):
    message = EmailMessage()
    message["From"] = "noreply@suanli.test"
    message["To"] = "王小明 <ming@example.tw>"
    message["Subject"] = "申請已送出 #42"
    message.set_content("請點選連結確認：https://suanli.test/confirm?t=abc123\n")
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=10) as client:
        client.send_message(message)
    received = smtp_sink.wait_for_one(to="ming@example.tw", subject="申請已送出", timeout=15)
    assert smtp_sink.links(received) == ["https://suanli.test/confirm?t=abc123"]
    assert "請點選連結確認" in smtp_sink.text(received)
    with pytest.raises(AssertionError, match="timed out"):
        smtp_sink.wait_for_one(to="ming@example.tw", timeout=0.5)


def test_extra_sink_with_starttls_and_envelope(make_smtp_sink):
    import ssl

    sink = make_smtp_sink("--starttls")
    assert sink.ca is not None and sink.ca.is_file()
    message = EmailMessage()
    message["From"] = "noreply@suanli.test"
    message["To"] = "ops@example.tw"
    message["Subject"] = "TLS"
    message.set_content("hello")
    with smtplib.SMTP(sink.host, sink.port, timeout=10) as client:
        client.starttls(context=ssl.create_default_context(cafile=str(sink.ca)))
        client.send_message(message, to_addrs=["ops@example.tw", "bcc@example.tw"])
    received = sink.wait_for_one(to="bcc@example.tw", timeout=15)
    assert received.envelope["tls"] is True
    assert received.envelope["rcpt_tos"] == ["ops@example.tw", "bcc@example.tw"]
