"""Sign-in, sign-out and the admin's account page (plain HTML forms: POST → redirect → GET)."""
from __future__ import annotations

import flask

from smartcity.auth import accounts, security
from smartcity.auth.accounts import AccountError
from smartcity.state import audit, store
from smartcity.state.schema import ROLES
from smartcity.webui import lang, t, url

bp = flask.Blueprint("auth", __name__)
security.protect_csrf(bp)
security.no_store(bp)
FIELD_LIMIT = 1100  # longer than any valid user name or password: anything longer is refused unread


@bp.route("/auth/sign-in", methods=["GET", "POST"])
def sign_in():
    """The sign-in form, and its check."""
    target = security.safe_next(flask.request.values.get("next"))
    if flask.request.method == "GET":
        if security.current_account() is not None:
            return flask.redirect(target or _home())
        return flask.render_template("auth/sign_in.html", next=target or "")
    username = flask.request.form.get("username", "")[:FIELD_LIMIT]
    password = flask.request.form.get("password", "")[:FIELD_LIMIT]
    with security.state_engine().begin() as conn:
        result = accounts.verify_sign_in(conn, username, password, flask.request.remote_addr)
    if not result.ok:
        flask.flash(_refusal(), "danger")
        return flask.redirect(url("auth.sign_in", **({"next": target} if target else {})))
    security.sign_in(result.account)
    flask.flash(t(f"{result.account['display_name']} としてサインインしました。",
                  f"Signed in as {result.account['display_name']}."), "success")
    return flask.redirect(target or _home())


def _refusal() -> str:
    # one message for an unknown name, a wrong password, a disabled and a locked account: a message that said
    # "locked" only for real accounts would tell anyone which user names exist (the lock is logged for admins)
    minutes = accounts.LOCK_TIME.seconds // 60
    return t(f"ユーザー名またはパスワードが正しくありません。{accounts.MAX_FAILURES}回続けて失敗したアカウントは"
             f"{minutes}分間ロックされます。",
             f"The user name or password is not correct. After {accounts.MAX_FAILURES} failed attempts in a row an "
             f"account is locked for {minutes} minutes.")


def _home() -> str:
    """Where a signed-in official starts: the editing page."""
    if "edit.index" in flask.current_app.view_functions:
        return url("edit.index")
    return "/edit" + ("?lang=en" if lang() == "en" else "")


@bp.route("/auth/sign-out", methods=["POST"])
def logout():
    """End the session (revoked on the server too)."""
    found = security.sign_out()
    if found is not None:
        with security.state_engine().begin() as conn:
            audit.record(conn, found["username"], "sign_out", "account", found["id"])
    flask.flash(t("サインアウトしました。", "Signed out."), "success")
    return flask.redirect(url("auth.sign_in"))


@bp.route("/admin/accounts", methods=["GET"], endpoint="accounts")
@security.require_role("admin")
def accounts_page():
    """Every account, a form to create one and a form per account to change it."""
    with security.state_engine().connect() as conn:
        rows = accounts.list_accounts(conn)
    return flask.render_template("auth/accounts.html", accounts=rows, roles=ROLES, now=store.now())


@bp.route("/admin/accounts", methods=["POST"])
@security.require_role("admin")
def create_account():
    """Create an account from the form."""
    form = flask.request.form
    actor = security.current_account()["username"]
    try:
        with security.state_engine().begin() as conn:
            made = accounts.create_account(
                conn, form.get("username", ""), form.get("display_name", ""), form.get("organisation", ""),
                form.get("role", ""), form.get("password", "")[:FIELD_LIMIT], form.get("municipality_code"),
                may_approve_own=form.get("may_approve_own") == "1", actor=actor)
    except AccountError as error:
        flask.flash(t(error.ja, error.en), "danger")
    else:
        flask.flash(t(f"アカウント「{made['username']}」を作成しました。",
                      f"Account '{made['username']}' created."), "success")
    return flask.redirect(url("auth.accounts"))


@bp.route("/admin/accounts/<int:account_id>", methods=["POST"])
@security.require_role("admin")
def update_account(account_id: int):
    """Change an account's role, municipality, four-eyes waiver, active flag and (when given) password, at once."""
    form, admin = flask.request.form, security.current_account()
    new_password = form.get("new_password", "")[:FIELD_LIMIT]
    try:
        with security.state_engine().begin() as conn:  # all or nothing: a bad password keeps the role unchanged
            changed = accounts.update_account(
                conn, account_id, admin["username"], role=form.get("role", ""),
                municipality_code=form.get("municipality_code"), may_approve_own=form.get("may_approve_own") == "1",
                active=form.get("active") == "1")
            if new_password:
                accounts.set_password(conn, account_id, new_password, admin["username"])
                changed = accounts.get_account(conn, account_id)
    except AccountError as error:
        flask.flash(t(error.ja, error.en), "danger")
        return flask.redirect(url("auth.accounts"))
    if new_password and account_id == admin["id"]:  # the admin's own new password: stay signed in
        security.sign_in(changed)
    flask.flash(t(f"アカウント「{changed['username']}」を更新しました。",
                  f"Account '{changed['username']}' updated."), "success")
    return flask.redirect(url("auth.accounts"))
