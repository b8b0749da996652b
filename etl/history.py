"""What changed between builds: the new database compared with the one it replaces, table by table (rows added,
removed and changed, by primary key) and file by file (a new snapshot or release), appended to the history the old
database carried. Readers see it on the catalog; nothing here changes a figure."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

# Tables that describe the build itself: they change every time and are not data.
SKIPPED = {"build_info", "build_change", "rejected_row"}


def record(con: duckdb.DuckDBPyConnection, previous: Path, built_at: dt.datetime) -> None:
    """Write build_change for the new database `con` against the file at `previous` (when there is one)."""
    if not previous.is_file():
        _insert(con, built_at, "*", None, None, None, None, None, None, "first build")
        return
    con.execute("ATTACH ? AS prev (READ_ONLY)", [str(previous)])
    try:
        if _has(con, "prev", "build_change"):
            con.execute("INSERT INTO build_change SELECT * FROM prev.build_change")
        _insert(con, built_at, "*", None, None, None, None, None, _files(con, "prev"), None)
        for table in _tables(con, "main"):
            _table_change(con, table, built_at)
    except duckdb.Error:
        # an old file with another layout cannot be compared row by row: say so rather than fail the build
        con.execute("DELETE FROM build_change WHERE built_at = ?", [built_at])
        _insert(con, built_at, "*", None, None, None, None, None, None, "previous build not comparable")
    finally:
        con.execute("DETACH prev")


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    rows = con.execute("""SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()
                          AND schema_name = ? ORDER BY table_name""", [schema]).fetchall()
    return [r[0] for r in rows if r[0] not in SKIPPED]


def _has(con: duckdb.DuckDBPyConnection, database: str, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = ?",
                            [database, table]).fetchone()[0])


def _columns(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[tuple[str, str]]:
    return con.execute("""SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ?
                          AND schema_name = 'main' AND table_name = ? ORDER BY column_index""",
                       [database, table]).fetchall()


def _key(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    row = con.execute("""SELECT constraint_column_names FROM duckdb_constraints() WHERE database_name =
                         current_database() AND table_name = ? AND constraint_type = 'PRIMARY KEY'""",
                      [table]).fetchone()
    return list(row[0]) if row else []


def _table_change(con: duckdb.DuckDBPyConnection, table: str, built_at: dt.datetime) -> None:
    """One row per table that is new or differs: counts before and after, added, removed, changed."""
    new = f'main."{table}"'  # names come from the database's own catalog, never from input
    after = con.execute(f"SELECT count(*) FROM {new}").fetchone()[0]
    if not _has(con, "prev", table):
        _insert(con, built_at, table, None, after, after, 0, 0, None, "new table")
        return
    old = f'prev.main."{table}"'
    before = con.execute(f"SELECT count(*) FROM {old}").fetchone()[0]
    if _columns(con, "prev", table) != _columns(con, con.execute("SELECT current_database()").fetchone()[0], table):
        _insert(con, built_at, table, before, after, None, None, None, None, "columns changed")
        return
    if _fingerprint(con, new) == _fingerprint(con, old):  # one scan each: most tables are unchanged
        return
    key = ", ".join(f'"{k}"' for k in _key(con, table))
    if key:  # a row whose key is in both but whose values differ is a change, not a removal and an addition
        added, removed, changed = _keyed_changes(con, new, old, key)
    else:
        added = con.execute(f"SELECT count(*) FROM (SELECT * FROM {new} EXCEPT ALL SELECT * FROM {old})").fetchone()[0]
        removed = con.execute(f"SELECT count(*) FROM (SELECT * FROM {old} EXCEPT ALL SELECT * FROM {new})"
                              ).fetchone()[0]
        changed = None
    _insert(con, built_at, table, before, after, added, removed, changed, None, None)


def _keyed_changes(con: duckdb.DuckDBPyConnection, new: str, old: str, key: str) -> tuple[int, int, int]:
    """Rows added, removed and changed (same key, other values), in one join of the two tables on their key."""
    return con.execute(f"""
        SELECT count(*) FILTER (WHERE o._in IS NULL), count(*) FILTER (WHERE n._in IS NULL),
               count(*) FILTER (WHERE n._in AND o._in AND n._row IS DISTINCT FROM o._row)
        FROM (SELECT {key}, true AS _in, t AS _row FROM {new} AS t) AS n
        FULL JOIN (SELECT {key}, true AS _in, t AS _row FROM {old} AS t) AS o USING ({key})""").fetchone()


def _fingerprint(con: duckdb.DuckDBPyConnection, table: str) -> tuple:
    """Row count and the sum of every row's hash: equal for equal tables whatever the row order."""
    return con.execute(f"SELECT count(*), sum(hash(t)) FROM {table} AS t").fetchone()


def _files(con: duckdb.DuckDBPyConnection, previous: str) -> str | None:
    """Files (snapshots, releases) loaded now and not before, and the reverse: '+a, +b, -c'."""
    now = {r[0] for r in con.execute("SELECT file FROM main.source_file").fetchall()}
    before = {r[0] for r in con.execute(f"SELECT file FROM {previous}.main.source_file").fetchall()}
    listed = [f"+{f}" for f in sorted(now - before)] + [f"-{f}" for f in sorted(before - now)]
    return ", ".join(listed) or None


def _insert(con: duckdb.DuckDBPyConnection, built_at, table, before, after, added, removed, changed, files,
            note) -> None:
    con.execute("INSERT INTO build_change VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [built_at, table, before, after, added, removed, changed, files, note])
