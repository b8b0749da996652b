"""Source kinds. Every manifest entry names its `kind`; each kind is one module `etl/loaders/<kind>.py` with

    plan(settings, source_id, entry) -> list[SourceFile]     the files to fetch (dated releases discovered here)
    load(ctx, source_id, entry, files) -> list[FileReport]   parse, check and insert; one report per file

and, when it brings tables of its own, their DDL in `etl/loaders/<kind>.sql` (run before any loader loads).
Adding a kind is: a manifest entry, this one module (and its .sql), and its tests; nothing else in the build.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import duckdb
import numpy as np
import pandas as pd

from common.settings import Settings
from etl.errors import EtlError, Problem

_KIND = re.compile(r"[a-z][a-z0-9_]*")


def kinds() -> list[str]:
    """The source kinds that have a loader module."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def loader_for(kind: str, source_id: str, manifest: Path) -> ModuleType:
    """The loader module of a kind; an unknown kind stops the build naming the manifest entry."""
    if not _KIND.fullmatch(str(kind)) or kind not in kinds():
        raise EtlError(Problem(str(manifest), None, f"sources.{source_id}.kind",
                               f"unknown source kind {kind!r}: there is no loader module etl/loaders/{kind}.py "
                               f"(known kinds: {', '.join(kinds())})"))
    return importlib.import_module(f"{__name__}.{kind}")


def schema_sql(kind: str) -> str | None:
    """The DDL of a kind's own tables (etl/loaders/<kind>.sql, beside its module), if it has any."""
    for folder in __path__:
        path = Path(folder) / f"{kind}.sql"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


@dataclass
class BuildContext:
    """What loaders share during one build: the new database, settings, log, and the municipality master."""

    con: duckdb.DuckDBPyConnection
    settings: Settings
    log: Callable[[str], None]
    master: pd.DataFrame | None = None
    resolver: object | None = None
    facts: dict = field(default_factory=dict)  # what a loader tells the build (e.g. the My Number snapshot range)

    def require_master(self, source_id: str) -> pd.DataFrame:
        """The master; a source that needs it but comes before the national boundaries stops the build."""
        if self.master is None:
            raise EtlError(Problem(str(self.settings.manifest), None, f"sources.{source_id}",
                                   "this source needs the municipality master: list the national boundaries "
                                   "(the source that builds the master) before it in the manifest"))
        return self.master

    def insert(self, table: str, frame: pd.DataFrame) -> None:
        """Insert a DataFrame by column name; constraint violations name the table and the constraint."""
        insert(self.con, table, frame)


def frame_of(parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """One frame from the columns of several files (name -> one value per row), built once; text columns stay Python
    objects (pandas would convert them to Arrow strings, which costs more than the insert that reads them)."""
    parts = [p for p in parts if p]
    if not parts:
        return pd.DataFrame()
    columns = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return pd.DataFrame({k: pd.Series(v, dtype=object) if v.dtype == object else v for k, v in columns.items()})


def insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Insert a DataFrame by column name (table names come from code, never from input)."""
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
