"""Sessions, CSRF and role checks for the officials' pages (the public Dash pages set no cookie and need none).

The session is Flask's signed cookie: HttpOnly, SameSite=Lax, Secure when the request came over TLS (behind a
reverse proxy that ends TLS, the proxy must say so and the app must trust it, e.g. werkzeug's ProxyFix), valid for
8 hours from sign-in. It holds only the account id, a random session id and the time of the password it was opened
with: the account is read again on every request, so disabling an account or changing its password ends its sessions
at once, and signing out records the session id as revoked, so a copy of the cookie stops working too. The officials'
answers are never cached (`no_store`)."""
from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import flask
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import Engine

from common.settings import PROJECT_ROOT
from smartcity import webui
from smartcity.auth import accounts
from smartcity.state import store

SESSION_TIME = accounts.SESSION_TIME
SECRET_FILE = "secret_key"
log = logging.getLogger(__name__)


def init_app(server: flask.Flask) -> None:
    """Session cookie settings, the secret key (loaded on first use), CSRF protection (checked by the officials'
    blueprints: `protect_csrf`) and the 400 page of a failed CSRF check (templates: `webui.init_app`)."""
    server.config.update(
        SESSION_COOKIE_NAME="smartcity_session", SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SESSION_TIME,
        WTF_CSRF_CHECK_DEFAULT=False,  # Dash's callbacks stay public and cookie-less; officials' blueprints check
        WTF_CSRF_TIME_LIMIT=int(SESSION_TIME.total_seconds()),
    )
    server.session_interface = _SessionInterface()
    CSRFProtect(server)
    server.register_error_handler(CSRFError, _csrf_failed)


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, with the secret key read only when a session is (the public pages send no
    cookie: they never touch the key file, and tests set the state database, beside which it lives, after the app is
    made), and the Secure flag on TLS requests."""

    def open_session(self, app: flask.Flask, request: flask.Request):
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()  # nothing to read; saving it (if it gets content) loads the key
        return super().open_session(app, request)

    def get_signing_serializer(self, app: flask.Flask):
        ensure_secret_key(app)
        return super().get_signing_serializer(app)

    def get_cookie_secure(self, app: flask.Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (flask.has_request_context() and flask.request.is_secure)


def ensure_secret_key(app: flask.Flask) -> None:
    """Give the app its secret key if it has none yet (SMARTCITY_SECRET_KEY, else the key file)."""
    if not app.secret_key:
        app.secret_key = os.environ.get("SMARTCITY_SECRET_KEY") or load_secret_key(state_url(app))


def state_url(app: flask.Flask | None = None) -> str:
    """The state database of an app (its SMARTCITY_STATE_URL setting), else the default one."""
    app = app or flask.current_app
    return app.config.get("SMARTCITY_STATE_URL") or store.default_url()


def state_engine() -> Engine:
    """The engine of the current app's state database."""
    return store.engine(state_url())


def load_secret_key(url: str) -> str:
    """The key that signs sessions and CSRF tokens: generated once into `secret_key` (mode 0600) beside the SQLite
    state database (data/state/ for another database), so that every worker and restart shares it."""
    path = secret_key_path(url)
    if not path.exists():
        _write_new_key(path)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise RuntimeError(f"{path}: the secret key is too short (delete the file to make a new one)")
    return key


def _write_new_key(path: Path) -> None:
    # written whole to a private file, then linked into place: a worker starting at the same moment either finds
    # no file or a complete one, and only the first link wins
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
        os.link(draft, path)
        log.info("generated a new session key in %s", path)
    except FileExistsError:
        pass
    finally:
        draft.unlink(missing_ok=True)


def secret_key_path(url: str) -> Path:
    """Where the generated secret key lives for a state database URL."""
    sqlite = store.sqlite_path(url)
    if sqlite is not None:
        return sqlite.parent / SECRET_FILE
    return Path(os.environ.get("SMARTCITY_STATE_DIR", PROJECT_ROOT / "data" / "state")) / SECRET_FILE


def sign_in(found: dict) -> None:
    """Start a session for an account: a new session (no fixation) with a new id and a new CSRF token; the session
    it replaces (another sign-in on the same browser) is revoked."""
    _revoke_current()
    flask.session.clear()
    flask.g.pop("csrf_token", None)  # Flask-WTF caches the request's token: the next form gets a fresh one
    flask.g.pop("smartcity_account", None)
    flask.session.permanent = True
    flask.session["account_id"] = found["id"]
    flask.session["sid"] = secrets.token_urlsafe(32)
    flask.session["password_changed_at"] = found["password_changed_at"].isoformat()
    flask.session["signed_in_at"] = store.now().isoformat()


def sign_out() -> dict | None:
    """End the session, in the browser and on the server (its id is revoked: a copied cookie no longer works, OWASP
    ASVS 3.3.1); returns the account that was signed in, or None."""
    found = _revoke_current()
    flask.session.clear()
    flask.g.pop("csrf_token", None)
    flask.g.smartcity_account = None
    return found


def _revoke_current() -> dict | None:
    found = current_account()  # a valid session only: an expired or forged one is dead already
    if found is not None:
        with state_engine().begin() as conn:
            accounts.revoke_session(conn, flask.session["sid"], found["id"])
    return found


def current_account() -> dict | None:
    """The signed-in account (read from the state database once per request), or None: signed out, or the account
    was disabled or deleted, or its password changed since sign-in, or the session is older than 8 hours, or it was
    signed out (a copy of its cookie)."""
    if not flask.has_request_context():
        return None
    if "smartcity_account" not in flask.g:
        flask.g.smartcity_account = _session_account()
    return flask.g.smartcity_account


def _session_account() -> dict | None:
    account_id, sid = flask.session.get("account_id"), flask.session.get("sid")
    if not isinstance(account_id, int) or not isinstance(sid, str):
        return None  # signed out (or a session from before session ids: sign in again)
    with state_engine().connect() as conn:
        found = accounts.get_account(conn, account_id)
        revoked = accounts.session_revoked(conn, sid)
    if revoked or not _still_valid(found):
        flask.session.clear()
        return None
    return found


def _still_valid(found: dict | None) -> bool:
    if found is None or not found["active"]:
        return False
    if flask.session.get("password_changed_at") != found["password_changed_at"].isoformat():
        return False
    try:
        started = dt.datetime.fromisoformat(flask.session.get("signed_in_at", ""))
    except (TypeError, ValueError):
        return False
    return store.now() - started < SESSION_TIME


def require_role(*roles: str):
    """A view decorator: the signed-in account must have one of `roles` (any role when none is given). A signed-out
    GET goes to the sign-in page (coming back after); anything else gets the 403 page and changes nothing."""
    def decorate(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            found = current_account()
            if found is None and flask.request.method in ("GET", "HEAD"):
                return flask.redirect(webui.url("auth.sign_in", next=_here()))
            if found is None or (roles and found["role"] not in roles):
                return forbidden()
            return view(*args, **kwargs)
        return checked
    return decorate


def forbidden() -> tuple[str, int]:
    """The 403 page (signed out, or a role that may not do this)."""
    return flask.render_template("auth/forbidden.html"), 403


def _here() -> str:
    path = flask.request.full_path
    return path[:-1] if path.endswith("?") else path


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path of this site ("/edit?x=1"), else None: no redirect to another site ("//evil",
    "https://evil", "/\\evil", control characters)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def no_store(blueprint: flask.Blueprint) -> None:
    """Mark every answer of the blueprint's views `Cache-Control: no-store` (and HTTP/1.0's `Pragma: no-cache`): an
    official's pages (accounts, unpublished figures, the audit trail) stay in no browser or proxy cache, and the Back
    button after signing out shows nothing of them."""
    blueprint.after_request(_no_store)


def _no_store(response: flask.Response) -> flask.Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def protect_csrf(blueprint: flask.Blueprint) -> None:
    """Check the CSRF token of every POST, PUT, PATCH and DELETE to the blueprint's views (a failure answers 400);
    the key that signs tokens is loaded for its every request (its forms need it)."""
    blueprint.before_request(_check_csrf)


def _check_csrf() -> None:
    ensure_secret_key(flask.current_app)
    flask.current_app.extensions["csrf"].protect()


def _csrf_failed(error: CSRFError) -> tuple[str, int]:
    log.info("CSRF check failed: %s %s: %s", flask.request.method, flask.request.path, error.description)
    return flask.render_template(
        "auth/error.html", status=400,
        message_ja="フォームの有効期限が切れたか、このサイトのフォームからの送信ではありません。ページを読み込み直してから、"
                   "もう一度操作してください。",
        message_en="The form has expired or the request did not come from this site's form. Reload the page and try "
                   "again."), 400
