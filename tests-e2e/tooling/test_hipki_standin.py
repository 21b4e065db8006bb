"""scripts/hipki-standin itself (no `suanli` binary needed): the HiPKI stand-in that the
certificate-login tests use in place of the real local component and card reader."""

from __future__ import annotations

import base64
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests

from conftest import ROOT, stop_process, tail

PIN = "135790"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pki")
    # The CRL URL does not matter here: nothing fetches it.
    subprocess.run(["bash", str(ROOT / "scripts" / "make-test-pki"), str(folder), "http://127.0.0.1:9"],
                   check=True, capture_output=True, timeout=180)
    return folder


@pytest.fixture(scope="module")
def standin(pki: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("standin")
    ready, log_path = folder / "ready", folder / "log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "hipki-standin"), "--pki", str(pki), "--pin", PIN,
             "--port", "0", "--ready-file", str(ready)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while not ready.is_file():
            assert process.poll() is None and time.monotonic() < deadline, tail(log_path)
            time.sleep(0.05)
        yield "http://127.0.0.1:" + ready.read_text().split("port=")[1].strip()
    finally:
        stop_process(process, grace=5)


def test_pkcs11info_is_readable_cross_origin_and_names_the_card(standin):
    response = requests.get(standin + "/pkcs11info?withcert=true", headers={"Origin": "http://127.0.0.1:1"}, timeout=10)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    info = response.json()
    assert info["ret_code"] == 0 and info["version"].startswith("1.3.4.")
    token = info["slots"][0]["token"]
    assert token["serialNumber"] and token["certs"][0]["subjectCN"] == "測試科技股份有限公司"


def test_sign_makes_a_cms_signature_over_exactly_the_tbs(standin, pki, tmp_path):
    tbs = "suanli-login:" + "ab" * 32
    reply = requests.post(standin + "/sign", json={
        "func": "MakeSignature", "signatureType": "PKCS7", "tbs": tbs, "tbsEncoding": "NONE",
        "hashAlgorithm": "SHA256", "withCardSN": "true", "pin": PIN,
    }, timeout=30).json()  # fmt: skip
    assert reply["func"] == "sign" and reply["ret_code"] == 0 and reply["cardSN"]
    signature = tmp_path / "sig.der"
    signature.write_bytes(base64.b64decode(reply["signature"]))
    content = subprocess.run(
        # The signature and content only: the chain is the server's job, tested with the server.
        ["openssl", "cms", "-verify", "-inform", "DER", "-in", str(signature), "-noverify"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    assert content == tbs.encode()
    certificate = subprocess.run(["openssl", "x509", "-in", str(pki / "primary.pem"), "-outform", "DER"],
                                 capture_output=True, check=True).stdout
    assert base64.b64decode(reply["certb64"]) == certificate


def test_wrong_pin_and_empty_reader_are_errors(standin):
    def sign(pin: str) -> dict:
        return requests.post(standin + "/sign", json={"func": "MakeSignature", "tbs": "x", "pin": pin}, timeout=30).json()

    wrong = sign("000000")
    assert wrong["ret_code"] == 0x76000006 and "signature" not in wrong
    requests.post(standin + "/_standin/card", json={"card": None}, timeout=10).raise_for_status()
    try:
        assert sign(PIN)["ret_code"] == 0x76000001
        assert requests.get(standin + "/pkcs11info", timeout=10).json()["slots"][0]["token"] is None
    finally:
        requests.post(standin + "/_standin/card", json={"card": "primary"}, timeout=10).raise_for_status()
    # The PIN is never written to the stand-in's request log.
    assert PIN not in requests.get(standin + "/_standin/log", timeout=10).text


def test_popup_form_talks_to_its_opener(standin):
    page = requests.get(standin + "/popupForm", timeout=10).text
    assert 'JSON.stringify({ func: "getTbs" })' in page and "event.origin" in page and 'fetch("/sign"' in page
