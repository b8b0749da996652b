"""The build: plan and fetch every source, load each through its kind's loader into a new DuckDB file, derive and
assess the KPIs, validate, then swap the file in atomically."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pandas as pd

from common.settings import Settings
from etl import completeness, history, kpi, loaders
from etl.csvio import parse_date
from etl.errors import EtlError, FileReport, Problem
from etl.incremental import fingerprint, incremental_files, load_increment
from etl.sources import LocalFile, fetch_all, load_manifest, record_trusted
from etl.validate import validate

SQL_DIR = Path(__file__).with_name("sql")
ETL_VERSION = "4"  # 4: completeness rules, rate_flag
REPOSITORY_KINDS = {"reference"}  # sources kept in this repository: not open data, never quarantined


def build(settings: Settings, log: Callable[[str], None] = print, strict: bool = False,
          incremental: bool = False) -> dict:
    """Build the database; on any error the previous file at settings.db_path is left as it was.

    strict: also fail (instead of quarantining) when a row of the open data is rejected.
    incremental: when the only change since the current build is new My Number snapshot folders, load just those
    into a copy of it (etl/incremental.py); otherwise say why and build in full. Both end in the same checks and swap.
    """
    started = time.perf_counter()
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    manifest = load_manifest(settings.manifest)
    modules = {sid: loaders.loader_for(e["kind"], sid, settings.manifest) for sid, e in manifest.items()}
    planned = [spec for sid, module in modules.items() for spec in module.plan(settings, sid, manifest[sid])]
    local = fetch_all(settings, planned)
    log(f"sources: {len(local)} files ready ({_origins(local)})")
    tmp = settings.db_path.with_name(f".build-{os.getpid()}-{settings.db_path.name}")
    tmp.unlink(missing_ok=True)
    code = fingerprint(settings)  # once: the incremental check and build_info both need it
    try:
        con, new = incremental_files(settings, manifest, local, tmp, log, code) if incremental else (None, None)
        with con if con is not None else duckdb.connect(str(tmp)) as con:
            if new:
                summary = load_increment(con, settings, manifest, modules, new, log)
            else:
                summary = _load(con, settings, manifest, modules, local, log)
            if strict:
                _fail_on_rejected(con, manifest)
            built_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            _validate_and_record(con, settings.db_path, built_at, summary.pop("history", None))
            summary["duration_seconds"] = time.perf_counter() - started
            _build_info(con, settings, summary, built_at, code)
            con.execute("CHECKPOINT")
        os.replace(tmp, settings.db_path)  # atomic on one filesystem: readers see the old or the new file
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    record_trusted(settings, local)  # only now: a file in a failed build is never trusted
    how = f"incrementally ({len(new)} new files)" if new else "in full"
    log(f"built {settings.db_path} {how} in {summary['duration_seconds']:.1f} s")
    summary["incremental"] = bool(new)
    return summary


def _validate_and_record(con: duckdb.DuckDBPyConnection, previous: Path, built_at: dt.datetime, known) -> None:
    """validate() the new database and write its history (history.record()) at the same time: the checks only read,
    on a connection of their own in a second thread, so the two cores share them. A failed check fails the build."""
    checker = con.cursor()
    with ThreadPoolExecutor(1) as pool:
        checks = pool.submit(validate, checker)
        try:
            history.record(con, previous, built_at, known)
        finally:
            try:
                checks.result()
            finally:
                checker.close()


def _fail_on_rejected(con: duckdb.DuckDBPyConnection, manifest: dict) -> None:
    open_data = [sid for sid, e in manifest.items() if e["kind"] not in REPOSITORY_KINDS]
    rows = con.execute("""SELECT file, row_number, column_name, reason FROM rejected_row
                          WHERE source_id IN (SELECT unnest($ids)) ORDER BY file, row_number""",
                       {"ids": open_data}).fetchall()
    if rows:
        raise EtlError([Problem(f, r, c, f"rejected (strict build): {reason}") for f, r, c, reason in rows])


def _origins(local: list[LocalFile]) -> str:
    counts = pd.Series([f.origin for f in local], dtype=object).value_counts()
    return ", ".join(f"{n} from {origin}" for origin, n in counts.items()) or "none"


def _load(con: duckdb.DuckDBPyConnection, settings: Settings, manifest: dict, modules: dict, local: list[LocalFile],
          log) -> dict:
    con.execute((SQL_DIR / "schema.sql").read_text())
    for kind in dict.fromkeys(e["kind"] for e in manifest.values()):
        ddl = loaders.schema_sql(kind)
        if ddl:
            con.execute(ddl)
    loaders.insert(con, "source", _sources(manifest))
    ctx = loaders.BuildContext(con, settings, log)
    reports: list[FileReport] = []
    for sid, module in modules.items():
        files = [f for f in local if f.spec.source_id == sid]
        reports += module.load(ctx, sid, manifest[sid], files)
    rejected = record_reports(con, manifest, ctx, reports, local, log)
    derive(con, settings)
    return {"snapshots": ctx.facts.get("snapshots", []), "files": len(reports), "rejected": rejected}


def record_reports(con: duckdb.DuckDBPyConnection, manifest: dict, ctx: loaders.BuildContext,
                   reports: list[FileReport], local: list[LocalFile], log) -> int:
    """Apply the completeness rules to the files loaded, then record them, their rejected rows and their flagged
    rates; returns the number of rows rejected."""
    rejected = [r for rep in reports for r in rep.rejected]
    flagged = [f for rep in reports for f in rep.flagged]
    _log_listed(log, "quarantined", [r.problem for r in rejected], "rejected_row")
    _log_listed(log, "flagged", [f.problem for f in flagged], "rate_flag")
    completeness.check(reports, manifest, _names(ctx.master))
    loaders.insert(con, "source_file", _file_rows(reports, local))
    loaders.insert(con, "rejected_row", pd.DataFrame(
        [{"source_id": r.source_id, "file": r.problem.file, "row_number": r.problem.row,
          "column_name": r.problem.column, "reason": r.problem.reason, "raw": r.raw} for r in rejected],
        columns=["source_id", "file", "row_number", "column_name", "reason", "raw"]))
    loaders.insert(con, "rate_flag", pd.DataFrame(
        [{"source_id": f.source_id, "file": f.problem.file, "row_number": f.problem.row,
          "column_name": f.problem.column, "subject": f.subject, "published_pct": f.published,
          "computed_pct": f.computed, "tolerance_pct": f.tolerance, "reason": f.problem.reason} for f in flagged]))
    return len(rejected)


def derive(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The KPI views, every indicator's observations and the assessments, from the loaded tables."""
    observations(con)
    kpi.write_assessments(con, settings.as_of)


def observations(con: duckdb.DuckDBPyConnection) -> None:
    """The KPI views and every indicator's observations, into an empty observation table."""
    kpi_views(con)
    for path in observation_files(con):
        run_observation_file(con, path)


def kpi_views(con: duckdb.DuckDBPyConnection) -> None:
    """The views and macros of etl/sql/kpi_views.sql (the observation files use them)."""
    con.execute((SQL_DIR / "kpi_views.sql").read_text())


def _log_listed(log, label: str, problems: list[Problem], table: str, shown: int = 50) -> None:
    for problem in problems[:shown]:
        log(f"{label}: {problem}")
    if len(problems) > shown:
        log(f"{label}: … and {len(problems) - shown} more (see {table})")


def _names(master: pd.DataFrame | None) -> dict[str, str]:
    """geo code -> Japanese name, to name missing codes in completeness messages."""
    return {} if master is None else dict(zip(master.geo_code, master.name_ja))


def observation_files(con: duckdb.DuckDBPyConnection) -> list[Path]:
    """etl/sql/observations/<indicator_id>.sql, one file per indicator, named after it, in the order they run."""
    known = {r[0] for r in con.execute("SELECT indicator_id FROM indicator").fetchall()}
    paths = sorted((SQL_DIR / "observations").glob("*.sql"))
    for path in paths:
        if path.stem not in known:
            raise EtlError(Problem(f"etl/sql/observations/{path.name}", None, None,
                                   f"no indicator {path.stem!r} in data/kpi/indicators.csv: a file derives the "
                                   "observations of the indicator it is named after"))
    return paths


def run_observation_file(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Run one observation file into `observation`; it must insert rows of its own indicator only (so the rows of an
    indicator come from its file alone, which lets an incremental build re-run just the files whose inputs changed)."""
    name = f"etl/sql/observations/{path.name}"
    inserted = 0
    for statement in con.extract_statements(path.read_text(encoding="utf-8")):
        if statement.type != duckdb.StatementType.INSERT:
            raise EtlError(Problem(name, None, None, f"a {statement.type.name} statement: an observation file only "
                                                     "inserts into observation"))
        inserted += con.execute(statement).fetchone()[0]
    own = con.execute("SELECT count(*) FROM observation WHERE indicator_id = ?", [path.stem]).fetchone()[0]
    if own != inserted:
        raise EtlError(Problem(name, None, "indicator_id",
                               f"{inserted - own} of the {inserted} rows it inserted are not observations of "
                               f"{path.stem!r}: a file derives the observations of the indicator it is named after"))


def _sources(manifest: dict) -> pd.DataFrame:
    columns = ["title_ja", "title_en", "url", "publisher_ja", "publisher_en", "licence", "attribution",
               "describes_date"]
    return pd.DataFrame([{"source_id": sid, "kind": e["kind"], **{c: e.get(c) for c in columns},
                          "url": e.get("url") or e.get("page"),
                          "update_frequency": e.get("update_frequency", "irregular")} for sid, e in manifest.items()])


def _file_rows(reports: list[FileReport], local: list[LocalFile]) -> pd.DataFrame:
    releases = {f.spec.rel_path: f.spec.snapshot for f in local}
    return pd.DataFrame([{
        "file": r.file, "source_id": r.source_id,
        "snapshot_date": parse_date(releases[r.file]) if releases.get(r.file) else None,
        "sha256": r.sha256, "origin": r.origin, "rows_read": r.rows_read, "rows_loaded": r.rows_loaded,
        "rows_quarantined": r.rows_quarantined} for r in reports])


def _build_info(con, settings: Settings, summary: dict, built_at: dt.datetime, code: str) -> None:
    snaps = summary["snapshots"]
    con.execute("INSERT INTO build_info VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
        built_at, summary["duration_seconds"], settings.as_of,
        ETL_VERSION, len(snaps), parse_date(snaps[0]) if snaps else None, parse_date(snaps[-1]) if snaps else None,
        content_sha256(con, settings, code)])


def content_sha256(con: duckdb.DuckDBPyConnection, settings: Settings, code: str | None = None) -> str:
    """The identity of the build in `con`: the ETL version, the fingerprint of the code, manifest and committed files
    (etl/incremental.py; code: that fingerprint, when already taken), and the checksum of every input file it loaded."""
    inputs = con.execute("SELECT file, sha256 FROM source_file ORDER BY file").fetchall()
    lines = [ETL_VERSION, code or fingerprint(settings), *(f"{f} {s}" for f, s in inputs)]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
