"""The gateway's points under load and faults, against the real model server (issue 4, item 9).

Two proofs, each on a Suanli of its own (fresh database, the demo's inference project and key, the
real llama-server with Gemma 3 270M registered as gemma-3-270m):

1. 200 concurrent streaming requests against a balance that pays for 20: exactly the requests the
   balance pays for are admitted, the rest get 429 insufficient_quota, every admitted stream is
   billed once by the carry rule, and the balance never goes below zero.
2. `suanli serve` killed with SIGKILL while streams are mid-answer: the leased slice stays held in
   the ledger, the restarted instance (same `gateway.instance`) gives it back at start, nothing is
   lost or billed twice (the cut requests are not billed: "a crash loses at most one flush interval
   of usage, in the tenant's favour", LeaseBook), and the restarted server bills new requests.

Requests go out as raw HTTP (http.client), so the test knows each body's exact size and with it the
worst case admission reserves: body bytes + 256 (template allowance) + max_tokens tokens, rounded up
to whole metered units of 1,000 tokens (18 ticks; 1 point = 1,800 ticks = 100 units).
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from conftest import _LOGS_TO_SHOW, ModelServers, SuanliServer, free_port, stop_process, tail
from test_gateway_openai import CHAT, ledger, request_log

TICKS_PER_UNIT = 18  # one metered unit = 1,000 tokens = a hundredth of a point
TOKENS_PER_UNIT = 1000
TEMPLATE_ALLOWANCE = 256  # GatewayRequest.templateAllowance
MODEL_SLOTS = 4  # answers the model server generates at once (scripts/start-model --parallel, default)


# --------------------------------------------------------------------------- helpers


def units_for(tokens: int) -> int:
    """Whole metered units for `tokens` (ceil(tokens / 1,000))."""
    return -(-tokens // TOKENS_PER_UNIT)


def carry_charge(tokens_before: int, tokens: int) -> int:
    """Ticks the carry rule charges for `tokens` more after `tokens_before` metered tokens."""
    return (units_for(tokens_before + tokens) - units_for(tokens_before)) * TICKS_PER_UNIT


def points_text(ticks: int) -> str:
    """Ticks as `ledger adjust --points` takes them (hundredths of a point)."""
    assert ticks % TICKS_PER_UNIT == 0, f"{ticks} ticks is not a whole number of hundredths of a point"
    hundredths = ticks // TICKS_PER_UNIT
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def until(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.1) -> Any:
    """Polls `predicate` until it returns something truthy; fails with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def conserved(row: dict[str, Any]) -> int:
    """Balance + held + used: what the project was given. No settlement, lease or crash changes it."""
    return row["balanceTicks"] + row["heldTicks"] + row["usedTicks"]


def verify_clean(server: SuanliServer) -> None:
    report = json.loads(server.cli("ledger", "verify", "--json").stdout)
    assert report["clean"] is True, f"ledger verify: {report}"


def set_balance(server: SuanliServer, ticks: int) -> dict[str, Any]:
    """Takes points off the demo's inference project until `ticks` are left (an audited adjustment)."""
    project = server.demo["inference"]["project"]
    excess = ledger(server)["balanceTicks"] - ticks
    assert excess > 0, "the demo project has fewer points than the test leaves"
    server.cli("ledger", "adjust", "--project", project, f"--points=-{points_text(excess)}",
               "--reason", "e2e: issue 4 item 9, leave a small balance")  # fmt: skip
    row = ledger(server)
    assert row["balanceTicks"] == ticks and row["heldTicks"] == 0
    return row


def add_chat_model(server: SuanliServer, upstream: str) -> None:
    """Registers gemma-3-270m at `upstream` and waits until /v1/models offers it (the catalogue is
    cached for 5 s, so a read just before the registration could hide it for that long)."""
    server.cli("admin", "model", "add", "--id", CHAT, "--developer", "Google", "--origin", "US",
               "--capability", "chat", "--upstream", upstream)  # fmt: skip
    headers = {"Authorization": f"Bearer {server.demo['inference']['apiKey']}"}

    def offered() -> bool:
        reply = server.get("/v1/models", headers=headers)
        return reply.status_code == 200 and CHAT in {model["id"] for model in reply.json()["data"]}

    until(offered, 30, f"{CHAT} in GET /v1/models", interval=0.5)


def wait_for_rows(server: SuanliServer, count: int, timeout: float = 60) -> list[dict[str, Any]]:
    """The request log once it holds `count` rows (rows are written by the flush, in batches)."""
    rows = until(lambda: (found := request_log(server)) and len(found) >= count and found, timeout,
                 f"{count} rows in gateway_requests")
    assert len(rows) == count, f"{len(rows)} request-log rows, expected {count}"
    return rows


def chat_body(content: str, max_tokens: int) -> bytes:
    return json.dumps({"model": CHAT, "messages": [{"role": "user", "content": content}],
                       "max_tokens": max_tokens, "stream": True}).encode()  # fmt: skip


def worst_case_units(body: bytes, max_tokens: int) -> int:
    """What admission reserves for this body: its bytes bound the prompt (every token covers a byte)."""
    return units_for(len(body) + TEMPLATE_ALLOWANCE + max_tokens)


@dataclass
class Answer:
    """One request as the client saw it."""

    status: int = 0
    request_id: str | None = None
    events: list[str] = field(default_factory=list)  # the `data:` payloads of a stream
    error: dict[str, Any] | None = None  # the OpenAI error object of a refusal
    broken: str | None = None  # why the connection failed (a stream cut after its head just ends, without [DONE])

    @property
    def done(self) -> bool:
        return "[DONE]" in self.events

    @property
    def text(self) -> str:
        pieces = []
        for event in self.events:
            if event != "[DONE]":
                for choice in json.loads(event).get("choices", []):
                    pieces.append(choice.get("delta", {}).get("content") or "")
        return "".join(pieces)


def stream_chat(
    server: SuanliServer,
    body: bytes,
    *,
    ready: threading.Barrier | None = None,
    answered: Callable[[Answer], None] | None = None,
    first_chunk: threading.Event | None = None,
) -> Answer:
    """POSTs a streaming chat completion and reads the answer to its end (or until the connection
    breaks). `ready`: connect first, send when every party is connected; `answered`: called with
    the status as soon as the head arrives; `first_chunk`: set when the first text chunk arrives."""
    answer = Answer()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=180)
    try:
        if ready is not None:
            try:
                connection.connect()
            except OSError:
                ready.abort()  # the other parties stop waiting for this one
                raise
            ready.wait(timeout=120)
        connection.request("POST", "/v1/chat/completions", body=body, headers={
            "Authorization": f"Bearer {server.demo['inference']['apiKey']}",
            "Content-Type": "application/json", "Accept": "text/event-stream"})  # fmt: skip
        reply = connection.getresponse()
        answer.status, answer.request_id = reply.status, reply.getheader("x-request-id")
        if answered is not None:
            answered(answer)
        if reply.status != 200:
            answer.error = json.loads(reply.read() or b"{}").get("error")
            return answer
        while line := reply.readline():
            if line.startswith(b"data:"):
                answer.events.append(line[5:].strip().decode())
                if first_chunk is not None and answer.text:
                    first_chunk.set()
    except (OSError, http.client.HTTPException) as error:
        answer.broken = f"{type(error).__name__}: {error}"
    finally:
        connection.close()
    return answer


class GatedUpstream:
    """A pass-through proxy in front of the real model server that holds every completion request
    until `open()`: while it is closed no admitted request can finish, so no settlement can free
    points, and every one of the concurrent requests is decided against the same balance. Once open,
    requests and answers (streams included) pass through unchanged to and from llama-server."""

    HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.target = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.opened = threading.Event()
        self._lock = threading.Lock()
        self._arrived = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                proxy._relay(self, gated=True)

            def do_GET(self) -> None:
                proxy._relay(self, gated=False)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # the gateway opens a connection per admitted request at once
            daemon_threads = True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{parts.path}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def arrived(self) -> int:
        """Completion requests the gateway has sent here (each one admitted)."""
        with self._lock:
            return self._arrived

    def open(self) -> None:
        self.opened.set()

    def __enter__(self) -> GatedUpstream:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.open()
        self.httpd.shutdown()
        self.httpd.server_close()

    def _relay(self, handler: BaseHTTPRequestHandler, *, gated: bool) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        if gated:
            with self._lock:
                self._arrived += 1
            self.opened.wait(timeout=300)
        upstream = http.client.HTTPConnection(*self.target, timeout=300)
        try:
            headers = {name: value for name in ("Content-Type", "Accept") if (value := handler.headers.get(name))}
            upstream.request(handler.command, handler.path, body=body or None, headers=headers)
            reply = upstream.getresponse()
            handler.send_response(reply.status)
            for name, value in reply.getheaders():
                if name.lower() not in self.HOP_HEADERS:
                    handler.send_header(name, value)
            handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            while chunk := reply.read1(65536):
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                handler.wfile.flush()
            handler.wfile.write(b"0\r\n\r\n")
            handler.wfile.flush()
        finally:
            upstream.close()


def server_pid(server: SuanliServer) -> int:
    """The pid of `suanli serve` on server.port (run_server keeps its Popen to itself)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if argv[0] == str(server.binary) and "serve" in argv and "--port" in argv \
                and argv[argv.index("--port") + 1] == str(server.port):
            return int(entry.name)
    raise AssertionError(f"no `suanli serve --port {server.port}` process found")


def gone(pid: int) -> bool:
    """The process has exited (a zombie waiting for its parent counts as gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return True
    return fields[0] in ("Z", "X")



@contextlib.contextmanager
def restarted(
    server: SuanliServer, log_dir: Path, name: str
) -> Iterator[tuple[SuanliServer, subprocess.Popen[bytes]]]:
    """`suanli serve` again on the same database and var dir with the same settings (server.common_args
    holds every --set, gateway.instance among them), on a new free port, once /readyz answers 200.
    Stopped (SIGTERM) on exit if still running; its log is copied to LOG_DIR/NAME.log."""
    port = free_port()
    log_path = server.var_dir.parent / f"{name}-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(server.binary), "serve", "--host", "127.0.0.1", "--port", str(port), *server.common_args],
            cwd=server.var_dir, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    _LOGS_TO_SHOW.append((f"suanli serve ({name})", log_path))
    again = dataclasses.replace(server, url=f"http://127.0.0.1:{port}", port=port, log_path=log_path)

    def ready() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"the restarted server exited with {process.returncode}:\n{tail(log_path)}")
        try:
            return requests.get(again.url + "/readyz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    try:
        until(ready, float(os.environ.get("SUANLI_E2E_START_TIMEOUT", "90")), "/readyz of the restarted server", 0.2)
        yield again, process
    finally:
        stop_process(process)
        log_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log_path, log_dir / f"{name}.log")


# --------------------------------------------------------------------------- 1. load

LOAD = 200
LOAD_MAX_TOKENS = 8
AFFORDABLE = 20  # requests whose worst case the balance left pays


def test_200_concurrent_streams_against_points_for_20(make_server: Any, model_servers: ModelServers) -> None:
    """Issue 4, item 9: 200 concurrent streams against a balance that pays the worst case of 20.

    Proves: every request is either a complete 200 stream (ends in [DONE]) or a 429
    insufficient_quota, nothing else; at least one and at most 20 are admitted (exactly 20: points
    are not left idle either); each request has exactly one request-log row, under the id the
    client was given; the project pays exactly the carry rule on the tokens of the completed rows
    (used ticks == the rows' charged ticks == ceil-of-running-total charge), never more than the
    balance it had, and the balance never goes below zero; the leased slice is given back when idle
    (held 0) and `ledger verify` is clean.

    The model server sits behind GatedUpstream, which holds the admitted requests until all 200
    are decided: otherwise an early answer, settled by a flush (every 50 ms), would free points and
    let a late request in — correct, but it would make "at most 20" depend on timing. The answers
    themselves are the real llama-server's, streamed through unchanged.
    """
    server = make_server("gateway-load", "--set", "gateway.instance=e2e-load", "--set", "gateway.flush.ms=50")
    with GatedUpstream(model_servers.chat_url) as gate:
        add_chat_model(server, gate.url)
        bodies = [chat_body(f"Request {index:03d}: count from one to five.", LOAD_MAX_TOKENS) for index in range(LOAD)]
        assert len({len(body) for body in bodies}) == 1, "every request has the same worst case"
        per_request = worst_case_units(bodies[0], LOAD_MAX_TOKENS)
        left = AFFORDABLE * per_request * TICKS_PER_UNIT
        before = set_balance(server, left)

        lock = threading.Lock()
        heads: list[Answer] = []

        def on_head(answer: Answer) -> None:
            with lock:
                heads.append(answer)

        def decided() -> bool:
            with lock:
                refused = len(heads)  # before the gate opens only refusals can answer
            return gate.arrived + refused >= LOAD

        started = time.monotonic()
        ready = threading.Barrier(LOAD)
        with ThreadPoolExecutor(max_workers=LOAD) as pool:
            futures = [pool.submit(stream_chat, server, body, ready=ready, answered=on_head) for body in bodies]
            try:
                until(decided, 120, f"all {LOAD} requests admitted (waiting at the gate) or refused")
                held_at_gate = gate.arrived
            finally:
                gate.open()
            answers = [future.result(timeout=300) for future in futures]
        elapsed = time.monotonic() - started

    admitted = [answer for answer in answers if answer.status == 200]
    refused = [answer for answer in answers if answer.status == 429]
    others = [(answer.status, answer.error, answer.broken) for answer in answers if answer.status not in (200, 429)]
    assert not others, f"only 200 and 429 may answer: {others[:5]}"
    assert 1 <= len(admitted) <= AFFORDABLE, f"{len(admitted)} admitted; the balance pays for {AFFORDABLE}"
    assert len(admitted) == held_at_gate == AFFORDABLE, "every request the balance pays for is admitted"
    for answer in admitted:
        assert answer.done and answer.text and answer.broken is None, f"{answer.request_id}: stream incomplete"
    for answer in refused:
        assert answer.error and answer.error["code"] == "insufficient_quota", answer.error

    rows = wait_for_rows(server, LOAD)
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == LOAD, "one row per request"
    assert {row["id"] for row in rows if row["outcome"] == "completed"} == {a.request_id for a in admitted}
    assert {row["id"] for row in rows if row["outcome"] == "insufficient_points"} == {a.request_id for a in refused}
    completed = [row for row in rows if row["outcome"] == "completed"]
    for row in completed:
        assert row["prompt_tokens"] > 0 and 0 < row["completion_tokens"] <= LOAD_MAX_TOKENS, row
    assert all(row["charged_ticks"] == 0 and row["status"] == 429 for row in rows if row["outcome"] != "completed")

    after = until(lambda: (row := ledger(server))["heldTicks"] == 0 and row, 30,
                  "the idle slice given back (heldTicks == 0)")
    tokens = sum(row["prompt_tokens"] + row["completion_tokens"] for row in completed)
    used = after["usedTicks"] - before["usedTicks"]
    assert after["balanceTicks"] >= 0
    assert used == sum(row["charged_ticks"] for row in rows), "the ledger charged what the log says"
    assert used == carry_charge(before["tokensMetered"], tokens), "the carry rule, nothing more"
    assert after["tokensMetered"] - before["tokensMetered"] == tokens
    assert 0 < used <= left, "never more than the balance it had"
    assert after["balanceTicks"] == left - used and conserved(after) == conserved(before), "nothing lost"
    verify_clean(server)
    print(f"\nload: {len(admitted)} admitted, {len(refused)} refused, {elapsed:.1f} s; "
          f"{tokens} tokens billed {used} ticks of {left}")


# --------------------------------------------------------------------------- 2. crash

KILL_STREAMS = 8
KILL_MAX_TOKENS = 200


def test_sigkill_mid_stream_then_restart(
    make_server: Any, model_servers: ModelServers, artifacts_dir: Path, db_kind: str
) -> None:
    """Issue 4, item 9: `suanli serve` killed (SIGKILL) while its streams are mid-answer, then restarted.

    Proves: a request settled before the crash stays billed, once; right after the crash the
    leased slice is still held in the ledger (the process could not give it back) and balance +
    held + used is unchanged; the restarted instance (same gateway.instance) gives the slice back
    at start (held 0 within seconds), so nothing is lost and nothing is billed twice — the requests
    cut by the crash are not billed and leave no request-log row ("a crash loses at most one flush
    interval of usage, in the tenant's favour", LeaseBook); `ledger verify` is clean; the restarted
    server admits and bills a new request by the carry rule; a graceful stop (SIGTERM) gives back
    what it leased.

    Eight streams of up to 200 tokens: the model server answers four at once (its slots), so the
    crash comes when four are mid-answer and four are admitted and waiting for a slot.
    """
    server = make_server("gateway-kill", "--set", "gateway.instance=e2e-kill", "--set", "gateway.flush.ms=50")
    add_chat_model(server, model_servers.chat_url)
    start = ledger(server)
    given = conserved(start)

    # Settled before the crash: billed once, and still billed after it.
    first = stream_chat(server, chat_body("Name a colour.", 8))
    assert first.status == 200 and first.done, first
    [settled] = wait_for_rows(server, 1)
    billed = ledger(server)
    assert settled["id"] == first.request_id and settled["outcome"] == "completed"
    settled_tokens = settled["prompt_tokens"] + settled["completion_tokens"]
    assert billed["usedTicks"] - start["usedTicks"] == settled["charged_ticks"] \
        == carry_charge(start["tokensMetered"], settled_tokens) > 0

    # The crash, while streams are mid-answer.
    answering = [threading.Event() for _ in range(KILL_STREAMS)]
    with ThreadPoolExecutor(max_workers=KILL_STREAMS) as pool:
        futures = [
            pool.submit(stream_chat, server, chat_body(f"Tell a long story about ship {index}.", KILL_MAX_TOKENS),
                        first_chunk=answering[index])
            for index in range(KILL_STREAMS)
        ]  # fmt: skip
        until(lambda: sum(event.is_set() for event in answering) >= min(MODEL_SLOTS, KILL_STREAMS), 120,
              f"{MODEL_SLOTS} streams mid-answer")
        pid = server_pid(server)
        os.kill(pid, signal.SIGKILL)
        until(lambda: gone(pid), 30, "the killed server to exit")
        cut = [future.result(timeout=120) for future in futures]
    # Cut: a stream that had begun ends without [DONE]; one still waiting for a slot gets no answer.
    assert all(not answer.done and (answer.status == 200 or answer.broken) for answer in cut), \
        [(answer.status, answer.broken) for answer in cut]
    assert sum(1 for answer in cut if answer.text) >= min(MODEL_SLOTS, KILL_STREAMS), "cut mid-answer"

    crashed = ledger(server)
    assert crashed["heldTicks"] > 0, "the dead instance's slice is still held"
    assert conserved(crashed) == given
    assert crashed["usedTicks"] == billed["usedTicks"], "nothing of the cut requests was billed"

    log_dir = artifacts_dir / "e2e" / db_kind
    with restarted(server, log_dir, "gateway-kill-restarted") as (again, process):
        recovered = until(lambda: (row := ledger(again))["heldTicks"] == 0 and row, 30,
                          "the restarted instance to give back the dead run's slice (heldTicks == 0)")
        assert recovered["usedTicks"] == billed["usedTicks"] and recovered["tokensMetered"] == billed["tokensMetered"]
        assert recovered["balanceTicks"] + recovered["usedTicks"] == given, "the whole slice is back"
        verify_clean(again)
        assert [row["id"] for row in request_log(again)] == [settled["id"]], "cut requests: no row, no bill"

        # The restarted server admits and bills.
        fresh = stream_chat(again, chat_body("Name a fruit.", 8))
        assert fresh.status == 200 and fresh.done and fresh.text, fresh
        row = next(row for row in wait_for_rows(again, 2) if row["id"] == fresh.request_id)
        assert row["outcome"] == "completed" and row["completion_tokens"] > 0
        now = ledger(again)  # the flush writes the row and the usage in one transaction
        tokens = row["prompt_tokens"] + row["completion_tokens"]
        assert now["usedTicks"] - billed["usedTicks"] == row["charged_ticks"] \
            == carry_charge(billed["tokensMetered"], tokens)
        assert now["tokensMetered"] == billed["tokensMetered"] + tokens
        assert conserved(now) == given

        os.killpg(process.pid, signal.SIGTERM)
        assert process.wait(timeout=90) == 0, f"graceful stop failed:\n{tail(again.log_path)}"

    final = ledger(server)
    assert final["heldTicks"] == 0, "a graceful stop gives back every slice"
    assert final["usedTicks"] == now["usedTicks"] and final["balanceTicks"] + final["usedTicks"] == given
    verify_clean(server)
