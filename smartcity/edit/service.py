"""What the editing views do, without Flask: the tables offered, templates, checking an upload (read, validate,
difference with the published table, effect on the KPIs, row provenance), the actions a submission allows, and the
publication history. The views stay thin; the state changes themselves are in smartcity.state."""
from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from common.settings import Settings
from smartcity.edit import diff as differ, preview, template as templates, upload, validation
from smartcity.edit.tables import EditableTable, editable_tables, lookup, plain, published
from smartcity.format import STATUS, number
from smartcity.settings import etl_settings
from smartcity.state import publications
from smartcity.webui import lang, t


def registry(settings: Settings | None = None) -> dict[str, EditableTable]:
    """The editable tables of the app's reference and KPI folders."""
    settings = settings or etl_settings()
    return editable_tables(settings.reference_dir, settings.kpi_dir)


def tables() -> list[dict]:
    """Every editable table with its titles and its number of published rows."""
    settings = etl_settings()
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        return [{"name": t.name, "title_ja": t.title_ja, "title_en": t.title_en,
                 "rows": con.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]}  # registry names only
                for t in registry(settings).values()]


def table_title(name: str) -> tuple[str, str]:
    """(Japanese, English) title of a table; the bare name for one no longer in the registry."""
    found = registry().get(name)
    return (found.title_ja, found.title_en) if found else (name, name)


def template(name: str, fmt: str, encoding: str) -> tuple[bytes, str, str]:
    """(body, MIME type, file name) of a table's template with its published figures; KeyError for an unknown
    table or format."""
    settings = etl_settings()
    table = lookup(registry(settings), name)
    frame = published(settings.db_path, table)
    if fmt == "xlsx":
        return (templates.xlsx(table, frame, lang()),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{table.name}.xlsx")
    if fmt == "csv":
        suffix = "-cp932" if encoding == "cp932" else ""
        return templates.csv(table, frame, encoding), "text/csv", f"{table.name}{suffix}.csv"
    raise KeyError(fmt)


@dataclass
class UploadResult:
    """An upload checked: refused as a whole, or its problems, or (ok) what a submission keeps."""

    table: str
    file_name: str
    refused: tuple[str, str] | None = None
    problems: list = field(default_factory=list)
    sha256: str = ""
    content_csv: str = ""
    row_count: int = 0
    report: dict = field(default_factory=dict)
    problems_csv: bytes = b""  # the problems as a CSV download (UTF-8 with BOM)

    @property
    def ok(self) -> bool:
        """Whether the upload can become a submission."""
        return self.refused is None and not self.problems

    def stored_report(self) -> dict:
        """The report a submission keeps (the approver sees the same)."""
        return self.report


def check_upload(settings: Settings, actor: dict, table_name: str, file_name: str, data: bytes) -> UploadResult:
    """Read and validate a whole upload; when it passes, its difference with the published table, its effect on
    the KPIs and its rows' provenance, all against one copy of the database (a publication swapping in a new file
    meanwhile cannot mix two states), whose publication the submission records as its base."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "published.duckdb"
        shutil.copyfile(settings.db_path, copy)
        return _check_upload(dataclasses.replace(settings, db_path=copy), actor, table_name, file_name, data)


def _check_upload(settings: Settings, actor: dict, table_name: str, file_name: str, data: bytes) -> UploadResult:
    started = time.perf_counter()
    try:
        table = lookup(registry(settings), table_name)
    except KeyError:
        return UploadResult(table_name, file_name, refused=("更新できない表です。", "This table cannot be updated."))
    try:
        uploaded = upload.read(file_name, data)
    except upload.Refused as exc:
        return UploadResult(table.name, file_name, refused=(exc.ja, exc.en))
    context = validation.context_from_db(settings.db_path, table, municipality=actor.get("municipality_code"))
    report = validation.validate(table, uploaded, context)
    checked = time.perf_counter()
    if not report.ok:
        return UploadResult(table.name, file_name, problems=report.problems, problems_csv=report.to_csv())
    change = differ.diff(context.published, report.frame, table.key)
    if change.empty:
        return UploadResult(table.name, file_name, refused=(
            "公開中の数値と同じです（変更がありません）。", "The file is the same as what is published: nothing changes."))
    effect = preview.kpi_effect(settings, table.name, report.frame)
    return UploadResult(table.name, file_name, sha256=uploaded.sha256,
                        content_csv=validation.canonical_csv(table, report.frame), row_count=report.rows, report={
                            "key": list(table.key), "value_columns": [c for c in table.columns if c not in table.key],
                            "labels": {c.name: [c.ja, c.en] for c in table.spec.columns},
                            "diff": _diff_json(change), "effect": _effect_json(effect),
                            "provenance": _provenance(settings, table, report.frame, change, actor),
                            "base_publication_id": _publication_id(settings.db_path),
                            "seconds": {"validate": round(checked - started, 3),
                                        "preview": round(time.perf_counter() - checked, 3)}})


def _publication_id(db: Path) -> int | None:
    """The officials' publication a database file shows (None: the repository's figures)."""
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("SELECT max(publication_id) FROM publication_info").fetchone()
    return None if row[0] is None else int(row[0])


def _diff_json(change: differ.Diff) -> dict:
    def rows(frame: pd.DataFrame) -> list[dict]:
        return [{k: plain(v) for k, v in r.items()} for r in frame.to_dict("records")]
    return {"added": rows(change.added), "removed": rows(change.removed),
            "changed": [{"key": [plain(k) for k in key], "columns": {c: [plain(a), plain(b)] for c, (a, b) in cells.items()}}
                        for key, cells in change.changed]}


def _effect_json(effect: pd.DataFrame) -> list[dict]:
    out = []
    for r in effect.to_dict("records"):
        before, after = STATUS.get(r.get("status_before")), STATUS.get(r.get("status_after"))
        out.append({"indicator_id": r["indicator_id"], "geo_code": r["geo_code"], "name_ja": r["name_ja"],
                    "name_en": r["name_en"], "geo_ja": r["geo_ja"], "geo_en": r["geo_en"],
                    "latest_before": _latest(r, "before"), "latest_after": _latest(r, "after"),
                    "period_before": _period(r, "before"), "period_after": _period(r, "after"),
                    "status_before": r.get("status_before"), "status_after": r.get("status_after"),
                    "status_before_ja": f"{before[0]} {before[1]}" if before else "—",
                    "status_before_en": f"{before[0]} {before[2]}" if before else "—",
                    "status_after_ja": f"{after[0]} {after[1]}" if after else "—",
                    "status_after_en": f"{after[0]} {after[2]}" if after else "—"})
    return out


def _latest(row: dict, when: str) -> str:
    value = row.get(f"latest_value_{when}")
    return "—" if value is None or pd.isna(value) else number(value, row.get("unit") or "")


def _period(row: dict, when: str) -> str:
    period = row.get(f"latest_period_end_{when}")
    return "" if period is None or pd.isna(period) else str(period)[:10]


def _provenance(settings: Settings, table: EditableTable, frame: pd.DataFrame, change: differ.Diff,
                actor: dict) -> dict[str, list]:
    """Row key (JSON) -> [submission id, published at, organisation]: rows this upload adds or changes get
    [None, None, the uploader's organisation] (the ETL fills in the submission and its publication time); rows it
    keeps keep the provenance they have."""
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        kept = {k: [s, str(t), o] for k, s, t, o in con.execute(
            "SELECT row_key, submission_id, updated_at, organisation FROM row_provenance WHERE table_name = ?",
            [table.name]).fetchall()}
    touched = {_key_json(k) for k in (tuple(r[c] for c in table.key) for r in change.added.to_dict("records"))}
    touched |= {_key_json(k) for k, _ in change.changed}
    out = {}
    for r in frame[list(table.key)].itertuples(index=False, name=None):
        key = _key_json(r)
        if key in touched:
            out[key] = [None, None, actor.get("organisation", "")]
        elif key in kept:
            out[key] = kept[key]
    return out


def _key_json(key: tuple) -> str:
    return json.dumps([plain(k) for k in key], ensure_ascii=False)


ACTIONS = {
    "submit": dict(ja="承認を申請する", en="Submit for approval", style="btn-primary", comment=True,
                   comment_ja="申請のコメント（任意）", comment_en="Comment (optional)"),
    "withdraw": dict(ja="取り下げる", en="Withdraw", style="btn-outline-secondary"),
    "publish": dict(ja="承認して公開する", en="Approve and publish", style="btn-success", comment=True,
                    comment_ja="承認のコメント（任意）", comment_en="Comment (optional)"),
    "reject": dict(ja="差し戻す", en="Reject", style="btn-outline-danger", comment=True, comment_required=True,
                   comment_ja="差し戻しの理由（必須）", comment_en="Why (required)"),
}


def actions(actor: dict, sub: dict) -> list[dict]:
    """The actions this official may take on this submission now (the server checks each again)."""
    names = []
    own = sub["created_by"] == actor["id"]
    if own and sub["status"] == "uploaded":
        names += ["submit", "withdraw"]
    if own and sub["status"] == "submitted":
        names.append("withdraw")
    if actor["role"] in ("approver", "admin") and sub["status"] == "approved":  # approved, never published
        names.append("publish")
    if actor["role"] in ("approver", "admin") and sub["status"] == "submitted" \
            and (not own or actor.get("may_approve_own")):
        names += ["publish", "reject"]
    return [{"name": n, **ACTIONS[n]} for n in names]


KINDS = {"publish": ("公開", "publish"), "rollback": ("以前の状態に戻す", "roll back"),
         "initial": ("初期状態", "initial")}
STATES = {"published": ("公開済み", "published"), "building": ("構築中", "building"), "failed": ("失敗", "failed")}


def publication_rows(conn) -> list[dict]:
    """Every publication, newest first, then the initial state (the repository's files, #0), for the history page."""
    from sqlalchemy import select
    from smartcity.state.schema import account, submission
    names = {r.id: f"{r.display_name}{t('（', ' (')}{r.organisation}{t('）', ')')}" for r in conn.execute(
        select(account.c.id, account.c.display_name, account.c.organisation))}
    subs = {r.id: r for r in conn.execute(select(submission.c.id, submission.c.table_name, submission.c.created_by,
                                                 submission.c.reviewed_by, submission.c.file_sha256))}
    current = publications.latest(conn)
    rows = []
    for p in publications.history(conn):
        sub = subs.get(p["submission_id"])
        in_force = current is not None and current["id"] == p["id"]
        what = (f"{sub.table_name} を提出 #{sub.id} の内容に", f"{sub.table_name} from submission #{sub.id}") if sub else \
            (f"公開 #{p['rollback_to']} の状態に戻す" if p["rollback_to"] else "初期状態（リポジトリのファイル）に戻す",
             f"back to publication #{p['rollback_to']}" if p["rollback_to"] else "back to the repository's files")
        rows.append({"id": p["id"], "kind_label": KINDS[p["kind"]], "status_label": STATES[p["status"]],
                     "in_force": in_force, "what_ja": what[0], "what_en": what[1], "error": p["error"],
                     "submitted_by": names.get(sub.created_by) if sub else names.get(p["requested_by"]),
                     "approved_by": names.get(sub.reviewed_by) if sub else None,
                     "when": p["finished_at"] or p["created_at"], "file_sha256": sub.file_sha256 if sub else None,
                     "comment": p["comment"], "can_return": p["status"] == "published" and not in_force})
    rows.append({"id": 0, "kind_label": KINDS["initial"], "status_label": STATES["published"],
                 "in_force": current is None or not current["state"], "what_ja": "リポジトリに転記された数値",
                 "what_en": "the figures transcribed in the repository", "error": None, "submitted_by": None,
                 "approved_by": None, "when": None, "file_sha256": None, "comment": None,
                 "can_return": current is not None and bool(current["state"])})
    return rows
