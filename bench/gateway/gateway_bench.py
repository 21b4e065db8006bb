#!/usr/bin/env python3
"""Gateway benchmark (issue 4, item 10): wrk against OpenAI-compatible POST /v1/chat/completions.

Started by bench/gateway/run (which installs wrk, nginx and the LiteLLM venv first). In one run, on
127.0.0.1 only, at the same concurrency and with the same request body, it measures:

  direct       a canned upstream: a private nginx answering a fixed chat.completion (and, on a second
               port, a fixed SSE stream) with `return 200 '…'` — the cost of HTTP alone;
  nginx-proxy  a second private nginx proxying to the canned one (keep-alive upstream) — what a plain,
               fast reverse proxy adds;
  suanli       `suanli serve` on a fresh var dir with the demo inference key, its two models pointing
               at the canned upstream — auth, admission, reservation and metering all on;
  litellm      the LiteLLM proxy (no database) pointing at the canned upstream — the usual Python
               gateway, for scale.

Each (concurrency, mode, target) gets a discarded warm-up run, then a measured run:
`wrk -t2 -cC -dDs --latency -s post.lua`. Afterwards Suanli is stopped gracefully (its lease book
settles everything on shutdown) and `suanli ledger verify` / `ledger show --json` and the request log
say whether the ledger is clean and how many tokens were metered.

Results: bench/results/gateway-<date>.md and .json. A run with non-2xx answers or socket errors is
reported as such (stderr, the results' first lines, and the table), and its ratios are marked invalid.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]

# --- What the canned upstream answers -------------------------------------------------------------

USAGE = {"prompt_tokens": 12, "completion_tokens": 20, "total_tokens": 32}
CREATED = 1763900000

# A realistic non-streaming answer: the shape llama-server and vLLM return, 20 completion tokens.
CANNED_COMPLETION = json.dumps({
    "id": "chatcmpl-bench000000000000000000000001",
    "object": "chat.completion",
    "created": CREATED,
    "model": "bench-chat",
    "system_fingerprint": "fp_bench",
    "choices": [{
        "index": 0,
        "message": {"role": "assistant",
                    "content": "I'm doing well, thank you for asking! How can I help you today?"},
        "logprobs": None,
        "finish_reason": "stop",
    }],
    "usage": USAGE,
}, separators=(",", ":"))

STREAM_WORDS = ["I'm", " doing", " well", ",", " thank", " you", " for", " asking", "!", " How",
                " can", " I", " help", " you", " today", "?", " Let", " me", " know", "."]


def canned_stream() -> str:
    """20 content chunks (the first also carries the role), a usage chunk, then [DONE]."""
    def chunk(delta: dict, finish: str | None) -> dict:
        return {"id": "chatcmpl-bench000000000000000000000002", "object": "chat.completion.chunk",
                "created": CREATED, "model": "bench-stream", "system_fingerprint": "fp_bench",
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
    events = []
    for i, word in enumerate(STREAM_WORDS):
        delta = {"role": "assistant", "content": word} if i == 0 else {"content": word}
        events.append(chunk(delta, "stop" if i == len(STREAM_WORDS) - 1 else None))
    usage = chunk({}, None)
    usage["choices"] = []
    usage["usage"] = USAGE
    events.append(usage)
    return "".join(f"data: {json.dumps(e, separators=(',', ':'))}\n\n" for e in events) + "data: [DONE]\n\n"


MODEL_LIST = json.dumps({"object": "list", "data": [
    {"id": m, "object": "model", "created": CREATED, "owned_by": "bench"} for m in ("bench-chat", "bench-stream")
]}, separators=(",", ":"))

PROMPT = [{"role": "user", "content": "Hello, how are you?"}]
BODY_CHAT = json.dumps({"model": "bench-chat", "messages": PROMPT, "max_tokens": 20}, separators=(",", ":"))
# OpenAI sends the usage chunk only to a client that asks for it (Suanli too, though it always asks the
# upstream for it to meter): ask, so every target answers the same 21 events and the check can read it.
BODY_STREAM = json.dumps({"model": "bench-stream", "messages": PROMPT, "max_tokens": 20, "stream": True,
                          "stream_options": {"include_usage": True}}, separators=(",", ":"))
LITELLM_KEY = "sk-bench"

# Targets named in the issue; the ratios below are judged on these runs.
TARGET_PROXY_RATIO = 0.5      # Suanli req/s ÷ nginx-proxy req/s at c=32, at least
TARGET_P50_OVERHEAD_MS = 0.5  # Suanli p50 − direct p50 at c=8, at most
TARGET_LITELLM_RATIO = 50.0   # Suanli req/s ÷ LiteLLM req/s, at least


# --- Small helpers ------------------------------------------------------------------------------------

def log(message: str) -> None:
    print(f"gateway-bench: {message}", file=sys.stderr, flush=True)


def free_ports(count: int) -> list[int]:
    """Distinct free loopback ports (all held open until each is chosen, so none repeats)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def nginx_quote(text: str) -> str:
    """A single-quoted nginx string. `return` takes a complex value, so `$` would be a variable."""
    if "$" in text:
        raise ValueError("canned bodies must not contain '$'")
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def command_output(args: list[str]) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=30)
        return (done.stdout + done.stderr).strip()
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unavailable ({error})"


def wait_until(what: str, check, timeout: float, process: subprocess.Popen | None = None,
               logfile: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        try:
            if check():
                return
        except (requests.RequestException, OSError) as error:
            last = error
        time.sleep(0.2)
    tail = logfile.read_text(errors="replace")[-3000:] if logfile and logfile.exists() else ""
    state = f"exited with {process.returncode}" if process is not None and process.poll() is not None else "timed out"
    raise RuntimeError(f"{what} not ready ({state}; last error: {last})\n{tail}")


class Processes:
    """Every server this run starts, each in its own session so that stopping it (by its process
    group id) also stops its workers (nginx's, LiteLLM's); stopped in reverse order at the end."""

    def __init__(self) -> None:
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], logfile: Path, env: dict | None = None,
              cwd: Path | None = None) -> subprocess.Popen:
        out = open(logfile, "ab")
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=env, cwd=cwd, start_new_session=True)
        out.close()
        self.started.append((name, process))
        return process

    def stop(self, process: subprocess.Popen, grace: float = 15.0) -> None:
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=5)

    def stop_all(self) -> None:
        for _, process in reversed(self.started):
            self.stop(process)


# --- nginx ----------------------------------------------------------------------------------------------

def nginx_conf(prefix: Path, servers: str) -> str:
    # One private instance: its own prefix, pid, logs and temp paths; `daemon off` so the harness
    # owns the master process. keepalive_requests is raised so that neither wrk's connections nor
    # the gateways' upstream pools are closed every 1,000 requests (nginx's default) mid-run.
    return f"""
daemon off;
master_process on;
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    keepalive_timeout 75s;
    keepalive_requests 1000000;
{servers}
}}
"""


def canned_server(port: int, chat_type: str, chat_body: str) -> str:
    # One nginx config token holds at most 4,096 bytes, less than the SSE stream: longer bodies are
    # set in pieces (per request, by the rewrite module — a few string copies) and returned joined.
    pieces = [chat_body[i:i + 2000] for i in range(0, len(chat_body), 2000)]
    if len(pieces) == 1:
        answer = f"return 200 {nginx_quote(chat_body)};"
    else:
        answer = " ".join(f"set $canned{i} {nginx_quote(piece)};" for i, piece in enumerate(pieces))
        answer += ' return 200 "' + "".join(f"${{canned{i}}}" for i in range(len(pieces))) + '";'
    return f"""
    server {{
        listen 127.0.0.1:{port};
        location = /v1/chat/completions {{ default_type {chat_type}; {answer} }}
        location = /v1/models {{ default_type application/json; return 200 {nginx_quote(MODEL_LIST)}; }}
        location / {{ default_type application/json; return 404 '{{"error":{{"message":"not found"}}}}'; }}
    }}"""


def proxy_server(port: int, upstream: str, streaming: bool) -> str:
    # SSE through a proxy is normally not buffered (each event goes on as it comes); the canned
    # stream arrives in one piece, so this changes little here, but it is how one would configure it.
    buffering = "proxy_buffering off;" if streaming else ""
    return f"""
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://{upstream};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            {buffering}
        }}
    }}"""


def start_nginx(procs: Processes, name: str, prefix: Path, servers: str) -> subprocess.Popen:
    prefix.mkdir(parents=True)
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(prefix, servers))
    test = subprocess.run(["nginx", "-t", "-q", "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)],
                          capture_output=True, text=True)
    if test.returncode != 0:
        raise RuntimeError(f"nginx {name}: bad config:\n{test.stderr}")
    return procs.start(f"nginx-{name}", ["nginx", "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)],
                       prefix / "stdout.log")


# --- Suanli -------------------------------------------------------------------------------------------

def pick_binary(given: str | None) -> Path:
    """--binary, else the release build if it exists and knows the gateway's commands, else debug."""
    if given:
        return Path(given).absolute()
    release, debug = ROOT / ".build/release/suanli", ROOT / ".build/debug/suanli"
    if release.exists():
        knows = subprocess.run([str(release), "admin", "model", "add", "--help"], capture_output=True).returncode == 0
        if knows:
            if debug.exists() and debug.stat().st_mtime > release.stat().st_mtime:
                log("warning: .build/release/suanli is older than .build/debug/suanli (run `make release`)")
            return release
        log("warning: .build/release/suanli predates the gateway (no `admin model add`); using the debug build")
    return debug


def suanli(binary: Path, args: list[str], var: Path, timeout: float = 120) -> str:
    # cwd: the var dir's parent, so that a `.env` in the checkout does not change the settings.
    done = subprocess.run([str(binary), *args, "--var-dir", str(var)], capture_output=True, text=True,
                          timeout=timeout, cwd=var.parent)
    if done.returncode != 0:
        raise RuntimeError(f"suanli {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def ledger_report(binary: Path, var: Path, wrk_suanli_requests: dict[str, int], in_flight_bound: int) -> dict:
    """After a graceful stop: the ledger's own check, its totals, and the request log's breakdown."""
    verify = subprocess.run([str(binary), "ledger", "verify", "--var-dir", str(var)], capture_output=True, text=True,
                            timeout=300, cwd=var.parent)
    accounts = json.loads(suanli(binary, ["ledger", "show", "--json"], var))
    inference = [a for a in accounts if a.get("kind") == "inference"]
    rows = []
    with sqlite3.connect(f"file:{var / 'suanli.sqlite'}?mode=ro", uri=True) as db:
        for model, streamed, outcome, status, count, tokens in db.execute(
                "SELECT model, streamed, outcome, status, count(*), sum(prompt_tokens + completion_tokens) "
                "FROM gateway_requests GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"):
            rows.append({"model": model, "streamed": bool(streamed), "outcome": outcome, "status": status,
                         "requests": count, "tokens": tokens or 0})
    metered = sum(a.get("tokensMetered", 0) for a in inference)
    wrk_total = sum(wrk_suanli_requests.values())
    return {
        "verify_rc": verify.returncode,
        # Its verdict line (stdout); the server's start-up warnings on stderr are not part of it.
        "verify_output": [line for line in (verify.stdout + verify.stderr).splitlines()
                          if line.startswith("ledger")][-1:] or [(verify.stdout + verify.stderr).strip()[-300:]],
        "clean": verify.returncode == 0,
        "accounts": inference,
        "tokens_metered": metered,
        "request_log": rows,
        "logged_requests": sum(r["requests"] for r in rows),
        "logged_ok_requests": sum(r["requests"] for r in rows if 200 <= r["status"] < 300),
        "client_completed_requests": wrk_suanli_requests,
        "client_completed_total": wrk_total,
        "expected_tokens_for_completed": wrk_total * USAGE["total_tokens"],
        # wrk stops each run with up to `concurrency` requests in flight: it does not count them, but
        # the gateway may finish (and meter) them. The sum over Suanli's runs bounds that excess.
        "in_flight_bound_requests": in_flight_bound,
        "metered_within_bound": wrk_total * USAGE["total_tokens"] <= metered
                                <= (wrk_total + in_flight_bound) * USAGE["total_tokens"],
    }


# --- wrk ------------------------------------------------------------------------------------------------

def lua_script(path: Path, body: str, authorization: str | None) -> None:
    # wrk sends the same request on every connection; a Lua long string keeps the JSON as it is.
    lines = ['wrk.method = "POST"', f"wrk.body = [[{body}]]", 'wrk.headers["Content-Type"] = "application/json"']
    if authorization:
        lines.append(f'wrk.headers["Authorization"] = "Bearer {authorization}"')
    path.write_text("\n".join(lines) + "\n")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def to_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"unparsable wrk duration {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(output: str) -> dict:
    """Requests/sec, the --latency percentiles, non-2xx/3xx answers and socket errors."""
    result: dict = {"non_2xx": 0, "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0}}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result["rps"] = float(m.group(1))
    if m := re.search(r"(\d+) requests in ([\d.]+\w+),", output):
        result["requests"] = int(m.group(1))
        result["elapsed_ms"] = to_ms(m.group(2))
    for pct in ("50", "75", "90", "99"):
        if m := re.search(rf"^\s+{pct}%\s+(\S+)", output, re.M):
            result[f"p{pct}_ms"] = to_ms(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        result["non_2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        result["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups())))
    missing = [k for k in ("rps", "requests", "p50_ms", "p90_ms", "p99_ms") if k not in result]
    if missing:
        raise RuntimeError(f"could not read {missing} from wrk's output:\n{output}")
    result["errors"] = result["non_2xx"] + sum(result["socket_errors"].values())
    return result


def run_wrk(url: str, script: Path, connections: int, threads: int, seconds: float) -> tuple[dict, str]:
    args = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s",
            "--latency", "-s", str(script), url]
    done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr}{done.stdout}")
    return parse_wrk(done.stdout), done.stdout


@dataclass
class Target:
    name: str
    urls: dict[str, str]          # mode ("chat" / "stream") -> URL
    key: str | None
    process: subprocess.Popen | None = None
    pid_for_rss: int | None = None
    scripts: dict[str, Path] = field(default_factory=dict)


# --- Checks before measuring -------------------------------------------------------------------------

def check_target(target: Target, mode: str) -> str:
    """One request by hand: 200, and the usage the canned upstream reported comes back to the client."""
    headers = {"Content-Type": "application/json"}
    if target.key:
        headers["Authorization"] = f"Bearer {target.key}"
    body = BODY_STREAM if mode == "stream" else BODY_CHAT
    response = requests.post(target.urls[mode], data=body, headers=headers, timeout=60)
    if response.status_code != 200:
        raise RuntimeError(f"{target.name} {mode}: HTTP {response.status_code}: {response.text[:500]}")
    if mode == "chat":
        usage = response.json().get("usage") or {}
        if usage.get("total_tokens") != USAGE["total_tokens"]:
            raise RuntimeError(f"{target.name} chat: usage {usage} instead of {USAGE}")
        return f"200, usage {usage}"
    text = response.text
    events = [line[6:] for line in text.splitlines() if line.startswith("data: ")]
    if not events or events[-1] != "[DONE]":
        raise RuntimeError(f"{target.name} stream: no [DONE] at the end: {text[-300:]}")
    usages = [json.loads(e).get("usage") for e in events[:-1]]
    usages = [u for u in usages if u]
    content = "".join((c.get("delta") or {}).get("content") or ""
                      for e in events[:-1] for c in json.loads(e).get("choices") or [])
    if not usages or usages[-1].get("total_tokens") != USAGE["total_tokens"]:
        raise RuntimeError(f"{target.name} stream: usage {usages[-1:] or 'missing'} instead of {USAGE}")
    if content != "".join(STREAM_WORDS):
        raise RuntimeError(f"{target.name} stream: content {content!r} differs from the canned one")
    return f"200, {len(events) - 1} events + [DONE], usage {usages[-1]}"


def rss_mib(pgid: int | None) -> float | None:
    """Peak resident memory (VmHWM) summed over the server's process group (LiteLLM's workers too)."""
    if not pgid:
        return None
    total_kib = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if os.getpgid(int(proc.name)) != pgid:
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total_kib += int(line.split()[1])
        except (OSError, ProcessLookupError):
            continue
    return round(total_kib / 1024, 1) if total_kib else None


# --- Results -----------------------------------------------------------------------------------------

def ratio_checks(results: list[dict], concurrencies: list[int], have_litellm: bool) -> list[dict]:
    def find(target: str, c: int, mode: str = "chat") -> dict | None:
        return next((r for r in results if r["target"] == target and r["concurrency"] == c and r["mode"] == mode), None)

    def valid(*runs: dict | None) -> bool:
        return all(r is not None and r["errors"] == 0 for r in runs)

    checks = []
    c_hi, c_lo = max(concurrencies), min(concurrencies)
    for mode in ("chat", "stream"):
        judged = mode == "chat"  # the targets are for the non-streaming endpoint
        s, p = find("suanli", c_hi, mode), find("nginx-proxy", c_hi, mode)
        if s and p:
            value = s["rps"] / p["rps"]
            checks.append({"name": f"Suanli req/s ÷ nginx-proxy req/s, c={c_hi}, {mode}", "value": round(value, 3),
                           "target": f"≥ {TARGET_PROXY_RATIO}" if judged else "(informational)",
                           "met": (value >= TARGET_PROXY_RATIO) if judged else None, "valid": valid(s, p)})
        s, d = find("suanli", c_lo, mode), find("direct", c_lo, mode)
        if s and d:
            value = s["p50_ms"] - d["p50_ms"]
            checks.append({"name": f"Suanli p50 − direct p50, c={c_lo}, {mode} (ms)", "value": round(value, 3),
                           "target": f"≤ {TARGET_P50_OVERHEAD_MS} ms" if judged else "(informational)",
                           "met": (value <= TARGET_P50_OVERHEAD_MS) if judged else None, "valid": valid(s, d)})
        if have_litellm:
            for c in concurrencies:
                s, lite = find("suanli", c, mode), find("litellm", c, mode)
                if s and lite and lite["rps"] > 0:
                    value = s["rps"] / lite["rps"]
                    checks.append({"name": f"Suanli req/s ÷ LiteLLM req/s, c={c}, {mode}", "value": round(value, 1),
                                   "target": f"≥ {TARGET_LITELLM_RATIO:g}" if judged else "(informational)",
                                   "met": (value >= TARGET_LITELLM_RATIO) if judged else None, "valid": valid(s, lite)})
    return checks


def fmt_ms(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def write_results(out: Path, meta: dict, results: list[dict], checks: list[dict], ledger: dict | None) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"meta": meta, "runs": results, "checks": checks, "ledger": ledger}
    out.with_suffix(".json").write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")

    md: list[str] = [f"# Gateway benchmark — {meta['started']}", ""]
    md.append(f"Reproduce: `{meta['reproduce']}`")
    md.append("")
    bad = [r for r in results if r["errors"]]
    if bad:
        md.append("**⚠ ERRORS: these runs had non-2xx answers or socket errors; their numbers are not valid:** "
                  + ", ".join(f"{r['target']} {r['mode']} c={r['concurrency']} "
                              f"(non-2xx {r['non_2xx']}, socket {r['socket_errors']})" for r in bad))
        md.append("")
    if not meta["binary_release"]:
        md.append("**Note: this run used a debug build of Suanli; its numbers say the harness works, they are not "
                  "the issue's targets (read those on a release build: `make release && make bench-gateway`).**")
        md.append("")
    if meta.get("busy"):
        md.append(f"**Note: the machine was busy (load average {meta['loadavg']} at the start, {meta['loadavg_end']} at "
                  f"the end, on {os.cpu_count()} cores): the numbers are noisy.**")
        md.append("")
    md.append("## Conditions")
    for label, key in (("Date (UTC)", "started"), ("Machine", "machine"), ("Load average at start", "loadavg"),
                       ("Load average at end", "loadavg_end"),
                       ("Suanli binary", "binary"), ("Build", "build"), ("nginx", "nginx_version"),
                       ("wrk", "wrk_version"), ("LiteLLM", "litellm_version"), ("Python", "python")):
        md.append(f"- {label}: {meta[key]}")
    md.append(f"- wrk: `-t{meta['threads']} -c<C> -d{meta['duration_s']:g}s --timeout 10s --latency`, a "
              f"{meta['warmup_s']:g} s warm-up run before each measured run (discarded); connections = concurrency")
    md.append("- Everything on 127.0.0.1 on this one machine: wrk's threads, the canned nginx, the proxies and the "
              "gateways share its cores, so the numbers are relative to one another, not capacity figures.")
    md.append("- Targets: **direct** = the canned nginx itself (`return 200 '…'`, worker_processes auto); "
              "**nginx-proxy** = a second private nginx (worker_processes auto) with `proxy_pass` to it over a "
              "keep-alive upstream (`proxy_http_version 1.1`, `Connection \"\"`; `proxy_buffering off` for SSE); "
              "**suanli** = `suanli serve` (fresh SQLite var dir, demo inference key, auth + admission + "
              "reservation + metering on, `log.level=warning`); **litellm** = `litellm --config` (no database, "
              f"master key, telemetry off, access log off, `--num_workers {meta.get('litellm_workers', '-')}`).")
    md.append(f"- Request: `{BODY_CHAT}` (stream: `{BODY_STREAM}`), "
              f"`Authorization: Bearer …`. The canned answer carries `usage` {json.dumps(USAGE)}; the canned stream is "
              "20 content chunks, a usage chunk and `[DONE]` in one response.")
    md.append("")
    for mode, title in (("chat", "non-streaming"), ("stream", "streaming (SSE)")):
        for c in meta["concurrencies"]:
            rows = [r for r in results if r["mode"] == mode and r["concurrency"] == c]
            if not rows:
                continue
            md.append(f"## {title}, concurrency {c}")
            md.append("")
            md.append("| target | req/s | p50 ms | p90 ms | p99 ms | requests | errors | server peak RSS MiB |")
            md.append("|---|---:|---:|---:|---:|---:|---|---:|")
            for r in rows:
                errors = "0" if not r["errors"] else (f"**⚠ non-2xx {r['non_2xx']}, socket "
                                                      f"{sum(r['socket_errors'].values())} {r['socket_errors']}**")
                md.append(f"| {r['target']} | {r['rps']:,.0f} | {fmt_ms(r['p50_ms'])} | {fmt_ms(r['p90_ms'])} | "
                          f"{fmt_ms(r['p99_ms'])} | {r['requests']:,} | {errors} | {r['rss_peak_mib'] or '—'} |")
            md.append("")
    md.append("## Targets (issue 4, item 10)")
    md.append("")
    md.append("| check | value | target | result |")
    md.append("|---|---:|---|---|")
    for check in checks:
        if check["met"] is None:
            verdict = "—"
        else:
            verdict = "met" if check["met"] else "**not met**"
        if not check["valid"]:
            verdict += " (⚠ invalid: a run had errors)"
        md.append(f"| {check['name']} | {check['value']} | {check['target']} | {verdict} |")
    if not any("LiteLLM" in c["name"] for c in checks):
        md.append(f"| Suanli req/s ÷ LiteLLM req/s | — | ≥ {TARGET_LITELLM_RATIO:g} | not measured: {meta['litellm_note']} |")
    md.append("")
    if not meta["binary_release"]:
        md.append("The targets are judged on this run's numbers as they are; with a debug build they say little.")
        md.append("")
    if ledger:
        md.append("## Ledger after the run (Suanli stopped gracefully first, so every lease was settled)")
        md.append("")
        md.append(f"- `suanli ledger verify`: exit {ledger['verify_rc']} — {ledger['verify_output'][0]} "
                  f"→ {'**clean**' if ledger['clean'] else '**NOT CLEAN**'}")
        for account in ledger["accounts"]:
            md.append(f"- `ledger show`: project {account.get('project')}: granted {account.get('granted')}, used "
                      f"{account.get('used')}, held {account.get('held')}, remaining {account.get('remaining')}, "
                      f"tokensMetered {account.get('tokensMetered'):,}")
        diff = ledger["tokens_metered"] - ledger["expected_tokens_for_completed"]
        md.append(f"- Requests wrk and the checks saw completed against Suanli (warm-ups included): "
                  f"{ledger['client_completed_total']:,} × 32 tokens = {ledger['expected_tokens_for_completed']:,} "
                  f"tokens; metered {ledger['tokens_metered']:,} ({diff:+,} tokens = {diff / 32:+,.0f} requests). "
                  "wrk stops with requests in flight that it does not count but the gateway finishes and meters "
                  f"(at most the concurrency per run: {ledger['in_flight_bound_requests']:,} requests over these runs), "
                  f"so completed × 32 ≤ metered ≤ (completed + {ledger['in_flight_bound_requests']:,}) × 32 is expected: "
                  f"{'**holds**' if ledger['metered_within_bound'] else '**DOES NOT HOLD**'}.")
        md.append(f"- Request log (`gateway_requests`): {ledger['logged_requests']:,} rows, "
                  f"{ledger['logged_ok_requests']:,} with 2xx:")
        md.append("")
        md.append("| model | streamed | outcome | status | requests | tokens |")
        md.append("|---|---|---|---:|---:|---:|")
        for row in ledger["request_log"]:
            md.append(f"| {row['model']} | {row['streamed']} | {row['outcome']} | {row['status']} | "
                      f"{row['requests']:,} | {row['tokens']:,} |")
        md.append("")
    md.append("## Notes")
    for note in meta["notes"]:
        md.append(f"- {note}")
    md.append("")
    out.with_suffix(".md").write_text("\n".join(md))


# --- Main ----------------------------------------------------------------------------------------------

def machine_facts() -> dict:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return {"machine": f"{cpu}; nproc {os.cpu_count()}; {mem_kib / 1024 / 1024:.1f} GiB memory; "
                       f"{os.uname().sysname} {os.uname().release}",
            "loadavg": " ".join(Path("/proc/loadavg").read_text().split()[:3])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", help="suanli binary (default: release build if usable, else debug)")
    parser.add_argument("--duration", type=float, default=10, help="seconds per measured run (default 10)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of the discarded warm-up run (default 2)")
    parser.add_argument("--concurrency", default="8,32", help="comma-separated levels (default 8,32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--litellm", help="the litellm executable (from bench/gateway/run's venv); omit to skip")
    parser.add_argument("--litellm-workers", type=int, help="LiteLLM's uvicorn workers (default: nproc)")
    parser.add_argument("--litellm-note", default="skipped (--skip-litellm)", help="why LiteLLM is not measured")
    parser.add_argument("--out", help="results path without suffix (default bench/results/gateway-<date>)")
    parser.add_argument("--reproduce", default="make bench-gateway", help="the command to print at the top")
    parser.add_argument("--keep-temp", action="store_true", help="leave the temp dir (logs, configs) in place")
    args = parser.parse_args()
    concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]

    # SIGTERM/SIGHUP end the run like Ctrl-C does: through `finally`, which stops every server.
    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)

    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            log(f"{tool} is missing: run scripts/setup-system")
            return 2
    binary = pick_binary(args.binary)
    if not binary.exists():
        log(f"no suanli binary at {binary}: run `make build` or `make release`")
        return 2
    build = "release" if "/release/" in str(binary) else ("debug" if "/debug/" in str(binary) else "unknown (see path)")
    log(f"using {binary} ({build} build)")

    started = dt.datetime.now(dt.timezone.utc)
    out = Path(args.out) if args.out else ROOT / "bench/results" / f"gateway-{started:%Y-%m-%d}"
    meta = {
        "started": started.isoformat(timespec="seconds"),
        "reproduce": args.reproduce,
        **machine_facts(),
        "binary": str(binary),
        "binary_modified": dt.datetime.fromtimestamp(binary.stat().st_mtime, dt.timezone.utc).isoformat(timespec="seconds"),
        "build": build,
        "binary_release": build == "release",
        "nginx_version": command_output(["nginx", "-v"]).replace("nginx version: ", ""),
        "wrk_version": command_output(["wrk", "-v"]).splitlines()[0].split(" Copyright")[0],
        "litellm_version": "not used",
        "litellm_note": args.litellm_note,
        "python": sys.version.split()[0],
        "duration_s": args.duration, "warmup_s": args.warmup, "threads": args.threads,
        "concurrencies": concurrencies,
        "notes": [],
    }
    meta["build"] = f"{build}, modified {meta['binary_modified']}"

    tmp = Path(tempfile.mkdtemp(prefix="suanli-gwbench."))
    tmp.chmod(0o711)  # nginx's workers (user nobody when run as root) must reach their temp paths inside
    procs = Processes()
    results: list[dict] = []
    ledger = None
    targets: list[Target] = []
    failed = False
    try:
        # 1. The canned upstream: one port answers the chat.completion, another the SSE stream.
        p_chat, p_stream, p_proxy_chat, p_proxy_stream, p_suanli, p_lite = free_ports(6)
        start_nginx(procs, "canned", tmp / "nginx-canned",
                    canned_server(p_chat, "application/json", CANNED_COMPLETION)
                    + canned_server(p_stream, "text/event-stream", canned_stream()))
        # 2. The nginx reverse proxy: its own instance, so that its workers are not the canned ones.
        start_nginx(procs, "proxy", tmp / "nginx-proxy",
                    f"""
    upstream canned_chat {{ server 127.0.0.1:{p_chat}; keepalive 64; keepalive_requests 1000000; }}
    upstream canned_stream {{ server 127.0.0.1:{p_stream}; keepalive 64; keepalive_requests 1000000; }}"""
                    + proxy_server(p_proxy_chat, "canned_chat", False)
                    + proxy_server(p_proxy_stream, "canned_stream", True))
        for port in (p_chat, p_stream, p_proxy_chat, p_proxy_stream):
            wait_until(f"nginx on {port}", lambda port=port: requests.get(
                f"http://127.0.0.1:{port}/v1/models", timeout=2).status_code == 200, 20,
                logfile=tmp / "nginx-canned/error.log")
        targets.append(Target("direct", {"chat": f"http://127.0.0.1:{p_chat}/v1/chat/completions",
                                                         "stream": f"http://127.0.0.1:{p_stream}/v1/chat/completions"},
                              key=None))
        targets.append(Target("nginx-proxy",
                              {"chat": f"http://127.0.0.1:{p_proxy_chat}/v1/chat/completions",
                               "stream": f"http://127.0.0.1:{p_proxy_stream}/v1/chat/completions"}, key=None))

        # 3. Suanli on a fresh var dir, with the demo's inference key and two catalogue models.
        var = tmp / "suanli-var"
        suanli(binary, ["migrate"], var)
        demo = json.loads(suanli(binary, ["demo", "--json"], var))
        key = demo["inference"]["apiKey"]
        meta["suanli_project"] = {k: demo["inference"].get(k) for k in ("project", "points")}
        for model, port in (("bench-chat", p_chat), ("bench-stream", p_stream)):
            suanli(binary, ["admin", "model", "add", "--id", model, "--developer", "Google", "--origin", "US",
                            "--capability", "chat", "--upstream", f"http://127.0.0.1:{port}/v1"], var)
        server = procs.start("suanli", [str(binary), "serve", "--var-dir", str(var), "--host", "127.0.0.1",
                                        "--port", str(p_suanli), "--set", "log.level=warning"], tmp / "suanli.log",
                             cwd=tmp)
        wait_until("suanli", lambda: requests.get(f"http://127.0.0.1:{p_suanli}/readyz", timeout=2).status_code == 200,
                   120, server, tmp / "suanli.log")
        url = f"http://127.0.0.1:{p_suanli}/v1/chat/completions"
        targets.append(Target("suanli", {"chat": url, "stream": url}, key=key, process=server,
                              pid_for_rss=server.pid))

        # 4. LiteLLM's proxy, without a database, the same two models on the same canned upstream.
        if args.litellm:
            config = tmp / "litellm.yaml"
            config.write_text(f"""model_list:
  - model_name: bench-chat
    litellm_params: {{model: openai/bench-chat, api_base: "http://127.0.0.1:{p_chat}/v1", api_key: x}}
  - model_name: bench-stream
    litellm_params: {{model: openai/bench-stream, api_base: "http://127.0.0.1:{p_stream}/v1", api_key: x}}
litellm_settings:
  telemetry: false
  drop_params: true
general_settings:
  master_key: {LITELLM_KEY}
""")
            env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OPENAI_API_KEY")}
            # No telemetry, no cost-map download at start (there is no network but loopback), quiet logs.
            # uvicorn's access log off, as Suanli runs at log.level=warning (no line per request).
            log_config = tmp / "litellm-logging.json"
            log_config.write_text(json.dumps({
                "version": 1, "disable_existing_loggers": False,
                "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
                "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain",
                                        "stream": "ext://sys.stderr"}},
                "loggers": {"uvicorn": {"handlers": ["stderr"], "level": "WARNING"},
                            "uvicorn.error": {"level": "WARNING"},
                            "uvicorn.access": {"handlers": ["stderr"], "level": "WARNING", "propagate": False}},
            }))
            env.update(LITELLM_TELEMETRY="False", LITELLM_LOCAL_MODEL_COST_MAP="True", LITELLM_LOG="ERROR",
                       LITELLM_MODE="PRODUCTION", NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
            # As many uvicorn workers as cores: Suanli, too, runs one event loop per core.
            workers = args.litellm_workers or os.cpu_count() or 1
            meta["litellm_workers"] = workers
            lite = procs.start("litellm", [args.litellm, "--config", str(config), "--host", "127.0.0.1",
                                           "--port", str(p_lite), "--num_workers", str(workers),
                                           "--telemetry", "False", "--log_config", str(log_config)],
                               tmp / "litellm.log", env=env, cwd=tmp)
            wait_until("litellm", lambda: requests.get(f"http://127.0.0.1:{p_lite}/v1/models", timeout=5,
                                                       headers={"Authorization": f"Bearer {LITELLM_KEY}"}
                                                       ).status_code == 200, 180, lite, tmp / "litellm.log")
            lite_version = command_output([str(Path(args.litellm).parent / "python"), "-c",
                                           "import importlib.metadata as m; print(m.version('litellm'))"])
            meta["litellm_version"] = lite_version
            url = f"http://127.0.0.1:{p_lite}/v1/chat/completions"
            targets.append(Target("litellm", {"chat": url, "stream": url}, key=LITELLM_KEY,
                                  process=lite, pid_for_rss=lite.pid))
        else:
            meta["notes"].append(f"LiteLLM not measured: {args.litellm_note}.")

        # 5. One request by hand per target and mode before measuring.
        suanli_completed = {"chat": 0, "stream": 0}
        suanli_in_flight = 0
        meta["checks_before"] = {}
        for target in targets:
            for mode in ("chat", "stream"):
                try:
                    meta["checks_before"][f"{target.name} {mode}"] = check_target(target, mode)
                except (RuntimeError, requests.RequestException, ValueError) as error:
                    if target.name == "litellm" and mode == "stream":
                        # Optional in the issue: LiteLLM's streams are skipped rather than failing the run.
                        meta["notes"].append(f"LiteLLM streaming not measured: {error}")
                        target.urls.pop("stream")
                        continue
                    raise
                if target.name == "suanli":
                    suanli_completed[mode] += 1
                log(f"check {target.name} {mode}: {meta['checks_before'][f'{target.name} {mode}']}")
            for mode in target.urls:
                target.scripts[mode] = tmp / f"{target.name}-{mode}.lua"
                lua_script(target.scripts[mode], BODY_STREAM if mode == "stream" else BODY_CHAT, target.key)

        # 6. The runs: per concurrency and mode, every target in turn, each after its own warm-up.
        for c in concurrencies:
            for mode in ("chat", "stream"):
                for target in targets:
                    if mode not in target.urls:
                        continue
                    warm, _ = run_wrk(target.urls[mode], target.scripts[mode], c, args.threads, args.warmup)
                    measured, raw = run_wrk(target.urls[mode], target.scripts[mode], c, args.threads, args.duration)
                    if target.name == "suanli":
                        suanli_completed[mode] += warm["requests"] + measured["requests"]
                        suanli_in_flight += 2 * c
                    row = {"target": target.name, "mode": mode, "concurrency": c, **measured,
                           "warmup": {k: warm[k] for k in ("requests", "rps", "errors")},
                           "rss_peak_mib": rss_mib(target.pid_for_rss), "wrk_output": raw}
                    results.append(row)
                    flag = ""
                    if measured["errors"] or warm["errors"]:
                        flag = (f"  ⚠⚠ ERRORS: non-2xx {measured['non_2xx']}, socket {measured['socket_errors']} "
                                f"(warm-up: {warm['errors']})")
                    log(f"c={c:<3} {mode:<6} {target.name:<12} {measured['rps']:>10,.0f} req/s  p50 "
                        f"{measured['p50_ms']:.3f} ms  p90 {measured['p90_ms']:.3f}  p99 {measured['p99_ms']:.3f}{flag}")
                    if measured["errors"]:
                        failed = True
                        print(f"\n!!! {target.name} {mode} c={c}: {measured['non_2xx']} non-2xx answers, socket errors "
                              f"{measured['socket_errors']} — this run is NOT valid !!!\n", file=sys.stderr, flush=True)

        # 7. Stop Suanli gracefully (it settles every lease on shutdown), then read its ledger.
        procs.stop(server, grace=60)
        meta["suanli_exit"] = server.returncode
        ledger = ledger_report(binary, var, suanli_completed, suanli_in_flight)
        log(f"ledger: {'clean' if ledger['clean'] else 'NOT CLEAN'}; metered {ledger['tokens_metered']:,} tokens for "
            f"{ledger['client_completed_total']:,} completed requests (×32 = {ledger['expected_tokens_for_completed']:,})")
        if not ledger["clean"] or not ledger["metered_within_bound"]:
            failed = True
            log("⚠ the ledger is not clean, or the metered tokens are outside completed × 32 … "
                "(completed + in flight) × 32")
        # Suanli's own warnings and errors during the run, for the notes (the first few).
        problems = [line for line in (tmp / "suanli.log").read_text(errors="replace").splitlines()
                    if " error " in line or " critical " in line]
        if problems:
            meta["notes"].append(f"Suanli logged {len(problems)} error line(s); first: `{problems[0][:300]}`")
    except KeyboardInterrupt as stop:
        log(f"interrupted ({stop}); stopping everything")
        return 130
    except (RuntimeError, subprocess.TimeoutExpired, requests.RequestException) as error:
        log(f"failed: {error}")
        log(f"logs were in {tmp} (run with --keep-temp to keep them)" if not args.keep_temp else f"logs in {tmp}")
        return 1
    finally:
        procs.stop_all()
        if args.keep_temp:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    meta["loadavg_end"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    busy = meta["busy"] = max(float(meta["loadavg"].split()[0]),
                              float(meta["loadavg_end"].split()[0])) > 0.5 * (os.cpu_count() or 1)
    if busy:
        meta["notes"].insert(0, f"The machine was busy when the run started (load average {meta['loadavg']} on "
                                f"{os.cpu_count()} cores; {meta['loadavg_end']} at the end, which includes this run's own load): other work competed for the CPU, so these numbers are "
                                "noisy; repeat on a quiet machine before reading the targets.")
    if not meta["binary_release"]:
        meta["notes"].append("Debug build: these numbers prove the harness end to end; they are not the targets, "
                             "which are read on a release build.")
    meta["notes"].append("wrk's latency is the time to the whole response (for SSE, to `[DONE]`); req/s counts "
                         "completed responses in the measured run only.")
    checks = ratio_checks(results, concurrencies, any(t.name == "litellm" for t in targets))
    write_results(out, meta, results, checks, ledger)
    log(f"results: {out.with_suffix('.md')} and .json")
    for check in checks:
        verdict = "—" if check["met"] is None else ("met" if check["met"] else "NOT MET")
        log(f"{check['name']}: {check['value']} (target {check['target']}) {verdict}"
            f"{'' if check['valid'] else ' [INVALID: errors]'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
