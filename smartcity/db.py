"""The one data-access gateway: parameterised queries from .sql files on the current build, read through one
read-only DuckDB connection per process and build file, with results cached per build.

- One connection per build file, opened once per process and reopened when the file is swapped (a new build is a new
  file: `os.replace` gives it a new inode). Opening costs about 16 ms; a cursor on an open connection next to nothing.
- One render, one build: inside a request every query uses the same cursor, pinned to the build that was current when
  the request first read, so a swap in the middle of a page never mixes two builds. The cursor is closed when the
  request ends (`init_app`).
- A query's result is cached per build and parameters (a build never changes: its results cannot go stale); callers
  get a copy, so changing a frame never changes the cache.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import flask
import pandas as pd

from smartcity.citations import annotate

__all__ = ["build_key", "clear_cache", "connect", "init_app", "open_read_only", "query", "sql"]

SQL_DIR = Path(__file__).with_name("sql")
CACHE_BYTES = int(os.environ.get("SMARTCITY_QUERY_CACHE_MB", "64")) * 2**20  # per process


@dataclass(frozen=True)
class Build:
    """An open build file: its identity (path, inode, mtime, size) and the process's connection to it."""
    key: tuple
    con: duckdb.DuckDBPyConnection


_LOCK = threading.Lock()
_OPEN: dict[str, Build] = {}


@cache
def sql(name: str) -> str:
    """The text of smartcity/sql/<name>.sql (names are fixed in code, never from user input)."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def build_key(path: Path) -> tuple:
    """The identity of the build file now at `path`: a swapped-in build has a new inode and mtime."""
    st = os.stat(path)
    return (str(path), st.st_ino, st.st_mtime_ns, st.st_size)


def _build(path: Path) -> Build:
    """The process's connection to the build now at `path`, opened on first use and after every swap."""
    key = build_key(path)
    with _LOCK:
        current = _OPEN.get(key[0])
        if current is None or current.key != key:
            # The old connection is not closed here: requests still reading it hold it and it closes when the last
            # one lets go (its file stays readable after the swap, so they finish on the build they started with).
            current = Build(key, _attach(key[0]))
            _OPEN[key[0]] = current
        return current


def _attach(path: str) -> duckdb.DuckDBPyConnection:
    """A new in-process database with the build file attached read-only. Why not `duckdb.connect(path)`: DuckDB hands
    back the already open instance for a path it has open, so after a swap it would go on reading the old file."""
    con = duckdb.connect(":memory:")
    quoted = path.replace("'", "''")  # the configured database path, never user input
    con.execute(f"ATTACH '{quoted}' AS build (READ_ONLY)")
    con.execute("SET enable_external_access = false")  # the app's SQL reads the build and nothing else
    return con


def _cursor(build: Build) -> duckdb.DuckDBPyConnection:
    """A cursor on the build (each cursor names the attached build as its default database)."""
    cursor = build.con.cursor()
    cursor.execute("USE build")
    return cursor


def _pinned(path: Path) -> tuple[Build, duckdb.DuckDBPyConnection] | None:
    """This request's build and cursor for `path` (opened on first use), or None outside a request."""
    if not flask.has_app_context():
        return None
    held = flask.g.setdefault("smartcity_builds", {})
    if str(path) not in held:
        build = _build(path)
        held[str(path)] = (build, _cursor(build))
    return held[str(path)]


def _release(_exc: BaseException | None = None) -> None:
    """Close the cursors this request held (registered as an app-context teardown by init_app)."""
    for _build_, cursor in flask.g.pop("smartcity_builds", {}).values():
        cursor.close()


def init_app(server: flask.Flask) -> None:
    """Close each request's cursors when its app context ends."""
    server.teardown_appcontext(_release)


@contextmanager
def connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only cursor on the current build: the request's own inside a request, else one closed on exit."""
    _build_, cursor, owned = _session(Path(path))
    try:
        yield cursor
    finally:
        if owned:
            cursor.close()


def open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A cursor of its own on the current build, which the caller closes (for a streamed response that outlives the
    request)."""
    return _cursor(_build(Path(path)))


def query(path: Path, name: str, params: dict | None = None) -> pd.DataFrame:
    """Run a named query with bound parameters and return a DataFrame (a copy of the build's cached result). Rows that
    name a strategy document (source_doc, and source_section when known) come with its citation
    (smartcity.citations.annotate): pages show that, never the file name or line."""
    build, con, owned = _session(Path(path))
    try:
        key = (build.key, name, _frozen(params or {}))  # the cursor's own build, even if a swap came in between
        frame = _CACHE.get(key)
        if frame is None:
            frame = con.execute(sql(name), params or {}).fetchdf()
            if "source_doc" in frame.columns:
                frame = annotate(frame, _documents(con, build.key))
            _CACHE.put(key, frame)
        return frame.copy()
    finally:
        if owned:
            con.close()


def _session(path: Path) -> tuple[Build, duckdb.DuckDBPyConnection, bool]:
    """The request's build and cursor, or outside a request a new cursor on the current build (owned: the caller
    closes it)."""
    pinned = _pinned(path)
    if pinned is not None:
        return pinned[0], pinned[1], False
    build = _build(path)
    return build, _cursor(build), True


def clear_cache() -> None:
    """Forget every cached result (tests that patch what a query returns)."""
    _CACHE.clear()


def _documents(con: duckdb.DuckDBPyConnection, build: tuple) -> pd.DataFrame:
    key = (build, "documents", ())
    frame = _CACHE.get(key)
    if frame is None:
        frame = con.execute(DOCUMENTS).fetchdf()
        _CACHE.put(key, frame)
    return frame


def _frozen(value):
    """A hashable form of a query's parameters (lists become tuples)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


class _Results:
    """Query results of the builds in use, least recently used first out, within a byte budget."""

    def __init__(self, budget: int) -> None:
        self.budget, self.used = budget, 0
        self.items: OrderedDict[tuple, tuple[pd.DataFrame, int]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> pd.DataFrame | None:
        """The cached frame for `key`, or None."""
        with self.lock:
            found = self.items.get(key)
            if found is None:
                return None
            self.items.move_to_end(key)
            return found[0]

    def put(self, key: tuple, frame: pd.DataFrame) -> None:
        """Keep `frame` unless it alone exceeds a quarter of the budget; drop the oldest to stay within it."""
        size = int(frame.memory_usage(index=True, deep=True).sum())
        if size > self.budget // 4:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = (frame, size)
            self.used += size
            while self.used > self.budget and self.items:
                _old, (_frame, old_size) = self.items.popitem(last=False)
                self.used -= old_size

    def clear(self) -> None:
        """Forget every result (tests)."""
        with self.lock:
            self.items.clear()
            self.used = 0


_CACHE = _Results(CACHE_BYTES)
DOCUMENTS = "SELECT source_doc, title_ja, title_en, publisher_ja, publisher_en, document_date FROM documents"
