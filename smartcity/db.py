"""The one data-access gateway: read-only DuckDB connections and parameterised queries from .sql files."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from common.duck import connect, open_read_only
from smartcity.citations import annotate

__all__ = ["connect", "open_read_only", "query", "sql"]

SQL_DIR = Path(__file__).with_name("sql")


@cache
def sql(name: str) -> str:
    """The text of smartcity/sql/<name>.sql (names are fixed in code, never from user input)."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query(path: Path, name: str, params: dict | None = None) -> pd.DataFrame:
    """Run a named query with bound parameters and return a DataFrame. Rows that name a strategy document
    (source_doc, and source_section when known) come with its citation (smartcity.citations.annotate): pages show that, never
    the file name or line."""
    with connect(path) as con:
        frame = con.execute(sql(name), params or {}).fetchdf()
        if "source_doc" in frame.columns:
            frame = annotate(frame, con.execute(DOCUMENTS).fetchdf())
        return frame


DOCUMENTS = "SELECT source_doc, title_ja, title_en, publisher_ja, publisher_en, document_date FROM documents"
