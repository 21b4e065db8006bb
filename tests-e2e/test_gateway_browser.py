"""The inference pages in a real browser (issue 4, item 6; SPEC C5.6): the tenant creates an API key
(shown once), calls the real model with it, sees remaining points, the daily chart, the per-model
table and recent requests, downloads the CSV and revokes the key; the operator sees consumption,
refused requests and the catalogue, and adds a name to the deny list through the form.
Screenshots go to artifacts/e2e/<db>/ (gateway-*.png); each page is checked with axe.
"""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import openai
import pytest
import requests
from conftest import ModelServers, SuanliServer
from portal import accept_confirm, click_button, fill, main_text, open_page, sign_in, wait, wait_for_path
from selenium.webdriver.common.by import By
from test_grants_browser import staff_sign_in

CHAT = "gemma-3-270m"


@pytest.fixture(scope="module")
def pages_server(make_server: Any, model_servers: ModelServers) -> SuanliServer:
    server = make_server("gateway-pages", "--set", "gateway.flush.ms=50")
    server.cli("admin", "model", "add", "--id", CHAT, "--developer", "Google", "--origin", "US",
               "--capability", "chat", "--upstream", model_servers.chat_url)  # fmt: skip
    return server


def step(screenshot: Any, axe_check: Any, browser: Any, name: str, *, full_page: bool = True) -> None:
    screenshot(f"gateway-{name}", full_page=full_page)
    axe_check(browser, f"gateway-{name}")


def login(server: SuanliServer, email: str) -> dict[str, Any]:
    return next(entry for entry in server.demo["logins"] if entry["email"] == email)


def test_tenant_keys_usage_and_operator_view(pages_server: SuanliServer, browser: Any, screenshot: Any,
                                             axe_check: Any) -> None:
    server = pages_server
    tenant = login(server, "admin@guanghe.demo")
    project = server.demo["inference"]["project"]

    # 01 — the tenant opens the project's inference page from the project list.
    sign_in(browser, server.url, tenant["email"], tenant["password"])
    wait_for_path(browser, "/")
    open_page(browser, server.url + "/projects")
    browser.find_element(By.LINK_TEXT, project).click()
    wait(browser).until(lambda d: "API 金鑰與用量" in main_text(d))
    browser.find_element(By.LINK_TEXT, "API 金鑰與用量").click()
    wait(browser).until(lambda d: d.current_url.split("?")[0].split("#")[0].endswith("/inference"))
    text = main_text(browser)
    assert "剩餘點數" in text and "1,000.00" in text and "示範金鑰" in text
    step(screenshot, axe_check, browser, "01-tenant-inference")

    # 02 — a bad limit is refused at its field, nothing is created.
    fill(browser, {"name": "產線客服機器人", "requestsPerMinute": "0"})
    click_button(browser, "建立金鑰")
    wait(browser).until(lambda d: d.find_elements(By.ID, "error-summary"))
    assert "1–100,000" in main_text(browser)
    assert main_text(browser).count("產線客服機器人") <= 1  # only the form's value, no new key row

    # 03 — a key with a limit: shown once, on the answer to the POST.
    fill(browser, {"name": "產線客服機器人", "requestsPerMinute": "60"})
    click_button(browser, "建立金鑰")
    secret = wait(browser).until(lambda d: d.find_elements(By.ID, "secret-value"))[0].text.strip()
    assert secret.startswith("sk-suanli-") and "只顯示這一次" in main_text(browser)
    step(screenshot, axe_check, browser, "02-key-shown-once", full_page=False)

    # 04 — the key works with the official client; the page then shows the usage.
    api = openai.OpenAI(base_url=server.url + "/v1", api_key=secret, max_retries=0, timeout=120)
    for prompt in ("台灣最高的山是哪一座？", "Name a colour."):
        api.chat.completions.create(model=CHAT, messages=[{"role": "user", "content": prompt}], max_tokens=10)
    time.sleep(1.5)
    open_page(browser, f"{browser.current_url.split('/projects/')[0]}/projects")
    browser.find_element(By.LINK_TEXT, project).click()
    browser.find_element(By.LINK_TEXT, "API 金鑰與用量").click()
    wait(browser).until(lambda d: d.current_url.split("?")[0].split("#")[0].endswith("/inference"))
    text = main_text(browser)
    assert "999.9" in text and CHAT in text and "完成" in text
    assert browser.find_elements(By.CSS_SELECTOR, "figure.chart svg"), "the daily chart is drawn"
    step(screenshot, axe_check, browser, "03-tenant-usage")

    # 05 — the CSV of the daily usage, with the browser's session.
    csv_link = browser.find_element(By.PARTIAL_LINK_TEXT, "CSV").get_attribute("href")
    cookies = {cookie["name"]: cookie["value"] for cookie in browser.get_cookies()}
    answer = requests.get(csv_link, cookies=cookies, timeout=30)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["日期", "民國日期", "模型"] and rows[1][2] == CHAT and int(rows[1][3]) == 2

    # 06 — revoke: the key stops working at once.
    click_button(browser, "撤銷 產線客服機器人")
    accept_confirm(browser, "無法復原")
    wait(browser).until(lambda d: "金鑰已撤銷" in main_text(d))
    with pytest.raises(openai.AuthenticationError):
        api.models.list()

    # 07 — the operator's view: consumption, refused requests, catalogue; a name added to the deny list.
    operator = next(entry for entry in server.demo["logins"] if entry["role"] == "operator")
    staff_sign_in(browser, server.url, operator)
    open_page(browser, server.url + "/operator/inference")
    text = main_text(browser)
    assert project in text and CHAT in text and "提供中" in text
    step(screenshot, axe_check, browser, "04-operator-inference")
    fill(browser, {"value": "gemma-3-270m", "reason": "測試：撤下此模型"})
    click_button(browser, "加入")
    accept_confirm(browser, "立即停止提供")
    wait(browser).until(lambda d: "已加入來源禁止清單" in main_text(d))
    assert "禁止：" in main_text(browser)
    step(screenshot, axe_check, browser, "05-operator-denied")
