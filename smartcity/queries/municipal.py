"""Queries about municipalities: the Osaka map measures, jointly procured systems, support programmes, and one
municipality's profile (figures, peers, programmes)."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from smartcity.db import query

CODE = re.compile(r"\d{5}|\d{6}")  # 5-digit JIS code or 6-digit local-government code
PEER_BAND = (0.5, 2.0)  # population band for "municipalities of similar size": 0.5x to 2x


def map_measures(db: Path) -> pd.DataFrame:
    """The 43 Osaka municipalities in the map's order with every measure (rate, ospf, ai_ondemand, smart_senior)."""
    return query(db, "municipal_map_measures")


def adoption(db: Path) -> pd.DataFrame:
    """Jointly procured systems: one row per system and fiscal year with joint, own, total and missing_reason."""
    return query(db, "municipal_adoption")


def e_application_coverage(db: Path) -> pd.DataFrame:
    """Municipalities with the e-application system and their population coverage."""
    return query(db, "municipal_e_application_coverage")


def support_programmes(db: Path) -> pd.DataFrame:
    """The prefecture's digital support programmes for municipalities."""
    return query(db, "municipal_support_programmes")


def valid_code(code: str | None) -> bool:
    """A 5-digit or 6-digit code (anything else is rejected before a query runs)."""
    return isinstance(code, str) and CODE.fullmatch(code) is not None


def profile(db: Path, code: str) -> pd.DataFrame:
    """The geography with this 5-digit or 6-digit code (0 or 1 row) with its latest My Number figures."""
    if not valid_code(code):
        return query(db, "municipal_profile", {"code": ""})
    return query(db, "municipal_profile", {"code": code})


def rate_series(db: Path, code: str) -> pd.DataFrame:
    """Issuance rate at every snapshot for the municipality, its prefecture and Japan (role column)."""
    return query(db, "municipal_rate_series", {"code": code})


def peers(db: Path, code: str, band: tuple[float, float] = PEER_BAND) -> pd.DataFrame:
    """Municipalities within the population band around this one at the latest snapshot, ranked by rate."""
    return query(db, "municipal_peers", {"code": code, "low": band[0], "high": band[1]})


def involvement(db: Path, code: str) -> pd.DataFrame:
    """Programmes, projects and pilots naming the municipality (or its wards), with their source documents."""
    return query(db, "municipal_involvement", {"code": code})


def map_sources(db: Path) -> pd.DataFrame:
    """Documents and sections behind each count measure of the map (measure, source_doc, titles, section, lines)."""
    return query(db, "municipal_map_sources")


MAP_LAYERS = {"osaka": "osaka_municipality", "japan": "japan_municipality"}


def map_codes(db: Path, area: str) -> list[str]:
    """The codes of the area's map polygons in the figure's order ('osaka' or 'japan'; anything else is Osaka)."""
    return query(db, "municipal_map_codes", {"layer": MAP_LAYERS.get(area, MAP_LAYERS["osaka"])})["geo_code"].tolist()
