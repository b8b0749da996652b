"""The state database's account, sign-in, lock-out and audit rules, the same tests on SQLite and on a real
PostgreSQL server (tests/pg.py starts one for the session; CI must have it: Debian's `postgresql`)."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, update

from pg import postgres_server, state_url  # noqa: F401 (fixtures)
from smartcity.auth import accounts
from smartcity.auth.accounts import AccountError
from smartcity.state import audit, store
from smartcity.state.schema import account, login_event, metadata, revoked_session

PASSWORD = "correct horse battery"
T0 = dt.datetime(2026, 11, 30, 9, 0, 0)


def make(conn, username="tanaka", role="editor", password=PASSWORD, **extra) -> dict:
    return accounts.create_account(conn, username, "田中 一郎", "大阪府スマートシティ戦略部", role, password, **extra)


def attempt(url, username, password, at=T0) -> accounts.SignIn:
    with store.engine(url).begin() as conn:
        return accounts.verify_sign_in(conn, username, password, "192.0.2.7", now=at)


def row(url, username="tanaka") -> dict:
    with store.engine(url).connect() as conn:
        return dict(conn.execute(select(account).where(account.c.username == username)).mappings().one())


def test_the_backend_is_the_one_asked_for(state_url):
    dialect = store.engine(state_url).dialect.name
    assert dialect == ("sqlite" if state_url.startswith("sqlite") else "postgresql")


def test_password_is_stored_as_an_argon2_hash(state_url):
    with store.engine(state_url).begin() as conn:
        made = make(conn)
    assert "password_hash" not in made and made["role"] == "editor" and made["active"] is True
    stored = row(state_url)["password_hash"]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert PasswordHasher().verify(stored, PASSWORD)
    with store.engine(state_url).connect() as conn:
        dump = repr([list(conn.execute(select(table))) for table in metadata.sorted_tables])
    assert PASSWORD not in dump


@pytest.mark.parametrize("kwargs, ja", [
    ({"role": "viewer"}, "役割は"),
    ({"username": "a"}, "ユーザー名は3～64文字"),
    ({"username": "tanaka ichiro"}, "ユーザー名は3～64文字"),
    ({"username": "田中"}, "ユーザー名は3～64文字"),
    ({"password": "short pass"}, "12文字以上"),
    ({"password": "x" * 1025}, "1024文字以内"),
    ({"username": "tanaka.hanako", "password": "Tanaka.Hanako"}, "ユーザー名と同じ"),
    ({"role": "approver", "municipality_code": "27100"}, "編集者だけ"),
    ({"municipality_code": "2710"}, "5桁"),
    ({"municipality_code": "27１00"}, "5桁"),
])
def test_bad_accounts_are_refused_with_a_reason(state_url, kwargs, ja):
    with pytest.raises(AccountError) as refused, store.engine(state_url).begin() as conn:
        make(conn, **kwargs)
    assert ja in refused.value.ja and refused.value.en and " / " in str(refused.value)
    with store.engine(state_url).connect() as conn:
        assert conn.execute(select(func.count()).select_from(account)).scalar_one() == 0


def test_a_user_name_is_taken_once_whatever_its_case(state_url):
    with store.engine(state_url).begin() as conn:
        make(conn)
    with pytest.raises(AccountError, match="既に使われています"), store.engine(state_url).begin() as conn:
        make(conn, username="Tanaka")


def test_an_editor_may_be_limited_to_one_municipality(state_url):
    with store.engine(state_url).begin() as conn:
        made = make(conn, municipality_code="27140")
    assert made["municipality_code"] == "27140"  # text: a leading zero would survive too


def test_sign_in_succeeds_resets_the_count_and_is_logged(state_url):
    with store.engine(state_url).begin() as conn:
        make(conn)
    assert attempt(state_url, "tanaka", "wrong password!").reason == "bad_password"
    assert row(state_url)["failed_logins"] == 1
    result = attempt(state_url, " TANAKA", PASSWORD)
    assert result.ok and result.reason == "ok" and result.account["username"] == "tanaka"
    assert "password_hash" not in result.account
    assert row(state_url)["failed_logins"] == 0
    with store.engine(state_url).connect() as conn:
        events = accounts.login_events(conn)
        trail = audit.events(conn)
    assert [(e["username"], e["ok"], e["reason"], e["remote_addr"]) for e in events] == [
        (" TANAKA", True, "ok", "192.0.2.7"), ("tanaka", False, "bad_password", "192.0.2.7")]
    assert PASSWORD not in repr(events) and "wrong password!" not in repr(events)
    assert (trail[0]["actor"], trail[0]["action"]) == ("tanaka", "sign_in")


def test_lock_out_after_five_failures_then_release(state_url):
    with store.engine(state_url).begin() as conn:
        make(conn)
    for n in range(accounts.MAX_FAILURES - 1):
        assert attempt(state_url, "tanaka", f"wrong password {n}", T0).reason == "bad_password"
    assert row(state_url)["locked_until"] is None
    assert attempt(state_url, "tanaka", "wrong password 5", T0).reason == "bad_password"
    assert row(state_url)["locked_until"] == T0 + accounts.LOCK_TIME
    # locked: even the right password is refused for 15 minutes
    assert attempt(state_url, "tanaka", PASSWORD, T0 + dt.timedelta(minutes=14, seconds=59)).reason == "locked"
    released = attempt(state_url, "tanaka", PASSWORD, T0 + accounts.LOCK_TIME + dt.timedelta(seconds=1))
    assert released.ok
    assert row(state_url)["failed_logins"] == 0 and row(state_url)["locked_until"] is None
    with store.engine(state_url).connect() as conn:
        reasons = [e["reason"] for e in reversed(accounts.login_events(conn))]
        locks = [e for e in audit.events(conn) if e["action"] == "account_locked"]
    assert reasons == ["bad_password"] * 5 + ["locked", "ok"]
    assert len(locks) == 1 and locks[0]["actor"] == "system" and locks[0]["detail"]["failures"] == 5


def test_a_failure_after_the_lock_ends_locks_again(state_url):
    with store.engine(state_url).begin() as conn:
        make(conn)
    for n in range(accounts.MAX_FAILURES):
        attempt(state_url, "tanaka", f"wrong password {n}", T0)
    later = T0 + accounts.LOCK_TIME + dt.timedelta(minutes=1)
    assert attempt(state_url, "tanaka", "still wrong!!", later).reason == "bad_password"
    assert row(state_url)["locked_until"] == later + accounts.LOCK_TIME  # consecutive failures: no fresh five


def test_parallel_guesses_get_no_more_than_the_lock_out_allows(state_url, monkeypatch):
    """16 wrong passwords at once: each attempt is taken (counted, locked at the 5th) before its password is checked,
    so at most 5 are checked and the others are refused as locked; the lock is audited once."""
    monkeypatch.setattr(accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    with store.engine(state_url).begin() as conn:
        make(conn)
    reasons, start = [], threading.Barrier(16)

    def guess(n: int) -> None:
        start.wait()
        reasons.append(attempt(state_url, " Tanaka", f"wrong guess {n:04d}").reason)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(reasons) == ["bad_password"] * accounts.MAX_FAILURES + ["locked"] * (16 - accounts.MAX_FAILURES)
    assert row(state_url)["failed_logins"] == accounts.MAX_FAILURES
    assert row(state_url)["locked_until"] == T0 + accounts.LOCK_TIME
    with store.engine(state_url).connect() as conn:
        assert [e["action"] for e in audit.events(conn)].count("account_locked") == 1
        assert conn.execute(select(func.count()).select_from(login_event)).scalar_one() == 16


def test_a_locked_attempt_does_not_count_and_the_right_password_resets(state_url):
    with store.engine(state_url).begin() as conn:
        make(conn)
    for n in range(accounts.MAX_FAILURES - 1):
        attempt(state_url, "tanaka", f"wrong password {n}")
    assert attempt(state_url, "tanaka", PASSWORD).ok  # the 5th attempt, right: taken, then reset
    assert row(state_url)["failed_logins"] == 0 and row(state_url)["locked_until"] is None
    for n in range(accounts.MAX_FAILURES):
        attempt(state_url, "tanaka", f"wrong password {n}")
    for _ in range(3):
        assert attempt(state_url, "tanaka", "wrong again!!", T0 + dt.timedelta(minutes=1)).reason == "locked"
    assert row(state_url)["failed_logins"] == accounts.MAX_FAILURES  # refused unchecked: not counted
    assert row(state_url)["locked_until"] == T0 + accounts.LOCK_TIME  # nor extended


def test_a_disabled_account_with_the_right_password_is_refused_and_its_count_reset(state_url):
    with store.engine(state_url).begin() as conn:
        make(conn)
        accounts.set_active(conn, "tanaka", False, actor="boss")
    attempt(state_url, "tanaka", "wrong password!")
    assert attempt(state_url, "tanaka", PASSWORD).reason == "inactive"
    assert row(state_url)["failed_logins"] == 0
    with store.engine(state_url).connect() as conn:
        assert "sign_in" not in [e["action"] for e in audit.events(conn)]


def test_revoked_sessions_are_kept_for_a_session_lifetime(state_url):
    with store.engine(state_url).begin() as conn:
        tanaka = make(conn)
        accounts.revoke_session(conn, "old-session", tanaka["id"], at=T0)
        accounts.revoke_session(conn, "recent-session", tanaka["id"], at=T0 + dt.timedelta(hours=4))
    with store.engine(state_url).begin() as conn:
        assert accounts.session_revoked(conn, "old-session") and accounts.session_revoked(conn, "recent-session")
        assert not accounts.session_revoked(conn, "another-session")
        later = T0 + accounts.SESSION_TIME + dt.timedelta(seconds=1)  # old-session has expired by itself
        accounts.revoke_session(conn, "new-session", tanaka["id"], at=later)
        accounts.revoke_session(conn, "new-session", tanaka["id"], at=later)  # a double-clicked sign-out
    with store.engine(state_url).connect() as conn:
        kept = sorted(sid for (sid,) in conn.execute(select(revoked_session.c.sid)))
    assert kept == ["new-session", "recent-session"]


def test_unknown_empty_and_disabled_are_refused_and_logged(state_url):
    with store.engine(state_url).begin() as conn:
        make(conn)
        accounts.set_active(conn, "tanaka", False, actor="boss")
    assert attempt(state_url, "nobody", PASSWORD).reason == "unknown_user"
    assert attempt(state_url, "", PASSWORD).reason == "empty"
    assert attempt(state_url, "tanaka", "").reason == "empty"
    assert attempt(state_url, "tanaka", PASSWORD).reason == "inactive"
    with store.engine(state_url).connect() as conn:
        assert conn.execute(select(func.count()).select_from(login_event)).scalar_one() == 4
        assert conn.execute(select(func.count()).select_from(login_event).where(login_event.c.ok)).scalar_one() == 0


def test_set_password_clears_the_lock_and_is_audited(state_url):
    with store.engine(state_url).begin() as conn:
        before = make(conn)
        conn.execute(update(account).values(failed_logins=7, locked_until=store.now() + dt.timedelta(hours=1)))
        accounts.set_password(conn, "tanaka", "a brand new passphrase", actor="boss")
    after = row(state_url)
    assert after["failed_logins"] == 0 and after["locked_until"] is None
    assert after["password_changed_at"] > before["password_changed_at"]
    assert attempt(state_url, "tanaka", "a brand new passphrase", store.now()).ok
    assert attempt(state_url, "tanaka", PASSWORD, store.now()).reason == "bad_password"
    with store.engine(state_url).connect() as conn:
        change = [e for e in audit.events(conn) if e["action"] == "password_change"][0]
    assert change["actor"] == "boss" and change["detail"] == {"username": "tanaka"}


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(state_url):
    with store.engine(state_url).begin() as conn:
        make(conn)
        weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
        conn.execute(update(account).values(password_hash=weak))
    changed_at = row(state_url)["password_changed_at"]
    assert attempt(state_url, "tanaka", PASSWORD).ok
    renewed = row(state_url)
    assert renewed["password_hash"] != weak and not PasswordHasher().check_needs_rehash(renewed["password_hash"])
    assert renewed["password_changed_at"] == changed_at  # same password: sessions go on


def test_account_changes_are_audited_with_before_and_after(state_url):
    with store.engine(state_url).begin() as conn:
        make(conn, username="boss", role="admin", actor="cli")
        made = make(conn, municipality_code="27100", actor="boss")
        accounts.set_role(conn, made["id"], "approver", actor="boss")
        accounts.update_account(conn, made["id"], "boss", may_approve_own=True)
        accounts.update_account(conn, made["id"], "boss", may_approve_own=True)  # no change: no event
    with store.engine(state_url).connect() as conn:
        trail = list(reversed(audit.events(conn)))
        listed = accounts.list_accounts(conn)
    assert [(e["actor"], e["action"], e["object_id"]) for e in trail] == [
        ("cli", "account_create", 1), ("boss", "account_create", made["id"]),
        ("boss", "account_change", made["id"]), ("boss", "account_change", made["id"])]
    assert trail[1]["detail"]["municipality_code"] == "27100"
    assert trail[2]["detail"]["changes"] == {"role": ["editor", "approver"], "municipality_code": ["27100", None]}
    assert trail[3]["detail"]["changes"] == {"may_approve_own": [False, True]}
    assert [a["username"] for a in listed] == ["boss", "tanaka"] and all("password_hash" not in a for a in listed)


def test_the_last_active_admin_stays(state_url):
    with store.engine(state_url).begin() as conn:
        make(conn, username="boss", role="admin")
    for change in ({"active": False}, {"role": "approver"}):
        with pytest.raises(AccountError, match="管理者"), store.engine(state_url).begin() as conn:
            accounts.update_account(conn, "boss", "boss", **change)
    with store.engine(state_url).begin() as conn:
        make(conn, username="deputy", role="admin")
        accounts.set_active(conn, "boss", False, actor="deputy")  # another admin remains: allowed
    assert row(state_url, "boss")["active"] is False


def test_unknown_account_changes_are_refused(state_url):
    with pytest.raises(AccountError, match="ありません"), store.engine(state_url).begin() as conn:
        accounts.set_password(conn, "ghost", PASSWORD)


def test_sign_in_through_the_app(state_url, monkeypatch):
    """The web sign-in and the admin page on each backend."""
    from test_auth import add, make_app, sign_in
    monkeypatch.setenv("SMARTCITY_SECRET_KEY", "s" * 64)
    server = make_app(state_url)
    add(server, "boss", "admin")
    client = server.test_client()
    assert sign_in(client, "boss").headers["Location"] == "/edit"
    assert "boss 太郎" in client.get("/admin/accounts").get_data(as_text=True)


@pytest.mark.parametrize("env, outcome", [({}, pytest.skip.Exception), ({"CI": "true"}, pytest.fail.Exception),
                                          ({"SMARTCITY_REQUIRE_POSTGRES": "1"}, pytest.fail.Exception),
                                          ({"CI": "0"}, pytest.skip.Exception)])
def test_missing_postgresql_fails_where_required_and_skips_elsewhere(monkeypatch, env, outcome):
    import pg
    for name in ("CI", "SMARTCITY_REQUIRE_POSTGRES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(pg, "BIN_GLOB", "/nonexistent/*/bin")
    assert pg.bin_dir() is None
    with pytest.raises(outcome, match="initdb"):
        pg.start_server()
