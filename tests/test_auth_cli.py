"""`python -m smartcity.admin`: accounts from the command line, on SQLite and PostgreSQL; the password only from
the environment or the terminal, never echoed; bad input exits 2 with the reason."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pg import postgres_server, state_url  # noqa: F401 (fixtures)
from smartcity.auth import accounts
from smartcity.state import audit, store

PASSWORD = "a long enough passphrase"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cli(url: str, *args: str, password: str | None = PASSWORD) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SMARTCITY_NEW_PASSWORD", "SMARTCITY_STATE_URL")}
    env["SMARTCITY_STATE_URL"] = url
    if password is not None:
        env["SMARTCITY_NEW_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "smartcity.admin", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, stdin=subprocess.DEVNULL, timeout=120)


CREATE = ("create-user", "--username", "boss", "--name", "大阪 太郎", "--organisation", "大阪府スマートシティ戦略部",
          "--role", "admin")


def test_create_list_set_password_and_disable(state_url):
    made = cli(state_url, *CREATE)
    assert made.returncode == 0, made.stderr
    assert "State database" in made.stdout and "Created: boss (admin)" in made.stdout
    editor = cli(state_url, "create-user", "--username", "sakai", "--name", "堺 花子", "--organisation", "堺市",
                 "--role", "editor", "--municipality", "27140")
    assert editor.returncode == 0, editor.stderr
    listed = cli(state_url, "list-users", password=None)
    assert listed.returncode == 0 and "sakai\teditor\t27140\tTrue" in listed.stdout and "2 件" in listed.stdout
    with store.engine(state_url).begin() as conn:
        assert accounts.verify_sign_in(conn, "boss", PASSWORD, None).ok
    assert cli(state_url, "set-password", "--username", "sakai", password="the second passphrase").returncode == 0
    assert cli(state_url, "disable-user", "--username", "sakai", password=None).returncode == 0
    with store.engine(state_url).begin() as conn:
        assert accounts.verify_sign_in(conn, "sakai", "the second passphrase", None).reason == "inactive"
        trail = [(e["actor"], e["action"]) for e in reversed(audit.events(conn))]
    assert trail[:5] == [("cli", "account_create"), ("cli", "account_create"), ("boss", "sign_in"),
                         ("cli", "password_change"), ("cli", "account_change")]
    for done in (made, editor, listed):
        assert PASSWORD not in done.stdout + done.stderr


@pytest.mark.parametrize("args, password, reason", [
    (("--role", "viewer"), PASSWORD, "invalid choice"),
    (("--role", "approver", "--municipality", "27100"), PASSWORD, "Only an editor"),
    (("--role", "editor", "--municipality", "271"), PASSWORD, "5 digits"),
    (("--role", "admin",), "short", "at least 12 characters"),
    (("--role", "admin",), None, "No password given"),
    (("--role", "admin", "--password", "typed in the open"), None, "unrecognized arguments"),  # not echoed either
])
def test_bad_input_exits_2_with_the_reason(tmp_path, args, password, reason):
    url = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    base = ("create-user", "--username", "boss", "--name", "大阪 太郎", "--organisation", "大阪府")
    done = cli(url, *base, *args, password=password)
    assert done.returncode == 2 and reason in done.stderr
    assert "Traceback" not in done.stderr and "typed in the open" not in done.stderr
    if password:
        assert password not in done.stderr
    with store.engine(url).connect() as conn:
        assert accounts.list_accounts(conn) == []


def test_unknown_user_and_duplicate_exit_2(tmp_path):
    url = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    assert cli(url, *CREATE).returncode == 0
    again = cli(url, *CREATE)
    assert again.returncode == 2 and "already taken" in again.stderr
    ghost = cli(url, "disable-user", "--username", "ghost", password=None)
    assert ghost.returncode == 2 and "There is no account 'ghost'" in ghost.stderr
    last = cli(url, "disable-user", "--username", "boss", password=None)
    assert last.returncode == 2 and "no active admin" in last.stderr


def test_password_typed_twice(monkeypatch, tmp_path, capsys):
    from smartcity import admin
    url = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    monkeypatch.setenv("SMARTCITY_STATE_URL", url)
    monkeypatch.delenv("SMARTCITY_NEW_PASSWORD", raising=False)
    typed = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr(admin.getpass, "getpass", lambda prompt: next(typed))
    assert admin.main(list(CREATE)) == 2 and "differ" in capsys.readouterr().err
    typed = iter([PASSWORD, PASSWORD])
    assert admin.main(list(CREATE)) == 0
    with store.engine(url).begin() as conn:
        assert accounts.verify_sign_in(conn, "boss", PASSWORD, None).ok
    store.engine(url).dispose()
