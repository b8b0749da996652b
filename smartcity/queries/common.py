"""Queries shared by every page: the build, the sources, the boundaries."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from smartcity import geo
from smartcity.db import query


def build_info(db: Path) -> pd.DataFrame:
    """The build's time and snapshot range (one row)."""
    return query(db, "build_info")


def publication_info(db: Path) -> pd.DataFrame:
    """The officials' publication the build shows: when and by which department (no row: none yet)."""
    return query(db, "publication_info")


def publication_log(db: Path) -> pd.DataFrame:
    """Every publication of officials' figures up to the build's, newest first (what changed, not who)."""
    return query(db, "publication_log")


def boundaries(db: Path, layer: str) -> pd.DataFrame:
    """Boundary rows of one layer (osaka_municipality, osaka_ward, japan_municipality) with names; `attrs["geojson_url"]`
    is the address of the layer's shapes, which maps name instead of carrying them (smartcity.geo)."""
    frame = query(db, "boundaries", {"layer": layer})
    frame.attrs["geojson_url"] = geo.url(db, layer)
    return frame


def sources(db: Path) -> pd.DataFrame:
    """The external sources with publisher, licence and required credit."""
    return query(db, "sources")


def source_updates(db: Path) -> pd.DataFrame:
    """Per source: update frequency and the date of its newest data loaded."""
    return query(db, "source_updates")


def build_history(db: Path, limit: int = 200) -> pd.DataFrame:
    """What changed at each build, newest first (at most `limit` rows)."""
    return query(db, "build_history", {"limit": int(limit)})
