"""Typed settings for the ETL and the app, read from the environment once per call (never at import)."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Where the ETL reads from and writes to."""

    project_root: Path
    db_path: Path
    raw_cache: Path
    mirror: Path | None
    reference_dir: Path
    allow_download: bool
    as_of: dt.date
    manifest: Path = PROJECT_ROOT / "etl" / "manifest.toml"
    state_url: str = ""  # the state database of officials' submissions ("" : none)
    layer: dict | None = None  # a publication's state to build (table -> submission id) instead of the published one

    @property
    def names_dir(self) -> Path:
        """Hand-written name lists (English names, excluded codes)."""
        return self.project_root / "data" / "names"

    @property
    def kpi_dir(self) -> Path:
        """Indicator definitions and targets."""
        return self.project_root / "data" / "kpi"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from environment variables (SMARTCITY_*), with the documented defaults."""
    env = dict(os.environ if env is None else env)
    root = Path(env.get("SMARTCITY_PROJECT_ROOT", PROJECT_ROOT))
    mirror_env = env.get("SMARTCITY_DATA_MIRROR")
    if mirror_env:
        mirror: Path | None = Path(mirror_env)
    else:
        default = (root / ".." / "shared" / "data" / "open").resolve()
        mirror = default if default.is_dir() else None
    as_of = env.get("SMARTCITY_AS_OF")
    return Settings(
        project_root=root,
        db_path=Path(env.get("SMARTCITY_DB", root / "data" / "smartcity.duckdb")),
        raw_cache=Path(env.get("SMARTCITY_RAW_CACHE", root / "data" / "raw")),
        mirror=mirror,
        reference_dir=Path(env.get("SMARTCITY_REFERENCE_DIR", root / "data" / "reference")),
        allow_download=env.get("SMARTCITY_OFFLINE", "0") != "1",
        as_of=dt.date.fromisoformat(as_of) if as_of else dt.date.today(),
        manifest=Path(env.get("SMARTCITY_MANIFEST", PROJECT_ROOT / "etl" / "manifest.toml")),
        state_url=state_url(env, root),
    )


def state_url(env: dict[str, str], root: Path = PROJECT_ROOT) -> str:
    """SMARTCITY_STATE_URL, else SQLite at data/state/state.sqlite3 (SMARTCITY_STATE_DIR moves the folder)."""
    if env.get("SMARTCITY_STATE_URL"):
        return env["SMARTCITY_STATE_URL"]
    folder = Path(env.get("SMARTCITY_STATE_DIR", root / "data" / "state"))
    return f"sqlite:///{folder / 'state.sqlite3'}"
