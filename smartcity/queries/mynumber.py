"""Queries about My Number card issuance: snapshots, municipalities at a date, comparators, map codes."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from smartcity.db import query

AREAS = {  # URL value -> (boundary layer, prefecture code filter or None for all of Japan)
    "osaka": ("osaka_municipality", "27"),
    "japan": ("japan_municipality", None),
}


def snapshots(db: Path) -> list[str]:
    """Every snapshot date as ISO text, oldest first."""
    frame = query(db, "mynumber_snapshots")
    return [pd.Timestamp(d).date().isoformat() for d in frame["snapshot_date"]]


def municipalities(db: Path, area: str, date: str) -> pd.DataFrame:
    """Municipalities of the area at one snapshot: code, names, population, cards, rate (2 decimals)."""
    _, pref = AREAS[area]
    return query(db, "mynumber_municipalities", {"date": date, "pref": pref})


def names(db: Path, area: str) -> pd.DataFrame:
    """Every municipality of the area with figures at any snapshot: code and names (municipalities() at any date
    holds a subset of these codes)."""
    _, pref = AREAS[area]
    return query(db, "mynumber_names", {"pref": pref})


def map_codes(db: Path, area: str) -> list[str]:
    """The codes the area's map holds, in the figure's order (for value-only updates)."""
    layer, _ = AREAS[area]
    return query(db, "mynumber_map_codes", {"layer": layer})["geo_code"].tolist()


def missing_geometry(db: Path, area: str) -> pd.DataFrame:
    """Municipalities of the area's boundary layer that have no geometry in the source."""
    layer, _ = AREAS[area]
    return query(db, "mynumber_missing_geometry", {"layer": layer})


def max_rate(db: Path, area: str) -> float | None:
    """The highest municipal rate of the area over every snapshot (None without data)."""
    _, pref = AREAS[area]
    value = query(db, "mynumber_max_rate", {"pref": pref})["max_rate"].iloc[0]
    return None if pd.isna(value) else float(value)


def trend(db: Path) -> pd.DataFrame:
    """Osaka Prefecture (27000), Tokyo (13000) and Japan (00000) at every snapshot."""
    return query(db, "mynumber_trend")
