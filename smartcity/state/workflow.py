"""The life of a submission: upload → submit → approve or reject → publish; and roll back to an earlier state.

Every function checks the actor's role here, on the server, whatever view or request reached it, and records an
audit event in the same transaction as the change. Publishing builds a new database with the change and swaps it
in; a failed build publishes nothing (the database file and the state in force stay as they were)."""
from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from smartcity.state import audit, publications
from smartcity.state.schema import account, submission
from smartcity.state.store import now

EDITORS = ("editor", "approver", "admin")
APPROVERS = ("approver", "admin")


class Forbidden(Exception):
    """The actor's role or relation to the submission does not allow the action (answered 403)."""

    def __init__(self, ja: str, en: str):
        super().__init__(f"{ja} / {en}")
        self.ja, self.en = ja, en


class Conflict(Exception):
    """The action does not fit the submission's state (answered 409 with the reason)."""

    def __init__(self, ja: str, en: str):
        super().__init__(f"{ja} / {en}")
        self.ja, self.en = ja, en


def _require(actor: dict | None, roles: tuple[str, ...]) -> dict:
    if not actor or actor.get("role") not in roles or not actor.get("active", True):
        raise Forbidden("この操作の権限がありません。", "You are not allowed to do this.")
    return actor


def get(conn: Connection, submission_id: int) -> dict:
    """One submission with its creator's and reviewer's names; KeyError when there is none."""
    row = conn.execute(select(submission).where(submission.c.id == submission_id)).mappings().first()
    if row is None:
        raise KeyError(submission_id)
    return dict(row) | {"creator": _who(conn, row["created_by"]), "reviewer": _who(conn, row["reviewed_by"])}


def _who(conn: Connection, account_id: int | None) -> dict | None:
    if account_id is None:
        return None
    row = conn.execute(select(account.c.username, account.c.display_name, account.c.organisation)
                       .where(account.c.id == account_id)).mappings().first()
    return dict(row) if row else None


def listing(conn: Connection, actor: dict, limit: int = 200) -> list[dict]:
    """Submissions an official may see: an editor their own, an approver or admin all; newest first."""
    _require(actor, EDITORS)
    query = select(submission.c.id, submission.c.table_name, submission.c.status, submission.c.file_name,
                   submission.c.row_count, submission.c.created_at, submission.c.submitted_at,
                   submission.c.reviewed_at, submission.c.created_by, account.c.display_name,
                   account.c.organisation).join(account, account.c.id == submission.c.created_by)
    if actor["role"] == "editor":
        query = query.where(submission.c.created_by == actor["id"])
    return [dict(r) for r in conn.execute(query.order_by(submission.c.id.desc()).limit(limit)).mappings()]


def may_view(actor: dict, sub: dict) -> bool:
    """An editor sees their own submissions; approvers and admins see all."""
    return actor.get("role") in APPROVERS or sub["created_by"] == actor.get("id")


def create(conn: Connection, actor: dict, table: str, file_name: str, file_sha256: str, content_csv: str,
           row_count: int, report: dict) -> int:
    """Keep a validated upload (nothing is applied): status `uploaded`."""
    _require(actor, EDITORS)
    if "base_publication_id" in report:  # the publication the build it was checked against shows (None: none)
        base_id = report["base_publication_id"]
    else:
        latest = publications.latest(conn)
        base_id = latest["id"] if latest else None
    sid = conn.execute(insert(submission).values(
        table_name=table, status="uploaded", file_name=file_name[:255], file_sha256=file_sha256,
        content_csv=content_csv, row_count=row_count, report=report, created_by=actor["id"], created_at=now(),
        base_publication_id=base_id)).inserted_primary_key[0]
    audit.record(conn, actor["username"], "upload", "submission", sid, table=table, file=file_name,
                 sha256=file_sha256, rows=row_count)
    return sid


def _transition(conn: Connection, sub: dict, expected: str, **values) -> None:
    done = conn.execute(update(submission).where(submission.c.id == sub["id"], submission.c.status == expected)
                        .values(**values)).rowcount
    if done != 1:  # another request changed it first
        raise Conflict("この提出は既に処理されています。", "This submission has already been handled.")


def submit(conn: Connection, actor: dict, submission_id: int, comment: str) -> None:
    """The uploader sends their upload for review."""
    _require(actor, EDITORS)
    sub = get(conn, submission_id)
    if sub["created_by"] != actor["id"]:
        raise Forbidden("自分がアップロードした提出だけを申請できます。", "You can only submit your own uploads.")
    _expect(sub, "uploaded")
    _transition(conn, sub, "uploaded", status="submitted", submitted_at=now(), submit_comment=comment.strip()[:2000])
    audit.record(conn, actor["username"], "submit", "submission", submission_id, table=sub["table_name"])


def withdraw(conn: Connection, actor: dict, submission_id: int) -> None:
    """The uploader abandons an upload or a submission not yet reviewed."""
    _require(actor, EDITORS)
    sub = get(conn, submission_id)
    if sub["created_by"] != actor["id"]:
        raise Forbidden("自分の提出だけを取り下げられます。", "You can only withdraw your own submissions.")
    _expect(sub, "uploaded", "submitted")
    _transition(conn, sub, sub["status"], status="withdrawn")
    audit.record(conn, actor["username"], "withdraw", "submission", submission_id, table=sub["table_name"])


def reject(conn: Connection, actor: dict, submission_id: int, comment: str) -> None:
    """An approver sends a submission back, with a comment saying why."""
    _require(actor, APPROVERS)
    sub = get(conn, submission_id)
    _expect(sub, "submitted")
    if not comment.strip():
        raise Conflict("差し戻しの理由を書いてください。", "Say why the submission is rejected.")
    _transition(conn, sub, "submitted", status="rejected", reviewed_by=actor["id"], reviewed_at=now(),
                review_comment=comment.strip()[:2000])
    audit.record(conn, actor["username"], "reject", "submission", submission_id, table=sub["table_name"],
                 comment=comment.strip()[:2000])


def approve(conn: Connection, actor: dict, submission_id: int, comment: str) -> None:
    """An approver accepts a submission (four-eyes: not their own, unless an admin allowed it)."""
    _require(actor, APPROVERS)
    sub = get(conn, submission_id)
    _expect(sub, "submitted")
    if sub["created_by"] == actor["id"] and not actor.get("may_approve_own"):
        raise Forbidden("自分が作成した提出は承認できません（別の承認者が必要です）。",
                        "You cannot approve your own submission: another approver must.")
    if table_changed_since(conn, sub):
        raise Conflict("この表はアップロード後に別の提出で更新されました。最新の様式で作り直してください。",
                       "The table was changed by another publication after this upload: start from a new template.")
    _transition(conn, sub, "submitted", status="approved", reviewed_by=actor["id"], reviewed_at=now(),
                review_comment=comment.strip()[:2000])
    audit.record(conn, actor["username"], "approve", "submission", submission_id, table=sub["table_name"],
                 comment=comment.strip()[:2000])


def table_changed_since(conn: Connection, sub: dict) -> bool:
    """Whether the table's content in force differs from the one the upload was made against."""
    base = publications.get(conn, sub["base_publication_id"]) if sub["base_publication_id"] else None
    before = (base["state"] if base else {}).get(sub["table_name"])
    return publications.current_state(conn).get(sub["table_name"]) != (int(before) if before else None)


def _expect(sub: dict, *statuses: str) -> None:
    if sub["status"] not in statuses:
        raise Conflict(f"この提出の状態（{sub['status']}）ではこの操作はできません。",
                       f"Not possible while the submission is {sub['status']}.")
