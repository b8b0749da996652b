"""Read-only DuckDB connections (the ETL's status report and the app's gateway both open the built file this way)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb


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
