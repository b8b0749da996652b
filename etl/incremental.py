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
- observation: the files of etl/sql/observations that read a table the new files changed (its row count or sum of
  row hashes, as history.fingerprints() measures it, differs; what a file reads is told from DuckDB's parse
  trees, through views and macros; every file when that cannot be told) run again, as a full build runs them, into
  a staging table, and the table is changed by the difference (a file writes its own indicator's rows only:
  build.run_observation_file() checks it in every build). A file that derives each row from one row of one table,
  when that table only had rows appended (the issuance rates from mynumber_issuance), runs on those rows alone;
- re-derived in full, as a full build does: the KPI views, build_change (the history of the current build, plus
  this build's comparison with it, reusing the fingerprints and the observation difference measured here),
  build_info;
- assessment: the rows of every (indicator, geography) whose observations changed (all when the as-of date did).
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable
from pathlib import Path

import duckdb

from common.settings import Settings
from etl import history, kpi, loaders
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
                      log: Callable[[str], None], code: str) -> tuple[duckdb.DuckDBPyConnection | None,
                                                                      list[LocalFile] | None]:
    """Copy the current database to `tmp` and return a connection to the copy and the new files to load into it; or,
    with the reason logged, (None, None) and no copy left when only a full build gives the right database (code: the
    fingerprint() of this build)."""
    if not settings.db_path.is_file():
        log(f"incremental build not possible: no database at {settings.db_path}; building in full")
        return None, None
    # The decision is taken on the copy, so the file checked is the file extended even if a build is swapped meanwhile
    shutil.copyfile(settings.db_path, tmp)
    con, new = None, None
    try:
        con = duckdb.connect(str(tmp))  # the build goes on with this connection (opening the file costs 30 ms)
        new, why = _new_files(settings, manifest, local, con, code)
    except duckdb.Error as exc:
        why = f"the current database cannot be read ({exc})"
    finally:
        if new is None and con is not None:
            con.close()
    if new is None:
        tmp.unlink(missing_ok=True)
        log(f"incremental build not possible: {why}; building in full")
        return None, None
    log(f"incremental build: {len(new)} new files ({', '.join(sorted({f.spec.snapshot or '' for f in new}))})")
    return con, new


def _new_files(settings: Settings, manifest: dict, local: list[LocalFile], old: duckdb.DuckDBPyConnection,
               code: str) -> tuple[list[LocalFile] | None, str]:
    from etl.build import ETL_VERSION, content_sha256  # here: etl.build imports this module

    info = old.execute("SELECT etl_version, content_sha256 FROM build_info").fetchall()
    loaded = {f: (s, o) for f, s, o in old.execute("SELECT file, sha256, origin FROM source_file").fetchall()}
    identity = content_sha256(old, settings, code)  # what the current build's identity would be with today's code
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
    summary as a full build's load, plus what history.record() may reuse ("history")."""
    base = history.identity(con)
    as_of = clear_derived(con)
    tables = [r[0] for r in con.execute("""SELECT table_name FROM duckdb_tables()
                                           WHERE database_name = current_database() AND schema_name = 'main'"""
                                        ).fetchall()]
    before, last = history.fingerprints_and_ends(con, tables)  # the current build's tables, as history compares them
    with ThreadPoolExecutor(1) as pool:  # what the observation files read, told on a second connection meanwhile
        inputs = pool.submit(_observation_inputs, con.cursor())
        _load_files(con, settings, manifest, modules, new, log)
        after = history.fingerprints(con, "main", tables)
        written = {"observation", "assessment"}  # from here on
        appended = _appended(con, before, after, last, written)
        changed, counted = _rederive_observations(con, {t for t in tables if after[t] != before[t]},
                                                  {t.lower(): last[t] for t in appended}, inputs.result())
    # An assessment depends only on its indicator's definition and targets (unchanged: fingerprint()), the
    # observations of its indicator and geography, and the as-of date: with the same date, only the pairs whose
    # observations changed are assessed again; with another date, every pair is.
    if as_of != settings.as_of:
        con.execute("DELETE FROM assessment")
        changed = None
    if changed != set():
        kpi.write_assessments(con, settings.as_of, changed)
    known = history.Known(base, before, {t: p for t, p in after.items() if t not in written},
                          {"observation": counted}, appended)
    return {**_summary(con, manifest), "history": known}


def _load_files(con: duckdb.DuckDBPyConnection, settings: Settings, manifest: dict, modules: dict,
                new: list[LocalFile], log: Callable[[str], None]) -> None:
    """Load the new files through their loaders, with the master the current build made, and record them."""
    from etl.build import record_reports  # here: etl.build imports this module

    ctx = loaders.BuildContext(con, settings, log)
    ctx.master = con.execute("SELECT * FROM municipality").df()
    ctx.resolver = resolver_of(ctx.master)
    reports = []
    for sid in dict.fromkeys(f.spec.source_id for f in new):
        reports += modules[sid].load(ctx, sid, manifest[sid], [f for f in new if f.spec.source_id == sid])
    record_reports(con, manifest, ctx, reports, new, log)


def _summary(con: duckdb.DuckDBPyConnection, manifest: dict) -> dict:
    """The snapshots, files and rejected rows of the build, as a full build's load reports them."""
    kinds = [sid for sid, e in manifest.items() if e["kind"] in INCREMENTAL_KINDS]
    snapshots = [r[0] for r in con.execute(
        """SELECT DISTINCT strftime(snapshot_date, '%Y%m%d') FROM source_file
           WHERE source_id IN (SELECT unnest($ids)) AND snapshot_date IS NOT NULL ORDER BY 1""",
        {"ids": kinds}).fetchall()]
    files, rejected = con.execute("SELECT (SELECT count(*) FROM source_file), (SELECT count(*) FROM rejected_row)"
                                  ).fetchone()
    return {"snapshots": snapshots, "files": files, "rejected": rejected}


def _observation_inputs(reader: duckdb.DuckDBPyConnection) -> list[tuple[Path, set[str] | None, str | None]]:
    """Each observation file with what it reads (_Inputs.of()), told on a connection of its own (`reader`, closed
    here): the KPI views and macros it needs are made in a transaction rolled back at the end."""
    from etl.build import kpi_views, observation_files  # here: etl.build imports this module

    try:
        reader.execute("BEGIN TRANSACTION")
        kpi_views(reader)
        files = observation_files(reader)
        return [(path, *read) for path, read in zip(files, _Inputs(reader).of(
            [path.read_text(encoding="utf-8") for path in files]))]
    finally:
        reader.execute("ROLLBACK")
        reader.close()


def _appended(con: duckdb.DuckDBPyConnection, before: dict, after: dict, last: dict,
              written: set[str]) -> dict[str, int]:
    """Rows added to each table that only grew: its rows up to the rowid it ended at before are still exactly those it
    had (count and row hashes), so history need not compare the table row by row (80,000 issuance rows)."""
    grown = sorted(t for t in after if t not in written and after[t] != before[t] and after[t][0] > before[t][0])
    kept = history.fingerprints(con, "main", grown, {t: last[t] for t in grown})
    return {t: after[t][0] - before[t][0] for t in grown if kept[t] == before[t]}


def _rederive_observations(con: duckdb.DuckDBPyConnection, changed_tables: set[str], tails: dict[str, int],
                           inputs: list[tuple[Path, set[str] | None, str | None]]
                           ) -> tuple[set[tuple[str, str]], tuple[int, int, int]]:
    """Run the observation files whose inputs changed (_affected()), as a full build does, into a staging table,
    then change the observation table by the difference only (deleting and inserting 80,000 rows under their keys
    costs more than diffing them); returns the (indicator, geography) pairs whose observations changed, and the
    rows added, removed and changed. tails: the tables that only had rows appended (lower-case names), with the
    rowid their old rows end at: a file that reads one of them row by row runs on the appended rows alone
    (_run_on_tail()). inputs: what each observation file reads (_observation_inputs())."""
    from etl.build import kpi_views, run_observation_file  # here: etl.build imports this module

    db = con.execute("SELECT current_database()").fetchone()[0]
    table = f'"{db}".main.observation'  # the temp table below shadows the unqualified name
    key = con.execute("""SELECT constraint_column_names FROM duckdb_constraints() WHERE database_name = ?
                         AND table_name = 'observation' AND constraint_type = 'PRIMARY KEY'""", [db]).fetchone()[0]
    con.execute(f"CREATE TEMP TABLE observation AS SELECT * FROM {table} LIMIT 0")
    try:
        kpi_views(con)
        rerun = _affected(inputs, changed_tables)
        for path, source in rerun:  # the files write to `observation`: the staging table
            if source in tails:
                _run_on_tail(con, path, f'"{db}".main."{source}"', source, tails[source])
            else:
                run_observation_file(con, path)
        # the old rows to compare: those of the indicators re-derived in full (a file writes its own indicator's
        # only); the rows of a file run on appended rows are all new
        full = [path.stem for path, source in rerun if source not in tails]
        return _apply_difference(con, table, key, {"all": len(full) == len(inputs), "ids": full})
    finally:
        for temp in ("observation", "_diff"):
            con.execute(f"DROP TABLE IF EXISTS temp.main.{temp}")


def _run_on_tail(con: duckdb.DuckDBPyConnection, path: Path, qualified: str, name: str, last: int) -> None:
    """Run an observation file that derives one row from one row of `name` alone, on the rows appended after rowid
    `last`: a temporary view of them shadows the table (as the staging table shadows `observation`). Its other rows
    are the current build's, derived by the same code from the same rows."""
    from etl.build import run_observation_file  # here: etl.build imports this module

    con.execute(f'CREATE TEMP VIEW "{name}" AS SELECT * FROM {qualified} WHERE rowid > {int(last)}')
    try:
        run_observation_file(con, path)
    finally:
        con.execute(f'DROP VIEW IF EXISTS temp.main."{name}"')


def _apply_difference(con: duckdb.DuckDBPyConnection, table: str, key: list[str],
                      scope: dict) -> tuple[set[tuple[str, str]], tuple[int, int, int]]:
    """Change `table` to the staged rows where they differ from its rows in scope ($all, or indicators $ids)."""
    keys = ", ".join(f'"{k}"' for k in key)
    duplicate = con.execute(f"""SELECT {keys} FROM temp.main.observation GROUP BY ALL HAVING count(*) > 1
                                LIMIT 1""").fetchone()
    if duplicate:  # the check the observation table's key makes in a full build
        raise EtlError(Problem("table observation", None, None,
                               f"constraint violated: duplicate key {dict(zip(key, duplicate))}"))
    # the keys of the rows that differ (NULLs equal): a join on the key, one pass over each table
    con.execute(f"""CREATE TEMP TABLE _diff AS SELECT {keys}, n._in AS in_new, o._in AS in_old
                    FROM (SELECT {keys}, true AS _in, t AS _row FROM temp.main.observation AS t) AS n
                    FULL JOIN (SELECT {keys}, true AS _in, t AS _row FROM {table} AS t
                               WHERE $all OR t.indicator_id IN (SELECT unnest($ids))) AS o USING ({keys})
                    WHERE n._row IS DISTINCT FROM o._row""", scope)
    match = " AND ".join(f'x."{k}" = d."{k}"' for k in key)
    con.execute(f"DELETE FROM {table} AS x USING _diff AS d WHERE d.in_old AND {match}")
    try:
        con.execute(f"""INSERT INTO {table} SELECT x.* FROM temp.main.observation AS x
                        WHERE EXISTS (SELECT 1 FROM _diff AS d WHERE d.in_new AND {match})""")
    except duckdb.ConstraintException as exc:  # as loaders.insert names it in a full build
        raise EtlError(Problem("table observation", None, None, f"constraint violated: {exc}")) from exc
    changed = set(con.execute("SELECT DISTINCT indicator_id, geo_code FROM _diff").fetchall())
    counted = con.execute("""SELECT count(*) FILTER (WHERE in_old IS NULL), count(*) FILTER (WHERE in_new IS NULL),
                                    count(*) FILTER (WHERE in_new AND in_old) FROM _diff""").fetchone()
    return changed, counted


# Functions whose result is not given by their arguments alone (DuckDB's own list, plus the SQL keywords among them
# that parse as column names): a file calling one is always re-run. Macros: the SELECT a file may call.
_FUNCTIONS = """SELECT lower(function_name), function_type, macro_definition,
                       stability IS NOT NULL AND stability <> 'CONSISTENT' AS volatile
                FROM duckdb_functions()
                WHERE NOT internal OR stability <> 'CONSISTENT' OR function_type IN ('aggregate', 'window')"""
_KEYWORDS = {"current_date", "current_time", "current_timestamp", "localtime", "localtimestamp", "current_user",
             "current_role", "session_user", "user", "current_catalog", "current_schema"}
_INSERT = re.compile(r'\s*INSERT\s+INTO\s+(?:main\.)?"?observation"?\s*(?:\([^)]*\))?\s*', re.IGNORECASE)
_VIEW = re.compile(r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?VIEW\s+.+?\s+AS\s+(.*?);?\s*$",
                   re.IGNORECASE | re.DOTALL)


def _affected(inputs: list[tuple[Path, set[str] | None, str | None]],
              changed_tables: set[str]) -> list[tuple[Path, str | None]]:
    """The observation files whose rows may differ from the current build's: those that read a changed table,
    directly or through a view or macro, each with the one table it reads row by row (_Inputs.row_source()), if it
    does. Every file when the inputs of one cannot be told (a statement not understood, a table function, a
    volatile function) or one reads `observation` itself (the other files' rows)."""
    if any(tables is None or "observation" in tables for _, tables, _ in inputs):
        return [(path, source) for path, _, source in inputs]
    changed = {t.lower() for t in changed_tables}  # identifiers match whatever their case
    return [(path, source) for path, tables, source in inputs if tables & changed]


class _Inputs:
    """The tables SQL reads, told from DuckDB's parse trees (json_serialize_sql: parsed, not bound, nothing runs),
    through the views and macros of the database."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        functions = con.execute(_FUNCTIONS).fetchall()
        self.volatile = {name for name, _, _, volatile in functions if volatile} | _KEYWORDS
        # what makes an output row depend on more than one input row, or on more than the row
        self.not_per_row = self.volatile | {name for name, kind, _, _ in functions if kind != "scalar"}
        bodies = {name: None if body is None else body if kind == "table_macro" else f"SELECT {body}"
                  for name, kind, body, _ in functions if kind in ("macro", "table_macro")}
        for name, sql in con.execute("SELECT view_name, sql FROM duckdb_views() WHERE NOT internal").fetchall():
            body = _VIEW.match(sql or "")
            bodies[name.lower()] = body.group(1) if body else None
        known = [name for name, body in bodies.items() if body is not None]
        self.references = {name: None for name in bodies} | {
            name: refs for name, (refs, _) in zip(known, self._parse([bodies[n] for n in known]))}
        self._tables: dict[str, set[str] | None] = {}  # per view or macro, once: every file uses the same ones

    def of(self, texts: list[str]) -> list[tuple[set[str] | None, str | None]]:
        """Per observation file: the tables it reads (lower-case names, CTE names too; None when they cannot be told)
        and the one table it reads row by row, if it does (row_source())."""
        selects = [self._selects(text) for text in texts]
        parsed = iter(self._parse([q for qs in selects if qs is not None for q in qs]))
        out = []
        for queries in selects:
            trees = [] if queries is None else [next(parsed) for _ in queries]
            tables = [self._read(refs, frozenset()) for refs, _ in trees] if queries is not None else [None]
            sources = {source for _, source in trees}
            out.append((None if None in tables else set().union(*tables),
                        sources.pop() if len(sources) == 1 and None not in sources else None))
        return out

    def _selects(self, text: str) -> list[str] | None:
        """The SELECT of each statement of an observation file; None unless every one is an INSERT INTO observation."""
        out = []
        for statement in self.con.extract_statements(text):
            head = _INSERT.match(statement.query)
            if statement.type != duckdb.StatementType.INSERT or not head:
                return None
            out.append(statement.query[head.end():])
        return out

    def _parse(self, selects: list[str]) -> list[tuple[list[tuple[str, str]] | None, str | None]]:
        """The references of each SELECT's parse tree and its row source (all parsed in one query); (None, None)
        for one that does not parse."""
        if not selects:
            return []
        (trees,) = self.con.execute("SELECT list_transform($s, lambda q: json_serialize_sql(q))",
                                    {"s": selects}).fetchone()
        return [(None, None) if tree.get("error") else (_references(tree), self.row_source(tree))
                for tree in map(json.loads, trees)]

    def row_source(self, tree: dict) -> str | None:
        """The table a SELECT reads row by row, every output row from one input row alone: one table, no join,
        subquery, CTE, grouping, DISTINCT, LIMIT or ORDER BY, and no aggregate, window, macro or volatile function.
        On rows appended to that table it gives exactly the rows it adds. None for any other SELECT."""
        statements = tree.get("statements") or [{}]
        node = statements[0].get("node") or {}
        source = node.get("from_table") or {}
        if (len(statements) != 1 or node.get("type") != "SELECT_NODE" or node["modifiers"] or node["cte_map"]["map"]
                or node["group_expressions"] or node["group_sets"] or node["having"] or node["qualify"]
                or node["sample"] or node["aggregate_handling"] != "STANDARD_HANDLING"
                or source.get("type") != "BASE_TABLE" or source["catalog_name"]
                or source["schema_name"] not in ("", "main") or source["sample"] or source["at_clause"]):
            return None
        for part in _nodes([node["select_list"], node["where_clause"]]):
            if part.get("class") in ("SUBQUERY", "WINDOW") or part.get("type") in ("BASE_TABLE", "TABLE_FUNCTION") \
                    or (part.get("class") == "FUNCTION" and part["function_name"].lower() in self.not_per_row) \
                    or (part.get("class") == "FUNCTION" and part["function_name"].lower() in self.references) \
                    or (part.get("class") == "COLUMN_REF" and part["column_names"][-1].lower() in self.volatile):
                return None
        return source["table_name"].lower()

    def _read(self, refs: list[tuple[str, str]] | None, within: frozenset) -> set[str] | None:
        """The tables read by what these references name (within: the views and macros being expanded)."""
        if refs is None:
            return None
        out: set[str] = set()
        for kind, name in refs:
            if kind == "function" and name in self.volatile or kind == "table_function" and name not in \
                    self.references:
                return None
            if kind == "table":
                out.add(name)
            if name in self.references and name not in within:
                if name not in self._tables:
                    self._tables[name] = self._read(self.references[name], within | {name})
                if self._tables[name] is None:
                    return None
                out |= self._tables[name]
        return out


def _nodes(tree):
    """Every dict node of a parse tree."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            yield node
            stack.extend(node.values())


def _references(tree) -> list[tuple[str, str]]:
    """(kind, lower-case name) of every table, table function and function named anywhere in a parse tree; a
    single-part column name counts as a function (`current_date` parses as one)."""
    out = []
    for node in _nodes(tree):
        if node.get("type") == "BASE_TABLE":
            out.append(("table", node["table_name"].lower()))
        elif node.get("type") == "TABLE_FUNCTION":
            out.append(("table_function", node["function"]["function_name"].lower()))
        elif node.get("class") == "FUNCTION":
            out.append(("function", node["function_name"].lower()))
        elif node.get("class") == "COLUMN_REF" and len(node.get("column_names", ())) == 1:
            out.append(("function", node["column_names"][0].lower()))
    return out


def clear_derived(con: duckdb.DuckDBPyConnection) -> object:
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
