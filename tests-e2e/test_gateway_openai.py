"""The inference gateway with the official `openai` client against a real model server (issue 4, item 8).

A Suanli of its own (fresh database, the demo's inference project and API key), the two real
llama-server instances of Gemma 3 270M registered as gemma-3-270m (chat) and gemma-3-270m-embeddings,
and a region database built here with mmdb-writer (scripts/make-test-mmdb) with 127.0.0.1 as the
trusted proxy, so a request can pose as coming from elsewhere with X-Forwarded-For (SPEC C6.1).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from conftest import ROOT, ModelServers, SuanliServer

CHAT = "gemma-3-270m"
EMBEDDINGS = "gemma-3-270m-embeddings"
TAIWAN = "1.160.0.10"


@pytest.fixture(scope="module")
def gateway(make_server: Any, model_servers: ModelServers, tmp_path_factory: pytest.TempPathFactory) -> SuanliServer:
    folder = tmp_path_factory.mktemp("region")
    mmdb = folder / "country.mmdb"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make-test-mmdb"), str(mmdb)], check=True, timeout=60)
    server = make_server(
        "gateway",
        "--set", f"gateway.region.database={mmdb}",
        "--set", "gateway.trusted.proxies=127.0.0.1",
        "--set", "gateway.flush.ms=50",
    )  # fmt: skip
    server.cli("admin", "model", "add", "--id", CHAT, "--developer", "Google", "--origin", "US",
               "--capability", "chat", "--upstream", model_servers.chat_url)  # fmt: skip
    server.cli("admin", "model", "add", "--id", EMBEDDINGS, "--developer", "Google", "--origin", "US",
               "--capability", "embeddings", "--upstream", model_servers.embeddings_url)  # fmt: skip
    return server


def client(server: SuanliServer, key: str | None = None, address: str = TAIWAN) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=server.url + "/v1",
        api_key=key or server.demo["inference"]["apiKey"],
        default_headers={"X-Forwarded-For": address},
        max_retries=0,
        timeout=120,
    )


def ledger(server: SuanliServer) -> dict[str, Any]:
    rows = json.loads(server.cli("ledger", "show", "--json").stdout)
    project = server.demo["inference"]["project"]
    return next(row for row in rows if row["project"] == project)


def wait_settled(server: SuanliServer, count: int) -> list[dict[str, Any]]:
    """The request log once `count` requests are in it (the gateway settles in the background)."""
    import time

    deadline = time.monotonic() + 30
    while True:
        rows = request_log(server)
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def request_log(server: SuanliServer) -> list[dict[str, Any]]:
    if server.database_url.startswith("postgres"):
        out = subprocess.run(
            ["psql", server.database_url, "-Atc",
             "select json_agg(r order by started_at) from gateway_requests r"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        return json.loads(out) if out else []
    import sqlite3

    path = server.database_url.removeprefix("sqlite://") if server.database_url.startswith("sqlite://") else \
        str(server.var_dir / "suanli.sqlite")
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("select * from gateway_requests order by started_at")]


def test_models_chat_completions_and_embeddings(gateway: SuanliServer) -> None:
    api = client(gateway)
    assert {model.id for model in api.models.list()} == {CHAT, EMBEDDINGS}
    assert api.models.retrieve(CHAT).owned_by == "Google"

    before = ledger(gateway)
    reply = api.chat.completions.create(
        model=CHAT, messages=[{"role": "user", "content": "用一句話介紹台灣。"}], max_tokens=12
    )
    assert reply.choices[0].message.content
    assert reply.usage is not None and 0 < reply.usage.completion_tokens <= 12

    # Streamed, without and with include_usage: the usage chunk only when asked for.
    chunks = list(api.chat.completions.create(
        model=CHAT, messages=[{"role": "user", "content": "Count to five."}], max_tokens=8, stream=True))  # fmt: skip
    assert all(chunk.usage is None for chunk in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    chunks = list(api.chat.completions.create(
        model=CHAT, messages=[{"role": "user", "content": "Say hello."}], max_tokens=8, stream=True,
        stream_options={"include_usage": True}))  # fmt: skip
    assert chunks[-1].usage is not None and chunks[-1].choices == []
    streamed_usage = chunks[-1].usage

    completion = api.completions.create(model=CHAT, prompt="Taipei is", max_tokens=6)
    assert completion.choices[0].text and completion.usage.completion_tokens <= 6

    vectors = api.embeddings.create(model=EMBEDDINGS, input=["半導體", "semiconductor"])
    assert len(vectors.data) == 2 and len(vectors.data[0].embedding) > 100

    rows = wait_settled(gateway, 5)
    assert [row["outcome"] for row in rows] == ["completed"] * 5
    assert rows[0]["prompt_tokens"] == reply.usage.prompt_tokens
    assert rows[0]["completion_tokens"] == reply.usage.completion_tokens
    assert rows[2]["completion_tokens"] >= streamed_usage.completion_tokens
    tokens = sum(row["prompt_tokens"] + row["completion_tokens"] for row in rows)
    after = ledger(gateway)
    # The carry rule: the project has paid ceil(total / 1,000) metered units of 18 ticks, nothing more.
    assert after["usedTicks"] - before["usedTicks"] == -(-tokens // 1000) * 18
    assert after["tokensMetered"] - before["tokensMetered"] == tokens
    verify = gateway.cli("ledger", "verify", "--json")
    assert json.loads(verify.stdout)["clean"] is True


def test_errors_a_developer_understands(gateway: SuanliServer) -> None:
    with pytest.raises(openai.AuthenticationError) as bad_key:
        client(gateway, key="sk-suanli-00000000-not-a-key").models.list()
    assert bad_key.value.status_code == 401 and "Incorrect API key" in bad_key.value.message

    api = client(gateway)
    with pytest.raises(openai.NotFoundError) as unknown:
        api.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert unknown.value.code == "model_not_found" and "/v1/models" in unknown.value.message

    # A Chinese-origin model cannot even be listed; one the operator denies later is refused and unlisted.
    refused = gateway.cli("admin", "model", "add", "--id", "Qwen2.5-7B-Instruct", "--developer", "Alibaba",
                          "--origin", "CN", "--capability", "chat", "--upstream", "http://127.0.0.1:9/v1",
                          check=False)  # fmt: skip
    assert refused.returncode != 0
    gateway.cli("admin", "model", "add", "--id", "gemma-3-270m-test", "--developer", "Google", "--origin", "US",
                "--capability", "chat", "--upstream", "http://127.0.0.1:9/v1")  # fmt: skip
    gateway.cli("admin", "deny-origin", "--name", "gemma-3-270m-test", "--reason", "e2e: withdrawn")
    import time

    time.sleep(5.5)  # the catalogue is re-read every 5 s
    with pytest.raises(openai.PermissionDeniedError) as denied:
        api.chat.completions.create(model="gemma-3-270m-test", messages=[{"role": "user", "content": "hi"}])
    assert denied.value.code == "model_not_permitted"
    assert "gemma-3-270m-test" not in {model.id for model in api.models.list()}

    with pytest.raises(openai.PermissionDeniedError) as blocked:
        client(gateway, address="1.0.1.9").chat.completions.create(
            model=CHAT, messages=[{"role": "user", "content": "hi"}], max_tokens=4)
    assert blocked.value.code == "unsupported_country_region_territory"

    with pytest.raises(openai.BadRequestError) as bad:
        api.chat.completions.create(model=CHAT, messages=[{"role": "user", "content": "hi"}], n=2)
    assert bad.value.param == "n"


def test_exhausted_balance(gateway: SuanliServer) -> None:
    """Points that cannot pay the prompt: 429 insufficient_quota (RateLimitError), never a negative balance."""
    api = client(gateway)
    project = gateway.demo["inference"]["project"]
    balance = ledger(gateway)["balance"].replace(",", "")
    gateway.cli("ledger", "adjust", "--project", project, f"--points=-{balance}", "--reason", "e2e: spent")
    with pytest.raises(openai.RateLimitError) as exhausted:
        api.chat.completions.create(model=CHAT, messages=[{"role": "user", "content": "hi"}], max_tokens=4)
    assert exhausted.value.code == "insufficient_quota"
    assert "points" in exhausted.value.message
    after = ledger(gateway)
    assert after["balanceTicks"] >= 0 and after["heldTicks"] >= 0
    assert json.loads(gateway.cli("ledger", "verify", "--json").stdout)["clean"] is True
