"""Sign-in and the officials' session (issue 10, security): argon2 hashes, lock-out, logged attempts, 403 for a
signed-out or wrong-role request that changes nothing, CSRF, cookie flags, no open redirect, sessions that end when
the account is disabled or its password changes or it signs out (a copied cookie is refused), one refusal message
(locked or not), no-store answers, the admin's account page, and no password in logs or the database."""
from __future__ import annotations

import datetime as dt
import logging
import re
import stat

import flask
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from smartcity import webui
from smartcity.auth import accounts, security, views
from smartcity.state import audit, store
from smartcity.state.schema import account as account_table
from smartcity.state.schema import metadata

PASSWORD = "correct horse battery"
OTHER_PASSWORD = "another long passphrase"
STUB_EDIT = flask.Blueprint("edit", __name__)  # base.html links to the editing pages: stand-ins for them here


@STUB_EDIT.route("/edit")
@security.require_role()
def index():
    return f"editing as {security.current_account()['username']}"


@STUB_EDIT.route("/edit/publications")
def publications():
    return "publications"


@STUB_EDIT.route("/edit/audit", endpoint="audit")
def audit_page():
    return "audit"


def make_app(state_url: str) -> flask.Flask:
    """A Flask server with the officials' set-up as app.py wires it, on the given state database."""
    server = flask.Flask("test_auth")
    server.config["SMARTCITY_STATE_URL"] = state_url
    security.init_app(server)
    webui.init_app(server)
    server.register_blueprint(views.bp)
    server.register_blueprint(STUB_EDIT)
    return server


def add(server: flask.Flask, username: str, role: str, password: str = PASSWORD, **extra) -> dict:
    """Create an account directly in the state database."""
    with store.engine(server.config["SMARTCITY_STATE_URL"]).begin() as conn:
        return accounts.create_account(conn, username, f"{username} 太郎", "大阪府スマートシティ戦略部", role,
                                       password, **extra)


def read(server: flask.Flask, fn, *args):
    """Run an accounts/audit read function on the app's state database."""
    with store.engine(server.config["SMARTCITY_STATE_URL"]).connect() as conn:
        return fn(conn, *args)


def csrf(client, path: str = "/auth/sign-in") -> str:
    """The CSRF token of a form page."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, username: str, password: str = PASSWORD, next_: str | None = None, **kwargs):
    """Post the sign-in form (with its token)."""
    data = {"username": username, "password": password, "csrf_token": csrf(client)}
    if next_ is not None:
        data["next"] = next_
    return client.post("/auth/sign-in", data=data, **kwargs)


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """Cheaper argon2 parameters for the web tests (the state tests keep the real ones): the pages, not the hash."""
    monkeypatch.setattr(accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.delenv("SMARTCITY_SECRET_KEY", raising=False)
    app = make_app(f"sqlite:///{tmp_path / 'state' / 'state.sqlite3'}")
    yield app
    store.engine(app.config["SMARTCITY_STATE_URL"]).dispose()


@pytest.fixture
def client(server):
    return server.test_client()


def test_sign_in_page_is_japanese_first_and_english_on_request(client):
    ja = client.get("/auth/sign-in")
    assert ja.status_code == 200 and "職員サインイン" in ja.get_data(as_text=True)
    en = client.get("/auth/sign-in?lang=en").get_data(as_text=True)
    assert "Officials&#39; sign-in" in en and 'lang="en"' in en


def test_sign_in_starts_a_new_session_with_a_new_csrf_token(server, client):
    add(server, "tanaka", "editor")
    client.get("/auth/sign-in")
    with client.session_transaction() as session:
        before = session["csrf_token"]
        session["planted"] = "by an attacker"  # session fixation: nothing from before sign-in survives it
    answer = sign_in(client, "Tanaka ")  # user names are trimmed and not case-sensitive
    assert answer.status_code == 302 and answer.headers["Location"] == "/edit"
    with client.session_transaction() as session:
        assert "planted" not in session and session["account_id"] == read(server, accounts.get_account, "tanaka")["id"]
        assert session.get("csrf_token") != before
    assert client.get("/edit").get_data(as_text=True) == "editing as tanaka"


def test_session_cookie_is_httponly_lax_and_not_secure_over_http(server, client):
    add(server, "tanaka", "editor")
    answer = sign_in(client, "tanaka")
    cookie = [h for h in answer.headers.getlist("Set-Cookie") if h.startswith("smartcity_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Expires=" in cookie  # permanent: 8 hours, not "until the browser closes" on a shared PC


def test_session_cookie_is_secure_over_https(server):
    add(server, "tanaka", "editor")
    client = server.test_client()
    referer = {"Referer": "https://localhost/auth/sign-in"}  # Flask-WTF checks the referrer on HTTPS
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/auth/sign-in", base_url="https://localhost").get_data(as_text=True)).group(1)
    answer = client.post("/auth/sign-in", base_url="https://localhost", headers=referer,
                         data={"username": "tanaka", "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302
    cookie = [h for h in answer.headers.getlist("Set-Cookie") if h.startswith("smartcity_session=")][0]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example",
                                    "javascript:alert(1)", "/\t/evil.example", "evil.example", "http:/x"])
def test_next_never_leaves_the_site(server, client, target):
    add(server, "tanaka", "editor")
    answer = sign_in(client, "tanaka", next_=target)
    assert answer.status_code == 302 and answer.headers["Location"] == "/edit"


def test_next_returns_to_a_local_page(server, client):
    add(server, "boss", "admin")
    answer = client.get("/admin/accounts?lang=en")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/auth/sign-in?")
    assert "next=/admin/accounts?lang%3Den" in answer.headers["Location"].replace("%2F", "/")
    signed = sign_in(client, "boss", next_="/admin/accounts?lang=en")
    assert signed.headers["Location"] == "/admin/accounts?lang=en"
    assert "Create an account" in client.get("/admin/accounts?lang=en").get_data(as_text=True)


def test_safe_next():
    assert security.safe_next("/edit?table=x") == "/edit?table=x"
    for bad in (None, "", "//a", "///a", "https://a", "/\\a", "a/b", "/a\r\nSet-Cookie: x", "\\\\a"):
        assert security.safe_next(bad) is None, bad


def test_wrong_password_and_unknown_user_get_the_same_message_and_are_logged(server, client):
    add(server, "tanaka", "editor")
    first = sign_in(client, "tanaka", "wrong password!", follow_redirects=True).get_data(as_text=True)
    second = sign_in(client, "nobody", "wrong password!", follow_redirects=True).get_data(as_text=True)
    message = "ユーザー名またはパスワードが正しくありません。"
    assert message in first and message in second
    events = read(server, accounts.login_events)
    assert [(e["username"], e["ok"], e["reason"], e["remote_addr"]) for e in events] == [
        ("nobody", False, "unknown_user", "127.0.0.1"), ("tanaka", False, "bad_password", "127.0.0.1")]
    with client.session_transaction() as session:
        assert "account_id" not in session


def _alert(page: str) -> str:
    return re.search(r'<div class="alert alert-danger"[^>]*>([^<]+)</div>', page).group(1)


def test_lock_out_through_the_sign_in_page(server, client):
    """The right password is refused while locked, with the same words as a wrong one (see the next test); the lock
    is in the sign-in log and the audit trail for the admins."""
    add(server, "tanaka", "editor")
    for _ in range(accounts.MAX_FAILURES):
        wrong = sign_in(client, "tanaka", "wrong password!", follow_redirects=True).get_data(as_text=True)
    page = sign_in(client, "tanaka", PASSWORD, follow_redirects=True).get_data(as_text=True)
    assert _alert(page) == _alert(wrong) and "15分間ロックされます" in _alert(page)
    assert client.get("/edit").status_code == 302  # still signed out
    assert read(server, accounts.login_events)[0]["reason"] == "locked"
    assert [e["action"] for e in read(server, audit.events)][0] == "account_locked"
    with store.engine(server.config["SMARTCITY_STATE_URL"]).begin() as conn:  # the 15 minutes have passed
        conn.execute(update(account_table).values(locked_until=store.now() - dt.timedelta(seconds=1)))
    assert sign_in(client, "tanaka").headers["Location"] == "/edit"


def test_a_locked_account_and_an_unknown_name_answer_alike(server):
    """The refusal does not tell which user names exist: a locked real account and a name nobody has get the same
    page, in both languages."""
    add(server, "tanaka", "editor")
    answers = {}
    for name in ("tanaka", "no-such-official"):
        client = server.test_client()
        for _ in range(accounts.MAX_FAILURES + 1):
            ja = sign_in(client, name, "not the password!", follow_redirects=True).get_data(as_text=True)
        en = client.post("/auth/sign-in?lang=en", data={"username": name, "password": "not the password!",
                                                         "csrf_token": csrf(client)}, follow_redirects=True)
        answers[name] = (_alert(ja), _alert(en.get_data(as_text=True)))
    assert answers["tanaka"] == answers["no-such-official"], answers
    assert "15分間ロックされます" in answers["tanaka"][0] and "locked for 15 minutes" in answers["tanaka"][1]
    reasons = {(e["username"], e["reason"]) for e in read(server, accounts.login_events)}
    assert ("tanaka", "locked") in reasons and ("no-such-official", "unknown_user") in reasons


def test_signed_out_get_of_a_protected_page_goes_to_sign_in(client):
    answer = client.get("/admin/accounts")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/auth/sign-in?next=/admin/accounts"
    english = client.get("/edit?lang=en")
    assert english.headers["Location"].startswith("/auth/sign-in?") and "lang=en" in english.headers["Location"]


def _create_form(token: str, username: str = "newbie") -> dict:
    return {"csrf_token": token, "username": username, "display_name": "新人", "organisation": "堺市",
            "role": "admin", "password": OTHER_PASSWORD}


def _update_form(token: str, role: str = "admin") -> dict:
    return {"csrf_token": token, "role": role, "municipality_code": "", "active": "1", "may_approve_own": "1",
            "new_password": OTHER_PASSWORD}


def _snapshot(server) -> list[dict]:
    with store.engine(server.config["SMARTCITY_STATE_URL"]).connect() as conn:
        return [dict(r) for r in conn.execute(select(account_table).order_by(account_table.c.id)).mappings()]


def test_signed_out_admin_posts_get_403_and_change_nothing(server, client):
    editor = add(server, "tanaka", "editor")
    before, events = _snapshot(server), read(server, audit.events)
    token = csrf(client)  # a valid token of a signed-out session: the role check still refuses
    created = client.post("/admin/accounts", data=_create_form(token))
    changed = client.post(f"/admin/accounts/{editor['id']}", data=_update_form(token))
    for answer in (created, changed):
        assert answer.status_code == 403
        text = answer.get_data(as_text=True)
        assert "この操作は許可されていません" in text
        assert text.index("サインインしていないため") < text.index("You are not signed in")
    assert _snapshot(server) == before and read(server, audit.events) == events


@pytest.mark.parametrize("role", ["editor", "approver"])
def test_wrong_role_admin_posts_get_403_and_change_nothing(server, client, role):
    official = add(server, "official", role)
    assert sign_in(client, "official").status_code == 302
    before, events = _snapshot(server), read(server, audit.events)
    token = _token_from_session_page(client)  # the 403 page still has the sign-out form
    assert client.get("/admin/accounts").status_code == 403
    created = client.post("/admin/accounts", data=_create_form(token))
    changed = client.post(f"/admin/accounts/{official['id']}", data=_update_form(token))
    assert created.status_code == 403 and changed.status_code == 403
    assert _snapshot(server) == before and read(server, audit.events) == events


@pytest.mark.parametrize("token", [None, "", "not-a-token", "IjEyMyI.aaaa.bbbb"])
def test_missing_or_wrong_csrf_token_gets_400_and_changes_nothing(server, client, token):
    boss = add(server, "boss", "admin")
    sign_in(client, "boss")
    before, events = _snapshot(server), read(server, audit.events)
    form = _create_form("")
    form.pop("csrf_token")
    if token is not None:
        form["csrf_token"] = token
    answer = client.post("/admin/accounts", data=form)
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "Traceback" not in text
    assert text.index("フォームの有効期限が切れたか") < text.index("The form has expired")  # both, Japanese first
    english = client.post("/admin/accounts?lang=en", data=form).get_data(as_text=True)
    assert english.index("The form has expired") < english.index("フォームの有効期限が切れたか")
    assert client.post(f"/admin/accounts/{boss['id']}", data={**form, "role": "editor"}).status_code == 400
    assert _snapshot(server) == before and read(server, audit.events) == events


def test_a_token_from_another_session_is_refused(server):
    add(server, "boss", "admin")
    mallory = server.test_client()
    stolen = csrf(mallory)
    victim = server.test_client()
    sign_in(victim, "boss")
    assert victim.post("/admin/accounts", data=_create_form(stolen)).status_code == 400
    assert read(server, accounts.get_account, "newbie") is None


def test_sign_out_is_post_only_and_checks_csrf(server, client):
    add(server, "tanaka", "editor")
    sign_in(client, "tanaka")
    assert client.get("/auth/sign-out").status_code == 405
    assert client.post("/auth/sign-out").status_code == 400
    assert client.get("/edit").status_code == 200  # still signed in
    answer = client.post("/auth/sign-out", data={"csrf_token": _token_from_session_page(client)})
    assert answer.status_code == 302 and answer.headers["Location"] == "/auth/sign-in"
    assert client.get("/edit").status_code == 302
    assert read(server, audit.events)[0]["action"] == "sign_out"


def _token_from_session_page(client) -> str:
    """A signed-in page's form token (base.html's sign-out form): the 403 page renders the navigation."""
    page = client.get("/admin/accounts").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _signed_out_copy(server, client):
    """Sign `client` out through the form, and return another browser holding the cookie it had before."""
    stolen = client.get_cookie("smartcity_session").value  # e.g. from a shared PC's profile or a proxy log
    assert client.post("/auth/sign-out", data={"csrf_token": _token_from_session_page(client)}).status_code == 302
    copy = server.test_client()
    copy.set_cookie("smartcity_session", stolen)
    return copy


def test_sign_out_revokes_the_session_on_the_server(server, client):
    tanaka = add(server, "tanaka", "editor")
    sign_in(client, "tanaka")
    with client.session_transaction() as session:
        sid = session["sid"]
    assert len(sid) >= 40
    copy = _signed_out_copy(server, client)
    assert copy.get("/edit").status_code == 302  # the copied cookie is refused: signed out on the server too
    with copy.session_transaction() as session:
        assert "account_id" not in session
    assert read(server, accounts.session_revoked, sid)
    assert read(server, audit.events)[0]["action"] == "sign_out"
    again = server.test_client()  # signing in again is a new session with a new id
    sign_in(again, "tanaka")
    with again.session_transaction() as session:
        assert session["sid"] != sid and session["account_id"] == tanaka["id"]
    assert again.get("/edit").status_code == 200


def test_signing_in_over_a_session_revokes_the_one_it_replaces(server, client):
    add(server, "tanaka", "editor")
    add(server, "suzuki", "editor")
    sign_in(client, "tanaka")
    tanaka_cookie = client.get_cookie("smartcity_session").value
    _sign_in_over(client, "suzuki")  # the next official at the same PC, without signing out first
    assert client.get("/edit").get_data(as_text=True) == "editing as suzuki"
    copy = server.test_client()
    copy.set_cookie("smartcity_session", tanaka_cookie)
    assert copy.get("/edit").status_code == 302


def _sign_in_over(client, username: str):
    """Post the sign-in form from a signed-in browser (a sign-in page left open in another tab)."""
    return client.post("/auth/sign-in", data={"username": username, "password": PASSWORD,
                                              "csrf_token": _token_from_session_page(client)})


def test_a_session_without_an_id_is_refused(server, client):
    """A cookie signed before sessions had ids (or crafted with the key but no id) opens nothing."""
    add(server, "tanaka", "editor")
    sign_in(client, "tanaka")
    with client.session_transaction() as session:
        del session["sid"]
    assert client.get("/edit").status_code == 302


def test_every_auth_answer_is_not_cached(server, client):
    """no-store on the sign-in page, its redirects, the admin page, the 403 and the CSRF 400 (all the auth
    blueprint's answers); a page of another blueprint is left as it is."""
    add(server, "boss", "admin")
    add(server, "tanaka", "editor")
    answers = [client.get("/auth/sign-in"), client.get("/auth/sign-in?lang=en"), sign_in(client, "boss", "wrong!!"),
               client.post("/auth/sign-in", data={"username": "boss"})]
    sign_in(client, "tanaka")
    answers += [client.get("/admin/accounts"), client.post("/admin/accounts", data={"csrf_token": "x"})]
    assert [a.status_code for a in answers] == [200, 200, 302, 400, 403, 400]
    _sign_in_over(client, "boss")
    answers += [client.get("/admin/accounts"), _sign_in_over(client, "boss")]
    for answer in answers:
        assert answer.headers["Cache-Control"] == "no-store" and answer.headers["Pragma"] == "no-cache"
    assert "no-store" not in client.get("/edit/publications").headers.get("Cache-Control", "")


def test_no_store_marks_only_the_blueprint_it_is_given():
    app = flask.Flask("no_store")
    private, public = flask.Blueprint("private", __name__), flask.Blueprint("public", __name__)
    private.add_url_rule("/private", "page", lambda: "figures")
    private.add_url_rule("/private/gone", "gone", lambda: flask.abort(404))
    public.add_url_rule("/public", "page", lambda: "open data")
    security.no_store(private)
    app.register_blueprint(private)
    app.register_blueprint(public)
    client = app.test_client()
    for path in ("/private", "/private/gone"):
        answer = client.get(path)
        assert (answer.headers["Cache-Control"], answer.headers["Pragma"]) == ("no-store", "no-cache"), path
    assert "Cache-Control" not in client.get("/public").headers and "Pragma" not in client.get("/public").headers


def test_admin_creates_and_changes_accounts_audited(server, client):
    add(server, "boss", "admin")
    sign_in(client, "boss")
    token = _token_from_session_page(client)
    form = {"csrf_token": token, "username": "sakai.editor", "display_name": "堺 花子", "organisation": "堺市",
            "role": "editor", "municipality_code": "27140", "password": OTHER_PASSWORD}
    page = client.post("/admin/accounts", data=form, follow_redirects=True).get_data(as_text=True)
    assert "アカウント「sakai.editor」を作成しました。" in page and "堺 花子" in page
    made = read(server, accounts.get_account, "sakai.editor")
    assert made["role"] == "editor" and made["municipality_code"] == "27140" and not made["may_approve_own"]
    change = {"csrf_token": token, "role": "approver", "municipality_code": "", "may_approve_own": "1", "active": "1",
              "new_password": "a brand new passphrase"}
    page = client.post(f"/admin/accounts/{made['id']}", data=change, follow_redirects=True).get_data(as_text=True)
    assert "を更新しました" in page
    changed = read(server, accounts.get_account, made["id"])
    assert changed["role"] == "approver" and changed["municipality_code"] is None and changed["may_approve_own"]
    actions = [(e["actor"], e["action"]) for e in reversed(read(server, audit.events))]
    assert actions[-3:] == [("boss", "account_create"), ("boss", "account_change"), ("boss", "password_change")]
    assert read(server, audit.events)[1]["detail"]["changes"]["role"] == ["editor", "approver"]


def test_a_bad_change_is_refused_whole_with_a_message(server, client):
    boss = add(server, "boss", "admin")
    editor = add(server, "tanaka", "editor")
    sign_in(client, "boss")
    token = _token_from_session_page(client)
    before = _snapshot(server)
    bad_password = {"csrf_token": token, "role": "approver", "municipality_code": "", "active": "1",
                    "new_password": "short"}
    page = client.post(f"/admin/accounts/{editor['id']}", data=bad_password, follow_redirects=True)
    assert "パスワードは12文字以上にしてください" in page.get_data(as_text=True)
    demote = {"csrf_token": token, "role": "editor", "municipality_code": "", "active": "1"}
    page = client.post(f"/admin/accounts/{boss['id']}?lang=en", data=demote, follow_redirects=True)
    assert "This would leave no active admin" in page.get_data(as_text=True)
    municipality = {"csrf_token": token, "role": "editor", "municipality_code": "2714", "active": "1"}
    assert "5桁" in client.post(f"/admin/accounts/{editor['id']}", data=municipality,
                               follow_redirects=True).get_data(as_text=True)
    assert client.post("/admin/accounts/9999", data=demote).status_code == 302  # unknown id: a message, not a 500
    assert _snapshot(server) == before


def test_admin_changing_own_password_stays_signed_in(server, client):
    boss = add(server, "boss", "admin")
    sign_in(client, "boss")
    form = {"csrf_token": _token_from_session_page(client), "role": "admin", "active": "1",
            "new_password": OTHER_PASSWORD}
    client.post(f"/admin/accounts/{boss['id']}", data=form)
    assert client.get("/admin/accounts").status_code == 200


def test_disabling_or_a_new_password_ends_other_sessions(server):
    add(server, "boss", "admin")
    add(server, "tanaka", "editor")
    first, second = server.test_client(), server.test_client()
    sign_in(first, "tanaka")
    sign_in(second, "tanaka")
    with store.engine(server.config["SMARTCITY_STATE_URL"]).begin() as conn:
        accounts.set_password(conn, "tanaka", OTHER_PASSWORD, actor="boss")
    assert first.get("/edit").status_code == 302  # signed out: the password changed after its sign-in
    sign_in(first, "tanaka", OTHER_PASSWORD)
    assert first.get("/edit").status_code == 200
    with store.engine(server.config["SMARTCITY_STATE_URL"]).begin() as conn:
        accounts.set_active(conn, "tanaka", False, actor="boss")
    assert first.get("/edit").status_code == 302
    assert sign_in(first, "tanaka", OTHER_PASSWORD).headers["Location"].startswith("/auth/sign-in")
    assert read(server, accounts.login_events)[0]["reason"] == "inactive"


def test_session_ends_after_eight_hours(server, client):
    add(server, "tanaka", "editor")
    sign_in(client, "tanaka")
    assert client.get("/edit").status_code == 200
    with client.session_transaction() as session:
        session["signed_in_at"] = (store.now() - dt.timedelta(hours=8, minutes=1)).isoformat()
    assert client.get("/edit").status_code == 302
    with client.session_transaction() as session:
        assert "account_id" not in session


def test_a_forged_session_is_ignored(server, client):
    add(server, "boss", "admin")
    client.set_cookie("smartcity_session", "eyJhY2NvdW50X2lkIjoxfQ.forged.signature")
    assert client.get("/admin/accounts").status_code == 302


def test_signed_in_pages_show_the_account_and_a_sign_out_form(server, client):
    add(server, "boss", "admin")
    sign_in(client, "boss")
    page = client.get("/admin/accounts").get_data(as_text=True)
    assert 'id="signed-in-as"' in page and "boss 太郎" in page and 'action="/auth/sign-out"' in page


def test_secret_key_is_generated_once_beside_the_state_database(server, client, tmp_path):
    client.get("/auth/sign-in")
    key_file = tmp_path / "state" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) == 64 and server.secret_key == key
    again = make_app(server.config["SMARTCITY_STATE_URL"])
    again.test_client().get("/auth/sign-in")
    assert again.secret_key == key  # every worker and restart signs with the same key


def test_workers_starting_together_share_one_key(tmp_path):
    from concurrent.futures import ThreadPoolExecutor
    url = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: security.load_secret_key(url), range(32)))
    assert len(keys) == 1 and sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]


def test_public_requests_set_no_cookie_and_need_no_key(server, tmp_path):
    server.add_url_rule("/public", "public", lambda: "a public page")
    answer = server.test_client().get("/public")
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers
    assert not (tmp_path / "state" / "secret_key").exists() and not server.secret_key


def test_secret_key_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SMARTCITY_SECRET_KEY", "k" * 40)
    app = make_app(f"sqlite:///{tmp_path / 'state.sqlite3'}")
    app.test_client().get("/auth/sign-in")
    assert app.secret_key == "k" * 40 and not (tmp_path / "secret_key").exists()


def test_secret_key_path_for_postgresql(monkeypatch, tmp_path):
    monkeypatch.setenv("SMARTCITY_STATE_DIR", str(tmp_path))
    assert security.secret_key_path("postgresql+psycopg://u@h/db") == tmp_path / "secret_key"


def test_password_never_in_logs_nor_stored_in_plain(server, client, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    add(server, "boss", "admin")
    sign_in(client, "boss", "boss's wrong password")
    sign_in(client, "boss")
    token = _token_from_session_page(client)
    client.post("/admin/accounts", data=_create_form(token))
    client.post("/admin/accounts", data={**_create_form(token, "second"), "password": "tooshort"})
    client.post("/admin/accounts", data={**_create_form("bad"), "username": "third"})  # CSRF failure is logged
    secrets = (PASSWORD, OTHER_PASSWORD, "boss's wrong password", "tooshort")
    assert "CSRF check failed" in caplog.text
    for secret in secrets:
        assert secret not in caplog.text
    with store.engine(server.config["SMARTCITY_STATE_URL"]).connect() as conn:
        dump = repr([list(conn.execute(select(table))) for table in metadata.sorted_tables])
    stored = read(server, accounts.get_account, "newbie")
    assert stored is not None and "password_hash" not in stored
    with store.engine(server.config["SMARTCITY_STATE_URL"]).connect() as conn:
        hashes = [h for (h,) in conn.execute(select(account_table.c.password_hash))]
    assert all(h.startswith("$argon2id$") for h in hashes) and len(hashes) == 2
    raw = b"".join(p.read_bytes() for p in (tmp_path / "state").glob("state.sqlite3*"))
    for secret in secrets:
        assert secret not in dump and secret.encode() not in raw


def test_the_dashboard_app_wires_sign_in_and_csrf(db, tmp_path):
    """The real app (app.create_app): public pages stay cookie-less, sign-in leads to the editing page, the admin
    page works, and a crafted POST gets the bilingual 400 (not the app's generic error answer)."""
    from app import create_app
    server = create_app(db, state_url=f"sqlite:///{tmp_path / 'state' / 'state.sqlite3'}").server
    client = server.test_client()
    assert "Set-Cookie" not in client.get("/").headers and "Set-Cookie" not in client.get("/_dash-layout").headers
    add(server, "boss", "admin")
    token = csrf(client)
    assert client.post("/admin/accounts", data=_create_form(token)).status_code == 403  # signed out
    assert sign_in(client, "boss").headers["Location"] == "/edit"
    page = client.get("/admin/accounts")
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers
    crafted = client.post("/admin/accounts", data={"username": "x", "role": "admin"})
    assert crafted.status_code == 400 and "フォームの有効期限が切れたか" in crafted.get_data(as_text=True)
    assert read(server, accounts.get_account, "newbie") is None and read(server, accounts.get_account, "x") is None
