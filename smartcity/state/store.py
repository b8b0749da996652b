"""Connecting to the state database: one engine per URL and process, tables created on first use."""
from __future__ import annotations

import datetime as dt
import functools
import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event

from common.settings import state_url
from smartcity.state.schema import metadata


def default_url(env: dict[str, str] | None = None) -> str:
    """SMARTCITY_STATE_URL, else SQLite at data/state/state.sqlite3 (SMARTCITY_STATE_DIR moves the folder)."""
    return state_url(dict(os.environ if env is None else env))


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database)."""
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


@functools.lru_cache(maxsize=8)
def engine(url: str) -> Engine:
    """The engine of a state database, its tables created if missing (the SQLite folder too)."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        eng = create_engine(url, connect_args={"timeout": 30})
        event.listen(eng, "connect", _sqlite_pragmas)
    else:
        eng = create_engine(url, pool_pre_ping=True)
    metadata.create_all(eng)
    return eng


def exists(url: str) -> bool:
    """Whether there is a state database to read (a SQLite file is not created just to find it empty)."""
    path = sqlite_path(url)
    return path is None or path.is_file()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL: readers (the app's workers) never wait for the writer; foreign keys are off by default in SQLite
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def now() -> dt.datetime:
    """UTC now without tzinfo (SQLite and PostgreSQL store the same value)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
