"""Incremental build: when the only change since the current build is one or more new My Number snapshot folders, the
build copies the current database, loads just the new files through the same loader, re-derives what depends on
them and ends exactly as a full build does (completeness rules, validation, history, build_info, atomic swap).

When anything else changed, it says why and the build is a full one. "Anything else" is checked, not assumed:

- the current build's `content_sha256` must equal the identity recomputed now from its own list of input files, the
  ETL version and `fingerprint()` (the ETL code, the manifest in use, the committed reference, KPI and name files):
  a change to any of those, or a build by another ETL version, fails it;
- every file the current build loaded must still be planned, with the same checksum and origin;
- every new file must belong to a source of a kind in INCREMENTAL_KINDS.

What a new snapshot changes, and how each is brought up to date here:
- loaded: its rows in mynumber_issuance and mynumber_type_total; its source_file, rejected_row and rate_flag rows;
- re-derived from the whole database by the loader itself: municipality_name rows of the source (first/last seen);
- re-derived in full, as a full build does: observation (every file of etl/sql/observations run again; the table
  then changed by the difference), the KPI views, build_change (the history of the current build, plus this
  build's comparison with it), build_info;
- assessment: the rows of every (indicator, geography) whose observations changed (all when the as-of date did).
"""
from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb

from common.settings import Settings
from etl import kpi, loaders
from etl.errors import EtlError, Problem
from etl.master import resolver_of
from etl.sources import LocalFile, sha256_of

INCREMENTAL_KINDS = {"mynumbercard"}  # dated files that add rows and replace none; DX releases redefine indicators
ETL_CODE = Path(__file__).parent
SHARED_CODE = ETL_CODE.parent / "common"  # the trend projection and settings the assessment uses


def fingerprint(settings: Settings) -> str:
    """sha256 over what a build reads besides its source files: the ETL code (etl/**/*.py, *.sql, *.toml, and
    common/*.py), the manifest in use and the committed reference, KPI and name folders."""
    digest = hashlib.sha256()
    groups = (("etl", ETL_CODE, ("*.py", "*.sql", "*.toml")), ("common", SHARED_CODE, ("*.py",)),
              ("reference", settings.reference_dir, ("*",)),
              ("kpi", settings.kpi_dir, ("*",)), ("names", settings.names_dir, ("*",)))
    for label, folder, patterns in groups:
        paths = {p for pattern in patterns for p in folder.rglob(pattern)
                 if p.is_file() and "__pycache__" not in p.parts}
        for path in sorted(paths):
            digest.update(f"{label}/{path.relative_to(folder).as_posix()} {sha256_of(path)}\n".encode())
    digest.update(f"manifest {sha256_of(settings.manifest)}\n".encode())
    return digest.hexdigest()


def incremental_files(settings: Settings, manifest: dict, local: list[LocalFile], tmp: Path,
                      log: Callable[[str], None]) -> list[LocalFile] | None:
    """Copy the current database to `tmp` and return the new files to load into it; or, with the reason logged,
    None (and no copy left) when only a full build gives the right database."""
    if not settings.db_path.is_file():
        log(f"incremental build not possible: no database at {settings.db_path}; building in full")
        return None
    # The decision is taken on the copy, so the file checked is the file extended even if a build is swapped meanwhile
    shutil.copyfile(settings.db_path, tmp)
    try:
        new, why = _new_files(settings, manifest, local, tmp)
    except duckdb.Error as exc:
        new, why = None, f"the current database cannot be read ({exc})"
    if new is None:
        tmp.unlink(missing_ok=True)
        log(f"incremental build not possible: {why}; building in full")
        return None
    log(f"incremental build: {len(new)} new files ({', '.join(sorted({f.spec.snapshot or '' for f in new}))})")
    return new


def _new_files(settings: Settings, manifest: dict, local: list[LocalFile],
               copy: Path) -> tuple[list[LocalFile] | None, str]:
    from etl.build import ETL_VERSION, content_sha256  # here: etl.build imports this module

    with duckdb.connect(str(copy), read_only=True) as old:
        info = old.execute("SELECT etl_version, content_sha256 FROM build_info").fetchall()
        loaded = {f: (s, o) for f, s, o in old.execute("SELECT file, sha256, origin FROM source_file").fetchall()}
        identity = content_sha256(old, settings)  # what the current build's identity would be with today's code
    if len(info) != 1:
        return None, f"the current database has {len(info)} build_info rows, not one"
    if info[0][0] != ETL_VERSION:
        return None, f"the current database was built by ETL version {info[0][0]}, this is {ETL_VERSION}"
    if identity != info[0][1]:
        return None, ("the ETL code, the manifest or the committed reference, KPI or name files changed since the "
                      "current build")
    planned = {f.spec.rel_path for f in local}
    gone = sorted(f for f, (_, origin) in loaded.items() if origin != "repository" and f not in planned)
    if gone:
        return None, f"{len(gone)} files of the current build are no longer planned (first: {gone[0]})"
    new = []
    for f in local:
        if f.spec.rel_path in loaded:
            if loaded[f.spec.rel_path] != (f.sha256, f.origin):
                return None, f"{f.spec.rel_path} changed (checksum or origin) since the current build"
        elif manifest[f.spec.source_id]["kind"] not in INCREMENTAL_KINDS:
            return None, (f"new file {f.spec.rel_path} of source {f.spec.source_id} (kind "
                          f"{manifest[f.spec.source_id]['kind']}): only new files of kind "
                          f"{', '.join(sorted(INCREMENTAL_KINDS))} are loaded incrementally")
        else:
            new.append(f)
    return (new, "") if new else (None, "no new file since the current build")


def load_increment(con: duckdb.DuckDBPyConnection, settings: Settings, manifest: dict, modules: dict,
                   new: list[LocalFile], log: Callable[[str], None]) -> dict:
    """Load the new files into `con` (a copy of the current build) and re-derive what depends on them; the same
    summary as a full build's load."""
    from etl.build import record_reports  # here: etl.build imports this module

    as_of = _clear_derived(con)
    ctx = loaders.BuildContext(con, settings, log)
    ctx.master = con.execute("SELECT * FROM municipality").df()  # the master the current build made
    ctx.resolver = resolver_of(ctx.master)
    reports = []
    for sid in dict.fromkeys(f.spec.source_id for f in new):
        reports += modules[sid].load(ctx, sid, manifest[sid], [f for f in new if f.spec.source_id == sid])
    record_reports(con, manifest, ctx, reports, new, log)
    changed = _rederive_observations(con)
    # An assessment depends only on its indicator's definition and targets (unchanged: fingerprint()), the
    # observations of its indicator and geography, and the as-of date: with the same date, only the pairs whose
    # observations changed are assessed again; with another date, every pair is.
    if as_of != settings.as_of:
        con.execute("DELETE FROM assessment")
        changed = None
    if changed != set():
        kpi.write_assessments(con, settings.as_of, changed)
    kinds = [sid for sid, e in manifest.items() if e["kind"] in INCREMENTAL_KINDS]
    snapshots = [r[0] for r in con.execute(
        """SELECT DISTINCT strftime(snapshot_date, '%Y%m%d') FROM source_file
           WHERE source_id IN (SELECT unnest($ids)) AND snapshot_date IS NOT NULL ORDER BY 1""",
        {"ids": kinds}).fetchall()]
    files, rejected = con.execute("SELECT (SELECT count(*) FROM source_file), (SELECT count(*) FROM rejected_row)"
                                  ).fetchone()
    return {"snapshots": snapshots, "files": files, "rejected": rejected}


def _rederive_observations(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """Run every observation file, as a full build does, into a staging table, then change the observation table
    by the difference only (deleting and inserting 80,000 rows under their keys costs more than diffing them);
    returns the (indicator, geography) pairs whose observations changed."""
    from etl.build import observations  # here: etl.build imports this module

    db = con.execute("SELECT current_database()").fetchone()[0]
    table = f'"{db}".main.observation'  # the temp table below shadows the unqualified name
    key = con.execute("""SELECT constraint_column_names FROM duckdb_constraints() WHERE database_name = ?
                         AND table_name = 'observation' AND constraint_type = 'PRIMARY KEY'""", [db]).fetchone()[0]
    keys = ", ".join(f'"{k}"' for k in key)
    con.execute(f"CREATE TEMP TABLE observation AS SELECT * FROM {table} LIMIT 0")
    try:
        observations(con)  # the files write to `observation`: the staging table
        duplicate = con.execute(f"""SELECT {keys} FROM temp.main.observation GROUP BY ALL HAVING count(*) > 1
                                    LIMIT 1""").fetchone()
        if duplicate:  # the check the observation table's key makes in a full build
            raise EtlError(Problem("table observation", None, None,
                                   f"constraint violated: duplicate key {dict(zip(key, duplicate))}"))
        # the keys of the rows that differ (NULLs equal): a join on the key, one pass over each table
        con.execute(f"""CREATE TEMP TABLE _diff AS SELECT {keys}, n._in AS in_new, o._in AS in_old
                        FROM (SELECT {keys}, true AS _in, t AS _row FROM temp.main.observation AS t) AS n
                        FULL JOIN (SELECT {keys}, true AS _in, t AS _row FROM {table} AS t) AS o USING ({keys})
                        WHERE n._row IS DISTINCT FROM o._row""")
        match = " AND ".join(f'x."{k}" = d."{k}"' for k in key)
        con.execute(f"DELETE FROM {table} AS x USING _diff AS d WHERE d.in_old AND {match}")
        try:
            con.execute(f"""INSERT INTO {table} SELECT x.* FROM temp.main.observation AS x
                            WHERE EXISTS (SELECT 1 FROM _diff AS d WHERE d.in_new AND {match})""")
        except duckdb.ConstraintException as exc:  # as loaders.insert names it in a full build
            raise EtlError(Problem("table observation", None, None, f"constraint violated: {exc}")) from exc
        changed = set(con.execute("SELECT DISTINCT indicator_id, geo_code FROM _diff").fetchall())
    finally:
        for temp in ("observation", "_diff"):
            con.execute(f"DROP TABLE IF EXISTS temp.main.{temp}")
    return changed


def _clear_derived(con: duckdb.DuckDBPyConnection) -> object:
    """Drop the views (observations() recreates them from etl/sql/kpi_views.sql) and empty build_info and
    build_change (rebuilt as in a full build); returns the current build's as-of date."""
    as_of = con.execute("SELECT as_of FROM build_info").fetchone()[0]
    views = con.execute("""SELECT view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary
                           AND database_name = current_database()""").fetchall()
    for (view,) in views:
        con.execute(f'DROP VIEW "{view}"')  # names from the database's own catalog
    for table in ("build_info", "build_change"):
        con.execute(f'DELETE FROM "{table}"')
    return as_of
