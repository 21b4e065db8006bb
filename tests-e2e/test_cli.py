"""The administrator commands against a real database (issue 2, items 4 and 6):
`suanli admin create-user` (initial password → TOTP enrolment → forced change) and
`suanli audit verify` before and after someone edits the audit table behind the application's back."""

from __future__ import annotations

import re
import sqlite3
import subprocess

import pytest

from portal import fresh_totp


def _csrf(session) -> str:
    return session.cookies.get("suanli_csrf")


def test_create_user_initial_password_totp_enrolment_and_forced_change(server):
    out = server.cli("admin", "create-user", "--role", "reviewer", "--email", "wu.reviewer@moda.test",
                     "--name", "吳審查委員").stdout
    initial = re.search(r"Initial password .*: (\S+)", out).group(1)
    s = server.session()
    s.get("/signin")
    r = s.post("/signin", data={"email": "wu.reviewer@moda.test", "password": initial, "_csrf": _csrf(s)},
               allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/signin/totp"
    # First sign-in: the page shows the secret to enrol in an authenticator app.
    page = s.get("/signin/totp").text
    secret = re.search(r'id="secret-value">([A-Z2-7]+)<', page).group(1)
    assert "otpauth://totp/" in page
    r = s.post("/signin/totp", data={"code": fresh_totp(secret), "_csrf": _csrf(s)}, allow_redirects=False)
    assert r.headers["Location"] == "/password/change"
    # Until the initial password is changed, nothing else opens.
    assert s.get("/account", allow_redirects=False).status_code == 303
    r = s.post("/password/change", data={"currentPassword": initial, "newPassword": initial,
                                         "passwordConfirmation": initial, "_csrf": _csrf(s)})
    assert r.status_code == 422 and "最近 3 次" in r.text
    r = s.post("/password/change", data={"currentPassword": initial, "newPassword": "Reviewer2026ok",
                                         "passwordConfirmation": "Reviewer2026ok", "_csrf": _csrf(s)},
               allow_redirects=False)
    assert r.headers["Location"] == "/"
    assert s.get("/account").status_code == 200


def test_create_user_refuses_bad_input_clearly(server):
    bad_role = server.cli("admin", "create-user", "--role", "applicant_admin", "--email", "x@moda.test",
                          "--name", "X", check=False)
    assert bad_role.returncode != 0 and "--role must be operator, reviewer or ministry" in bad_role.stderr
    taken = server.cli("admin", "create-user", "--role", "operator", "--email", "operator@suanli.demo",
                       "--name", "Y", check=False)
    assert taken.returncode != 0 and "already registered" in taken.stderr
    bad_email = server.cli("admin", "create-user", "--role", "operator", "--email", "not-an-email",
                           "--name", "Z", check=False)
    assert bad_email.returncode != 0 and "not valid" in bad_email.stderr


def _tamper(server, statement: str) -> None:
    url = server.database_url
    if url.startswith("sqlite://"):
        with sqlite3.connect(url[len("sqlite://"):]) as db:
            db.execute(statement)
    else:
        subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-c", statement], check=True,
                       capture_output=True, text=True)


def test_audit_verify_reports_the_first_altered_record(make_server):
    other = make_server("audit-tamper")
    ok = other.cli("audit", "verify")
    assert re.match(r"intact: \d+ records", ok.stdout)
    _tamper(other, "UPDATE audit_records SET actor_label = 'someone-else' WHERE seq = 2")
    broken = other.cli("audit", "verify", check=False)
    assert broken.returncode == 2
    assert "ALTERED: record #2" in broken.stdout
