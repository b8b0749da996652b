"""The one data-access gateway: read-only DuckDB connections and parameterised queries from .sql files."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

SQL_DIR = Path(__file__).with_name("sql")


def open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection the caller closes (for a streamed response that outlives the request handler)."""
    return duckdb.connect(str(path), read_only=True)


@contextmanager
def connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, closed on exit; a new one per use, so a swapped-in build is seen at once."""
    con = open_read_only(path)
    try:
        yield con
    finally:
        con.close()


@cache
def sql(name: str) -> str:
    """The text of smartcity/sql/<name>.sql (names are fixed in code, never from user input)."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query(path: Path, name: str, params: dict | None = None) -> pd.DataFrame:
    """Run a named query with bound parameters and return a DataFrame."""
    with connect(path) as con:
        return con.execute(sql(name), params or {}).fetchdf()
