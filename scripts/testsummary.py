#!/usr/bin/env python3
"""Sums the results of every test run of `make test` into one closing line.

    scripts/testsummary.py artifacts/test-results

Each subdirectory of the results directory is one run, written by scripts/run-tests:

    run.json                   {"label": "swift-sqlite", "kind": "swift" | "pytest" | "step",
                                "rc": 0, "order": 2}
    output.log                 everything the runner printed
    xunit-swift-testing.xml    swift test --xunit-output xunit.xml (Swift Testing's report)
    junit.xml                  pytest --junitxml

Counting, per run:
  swift   Swift Testing: the <testcase> elements of xunit-swift-testing.xml (a parameterised
          test is one test). XCTest: the "Test Case '…' passed/failed/skipped" lines of the log,
          because SwiftPM writes XCTest's xUnit file only with --parallel. If the Swift Testing
          file is missing (the runner crashed), its ✔/✘/➜ lines in the log are counted instead.
  pytest  the <testcase> elements of junit.xml.
  step    a command that is no test run (swift build, starting PostgreSQL): nothing when it
          succeeds, one failure when it fails.
  A <testcase> with <failure> or <error> failed, with <skipped> was skipped, else passed.
  A run that exited non-zero without any failing test (crash, time-out, build or collection
  error) adds one failure of its own, so a broken run can never look green. pytest's exit 5
  (no tests collected) is no failure.

Prints one line per run, the names of failed tests, and last the closing line
"N passed, N failed, N skipped". Exits 1 when anything failed, else 0.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Counts",
    "Run",
    "closing_line",
    "count_junit",
    "count_swift_testing_log",
    "count_xctest_log",
    "summarize_pytest_run",
    "summarize_results_dir",
    "summarize_swift_run",
]


@dataclass
class Counts:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.passed + other.passed,
            self.failed + other.failed,
            self.skipped + other.skipped,
            self.failures + other.failures,
            self.notes + other.notes,
        )

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.skipped


def closing_line(counts: Counts) -> str:
    return f"{counts.passed} passed, {counts.failed} failed, {counts.skipped} skipped"


def count_junit(xml_text: str) -> Counts:
    """Counts <testcase> elements of a JUnit/xUnit report (pytest, Swift Testing, XCTest)."""
    root = ET.fromstring(xml_text)
    counts = Counts()
    for case in root.iter("testcase"):
        name = case.get("name", "?")
        classname = case.get("classname")
        full = f"{classname}.{name}" if classname else name
        if case.find("failure") is not None or case.find("error") is not None:
            counts.failed += 1
            counts.failures.append(full)
        elif case.find("skipped") is not None:
            counts.skipped += 1
        else:
            counts.passed += 1
    return counts


_XCTEST_CASE = re.compile(r"^Test Case '(?P<name>[^']+)' (?P<result>passed|failed|skipped) \(", re.M)


def count_xctest_log(log_text: str) -> Counts:
    """Counts XCTest test cases from its console output (one final line per test case)."""
    counts = Counts()
    for match in _XCTEST_CASE.finditer(log_text):
        result = match["result"]
        if result == "passed":
            counts.passed += 1
        elif result == "skipped":
            counts.skipped += 1
        else:
            counts.failed += 1
            counts.failures.append(match["name"])
    return counts


# "✔ Test passes() passed after 0.001 seconds."
# "✔ Test param(x:) with 3 test cases passed after 0.001 seconds."
# "✘ Test fails() failed after 0.001 seconds with 1 issue."
# "➜ Test skipped() skipped: "not yet""
# The run's own line ("Test run with N tests …") and suites' lines are not tests.
_SWIFT_TESTING_CASE = re.compile(
    r"^\S+ Test (?!run with )(?P<name>.+?)(?: with \d+ test cases?)? "
    r"(?:(?P<passed>passed) after|(?P<failed>failed) after|(?P<skipped>skipped)(?::|\.|$))",
    re.M,
)


def count_swift_testing_log(log_text: str) -> Counts:
    """Fallback when Swift Testing wrote no xUnit file: counts its per-test console lines."""
    counts = Counts()
    for match in _SWIFT_TESTING_CASE.finditer(log_text):
        if match["passed"]:
            counts.passed += 1
        elif match["skipped"]:
            counts.skipped += 1
        else:
            counts.failed += 1
            counts.failures.append(match["name"])
    return counts


def _exit_failure(runner: str, rc: int, why: str) -> Counts:
    if rc in (124, 137):  # coreutils timeout: TERM, then KILL
        return Counts(failed=1, failures=[f"({runner} timed out: see SUANLI_STAGE_TIMEOUT and SUANLI_TOTAL_TIMEOUT)"])
    return Counts(failed=1, failures=[f"({runner} exited with status {rc} {why})"])


def summarize_swift_run(rc: int, log_text: str, swift_testing_xml: str | None) -> Counts:
    counts = count_xctest_log(log_text)
    if swift_testing_xml is not None:
        try:
            counts += count_junit(swift_testing_xml)
        except ET.ParseError as error:
            counts += count_swift_testing_log(log_text)
            counts.notes.append(f"unreadable Swift Testing report ({error}); counted from the log")
    else:
        counts += count_swift_testing_log(log_text)
        if counts.total:
            counts.notes.append("no Swift Testing report; counted from the log")
    if rc != 0 and counts.failed == 0:
        counts += _exit_failure("swift test", rc, "but reported no failing test; see its output.log")
    return counts


def summarize_pytest_run(rc: int, junit_xml: str | None) -> Counts:
    counts = Counts()
    if junit_xml is not None:
        try:
            counts = count_junit(junit_xml)
        except ET.ParseError as error:
            counts.notes.append(f"unreadable junit.xml ({error})")
    if rc == 5 and counts.failed == 0:
        counts.notes.append("pytest collected no tests")
    elif rc != 0 and counts.failed == 0:
        counts += _exit_failure("pytest", rc, "without a failing test: collection or internal error")
    return counts


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None


@dataclass
class Run:
    label: str
    kind: str
    seconds: int
    counts: Counts


def summarize_results_dir(results: Path) -> list[Run]:
    """One Run per run directory, in the order the runs were made; failures named LABEL: TEST."""
    runs = []
    for run_dir in sorted(p for p in results.iterdir() if (p / "run.json").is_file()):
        meta = json.loads((run_dir / "run.json").read_text())
        label = meta.get("label", run_dir.name)
        kind = meta.get("kind")
        rc = int(meta.get("rc", 1))
        if kind == "swift":
            counts = summarize_swift_run(
                rc, _read(run_dir / "output.log") or "", _read(run_dir / "xunit-swift-testing.xml")
            )
        elif kind == "pytest":
            counts = summarize_pytest_run(rc, _read(run_dir / "junit.xml"))
        elif kind == "step":
            # A step that is no test run (build, database start): counts only when it fails.
            counts = Counts() if rc == 0 else _exit_failure("step", rc, "- see its output.log")
        else:
            counts = Counts(failed=1, failures=[f"(unknown kind {kind!r} in run.json)"])
        counts.failures = [f"{label}: {name}" for name in counts.failures]
        runs.append((int(meta.get("order", 0)), Run(label, str(kind), int(meta.get("seconds", 0)), counts)))
    runs.sort(key=lambda run: run[0])
    return [run for _, run in runs]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    results = Path(argv[1])
    runs = summarize_results_dir(results) if results.is_dir() else []
    total = Counts()
    print("Test summary:")
    for run in runs:
        counts = run.counts
        notes = f"  ({'; '.join(counts.notes)})" if counts.notes else ""
        if run.kind == "step":
            result = "FAILED" if counts.failed else "ok"
        else:
            result = f"passed={counts.passed} failed={counts.failed} skipped={counts.skipped}"
        print(f"  {run.label:<15} {result:<38} {run.seconds:>5} s{notes}")
        total += counts
    if not runs:
        print(f"  no runs recorded in {results}")
    if total.failures:
        print("Failed:")
        shown = total.failures[:100]
        for name in shown:
            print(f"  ✘ {name}")
        if len(total.failures) > len(shown):
            print(f"  … and {len(total.failures) - len(shown)} more")
    print(closing_line(total))
    return 1 if total.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
