"""The build: fetch, parse, load into a new DuckDB file, derive KPIs, validate, then swap it in atomically."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from etl import boundaries, kpi, mynumber, reference
from etl.errors import EtlError, FileReport, Problem
from etl.master import build_master, read_csv_dicts
from etl.settings import Settings
from etl.sources import LocalFile, fetch_all, load_manifest, sha256_of
from etl.validate import validate

SQL_DIR = Path(__file__).with_name("sql")
ETL_VERSION = "2"


def build(settings: Settings, log: Callable[[str], None] = print, strict: bool = False) -> dict:
    """Build the database; on any error the previous file at settings.db_path is left as it was.

    strict: also fail (instead of quarantining) when a row of the open data is rejected.
    """
    started = time.perf_counter()
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    local = fetch_all(settings)
    log(f"sources: {len(local)} files ready ({_origins(local)})")
    tmp = settings.db_path.with_name(f".build-{os.getpid()}-{settings.db_path.name}")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            summary = _load(con, settings, local, log)
            if strict:
                _fail_on_rejected(con)
            validate(con)
            summary["duration_seconds"] = time.perf_counter() - started
            _build_info(con, settings, summary)
            con.execute("CHECKPOINT")
        os.replace(tmp, settings.db_path)  # atomic on one filesystem: readers see the old or the new file
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    log(f"built {settings.db_path} in {summary['duration_seconds']:.1f} s")
    return summary


def _fail_on_rejected(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("""SELECT file, row_number, column_name, reason FROM rejected_row
                          WHERE source_id = 'mynumbercard' ORDER BY file, row_number""").fetchall()
    if rows:
        raise EtlError([Problem(f, r, c, f"rejected (strict build): {reason}") for f, r, c, reason in rows])


def _origins(local: list[LocalFile]) -> str:
    counts = pd.Series([f.origin for f in local]).value_counts()
    return ", ".join(f"{n} from {origin}" for origin, n in counts.items())


def _load(con: duckdb.DuckDBPyConnection, settings: Settings, local: list[LocalFile], log) -> dict:
    con.execute((SQL_DIR / "schema.sql").read_text())
    manifest = load_manifest()
    _insert(con, "source", _sources(manifest))
    by_id = {}
    for f in local:
        by_id.setdefault(f.spec.source_id, []).append(f)
    reports: list[FileReport] = []

    japan_file, osaka_file = by_id["boundaries_japan"][0], by_id["boundaries_osaka"][0]
    excluded = {r["geo_code"]: r["reason"] for r in read_csv_dicts(settings.names_dir / "excluded_codes.csv")}
    japan_report = _report(japan_file)
    japan = boundaries.japan_layer(boundaries.read_features(japan_file.path, japan_file.spec.rel_path), excluded,
                                   japan_report)
    osaka_report = _report(osaka_file)
    osaka_munis, osaka_wards = boundaries.osaka_layers(
        boundaries.read_features(osaka_file.path, osaka_file.spec.rel_path), osaka_report)
    reports += [japan_report, osaka_report]
    master, resolver = build_master(japan, settings.names_dir)
    _insert(con, "municipality", master)
    log(f"master: {int((master.level == 'municipality').sum())} municipalities, "
        f"{int((master.level == 'prefecture').sum())} prefectures, {int((master.level == 'ward').sum())} wards")

    parsed = _parse_mynumber(by_id.get("mynumbercard", []), resolver, master)
    reports += [p.report for p in parsed]
    _insert(con, "source_file", _file_rows(reports))
    issuance, types = mynumber.frames(parsed)
    _insert(con, "mynumber_issuance", issuance)
    _insert(con, "mynumber_type_total", types)
    _insert(con, "municipality_name", _aliases(issuance, master))
    _insert(con, "boundary", pd.concat([
        boundaries.boundary_rows(osaka_munis, "osaka_municipality", "boundaries_osaka"),
        boundaries.boundary_rows(osaka_wards, "osaka_ward", "boundaries_osaka"),
        boundaries.boundary_rows(japan, "japan_municipality", "boundaries_japan"),
    ]))
    rejected = [r for rep in reports for r in rep.rejected]
    _insert(con, "rejected_row", pd.DataFrame(
        [{"source_id": r.source_id, "file": r.problem.file, "row_number": r.problem.row,
          "column_name": r.problem.column, "reason": r.problem.reason, "raw": r.raw} for r in rejected],
        columns=["source_id", "file", "row_number", "column_name", "reason", "raw"]))
    for r in rejected:
        log(f"quarantined: {r.problem}")

    geo_codes = set(master["geo_code"])
    ref_reports = _load_tables(con, settings.reference_dir, geo_codes)
    ref_reports += _load_tables(con, settings.kpi_dir, geo_codes)
    _insert(con, "source_file", _file_rows(ref_reports))
    con.execute((SQL_DIR / "observations.sql").read_text())
    kpi.write_assessments(con, settings.as_of)
    snapshots = sorted({p.report.file.split("/")[1] for p in parsed})
    return {"snapshots": snapshots, "files": len(local) + len(ref_reports), "rejected": len(rejected)}


def _report(f: LocalFile) -> FileReport:
    return FileReport(f.spec.source_id, f.spec.rel_path, f.sha256, f.origin)


def _parse_mynumber(files: list[LocalFile], resolver, master: pd.DataFrame) -> list[mynumber.Parsed]:
    pref_codes = dict(zip(master.loc[master.level == "prefecture", "name_ja"],
                          master.loc[master.level == "prefecture", "geo_code"]))
    parsed = []
    for f in files:
        name = Path(f.spec.rel_path).name
        if name == "all_localgovs.csv":
            parsed.append(mynumber.parse_localgovs(f, resolver))
        elif name == "all_prefectures.csv":
            parsed.append(mynumber.parse_prefectures(f, pref_codes))
        else:
            parsed.append(mynumber.parse_types(f))
    return parsed


def _load_tables(con, folder: Path, geo_codes: set[str]) -> list[FileReport]:
    reports = []
    for spec in reference.load_specs(folder):
        path = folder / spec.file
        frame, report = reference.load_table(spec, folder, geo_codes, sha256_of(path) if path.is_file() else "0" * 64,
                                             label=f"data/{folder.name}")
        con.execute(reference.create_sql(spec))
        _insert(con, spec.table, frame)
        reports.append(report)
    return reports


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Insert a DataFrame by column name; constraint violations name the table and the constraint."""
    if frame.empty:
        return
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    con.register("_frame", frame)
    try:
        con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _frame')
    except duckdb.ConstraintException as exc:
        raise EtlError(Problem(f"table {table}", None, None, f"constraint violated: {exc}")) from exc
    finally:
        con.unregister("_frame")


def _sources(manifest: dict) -> pd.DataFrame:
    rows = [{"source_id": sid, "kind": e["kind"], "title_ja": e["title_ja"], "title_en": e["title_en"],
             "url": e["url"], "publisher_ja": e["publisher_ja"], "publisher_en": e["publisher_en"],
             "licence": e["licence"], "attribution": e["attribution"], "describes_date": e["describes_date"]}
            for sid, e in manifest.items()]
    rows.append({"source_id": "reference", "kind": "reference",
                 "title_ja": "スマートシティ戦略文書から転記した数値（data/reference, data/kpi）",
                 "title_en": "Figures transcribed from the strategy documents (data/reference, data/kpi)",
                 "url": None, "publisher_ja": "大阪府・大阪市（戦略文書）", "publisher_en": "Osaka Prefecture and Osaka City",
                 "licence": "see README (project licence for the transcription; documents by their publishers)",
                 "attribution": "出典：大阪府・大阪市 スマートシティ戦略関係資料（各行に文書名と節を記載）",
                 "describes_date": "per row"})
    return pd.DataFrame(rows)


def _file_rows(reports: list[FileReport]) -> pd.DataFrame:
    return pd.DataFrame([{
        "file": r.file, "source_id": r.source_id,
        "snapshot_date": mynumber.snapshot_date(r.file.split("/")[1]) if r.source_id == "mynumbercard" else None,
        "sha256": r.sha256, "origin": r.origin, "rows_read": r.rows_read, "rows_loaded": r.rows_loaded,
        "rows_quarantined": r.rows_quarantined} for r in reports])


def _aliases(issuance: pd.DataFrame, master: pd.DataFrame) -> pd.DataFrame:
    """Every spelling of a name as written in each source, with when it was seen."""
    munis = issuance[issuance.level == "municipality"]
    seen = (munis.groupby(["geo_code", "name_as_written"])["snapshot_date"].agg(["min", "max"]).reset_index()
            .rename(columns={"name_as_written": "name_ja", "min": "first_seen", "max": "last_seen"}))
    seen["source_id"] = "mynumbercard"
    canon = master[master.level.isin(["municipality", "ward"])][["geo_code", "name_ja", "level"]].copy()
    # municipalities are named after the national boundary file, wards after the Osaka one (both 2021-01-01)
    canon["source_id"] = canon.pop("level").map({"municipality": "boundaries_japan", "ward": "boundaries_osaka"})
    canon["first_seen"] = canon["last_seen"] = dt.date(2021, 1, 1)
    return pd.concat([seen, canon], ignore_index=True)


def _build_info(con, settings: Settings, summary: dict) -> None:
    snaps = summary["snapshots"]
    inputs = con.execute("SELECT file, sha256 FROM source_file ORDER BY file").fetchall()
    content = hashlib.sha256("\n".join([ETL_VERSION, *(f"{f} {s}" for f, s in inputs)]).encode()).hexdigest()
    con.execute("INSERT INTO build_info VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
        dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), summary["duration_seconds"], settings.as_of,
        ETL_VERSION, len(snaps), mynumber.snapshot_date(snaps[0]) if snaps else None,
        mynumber.snapshot_date(snaps[-1]) if snaps else None, content])
