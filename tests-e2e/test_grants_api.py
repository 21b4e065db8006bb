"""The grant programme's happy path through the JSON API against a live `suanli serve`, with the real
`requests` client (SPEC C1–C4): a demo company files a training application with a PDF, the operator
checks eligibility and passes it, the demo reviewers declare and score, the committee approves L2 and
the ministry awards a 2,000-point project. Staff sign in with password + TOTP and then use a personal
access token, as an API client would.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from portal import fresh_totp

API = "/api/v1"
# ApplicationForm.example(category: .training, now:).fieldValues — a complete training application.
FIELDS: dict[str, list[str]] = {
    "bonus.fieldSiteMOU.url": ["https://files.example.com.tw/mou/fin-taide-mou.pdf"],
    "bonus.openDataset.github.url": [""],
    "bonus.openDataset.huggingFace.url": [""],
    "bonus.openModel.github.url": [""],
    "bonus.openModel.huggingFace.url": ["https://huggingface.co/example-fintech/fin-taide-8b-chat"],
    "bonus.productisationMaterial.url": [""],
    "bonus.registration.aiTechnicalService": ["on"],
    "bonus.registration.aiTechnicalService.number": ["AI-113-0042"],
    "bonus.registration.dataEconomy": [],
    "bonus.registration.dataEconomy.number": [""],
    "bonus.registration.electronicSignature": [],
    "bonus.registration.electronicSignature.number": [""],
    "bonus.registration.informationSecurity": ["on"],
    "bonus.registration.informationService": [],
    "bonus.registration.informationService.number": [""],
    "bonus.registration.thirdPartyPaymentAML": [],
    "bonus.registration.thirdPartyPaymentAML.number": [""],
    "consent.affidavit": ["on"],
    "consent.closeOut": ["on"],
    "consent.noGovernmentProjectBreach": ["on"],
    "consent.noSeriousViolation": ["on"],
    "consent.notChineseCapital": ["on"],
    "consent.privacy": ["on"],
    "consent.statement": ["on"],
    "contact.email": ["yating.lin@example.com.tw"],
    "contact.mobile": ["0912-345-678"],
    "contact.name": ["林雅婷"],
    "contact.phone": ["02-2345-6789#125"],
    "contact.title": ["專案經理"],
    "differenceFromPrevious": [""],
    "domains": ["finance"],
    "domains.other": [""],
    "expectedApplications": ["3"],
    "expectedBenefits": ["預計產出金融法規問答模型 2 項，並導入客服知識庫、法遵檢核及教育訓練 3 項應用，縮短第一線人員查詢法規時間約 50%，降低法遵作業疏失。"],
    "expectedModels": ["2"],
    "importance": ["需解決的問題：金融業第一線人員每日需查詢大量主管機關函令與內部規章，人工檢索耗時且易有遺漏。本專案以繁體中文金融法規語料微調 TAIDE 模型，使其能正確引用條文回答法遵問題。選用 TAIDE 的原因：其以臺灣在地語料訓練，對繁體中文及本地法規用語理解較佳，且授權允許商業應用。"],
    "industryApplication": ["模型完成後可延伸至保險理賠審核、證券開戶審查與銀行洗錢防制等情境，並可作為金融業 AI 助理服務的基礎，協助中小型金融機構以較低成本導入生成式 AI。"],
    "industryCodes": ["J62", "J63"],
    "lead.email": ["chihming.chen@example.com.tw"],
    "lead.mobile": [""],
    "lead.name": ["陳志明"],
    "lead.phone": ["02-2345-6789#101"],
    "lead.title": ["技術長"],
    "otherNeeds": ["希望執行單位協助媒合有意試用之金融業者。"],
    "productisation.pricingUnit": ["依每月查詢次數計價，每月 10,000 次以內新臺幣 30,000 元。"],
    "productisation.productForm": ["SaaS 雲端服務，提供網頁介面與 API，亦可依客戶需求於地端部署。"],
    "productisation.progress": ["已完成概念驗證並於一家合作券商內部試用；預計 116 年第 2 季推出正式版。"],
    "productisation.targetCustomers": ["國內中小型金融機構、保險經紀人公司及證券商之客服與法遵部門。"],
    "title": ["金融法規智慧問答助理模型訓練"],
    "training.container.baseModel": ["Llama-3.1-TAIDE-LX-8B-Chat"],
    "training.container.downloadURL": ["https://huggingface.co/example-fintech/fin-taide-8b-chat"],
    "training.container.modelName": ["fin-taide-8b-chat"],
    "training.container.version": ["v0.3"],
    "training.dataset.description": ["金融監督管理委員會公開函令、銀行公會自律規範及本公司整理之金融詢問題目與標準答案，共約 12 億 tokens，均為公開資料或已取得授權。"],
    "training.dataset.imageCount": [""],
    "training.dataset.imageResolution": [""],
    "training.dataset.speechHours": [""],
    "training.dataset.textTokens": ["1200000000"],
    "training.dataset.videoHours": [""],
    "training.dataset.videoResolution": [""],
    "training.environments": ["container", "validation"],
    "training.noCode.model": [""],
    "training.validation.models": ["taide"],
}

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def _csrf(session: requests.Session) -> str:
    return session.cookies.get("suanli_csrf") or ""


def token_for(server: Any, login: dict[str, Any]) -> str:
    """Signs in on the portal (with TOTP for staff) and creates a personal access token."""
    s = server.session()
    s.get("/signin")
    r = s.post("/signin", data={"email": login["email"], "password": login["password"], "_csrf": _csrf(s)},
               allow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    if r.headers["Location"] == "/signin/totp":
        r = s.post("/signin/totp", data={"code": fresh_totp(login["totpSecret"]), "_csrf": _csrf(s)},
                   allow_redirects=False)
        assert r.status_code == 303 and r.headers["Location"] != "/signin/totp", r.text[:300]
    r = s.post(f"{API}/tokens", json={"name": "grants-e2e"}, headers={"X-CSRF-Token": _csrf(s)})
    assert r.status_code == 201, r.text
    return r.json()["token"]


class Client:
    def __init__(self, server: Any, token: str) -> None:
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.base = server.url + API

    def __call__(self, method: str, path: str, expect: int | None = 200, **kwargs: Any) -> Any:
        r = self.session.request(method, self.base + path, timeout=30, **kwargs)
        if expect is not None:
            assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text[:800]}"
        assert r.status_code < 500, r.text
        return r


@pytest.fixture(scope="module")
def grants_server(make_server: Any) -> Any:
    return make_server("grants-api")


def test_training_application_from_draft_to_awarded_project(grants_server: Any) -> None:
    server = grants_server
    logins = server.demo["logins"]
    by_role = lambda role: [login for login in logins if login["role"] == role]  # noqa: E731
    applicant = Client(server, token_for(server, by_role("applicant_admin")[0]))
    stranger = Client(server, token_for(server, by_role("applicant_admin")[1]))
    operator = Client(server, token_for(server, by_role("operator")[0]))
    ministry = Client(server, token_for(server, by_role("ministry")[0]))
    reviewers = [Client(server, token_for(server, login)) for login in by_role("reviewer")[:2]]

    programme = applicant("GET", "/programme").json()
    # `suanli demo` has already awarded its own inference project (issue 4), so the statistics are
    # read before and after: this walk adds exactly one filed and one approved training application.
    before = ministry("GET", "/statistics").json()
    assert {level["level"]: level["points"] for level in programme["levels"]} == {"L1": 1000, "L2": 2000, "L3": 6000}

    app = applicant("POST", "/applications", 201, json={"category": "training"}).json()
    app_id, version = app["id"], app["version"]
    assert app["status"] == "draft"
    app = applicant("PUT", f"/applications/{app_id}/form", json={"version": version, "fields": FIELDS}).json()
    stale = applicant("PUT", f"/applications/{app_id}/form", 409, json={"version": version, "fields": {}})
    assert stale.headers["Content-Type"].startswith("application/problem+json")
    assert stale.json()["code"] == "grants.staleVersion"

    upload = applicant("POST", f"/applications/{app_id}/attachments", 201,
                       params={"purpose": "supporting", "fileName": "計畫書.pdf"}, data=PDF,
                       headers={"Content-Type": "application/octet-stream"}).json()
    assert upload["size"] == len(PDF)
    assert applicant("GET", f"/attachments/{upload['id']}").content == PDF
    stranger("GET", f"/applications/{app_id}", 404)
    stranger("GET", f"/attachments/{upload['id']}", 404)

    version = applicant("GET", f"/applications/{app_id}").json()["version"]
    app = applicant("POST", f"/applications/{app_id}/submit", json={"version": version}).json()
    assert app["status"] == "submitted"

    app = operator("POST", f"/applications/{app_id}/eligibility").json()
    for result in app["eligibility"]["results"]:
        if result["rule"] != "C2.2" and result.get("effectiveOutcome") != "pass":
            app = operator("POST", f"/applications/{app_id}/eligibility/{result['rule']}",
                           json={"version": app["version"], "decision": "pass",
                                 "reason": "Checked against the registry by hand."}).json()
    assert app["eligibility"]["verdict"] == "pass"
    app = operator("POST", f"/applications/{app_id}/decision",
                   json={"version": app["version"], "action": "pass"}).json()
    assert app["status"] == "professionalReview"

    pool = {r["email"]: r["userId"] for r in operator("GET", "/reviewers").json()["items"]}
    criteria = [c["key"] for c in next(r for r in programme["rubrics"] if r["category"] == "training")["criteria"]]
    for login, reviewer in zip(by_role("reviewer")[:2], reviewers):
        operator("POST", f"/applications/{app_id}/assignments", 204, json={"reviewer": pool[login["email"]]})
        # The demo's own inference application (awarded by `suanli demo`) is in the reviewers' lists too.
        reviews = [a["applicationId"] for a in reviewer("GET", "/reviews").json()["items"]]
        assert app_id in reviews and len(reviews) == len(set(reviews))
        reviewer("POST", f"/applications/{app_id}/declaration", 204, json={"conflict": False})
        sheet = reviewer("PUT", f"/applications/{app_id}/scores",
                         json={"scores": {key: 85 for key in criteria}, "overallComment": "計畫完整。",
                               "submit": True}).json()
        assert sheet["submitted"] is True
    operator("PUT", f"/applications/{app_id}/scores", 403,
             json={"scores": {"importance": 90}, "overallComment": "", "submit": False})

    round_id = app["round"]
    ranking = operator("GET", "/rankings", params={"round": round_id, "category": "training"}).json()["items"]
    assert ranking[0]["applicationId"] == app_id and ranking[0]["mean"] == "85.00"

    app = operator("GET", f"/applications/{app_id}").json()
    app = operator("POST", f"/applications/{app_id}/decision",
                   json={"version": app["version"], "action": "sendToMeeting"}).json()
    app = operator("POST", f"/applications/{app_id}/decision",
                   json={"version": app["version"], "action": "approve", "level": "L2"}).json()
    assert app["status"] == "approved" and app["level"] == "L2"
    project = ministry("POST", f"/applications/{app_id}/award", 201, json={"version": app["version"]}).json()
    assert project["points"] == 2000 and project["level"] == "L2"
    assert project["termStart"] < project["termEnd"]

    assert [p["id"] for p in applicant("GET", "/projects").json()["items"]] == [project["id"]]
    stranger("GET", f"/projects/{project['id']}", 404)
    stats = ministry("GET", "/statistics").json()
    training = lambda report: next(c["tally"] for c in report["byCategory"] if c["category"] == "training")  # noqa: E731
    assert stats["overall"]["approved"] == before["overall"]["approved"] + 1
    assert stats["overall"]["filed"] == before["overall"]["filed"] + 1
    assert training(before)["filed"] == 0 and training(before)["approved"] == 0
    assert training(stats)["approvalRate"] == {"numerator": 1, "denominator": 1, "percent": "100.0%"}
