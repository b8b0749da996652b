"""Accounts in the state database: creation and changes (each audited), argon2 password hashes, and sign-in with a
lock-out after repeated failures (every attempt logged, never the password), and the ids of signed-out sessions.
No Flask here: the CLI uses it too."""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, case, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from smartcity.state import audit
from smartcity.state.schema import ROLES, account, login_event, revoked_session
from smartcity.state.store import now as utc_now

MAX_FAILURES = 5  # consecutive failed sign-ins before the account is locked
LOCK_TIME = dt.timedelta(minutes=15)
SESSION_TIME = dt.timedelta(hours=8)  # a signed-in session's lifetime (a working day); then sign in again
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # hashing a megabyte-long "password" would be a cheap way to load the server
USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{2,63}")
MUNICIPALITY = re.compile(r"[0-9]{5}")  # not \d: that takes full-width and other digits too
TEXT_LIMIT = 200  # display name and organisation (the columns' size)

hasher = PasswordHasher()  # argon2id with the library's current defaults


class AccountError(ValueError):
    """Bad input for an account (a bilingual message: `ja`, `en`, str() is "日本語 / English")."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(f"{ja} / {en}")
        self.ja, self.en = ja, en


class SignIn(NamedTuple):
    """The outcome of a sign-in attempt: the account when it succeeded, and the reason logged for the attempt."""
    account: dict | None
    reason: str  # ok | empty | unknown_user | bad_password | locked | inactive

    @property
    def ok(self) -> bool:
        """Whether the attempt signed the account in."""
        return self.account is not None


def normalise_username(username: str) -> str:
    """The stored form of a user name: trimmed, lower case (sign-in is not case-sensitive)."""
    return (username or "").strip().lower()


def hash_password(password: str) -> str:
    """The argon2 hash string of a password."""
    return hasher.hash(password)


def check_password_policy(password: str, username: str) -> None:
    """Refuse a password shorter than 12 characters, absurdly long, or the user name itself."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise AccountError(f"パスワードは{MIN_PASSWORD}文字以上にしてください",
                           f"The password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"パスワードは{MAX_PASSWORD}文字以内にしてください",
                           f"The password must have at most {MAX_PASSWORD} characters")
    if password.strip().lower() == normalise_username(username):
        raise AccountError("パスワードにユーザー名と同じ文字列は使えません",
                           "The password must not be the user name")


def create_account(conn: Connection, username: str, display_name: str, organisation: str, role: str,
                   password: str, municipality_code: str | None = None, may_approve_own: bool = False,
                   actor: str = "cli") -> dict:
    """Add an account (validated, password hashed, audited as `actor`); returns it (without the hash)."""
    name = normalise_username(username)
    if not USERNAME.fullmatch(name):
        raise AccountError("ユーザー名は3～64文字の半角英小文字・数字・「. _ @ -」で、英数字で始めてください",
                           "The user name must be 3-64 characters: a-z, 0-9 and . _ @ -, starting with a letter or "
                           "digit")
    if conn.execute(select(account.c.id).where(account.c.username == name)).first():
        raise AccountError(f"ユーザー名「{name}」は既に使われています", f"The user name '{name}' is already taken")
    fields = _checked_fields(role=role, municipality_code=municipality_code, display_name=display_name,
                             organisation=organisation)
    check_password_policy(password, name)
    at = utc_now()
    new_id = conn.execute(insert(account).values(
        username=name, password_hash=hash_password(password), active=True, may_approve_own=bool(may_approve_own),
        failed_logins=0, created_at=at, password_changed_at=at, **fields)).inserted_primary_key[0]
    audit.record(conn, actor, "account_create", "account", new_id, username=name,
                 may_approve_own=bool(may_approve_own), **fields)
    return get_account(conn, new_id)


def _checked_fields(role: str, municipality_code: str | None, display_name: str | None = None,
                    organisation: str | None = None) -> dict:
    """The validated role, municipality and (when given) names of an account."""
    if role not in ROLES:
        raise AccountError(f"役割は {', '.join(ROLES)} のいずれかです（「{role}」は不明）",
                           f"The role must be one of {', '.join(ROLES)} (not '{role}')")
    code = (municipality_code or "").strip() or None
    if code is not None and role != "editor":
        raise AccountError("市町村を限定できるのは編集者だけです", "Only an editor can be limited to a municipality")
    if code is not None and not MUNICIPALITY.fullmatch(code):
        raise AccountError(f"市町村コードは5桁の数字です（「{code}」）",
                           f"The municipality code must be 5 digits (not '{code}')")
    fields = {"role": role, "municipality_code": code}
    for key, value, ja in (("display_name", display_name, "氏名"), ("organisation", organisation, "所属")):
        if value is None:
            continue
        value = value.strip()
        if not value or len(value) > TEXT_LIMIT:
            raise AccountError(f"{ja}は1～{TEXT_LIMIT}文字で入力してください",
                               f"The {key.replace('_', ' ')} must have 1-{TEXT_LIMIT} characters")
        fields[key] = value
    return fields


def get_account(conn: Connection, key: int | str) -> dict | None:
    """An account by id or user name, without its password hash (None when there is none)."""
    row = _row(conn, key)
    return _public(row) if row else None


def list_accounts(conn: Connection) -> list[dict]:
    """Every account, by user name, without password hashes."""
    return [_public(r) for r in conn.execute(select(account).order_by(account.c.username)).mappings()]


def _row(conn: Connection, key: int | str) -> dict | None:
    where = account.c.id == key if isinstance(key, int) else account.c.username == normalise_username(key)
    row = conn.execute(select(account).where(where)).mappings().first()
    return dict(row) if row else None


def _public(row) -> dict:
    return {k: v for k, v in dict(row).items() if k != "password_hash"}


def _existing(conn: Connection, key: int | str) -> dict:
    row = _row(conn, key)
    if row is None:
        raise AccountError(f"アカウント「{key}」はありません", f"There is no account '{key}'")
    return row


def set_password(conn: Connection, key: int | str, password: str, actor: str = "cli") -> None:
    """Give an account a new password (signs out its sessions, clears a lock-out); audited without the password."""
    row = _existing(conn, key)
    check_password_policy(password, row["username"])
    conn.execute(update(account).where(account.c.id == row["id"]).values(
        password_hash=hash_password(password), password_changed_at=utc_now(), failed_logins=0, locked_until=None))
    audit.record(conn, actor, "password_change", "account", row["id"], username=row["username"])


def update_account(conn: Connection, key: int | str, actor: str = "cli", **changes) -> dict:
    """Change an account's role, municipality_code, may_approve_own, active, display_name or organisation (audited
    with before → after); refuses a change that would leave no active admin."""
    unknown = set(changes) - {"role", "municipality_code", "may_approve_own", "active", "display_name", "organisation"}
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    row = _existing(conn, key)
    merged = {**row, **changes}
    fields = _checked_fields(merged["role"], merged["municipality_code"], changes.get("display_name"),
                             changes.get("organisation"))
    fields.update({k: bool(changes[k]) for k in ("may_approve_own", "active") if k in changes})
    diff = {k: [row[k], v] for k, v in fields.items() if row[k] != v}
    if not diff:
        return _public(row)
    if row["role"] == "admin" and row["active"] and (fields["role"] != "admin" or not fields.get("active", True)):
        _keep_an_admin(conn, row["id"])
    conn.execute(update(account).where(account.c.id == row["id"]).values(**{k: v[1] for k, v in diff.items()}))
    audit.record(conn, actor, "account_change", "account", row["id"], username=row["username"], changes=diff)
    return get_account(conn, row["id"])


def set_active(conn: Connection, key: int | str, active: bool, actor: str = "cli") -> dict:
    """Enable or disable an account (a disabled account cannot sign in and its sessions end)."""
    return update_account(conn, key, actor, active=active)


def set_role(conn: Connection, key: int | str, role: str, actor: str = "cli",
             municipality_code: str | None = None) -> dict:
    """Change an account's role (and its municipality: only an editor keeps one)."""
    return update_account(conn, key, actor, role=role, municipality_code=municipality_code)


def _keep_an_admin(conn: Connection, leaving_id: int) -> None:
    others = conn.execute(select(func.count()).select_from(account).where(
        account.c.role == "admin", account.c.active.is_(True), account.c.id != leaving_id)).scalar_one()
    if not others:
        raise AccountError("有効な管理者が1人もいなくなるため変更できません",
                           "This would leave no active admin: the change was not made")


def verify_sign_in(conn: Connection, username: str, password: str, remote_addr: str | None,
                   now: dt.datetime | None = None) -> SignIn:
    """Check a sign-in attempt, record it in login_event and apply the lock-out: after 5 consecutive failures the
    account is locked 15 minutes (and again at each failure after that, until a success resets the count). The
    attempt is taken (counted, and the lock set at the 5th) in one UPDATE before the password is checked: parallel
    guesses cannot all pass a lock check that none of them has set yet."""
    at = now or utc_now()
    name = normalise_username(username)
    result = _attempt(conn, name, password, at) if name and password else SignIn(None, "empty")
    _log_attempt(conn, username, result.reason, remote_addr, at)
    return result


def _attempt(conn: Connection, name: str, password: str, at: dt.datetime) -> SignIn:
    row = _row(conn, name)
    if row is None or _locked(row, at) or not _take_attempt(conn, row["id"], at):
        _dummy_verify(password)  # an unknown or locked name costs as much time as a known one: no probing for names
        return SignIn(None, "unknown_user" if row is None else "locked")
    row = _row(conn, row["id"])  # as this attempt left it: its failure count, and the hash current now
    if not _verify(row["password_hash"], password):
        if row["failed_logins"] >= MAX_FAILURES:  # this failure set the lock: the admins see it in the trail
            audit.record(conn, "system", "account_locked", "account", row["id"], username=row["username"],
                         failures=row["failed_logins"], until=row["locked_until"].isoformat(timespec="seconds"))
        return SignIn(None, "bad_password")
    return _password_accepted(conn, row, password)


def _locked(row: dict, at: dt.datetime) -> bool:
    # a read that says "locked" can be trusted without writing (only time or a success lifts a lock); one that says
    # "open" is decided by _take_attempt. Refusing here keeps hammering on a locked account off the write lock.
    return row["locked_until"] is not None and row["locked_until"] > at


def _take_attempt(conn: Connection, account_id: int, at: dt.datetime) -> bool:
    """Count an attempt as a failure before checking it, and lock the account at the limit, in one statement that
    only an unlocked account passes (SQLite's write lock, PostgreSQL's row lock: the next attempt sees the count);
    False when the account is locked. A success resets the count."""
    failures = account.c.failed_logins + 1  # SET expressions read the row as it was before this statement
    taken = conn.execute(update(account).where(
        account.c.id == account_id, or_(account.c.locked_until.is_(None), account.c.locked_until <= at)).values(
        failed_logins=failures, locked_until=case((failures >= MAX_FAILURES, at + LOCK_TIME), else_=None)))
    return taken.rowcount == 1


def _password_accepted(conn: Connection, row: dict, password: str) -> SignIn:
    # the right password resets the count taken for it (a disabled account too: enabling it again needs no wait)
    values = {"failed_logins": 0, "locked_until": None}
    if hasher.check_needs_rehash(row["password_hash"]):  # the hasher's parameters changed since it was set
        values["password_hash"] = hash_password(password)
    conn.execute(update(account).where(account.c.id == row["id"]).values(**values))
    if not row["active"]:
        return SignIn(None, "inactive")
    audit.record(conn, row["username"], "sign_in", "account", row["id"])
    return SignIn(get_account(conn, row["id"]), "ok")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not a password of anyone: only spends the time of a check")


def _dummy_verify(password: str) -> None:
    _verify(_dummy_hash(), password)


def _log_attempt(conn: Connection, username: str, reason: str, remote_addr: str | None, at: dt.datetime) -> None:
    conn.execute(insert(login_event).values(at=at, username=(username or "")[:64], ok=reason == "ok", reason=reason,
                                            remote_addr=(remote_addr or None) and remote_addr[:64]))


def login_events(conn: Connection, limit: int = 200) -> list[dict]:
    """The latest sign-in attempts, newest first."""
    rows = conn.execute(select(login_event).order_by(login_event.c.id.desc()).limit(limit)).mappings()
    return [dict(r) for r in rows]


def revoke_session(conn: Connection, sid: str, account_id: int, at: dt.datetime | None = None) -> None:
    """Record a signed-out session's id as revoked (a copy of its cookie is refused from now on; recording it twice,
    e.g. a double-clicked sign-out, is harmless), forgetting revocations older than a session's lifetime."""
    at = at or utc_now()
    conn.execute(delete(revoked_session).where(revoked_session.c.revoked_at < at - SESSION_TIME))
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[conn.dialect.name]  # the state database's two backends
    conn.execute(dialect.insert(revoked_session).values(sid=sid, account_id=account_id, revoked_at=at)
                 .on_conflict_do_nothing(index_elements=[revoked_session.c.sid]))


def session_revoked(conn: Connection, sid: str) -> bool:
    """Whether a session id was signed out."""
    return conn.execute(select(revoked_session.c.sid).where(revoked_session.c.sid == sid)).first() is not None
