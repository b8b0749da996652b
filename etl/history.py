"""What changed between builds: the new database compared with the one it replaces, table by table (rows added,
removed and changed, by primary key) and file by file (a new snapshot or release), appended to the history the old
database carried. Readers see it on the catalog; nothing here changes a figure."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# Tables that describe the build itself: they change every time and are not data.
SKIPPED = {"build_info", "build_change", "rejected_row"}


@dataclass(frozen=True)
class Known:
    """What an incremental build already measured against the build it started from (a byte copy of it), to spare
    record() scanning both databases again: used only when the previous file is still that build."""

    base: tuple                   # identity() of the build the copy was made of
    old: dict[str, tuple]         # fingerprints() of its tables
    new: dict[str, tuple]         # fingerprints() of this build's tables that were not written since
    changes: dict[str, tuple]     # (added, removed, changed) of tables compared row by row already
    appended: dict[str, int] = field(default_factory=dict)  # rows added to tables whose old rows all stayed


def identity(con: duckdb.DuckDBPyConnection, schema: str = "main") -> tuple:
    """A build's identity: its build_info row (built_at and content checksum)."""
    return tuple(con.execute(f"SELECT built_at, content_sha256 FROM {schema}.build_info").fetchall())


def record(con: duckdb.DuckDBPyConnection, previous: Path, built_at: dt.datetime, known: Known | None = None) -> None:
    """Write build_change for the new database `con` against the file at `previous` (when there is one)."""
    if not previous.is_file():
        _insert(con, [(built_at, "*", None, None, None, None, None, None, "first build")])
        return
    con.execute("ATTACH ? AS prev (READ_ONLY)", [str(previous)])
    try:
        catalog = _Catalog.read(con)
        if ("prev", "build_change") in catalog.columns:
            con.execute("INSERT INTO build_change SELECT * FROM prev.build_change")
        known = known if known and ("prev", "build_info") in catalog.columns and \
            identity(con, "prev.main") == known.base else None
        comparable = [t for t in catalog.tables if catalog.columns.get(("prev", t)) == catalog.columns[("main", t)]]
        new, old = _prints(con, catalog.tables, comparable, known)
        rows = [(built_at, "*", None, None, None, None, None, _files(con, "prev"), None)]
        for table in catalog.tables:
            rows += _table_change(con, catalog, table, new[table], old.get(table), built_at,
                                  _counted(known, catalog, table))
        _insert(con, rows)
    except duckdb.Error:
        # an old file with another layout cannot be compared row by row: say so rather than fail the build
        con.execute("DELETE FROM build_change WHERE built_at = ?", [built_at])
        _insert(con, [(built_at, "*", None, None, None, None, None, None, "previous build not comparable")])
    finally:
        con.execute("DETACH prev")


def _counted(known: Known | None, catalog: _Catalog, table: str) -> tuple | None:
    """(added, removed, changed) of a table as `known` tells them, without comparing its rows; None if it does not."""
    if known is None:
        return None
    if table in known.appended:  # only new rows: no key can be both old and new, none removed or changed
        return known.appended[table], 0, (0 if catalog.keys.get(table) else None)
    return known.changes.get(table)


def _prints(con: duckdb.DuckDBPyConnection, tables: list[str], comparable: list[str],
            known: Known | None) -> tuple[dict, dict]:
    """Fingerprints of the new tables and of the comparable old ones, measuring only what `known` does not hold."""
    if known is None or not set(comparable) <= known.old.keys():
        return fingerprints(con, "main", tables), fingerprints(con, "prev.main", comparable)
    new = fingerprints(con, "main", [t for t in tables if t not in known.new])
    return {t: new.get(t) or known.new[t] for t in tables}, {t: known.old[t] for t in comparable}


class _Catalog:
    """The tables, columns and primary keys of the new database and of `prev`, read in three queries (the catalog
    functions cost milliseconds per call, which per table and database added up to a fifth of a second)."""

    def __init__(self, tables: list[str], columns: dict[tuple[str, str], list[tuple[str, str]]],
                 keys: dict[str, list[str]]):
        self.tables, self.columns, self.keys = tables, columns, keys

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> _Catalog:
        """Read both catalogs; the new database is named 'main' in `columns`, the old one 'prev'."""
        current = con.execute("SELECT current_database()").fetchone()[0]
        tables = [r[0] for r in con.execute(
            """SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'
               ORDER BY table_name""").fetchall() if r[0] not in SKIPPED]
        columns: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for database, table, column, kind in con.execute(
                """SELECT database_name, table_name, column_name, data_type FROM duckdb_columns()
                   WHERE database_name IN (current_database(), 'prev') AND schema_name = 'main'
                   ORDER BY database_name, table_name, column_index""").fetchall():
            columns.setdefault(("main" if database == current else database, table), []).append((column, kind))
        keys = {table: list(names) for table, names in con.execute(
            """SELECT table_name, constraint_column_names FROM duckdb_constraints()
               WHERE database_name = current_database() AND constraint_type = 'PRIMARY KEY'""").fetchall()}
        return cls(tables, columns, keys)


def _table_change(con: duckdb.DuckDBPyConnection, catalog: _Catalog, table: str, new_print: tuple,
                  old_print: tuple | None, built_at: dt.datetime, counted: tuple | None = None) -> list[tuple]:
    """A row for a table that is new or differs: counts before and after, added, removed, changed (counted: those
    three, already known)."""
    new = f'main."{table}"'  # names come from the database's own catalog, never from input
    after = new_print[0]
    if ("prev", table) not in catalog.columns:
        return [(built_at, table, None, after, after, 0, 0, None, "new table")]
    old = f'prev.main."{table}"'
    if old_print is None:  # the table is there, with other columns
        before = con.execute(f"SELECT count(*) FROM {old}").fetchone()[0]
        return [(built_at, table, before, after, None, None, None, None, "columns changed")]
    before = old_print[0]
    if new_print == old_print:  # most tables are unchanged
        return []
    key = ", ".join(f'"{k}"' for k in catalog.keys.get(table, []))
    if counted is not None:
        added, removed, changed = counted
    elif key:  # a row whose key is in both but whose values differ is a change, not a removal and an addition
        added, removed, changed = _keyed_changes(con, new, old, key)
    else:
        added = con.execute(f"SELECT count(*) FROM (SELECT * FROM {new} EXCEPT ALL SELECT * FROM {old})").fetchone()[0]
        removed = con.execute(f"SELECT count(*) FROM (SELECT * FROM {old} EXCEPT ALL SELECT * FROM {new})"
                              ).fetchone()[0]
        changed = None
    return [(built_at, table, before, after, added, removed, changed, None, None)]


def _keyed_changes(con: duckdb.DuckDBPyConnection, new: str, old: str, key: str) -> tuple[int, int, int]:
    """Rows added, removed and changed (same key, other values), in one join of the two tables on their key."""
    return con.execute(f"""
        SELECT count(*) FILTER (WHERE o._in IS NULL), count(*) FILTER (WHERE n._in IS NULL),
               count(*) FILTER (WHERE n._in AND o._in AND n._row IS DISTINCT FROM o._row)
        FROM (SELECT {key}, true AS _in, t AS _row FROM {new} AS t) AS n
        FULL JOIN (SELECT {key}, true AS _in, t AS _row FROM {old} AS t) AS o USING ({key})""").fetchone()


def fingerprints(con: duckdb.DuckDBPyConnection, schema: str, tables: list[str],
                 upto: dict[str, int] | None = None) -> dict[str, tuple]:
    """Per table: row count and the sum of every row's hash, equal for equal tables whatever the row order; one
    query for all the tables (a query per table cost more in overhead than the scans). upto: of the rows up to
    these rowids only (the rows a table had when fingerprints_and_ends() measured it)."""
    return {table: (n, h) for table, (n, h, _) in _scan(con, schema, tables, upto).items()}


def fingerprints_and_ends(con: duckdb.DuckDBPyConnection, tables: list[str]) -> tuple[dict[str, tuple],
                                                                                     dict[str, int]]:
    """fingerprints() of tables of `con`, and each one's largest rowid (-1 when empty): rows appended later have
    larger ones."""
    scanned = _scan(con, "main", tables, None)
    return {t: (n, h) for t, (n, h, _) in scanned.items()}, {t: last for t, (_, _, last) in scanned.items()}


def _scan(con: duckdb.DuckDBPyConnection, schema: str, tables: list[str],
          upto: dict[str, int] | None) -> dict[str, tuple]:
    """(count, sum of row hashes, largest rowid) per table, in one query."""
    if not tables:
        return {}
    parts = [f"SELECT {i} AS i, count(*) AS n, sum(hash(t)) AS h, coalesce(max(t.rowid), -1) AS r "
             f"FROM {schema}.\"{table}\" AS t" + ("" if upto is None else f" WHERE t.rowid <= {int(upto[table])}")
             for i, table in enumerate(tables)]  # names from the database's own catalog
    return {tables[i]: (n, h, r) for i, n, h, r in con.execute(" UNION ALL ".join(parts)).fetchall()}


def _files(con: duckdb.DuckDBPyConnection, previous: str) -> str | None:
    """Files (snapshots, releases) loaded now and not before, and the reverse: '+a, +b, -c'."""
    now = {r[0] for r in con.execute("SELECT file FROM main.source_file").fetchall()}
    before = {r[0] for r in con.execute(f"SELECT file FROM {previous}.main.source_file").fetchall()}
    listed = [f"+{f}" for f in sorted(now - before)] + [f"-{f}" for f in sorted(before - now)]
    return ", ".join(listed) or None


def _insert(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """Insert build_change rows, all in one statement (a statement per row cost 5 ms each)."""
    values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(rows))
    con.execute(f"INSERT INTO build_change VALUES {values}", [v for row in rows for v in row])
