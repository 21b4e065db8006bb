"""Fixtures for live end-to-end tests of the built `suanli` binary.

Fixtures (see each docstring):
  suanli_bin     path of the binary (.build/debug/suanli, or $SUANLI_BIN)
  db_kind        "sqlite" or "postgres" (postgres when $SUANLI_TEST_DATABASE_URL is set)
  database_url   a fresh database for this session
  smtp_sink      scripts/smtp-sink on a free port, with helpers to wait for and parse mail
  make_smtp_sink another sink for one test, with the sink's options (--starttls, --auth …)
  server         `suanli serve` on a free port (after `migrate` and `demo --json`), ready
  make_server    make_server(name, *extra_args): another server with its own database and settings
  browser        headless Chromium (selenium), viewport 1280x900, zh-TW; clean cookies per test
  screenshot     screenshot(name) → artifacts/screenshots/<db>/<name>.png
  axe_check      axe_check(driver, name) → fails on serious/critical accessibility violations

Environment:
  SUANLI_TEST_DATABASE_URL   postgres://USER@HOST:PORT/DB of a server where USER may create
                             databases; the session makes suanli_e2e_<random> and drops it after
  SUANLI_BIN                 another binary (e.g. .build/release/suanli)
  SUANLI_E2E_START_TIMEOUT   seconds to wait for /readyz (default 90)
  SUANLI_E2E_KEEP_DB=1       keep the PostgreSQL database and the var dir for inspection
  SUANLI_ARTIFACTS           where screenshots and reports go (default artifacts/)
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("SUANLI_ARTIFACTS", ROOT / "artifacts"))
DATABASE_URL_ENV = "SUANLI_TEST_DATABASE_URL"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WINDOW = (1280, 900)

# Logs printed at the end of a session that had failures (see pytest_terminal_summary).
_LOGS_TO_SHOW: list[tuple[str, Path]] = []
_FAILED = pytest.StashKey[bool]()


# --------------------------------------------------------------------------- helpers


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 80) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name, flags=re.ASCII).strip("-") or "unnamed"


def stop_process(process: subprocess.Popen[bytes], grace: float = 15.0) -> None:
    """SIGTERM the process group (graceful shutdown), SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --------------------------------------------------------------------------- database


@pytest.fixture(scope="session")
def db_kind() -> str:
    """"postgres" when $SUANLI_TEST_DATABASE_URL is set, else "sqlite"."""
    return "postgres" if os.environ.get(DATABASE_URL_ENV) else "sqlite"


@pytest.fixture(scope="session")
def artifacts_dir(db_kind: str) -> Path:
    """artifacts/ (or $SUANLI_ARTIFACTS); per-database subfolders are made by the helpers."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def suanli_bin() -> Path:
    """The built executable: $SUANLI_BIN or .build/debug/suanli."""
    path = Path(os.environ.get("SUANLI_BIN", ROOT / ".build" / "debug" / "suanli"))
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"{path} is missing: run `make build` (swift build) first", pytrace=False)
    return path


def _psql(admin_url: str, sql: str) -> subprocess.CompletedProcess[str]:
    psql = shutil.which("psql")
    if psql is None:
        pytest.fail("psql not found: run scripts/setup-system", pytrace=False)
    return subprocess.run(
        [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", admin_url, "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@contextlib.contextmanager
def fresh_database(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A new, empty database (see `database_url`); dropped on exit unless SUANLI_E2E_KEEP_DB=1."""
    if db_kind == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "suanli.sqlite"
        yield f"sqlite://{path}"
        return

    admin_url = os.environ[DATABASE_URL_ENV]
    parts = urlsplit(admin_url)
    name = f"suanli_e2e_{secrets.token_hex(4)}"
    created = _psql(admin_url, f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
    if created.returncode != 0:
        pytest.fail(f"could not create database {name} via {admin_url}:\n{created.stderr}", pytrace=False)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        if os.environ.get("SUANLI_E2E_KEEP_DB") == "1":
            print(f"\nkept database {name} (SUANLI_E2E_KEEP_DB=1)", file=sys.stderr)
        else:
            dropped = _psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if dropped.returncode != 0:
                warnings.warn(f"could not drop database {name}: {dropped.stderr}", stacklevel=1)


@pytest.fixture(scope="session")
def database_url(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database for this test session.

    SQLite: sqlite://<absolute path of a new file> (e.g. sqlite:///tmp/pytest-…/suanli.sqlite).
    PostgreSQL: postgres://USER@HOST:PORT/suanli_e2e_<random>, created from the database in
    $SUANLI_TEST_DATABASE_URL and dropped (WITH FORCE) when the session ends.
    """
    with fresh_database(db_kind, tmp_path_factory) as url:
        yield url


# --------------------------------------------------------------------------- mail


@dataclass
class SmtpSink:
    """A real SMTP server (scripts/smtp-sink) that stores each message as NNNN.eml + NNNN.json.

    Messages come back as email.message.EmailMessage (policy=default, so headers are decoded),
    each with an extra attribute `envelope`: {"mail_from", "rcpt_tos", "login", "tls"}.
    """

    host: str
    port: int
    maildir: Path
    ca: Path | None = None
    _taken: set[Path] = field(default_factory=set)

    def _files(self) -> list[Path]:
        # The sink writes atomically (temporary name, then rename), so every .eml is complete.
        return sorted(self.maildir.glob("*.eml"))

    @staticmethod
    def parse(path: Path) -> EmailMessage:
        with path.open("rb") as handle:
            message = email.message_from_binary_file(handle, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        meta = path.with_suffix(".json")
        message.envelope = json.loads(meta.read_text()) if meta.is_file() else {}  # type: ignore[attr-defined]
        message.path = path  # type: ignore[attr-defined]
        return message

    def messages(self) -> list[EmailMessage]:
        """Every message received so far, oldest first (taken or not)."""
        return [self.parse(path) for path in self._files()]

    def wait_for(
        self,
        *,
        to: str | None = None,
        subject: str | None = None,
        predicate: Callable[[EmailMessage], bool] | None = None,
        count: int = 1,
        timeout: float = 30.0,
    ) -> list[EmailMessage]:
        """Waits for `count` new messages that match, marks them taken and returns them.

        to: an address among the envelope recipients or in To/Cc (case-insensitive substring);
        subject: a substring of the decoded Subject; predicate: any further test.
        A taken message is never returned again, so tests sharing the session's sink each
        see their own mail.
        """
        deadline = time.monotonic() + timeout
        while True:
            found = []
            for path in self._files():
                if path in self._taken:
                    continue
                message = self.parse(path)
                if self._matches(message, to, subject, predicate):
                    found.append(message)
                    if len(found) == count:
                        self._taken.update(m.path for m in found)  # type: ignore[attr-defined]
                        return found
            if time.monotonic() > deadline:
                seen = [f"to={m.envelope.get('rcpt_tos')} subject={m['Subject']!s}" for m in self.messages()]  # type: ignore[attr-defined]
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {count} message(s) to={to!r} subject~{subject!r}; "
                    f"{len(found)} matched; all received: {seen or 'none'}"
                )
            time.sleep(0.1)

    def wait_for_one(self, **kwargs: Any) -> EmailMessage:
        return self.wait_for(count=1, **kwargs)[0]

    @staticmethod
    def _matches(
        message: EmailMessage,
        to: str | None,
        subject: str | None,
        predicate: Callable[[EmailMessage], bool] | None,
    ) -> bool:
        if to is not None:
            envelope = message.envelope.get("rcpt_tos") or []  # type: ignore[attr-defined]
            recipients = " ".join([*envelope, *(str(message.get(h, "")) for h in ("To", "Cc"))])
            if to.lower() not in recipients.lower():
                return False
        if subject is not None and subject not in str(message.get("Subject", "")):
            return False
        return predicate is None or predicate(message)

    @staticmethod
    def text(message: EmailMessage) -> str:
        """The text/plain body (or the HTML one with tags removed)."""
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return ""
        content = part.get_content()
        if part.get_content_subtype() == "html":
            content = re.sub(r"<[^>]+>", " ", content)
        return content

    @classmethod
    def links(cls, message: EmailMessage) -> list[str]:
        """Every http(s) URL in the message body, in order."""
        return re.findall(r"https?://[^\s\"'<>)\]]+", cls.text(message))

    def clear(self) -> None:
        """Marks everything received so far as taken."""
        self._taken.update(self._files())


def start_smtp_sink(folder: Path, *extra_args: str) -> tuple[SmtpSink, subprocess.Popen[bytes]]:
    """Starts scripts/smtp-sink on a free port; extra_args e.g. "--starttls", "--fail-first", "2"."""
    script = ROOT / "scripts" / "smtp-sink"
    if not script.is_file():
        pytest.fail(f"{script} is missing (the SMTP sink the server delivers to)", pytrace=False)
    folder.mkdir(parents=True, exist_ok=True)
    maildir, ready, log_path = folder / "mail", folder / "ready", folder / "smtp-sink.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(script), "--port", "0", "--dir", str(maildir), "--ready-file", str(ready), *extra_args],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + 30
    while not ready.is_file():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_process(process, grace=2)
            pytest.fail(f"smtp-sink did not start:\n{tail(log_path)}", pytrace=False)
        time.sleep(0.05)
    fields = dict(item.split("=", 1) for item in ready.read_text().split()[1:])
    _LOGS_TO_SHOW.append(("smtp-sink", log_path))
    ca = None if fields.get("ca", "-") == "-" else Path(fields["ca"])
    return SmtpSink("127.0.0.1", int(fields["port"]), maildir, ca), process


@pytest.fixture(scope="session")
def smtp_sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmtpSink]:
    """scripts/smtp-sink on 127.0.0.1:<free port>, for the whole session (the server's relay)."""
    sink, process = start_smtp_sink(tmp_path_factory.mktemp("smtp-sink"))
    try:
        yield sink
    finally:
        stop_process(process, grace=5)


@pytest.fixture
def make_smtp_sink(tmp_path: Path) -> Iterator[Callable[..., SmtpSink]]:
    """make_smtp_sink("--starttls") → another sink for this test only (TLS, AUTH, failures)."""
    processes: list[subprocess.Popen[bytes]] = []

    def make(*extra_args: str) -> SmtpSink:
        sink, process = start_smtp_sink(tmp_path / f"smtp-sink-{len(processes)}", *extra_args)
        processes.append(process)
        return sink

    yield make
    for process in processes:
        stop_process(process, grace=5)


# --------------------------------------------------------------------------- server


@dataclass
class SuanliServer:
    """A running `suanli serve`; `demo` is the parsed output of `suanli demo --json`."""

    url: str
    port: int
    database_url: str
    var_dir: Path
    log_path: Path
    demo: Any
    binary: Path
    common_args: list[str]
    timeout: float = 30.0

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return requests.get(self.url + path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return requests.post(self.url + path, **kwargs)

    def session(self) -> requests.Session:
        """A requests.Session (cookies kept) whose relative paths go to this server."""
        return _BaseUrlSession(self.url, self.timeout)

    def cli(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Runs another subcommand (e.g. "admin", "audit", "verify") against the same database."""
        return _run_cli(self.binary, [*args, *self.common_args], self.var_dir, check=check, timeout=timeout)


class _BaseUrlSession(requests.Session):
    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__()
        self.base_url = base_url
        self.default_timeout = timeout

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.default_timeout)
        if url.startswith("/"):
            url = self.base_url + url
        return super().request(method, url, *args, **kwargs)


def _run_cli(
    binary: Path, args: list[str], cwd: Path, *, check: bool, timeout: float
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(binary), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"`suanli {' '.join(args)}` exited {result.returncode}\n--- stdout\n{result.stdout}\n"
            f"--- stderr\n{result.stderr}",
            pytrace=False,
        )
    return result


def _parse_demo_json(stdout: str) -> Any:
    try:
        return json.loads(stdout)
    except json.JSONDecodeError:
        # Tolerate log lines around the document; the document itself must be valid JSON.
        start, end = stdout.find("{"), stdout.rfind("}")
        if start >= 0 and end > start:
            try:
                return json.loads(stdout[start : end + 1])
            except json.JSONDecodeError:
                pass
    pytest.fail(f"`suanli demo --json` printed no JSON document:\n{stdout}", pytrace=False)


@contextlib.contextmanager
def run_server(
    binary: Path,
    database_url: str,
    smtp_sink: SmtpSink,
    var_dir: Path,
    log_dir: Path,
    name: str = "server",
    extra_args: tuple[str, ...] = (),
) -> Iterator[SuanliServer]:
    """migrate, demo --json, then serve on a free port until /readyz is 200; stopped on exit.

    extra_args (e.g. "--set", "session.idle.minutes=3") go to every subcommand. The log is copied
    to LOG_DIR/NAME.log at the end and printed when a test failed.
    """
    common = [
        "--database-url", database_url,
        "--smtp-host", smtp_sink.host,
        "--smtp-port", str(smtp_sink.port),
        "--var-dir", str(var_dir),
        *extra_args,
    ]  # fmt: skip
    _run_cli(binary, ["migrate", *common], var_dir, check=True, timeout=300)
    demo_run = _run_cli(binary, ["demo", "--json", *common], var_dir, check=True, timeout=300)
    demo = _parse_demo_json(demo_run.stdout)
    log_dir.mkdir(parents=True, exist_ok=True)
    demo_file = log_dir / ("demo.json" if name == "server" else f"{name}-demo.json")
    demo_file.write_text(json.dumps(demo, indent=2, ensure_ascii=False))

    port = free_port()
    log_path = var_dir.parent / f"{name}-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), *common],
            cwd=var_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    _LOGS_TO_SHOW.append((f"suanli serve ({name})", log_path))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + float(os.environ.get("SUANLI_E2E_START_TIMEOUT", "90"))
        last = "no answer"
        while True:
            if process.poll() is not None:
                pytest.fail(f"suanli serve exited with {process.returncode}:\n{tail(log_path)}", pytrace=False)
            try:
                response = requests.get(url + "/readyz", timeout=2)
                if response.status_code == 200:
                    break
                last = f"{response.status_code} {response.text[:200]}"
            except requests.RequestException as error:
                last = type(error).__name__
            if time.monotonic() > deadline:
                pytest.fail(f"{url}/readyz not 200 in time (last: {last}):\n{tail(log_path)}", pytrace=False)
            time.sleep(0.2)
        yield SuanliServer(url, port, database_url, var_dir, log_path, demo, binary, common)
    finally:
        stop_process(process)
        shutil.copyfile(log_path, log_dir / f"{name}.log")
        if os.environ.get("SUANLI_E2E_KEEP_DB") == "1":
            print(f"\nkept var dir {var_dir}", file=sys.stderr)


@pytest.fixture(scope="session")
def server(
    suanli_bin: Path,
    database_url: str,
    smtp_sink: SmtpSink,
    db_kind: str,
    artifacts_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SuanliServer]:
    """`suanli serve` on 127.0.0.1:<free port>, its database migrated and loaded with the demo.

    Runs, each with --database-url URL --smtp-host 127.0.0.1 --smtp-port SINK --var-dir VAR:
      suanli migrate …;  suanli demo --json … (→ server.demo);  suanli serve --host --port …
    and waits until GET /readyz answers 200. The server's output goes to server.log_path,
    copied to artifacts/e2e/<db>/server.log at the end and printed when a test failed.
    """
    var_dir = tmp_path_factory.mktemp("var")
    with run_server(suanli_bin, database_url, smtp_sink, var_dir, artifacts_dir / "e2e" / db_kind) as running:
        yield running


@pytest.fixture(scope="module")
def make_server(
    suanli_bin: Path,
    smtp_sink: SmtpSink,
    db_kind: str,
    artifacts_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., SuanliServer]]:
    """make_server(name, *extra_args) → another `suanli serve` with its own fresh database.

    For settings the shared `server` must not have (e.g. "--set", "session.idle.minutes=3", or the
    certificate trust anchors). Same SMTP sink; the demo is loaded; stopped when the module ends;
    its log goes to artifacts/e2e/<db>/NAME.log.
    """
    with contextlib.ExitStack() as stack:

        def make(name: str, *extra_args: str) -> SuanliServer:
            url = stack.enter_context(fresh_database(db_kind, tmp_path_factory))
            var_dir = tmp_path_factory.mktemp(f"var-{safe_name(name)}")
            return stack.enter_context(
                run_server(suanli_bin, url, smtp_sink, var_dir, artifacts_dir / "e2e" / db_kind, safe_name(name), extra_args)
            )

        yield make


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def _chromium(tmp_path_factory: pytest.TempPathFactory, artifacts_dir: Path, db_kind: str) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{path} is missing: run scripts/setup-system", pytrace=False)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # we run as root in CI
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--force-device-scale-factor=1",
        "--hide-scrollbars",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--lang=zh-TW",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-TW,zh,en"})
    log_dir = artifacts_dir / "e2e" / db_kind
    log_dir.mkdir(parents=True, exist_ok=True)
    service = Service(CHROMEDRIVER, log_output=str(log_dir / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    _set_viewport(driver)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(_chromium: Any) -> Any:
    """The session's headless Chromium (selenium WebDriver), cookies and storage cleared.

    Viewport 1280x900, Accept-Language zh-TW. A failing test that used it leaves a screenshot
    and the page source in artifacts/screenshots/<db>/failed/.
    """
    _chromium.get("about:blank")
    _chromium.delete_all_cookies()
    _chromium.execute_cdp_cmd("Network.clearBrowserCookies", {})
    _chromium.execute_cdp_cmd("Network.clearBrowserCache", {})
    _set_viewport(_chromium)
    return _chromium


def _set_viewport(driver: Any) -> None:
    """Makes the page's viewport (not the outer window) WINDOW, so screenshots are 1280x900."""
    driver.set_window_size(*WINDOW)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(2 * WINDOW[0] - inner[0], 2 * WINDOW[1] - inner[1])


def save_screenshot(driver: Any, path: Path, full_page: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not full_page:
        driver.save_screenshot(str(path))
        return path
    import base64

    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


@pytest.fixture
def screenshot(artifacts_dir: Path, db_kind: str, request: pytest.FixtureRequest) -> Callable[..., Path]:
    """screenshot(name, driver=None, full_page=False) → artifacts/screenshots/<db>/<name>.png."""

    def take(name: str, driver: Any = None, full_page: bool = False) -> Path:
        driver = driver or request.getfixturevalue("browser")
        return save_screenshot(driver, artifacts_dir / "screenshots" / db_kind / f"{safe_name(name)}.png", full_page)

    return take


# --------------------------------------------------------------------------- accessibility

FAILING_IMPACTS = ("serious", "critical")


def run_axe(driver: Any, context: Any = None, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Injects axe-core (bundled with axe-selenium-python) and runs it on the current page."""
    from axe_selenium_python import Axe

    Axe(driver).inject()
    results = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(arguments[0] || document, arguments[1] || {})"
        "  .then(r => done(r), e => done({error: String(e)}));",
        context,
        options or {},
    )
    if not isinstance(results, dict) or "error" in results:
        raise AssertionError(f"axe-core failed on {driver.current_url}: {results}")
    return results


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation.get('impact')}] {violation['id']}: {violation.get('help')} ({violation.get('helpUrl')})")
        for node in violation.get("nodes", [])[:5]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {node.get('target')}: {summary[:300]}")
        if len(violation.get("nodes", [])) > 5:
            lines.append(f"    … {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)


@pytest.fixture
def axe_check(artifacts_dir: Path, db_kind: str) -> Callable[..., dict[str, Any]]:
    """axe_check(driver, name, context=None, options=None) runs axe-core on the current page.

    Writes artifacts/axe/<db>/<name>.json (violations, incomplete, rule ids that passed) and
    fails the test on any violation of impact serious or critical; minor and moderate ones
    become warnings in the pytest summary.
    """

    def check(driver: Any, name: str, context: Any = None, options: dict[str, Any] | None = None) -> dict[str, Any]:
        results = run_axe(driver, context, options)
        violations = results.get("violations", [])
        report = {
            "name": name,
            "url": results.get("url", driver.current_url),
            "timestamp": results.get("timestamp"),
            "engine": results.get("testEngine"),
            "violations": violations,
            "incomplete": results.get("incomplete", []),
            "passes": sorted(rule["id"] for rule in results.get("passes", [])),
        }
        path = artifacts_dir / "axe" / db_kind / f"{safe_name(name)}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
        failing = [v for v in violations if v.get("impact") in FAILING_IMPACTS]
        others = [v for v in violations if v.get("impact") not in FAILING_IMPACTS]
        if others:
            warnings.warn(f"axe ({name}): {len(others)} minor/moderate violations:\n{format_violations(others)}", stacklevel=2)
        if failing:
            pytest.fail(
                f"axe ({name}, {report['url']}): {len(failing)} serious/critical accessibility violations "
                f"(report: {path}):\n{format_violations(failing)}",
                pytrace=False,
            )
        return results

    return check


# --------------------------------------------------------------------------- hooks


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.failed:
        item.session.config.stash[_FAILED] = True
        driver = getattr(item, "funcargs", {}).get("browser")
        if driver is not None and report.when == "call":
            db = "postgres" if os.environ.get(DATABASE_URL_ENV) else "sqlite"
            base = ARTIFACTS / "screenshots" / db / "failed" / safe_name(item.nodeid)
            try:
                save_screenshot(driver, base.with_suffix(".png"))
                base.with_suffix(".html").write_text(driver.page_source, encoding="utf-8")
                report.sections.append(("failure artefacts", f"{base}.png and .html ({driver.current_url})"))
            except Exception as error:  # the browser may be what broke
                report.sections.append(("failure artefacts", f"no screenshot: {error}"))
    return report



def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not config.stash.get(_FAILED, False):
        return
    for title, path in _LOGS_TO_SHOW:
        terminalreporter.write_sep("-", f"{title} log, last 150 lines ({path})")
        terminalreporter.write_line(tail(path, 150))


# --------------------------------------------------------------------------- model servers


@dataclass
class ModelServers:
    """Real llama-server instances of Gemma 3 270M (scripts/start-model): chat and embeddings."""

    chat_url: str
    embeddings_url: str
    pidfiles: list[Path]


@pytest.fixture(scope="session")
def model_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModelServers]:
    """Starts the two model servers once per session (first use builds llama-server, ~10 min, cached
    in ~/.cache/suanli) and stops them at the end. Their logs are shown when a test failed."""
    folder = tmp_path_factory.mktemp("models")
    started: list[Path] = []

    def start(name: str, *args: str) -> str:
        pidfile = folder / f"{name}.pid"
        result = subprocess.run(
            ["bash", str(ROOT / "scripts" / "start-model"), "--pidfile", str(pidfile), "--timeout", "300", *args],
            capture_output=True, text=True, timeout=1500, stdin=subprocess.DEVNULL, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            pytest.fail(f"scripts/start-model {' '.join(args)} failed:\n{result.stderr[-4000:]}", pytrace=False)
        started.append(pidfile)
        _LOGS_TO_SHOW.append((f"llama-server ({name})", pidfile.with_suffix(".log")))
        return json.loads(result.stdout.strip().splitlines()[-1])["url"]

    try:
        chat = start("chat")
        embeddings = start("embeddings", "--embeddings", "--alias", "gemma-3-270m-embeddings")
        yield ModelServers(chat_url=chat, embeddings_url=embeddings, pidfiles=started)
    finally:
        if started:
            subprocess.run(["bash", str(ROOT / "scripts" / "stop-model"), *map(str, started)], check=False, timeout=60)
