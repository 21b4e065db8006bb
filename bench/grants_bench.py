#!/usr/bin/env python3
"""Scale benchmark of the grants pages (issue: 5,000 applications, 20 reviewers and their scores).

What it does, all on 127.0.0.1 with a fresh var dir and a fresh SQLite database (or the PostgreSQL
database named by --database-url):
  1. (--release) `swift build -c release`; otherwise uses .build/debug/suanli (or --binary).
  2. `suanli migrate`, `suanli demo --json` (programme, operator with TOTP), then
     `suanli admin seed-bench --applications N --reviewers R` (direct batched inserts).
  3. `suanli serve` on a free loopback port; waits for /readyz.
  4. Signs the demo operator in (password + TOTP) with a plain HTTP session.
  5. Measures --requests sequential GETs (after --warmup) of each page:
       /healthz (the baseline), /operator/applications (page 1), a filtered page
       (?status=professionalReview&category=training&round=R1&page=2), /operator/ranking?round=R1&category=training,
       /statistics — p50 / p95 / max in ms, and each p50 as a multiple of the baseline's p50.
  6. The server's RSS (VmRSS and VmHWM from /proc/<pid>/status) after start, after seeding's first
     request and at the end.
  7. Writes bench/results/grants-<date>.md and .json.

Bounded: at most --requests per page (default 200), every request with a 30 s timeout, the whole run
with --deadline seconds (default 900). Target (issue): p95 < 100 ms on SQLite on this machine.

    .venv/bin/python bench/grants_bench.py                     # debug build, 5000 applications
    .venv/bin/python bench/grants_bench.py --release            # builds and uses the release binary
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 100.0


def totp(secret: str, at: float | None = None) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return str((struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**6).zfill(6)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run(binary: Path, args: list[str], cwd: Path, timeout: float) -> str:
    started = time.monotonic()
    done = subprocess.run([str(binary), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        sys.exit(f"`suanli {' '.join(args)}` exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    print(f"  suanli {args[0]} {args[1] if len(args) > 1 and not args[1].startswith('-') else ''}"
          f"… {time.monotonic() - started:.1f} s", file=sys.stderr)
    return done.stdout


def parse_json(stdout: str) -> dict:
    start = stdout.find("{")
    return json.loads(stdout[start:])


def csrf(html: str) -> str:
    found = re.search(r'name="_csrf" value="([^"]+)"', html)
    if not found:
        sys.exit("no _csrf field on the sign-in page")
    return found.group(1)


def sign_in(base: str, login: dict) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/signin", timeout=30)
    r = session.post(base + "/signin", data={"_csrf": csrf(page.text), "email": login["email"],
                                              "password": login["password"]}, timeout=30)
    if "/signin/totp" not in r.url:
        sys.exit(f"operator sign-in did not ask for TOTP (at {r.url}, {r.status_code})")
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.2)
    r = session.post(base + "/signin/totp", data={"_csrf": csrf(r.text), "code": totp(login["totpSecret"])}, timeout=30)
    if r.url.rstrip("/").endswith("/signin/totp") or r.status_code != 200:
        sys.exit(f"TOTP sign-in failed ({r.status_code} at {r.url})")
    return session


def measure(session: requests.Session, url: str, count: int, warmup: int, deadline: float) -> dict:
    for _ in range(warmup):
        session.get(url, timeout=30)
    times, sizes, statuses = [], [], set()
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        response = session.get(url, timeout=30)
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(response.content))
        statuses.add(response.status_code)
    return {"n": len(times), "p50_ms": round(percentile(times, 50), 2), "p95_ms": round(percentile(times, 95), 2),
            "max_ms": round(max(times), 2), "mean_ms": round(statistics.fmean(times), 2),
            "bytes": int(statistics.median(sizes)), "status": sorted(statuses)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page (max 1000)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--release", action="store_true", help="swift build -c release and use that binary")
    parser.add_argument("--binary", type=Path, help="another suanli binary")
    parser.add_argument("--database-url", help="a fresh PostgreSQL database (default: SQLite in the var dir)")
    parser.add_argument("--deadline", type=float, default=900, help="seconds for the whole run")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--keep", action="store_true", help="keep the var dir")
    args = parser.parse_args()
    args.requests = max(1, min(args.requests, 1000))
    deadline = time.monotonic() + args.deadline

    if args.release:
        subprocess.run(["swift", "build", "-c", "release", "--product", "suanli"], cwd=ROOT, check=True)
        binary, build = ROOT / ".build" / "release" / "suanli", "release"
    else:
        binary = args.binary or ROOT / ".build" / "debug" / "suanli"
        build = "release" if "release" in str(binary) else "debug"
    if not binary.is_file():
        sys.exit(f"{binary} is missing: run `swift build` first")

    var_dir = Path(tempfile.mkdtemp(prefix="suanli-bench-"))
    database_url = args.database_url or f"sqlite://{var_dir / 'suanli.sqlite'}"
    common = ["--database-url", database_url, "--var-dir", str(var_dir),
              "--smtp-host", "127.0.0.1", "--smtp-port", str(free_port())]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    try:
        print(f"var dir {var_dir}; database {database_url.split('://')[0]}; {build} build", file=sys.stderr)
        run(binary, ["migrate", *common], var_dir, 300)
        demo = parse_json(run(binary, ["demo", "--json", *common], var_dir, 300))
        seeded_at = time.monotonic()
        seed = parse_json(run(binary, ["admin", "seed-bench", "--applications", str(args.applications),
                                       "--reviewers", str(args.reviewers), *common], var_dir, 900))
        seed_seconds = time.monotonic() - seeded_at
        log = (var_dir / "serve.log").open("wb")
        server = subprocess.Popen([str(binary), "serve", "--host", "127.0.0.1", "--port", str(port),
                                   "--public-url", base, *common],
                                  cwd=var_dir, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  start_new_session=True)
        while True:
            try:
                if requests.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"server did not start; see {var_dir / 'serve.log'}")
            time.sleep(0.2)
        memory = {"after_start": rss_kib(server.pid)}
        operator = next(login for login in demo["logins"] if login["role"] == "operator")
        session = sign_in(base, operator)
        round1 = seed["rounds"][0]
        pages = {
            "baseline /healthz": "/healthz",
            "operator list, page 1": "/operator/applications",
            "operator list, filtered page 2": f"/operator/applications?status=professionalReview&category=training&round={round1}&page=2",
            "ranking (round 1, training)": f"/operator/ranking?round={round1}&category=training",
            "statistics": "/statistics",
        }
        results = {}
        for name, path in pages.items():
            results[name] = {"path": path, **measure(session, base + path, args.requests, args.warmup, deadline)}
            if name.startswith("baseline"):
                memory["after_baseline"] = rss_kib(server.pid)
            print(f"  {name:34} p50 {results[name]['p50_ms']:8.2f}  p95 {results[name]['p95_ms']:8.2f}  "
                  f"max {results[name]['max_ms']:8.2f} ms  {results[name]['status']}", file=sys.stderr)
        memory["end"] = rss_kib(server.pid)
        baseline = results["baseline /healthz"]["p50_ms"] or 0.01
        for row in results.values():
            row["p50_x_baseline"] = round(row["p50_ms"] / baseline, 1)
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)

    now = dt.datetime.now(dt.timezone.utc)
    report = {
        "date": now.isoformat(timespec="seconds"), "build": build, "binary": str(binary.relative_to(ROOT))
        if binary.is_relative_to(ROOT) else str(binary),
        "database": database_url.split("://")[0], "machine": {"cpu": _cpu(), "cores": os.cpu_count(),
                                                              "python": platform.python_version()},
        "seed": {**seed, "wall_seconds": round(seed_seconds, 1)}, "requests_per_page": args.requests,
        "warmup": args.warmup, "results": results, "memory_kib": memory, "target_p95_ms": TARGET_P95_MS,
        "all_under_target": all(r["p95_ms"] < TARGET_P95_MS for r in results.values()),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"grants-{now:%Y-%m-%d}{'' if report['database'] == 'sqlite' else '-' + report['database']}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    stem.with_suffix(".md").write_text(markdown(report))
    print(markdown(report))
    print(f"wrote {stem}.md and .json", file=sys.stderr)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def markdown(r: dict) -> str:
    s = r["seed"]
    lines = [
        f"# Grants scale benchmark — {r['date']}", "",
        f"- Binary: `{r['binary']}` ({r['build']} build); database: {r['database']}; "
        f"machine: {r['machine']['cpu']}, {r['machine']['cores']} cores",
        f"- Seeded by `suanli admin seed-bench`: {s['applications']} applications, {s['organisations']} organisations, "
        f"{s['reviewers']} reviewers, {s['scoreSheets']} submitted score sheets in {s['wall_seconds']} s",
        "- Status spread: " + ", ".join(f"{k} {v}" for k, v in sorted(s["byStatus"].items())),
        f"- {r['requests_per_page']} sequential requests per page after {r['warmup']} warm-up requests, one signed-in "
        "operator session over loopback HTTP/1.1 (python-requests); times are client-side wall time.",
        "", "| page | path | p50 ms | p95 ms | max ms | p50 × baseline | bytes | status |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, row in r["results"].items():
        lines.append(f"| {name} | `{row['path']}` | {row['p50_ms']} | {row['p95_ms']} | {row['max_ms']} | "
                     f"{row['p50_x_baseline']} | {row['bytes']} | {','.join(map(str, row['status']))} |")
    m = r["memory_kib"]
    lines += ["", "Server memory (KiB, /proc/<pid>/status): " + "; ".join(
        f"{k}: VmRSS {v.get('VmRSS')} (peak {v.get('VmHWM')})" for k, v in m.items()), "",
        f"Target p95 < {r['target_p95_ms']:.0f} ms: {'met' if r['all_under_target'] else 'NOT met'} on every page.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
