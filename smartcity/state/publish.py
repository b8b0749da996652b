"""Publishing and rolling back: a new publication (the tables' submissions in force), a database built with it,
validated and swapped in as every build is. One publication is built at a time (a lock beside the database)."""
from __future__ import annotations

import dataclasses
import fcntl
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import duckdb
from sqlalchemy import Engine, insert, update

from common.settings import Settings
from smartcity.state import audit, publications, workflow
from smartcity.state.schema import publication, submission
from smartcity.state.store import now

Builder = Callable[..., dict]


def _etl_build(settings: Settings, log: Callable[[str], None]) -> dict:
    from etl.build import build  # the app imports the ETL only when an approver publishes
    return build(settings, log=log)


def publish(engine: Engine, settings: Settings, actor: dict, submission_id: int, comment: str = "",
            build: Builder = _etl_build) -> dict:
    """Build and swap in the approved submission; returns the publication (status published or failed)."""
    workflow._require(actor, workflow.APPROVERS)
    with _one_at_a_time(settings.db_path):
        with engine.begin() as conn:
            sub = workflow.get(conn, submission_id)
            workflow._expect(sub, "approved")
            if workflow.table_changed_since(conn, sub):  # approved while another change of the table was pending
                raise workflow.Conflict(
                    "この表はアップロード後に別の公開で更新されました。最新の様式で作り直してください。",
                    "The table was changed by another publication after this upload: start from a new template.")
            state = publications.current_state(conn) | {sub["table_name"]: submission_id}
            pid = _start(conn, "publish", state, actor, comment, submission_id=submission_id,
                         summary=_publish_summary(sub))
        return _build(engine, settings, actor, pid, build, submission_id=submission_id)


def rollback(engine: Engine, settings: Settings, actor: dict, target_id: int, comment: str = "",
             build: Builder = _etl_build) -> dict:
    """Return to the state of an earlier publication (0: every table as in the repository), as a new publication."""
    workflow._require(actor, workflow.APPROVERS)
    with _one_at_a_time(settings.db_path):
        with engine.begin() as conn:
            if target_id == 0:
                state = {}
            else:
                target = publications.get(conn, target_id)
                if target is None or target["status"] != "published":
                    raise workflow.Conflict("戻す先の公開が見つかりません。", "There is no such published state.")
                state = target["state"]
            current = publications.latest(conn)
            if {k: int(v) for k, v in state.items()} == publications.current_state(conn):
                raise workflow.Conflict("既にこの状態が公開されています。", "This state is already published.")
            pid = _start(conn, "rollback", state, actor, comment, rollback_to=target_id,
                         summary=_rollback_summary(target_id, current, state))
        return _build(engine, settings, actor, pid, build)


def _publish_summary(sub: dict) -> dict:
    """「joint_procurement_adoption：追加 6 行・変更 0 行・削除 0 行」 from the submission's difference."""
    diff = (sub["report"] or {}).get("diff", {})
    n = {k: len(diff.get(k, [])) for k in ("added", "changed", "removed")}
    return {"ja": f"{sub['table_name']}：追加 {n['added']} 行・変更 {n['changed']} 行・削除 {n['removed']} 行",
            "en": f"{sub['table_name']}: {n['added']} rows added, {n['changed']} changed, {n['removed']} removed"}


def _rollback_summary(target_id: int, current: dict | None, state: dict) -> dict:
    """Which state it returns to and which tables that restores."""
    tables = sorted(set((current or {}).get("state", {})) | set(state))
    where = (f"公開 #{target_id} の状態", f"the state of publication #{target_id}") if target_id else \
        ("リポジトリに転記された数値", "the figures transcribed in the repository")
    return {"ja": f"{where[0]}に戻しました（{'、'.join(tables)}）",
            "en": f"returned to {where[1]} ({', '.join(tables)})"}


def _start(conn, kind: str, state: dict, actor: dict, comment: str, **values) -> int:
    return conn.execute(insert(publication).values(
        kind=kind, status="building", state={k: int(v) for k, v in state.items()}, requested_by=actor["id"],
        created_at=now(), comment=comment.strip()[:2000], **values)).inserted_primary_key[0]


def _build(engine: Engine, settings: Settings, actor: dict, pid: int, build: Builder,
           submission_id: int | None = None) -> dict:
    log: list[str] = []
    try:
        summary = build(dataclasses.replace(settings, layer={"publication_id": pid}), log=log.append)
    except Exception as exc:  # noqa: BLE001 - any failure: nothing is published, and the reason is kept
        reason = str(exc) or traceback.format_exception_only(exc)[-1].strip()
        with engine.begin() as conn:
            conn.execute(update(publication).where(publication.c.id == pid)
                         .values(status="failed", finished_at=now(), error=reason[:20000]))
            if submission_id is not None:
                conn.execute(update(submission).where(submission.c.id == submission_id)
                             .values(status="failed"))
            audit.record(conn, actor["username"], "publish_failed", "publication", pid, reason=reason[:2000])
            return publications.get(conn, pid) | {"log": log}
    changes = _changes(settings.db_path)
    with engine.begin() as conn:
        conn.execute(update(publication).where(publication.c.id == pid).values(
            status="published", finished_at=now(), build_sha256=_content_sha(settings.db_path), changes=changes))
        if submission_id is not None:
            conn.execute(update(submission).where(submission.c.id == submission_id).values(status="published"))
        pub = publications.get(conn, pid)
        action = "publish" if pub["kind"] == "publish" else "rollback"
        audit.record(conn, actor["username"], action, "publication", pid, submission=submission_id,
                     rollback_to=pub["rollback_to"], seconds=round(summary.get("duration_seconds", 0), 2))
    return pub | {"log": log}


def _content_sha(db: Path) -> str | None:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("SELECT content_sha256 FROM build_info").fetchone()
    return row[0] if row else None


def _changes(db: Path) -> list[dict]:
    """What the build changed, per table (the public change log: numbers of rows, never who)."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("""SELECT table_name, rows_added, rows_removed, rows_changed FROM build_change
                              WHERE built_at = (SELECT max(built_at) FROM build_info) ORDER BY table_name""").fetchall()
    return [{"table": t, "added": a, "removed": r, "changed": c} for t, a, r, c in rows]


BUSY = ("別の公開を構築中です。終わってからもう一度操作してください（公開中のデータは変わっていません）。",
        "Another publication is being built: try again when it has finished (nothing was changed).")


def _lock_file(db: Path) -> Path:
    lock = db.with_name(db.name + ".publish.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    return lock


def busy(db: Path) -> bool:
    """Whether a publication is being built for this database now."""
    with _lock_file(db).open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


@contextmanager
def _one_at_a_time(db: Path):
    """One publication build at a time on this machine; a second request is told so at once (never waits, so
    requests cannot pile up on server threads)."""
    with _lock_file(db).open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise workflow.Conflict(*BUSY) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
