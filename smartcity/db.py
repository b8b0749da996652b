"""The one data-access gateway: read-only DuckDB connections and parameterised queries from .sql files."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from common.duck import connect, open_read_only

__all__ = ["connect", "open_read_only", "query", "sql"]

SQL_DIR = Path(__file__).with_name("sql")


@cache
def sql(name: str) -> str:
    """The text of smartcity/sql/<name>.sql (names are fixed in code, never from user input)."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query(path: Path, name: str, params: dict | None = None) -> pd.DataFrame:
    """Run a named query with bound parameters and return a DataFrame."""
    with connect(path) as con:
        return con.execute(sql(name), params or {}).fetchdf()
