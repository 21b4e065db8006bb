"""Unit tests for scripts/testsummary.py, the closing-line counter of `make test`.

The samples are real outputs of Swift 6.3.1 (`swift test --xunit-output`) and pytest 9 on a
package with passing, failing, skipped and parameterised tests in both XCTest and Swift Testing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
SAMPLES = Path(__file__).resolve().parent / "samples"
sys.path.insert(0, str(SCRIPTS))

import testsummary as ts  # noqa: E402


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def test_swift_testing_xunit_counts_each_testcase_once():
    counts = ts.count_junit(sample("swift-testing-mixed.xml"))
    # passes, inSuite, param (3 cases, one test) | fails, inSuiteFails | skipped
    assert (counts.passed, counts.failed, counts.skipped) == (3, 2, 1)
    assert sorted(counts.failures) == ["LibTests.Grp.inSuiteFails()", "LibTests.fails()"]


def test_xctest_counted_from_log_lines():
    counts = ts.count_xctest_log(sample("swift-test-mixed.log"))
    assert (counts.passed, counts.failed, counts.skipped) == (1, 1, 1)
    assert counts.failures == ["XT.testBad"]


def test_xctest_parallel_xunit_is_readable_too():
    counts = ts.count_junit(sample("xctest-parallel.xml"))
    assert (counts.passed, counts.failed) == (2, 1)


def test_swift_testing_log_fallback_matches_its_xunit_report():
    from_log = ts.count_swift_testing_log(sample("swift-test-mixed.log"))
    from_xml = ts.count_junit(sample("swift-testing-mixed.xml"))
    assert (from_log.passed, from_log.failed, from_log.skipped) == (
        from_xml.passed,
        from_xml.failed,
        from_xml.skipped,
    )
    assert sorted(from_log.failures) == ["fails()", "inSuiteFails()"]


def test_swift_run_sums_xctest_and_swift_testing():
    counts = ts.summarize_swift_run(1, sample("swift-test-mixed.log"), sample("swift-testing-mixed.xml"))
    assert (counts.passed, counts.failed, counts.skipped) == (4, 3, 2)


def test_swift_log_lines_that_are_not_tests_are_ignored():
    log = "\n".join(
        [
            "◇ Test run started.",
            "◇ Suite TaxIDTests started.",
            '✔ Test "統一編號 checksum" passed after 0.002 seconds.',
            "✔ Test rocDate(year:) with 12 test cases passed after 0.010 seconds.",
            "✔ Suite TaxIDTests passed after 0.012 seconds.",
            "✔ Test run with 2 tests in 1 suite passed after 0.012 seconds.",
            "Test Suite 'All tests' passed at 2026-11-23 11:05:46.262",
            "\t Executed 0 tests, with 0 failures (0 unexpected) in 0.0 (0.0) seconds",
        ]
    )
    counts = ts.summarize_swift_run(0, log, None)
    assert (counts.passed, counts.failed, counts.skipped) == (2, 0, 0)


def test_crashed_swift_run_without_report_counts_as_a_failure():
    log = "◇ Test run started.\n◇ Test ledgerBalances() started.\nFatal error: Unexpectedly found nil\n"
    counts = ts.summarize_swift_run(132, log, None)
    assert counts.failed == 1
    assert "swift test exited with status 132" in counts.failures[0]


def test_timed_out_run_says_so():
    counts = ts.summarize_swift_run(124, "", None)
    assert counts.failed == 1 and "timed out" in counts.failures[0]


def test_nonzero_exit_with_counted_failures_adds_nothing():
    counts = ts.summarize_swift_run(1, sample("swift-test-mixed.log"), sample("swift-testing-mixed.xml"))
    assert counts.failed == 3


def test_pytest_junit_errors_fail_and_xfail_skips():
    counts = ts.summarize_pytest_run(1, sample("pytest-mixed.xml"))
    # ok, p[1], p[2] | bad, error (fixture) | skip, xfail
    assert (counts.passed, counts.failed, counts.skipped) == (3, 2, 2)
    assert counts.failures == ["pj.test_s.test_bad", "pj.test_s.test_error"]


def test_pytest_without_report_is_a_failure():
    counts = ts.summarize_pytest_run(2, None)
    assert counts.failed == 1


def test_pytest_exit_5_means_no_tests_and_no_failure():
    counts = ts.summarize_pytest_run(5, '<testsuites><testsuite tests="0"/></testsuites>')
    assert (counts.passed, counts.failed, counts.skipped) == (0, 0, 0)
    assert counts.notes == ["pytest collected no tests"]


def test_unreadable_report_is_a_failure():
    counts = ts.summarize_pytest_run(1, "<testsuites><testcase")
    assert counts.failed == 1


def test_closing_line_format():
    assert ts.closing_line(ts.Counts(120, 0, 3)) == "120 passed, 0 failed, 3 skipped"


def write_run(results: Path, order: int, label: str, kind: str, rc: int, files: dict[str, str]) -> None:
    run = results / f"{order:02d}-{label}"
    run.mkdir(parents=True)
    (run / "run.json").write_text(json.dumps({"label": label, "kind": kind, "rc": rc, "order": order}))
    for name, text in files.items():
        (run / name).write_text(text, encoding="utf-8")


def run_cli(results: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPTS / "testsummary.py"), str(results)], capture_output=True, text=True, check=False
    )


def test_cli_sums_all_runs_and_ends_with_the_closing_line(tmp_path: Path):
    write_run(
        tmp_path,
        1,
        "swift-sqlite",
        "swift",
        1,
        {"output.log": sample("swift-test-mixed.log"), "xunit-swift-testing.xml": sample("swift-testing-mixed.xml")},
    )
    write_run(tmp_path, 2, "swift-postgres", "swift", 139, {"output.log": "Segmentation fault\n"})
    write_run(tmp_path, 3, "e2e-sqlite", "pytest", 1, {"junit.xml": sample("pytest-mixed.xml")})
    result = run_cli(tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "7 passed, 6 failed, 4 skipped"
    assert "  swift-postgres " in result.stdout and "e2e-sqlite" in result.stdout
    assert "swift-postgres: (swift test exited with status 139" in result.stdout
    assert "swift-sqlite: LibTests.fails()" in result.stdout
    # Only the last line may look like a runner's closing line.
    assert sum(1 for line in lines if " passed, " in line) == 1


def test_cli_green_run_exits_zero(tmp_path: Path):
    write_run(tmp_path, 1, "e2e-sqlite", "pytest", 0, {"junit.xml": '<testsuite><testcase name="a"/></testsuite>'})
    result = run_cli(tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "1 passed, 0 failed, 0 skipped"


@pytest.mark.parametrize("missing", ["nothing-here", None])
def test_cli_with_no_runs_reports_zero(tmp_path: Path, missing: str | None):
    target = tmp_path / missing if missing else tmp_path
    result = run_cli(target)
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "0 passed, 0 failed, 0 skipped"


def test_failed_step_counts_one_failure_and_a_good_step_nothing(tmp_path: Path):
    write_run(tmp_path, 1, "swift-build", "step", 1, {"output.log": "error: compile failed\n"})
    write_run(tmp_path, 2, "postgres-start", "step", 0, {})
    result = run_cli(tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "0 passed, 1 failed, 0 skipped"
    assert "swift-build: (step exited with status 1 - see its output.log)" in result.stdout
    assert "postgres-start  ok" in result.stdout
