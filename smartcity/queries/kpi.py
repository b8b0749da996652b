"""Queries about indicators, their observations and assessments."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from smartcity.db import query


def overview(db: Path) -> pd.DataFrame:
    """Indicators with their headline assessment, in display order."""
    return query(db, "kpi_overview")


def headline_series(db: Path) -> pd.DataFrame:
    """(indicator_id, period_end, value) at each indicator's headline geography."""
    return query(db, "kpi_headline_series")


def indicators(db: Path) -> pd.DataFrame:
    """(indicator_id, name_ja, name_en) of every indicator in display order."""
    return query(db, "kpi_indicators")


def indicator(db: Path, indicator_id: str) -> pd.DataFrame:
    """One indicator's definition, unit, direction, frequency, policy, field and source (no row when unknown)."""
    return query(db, "kpi_indicator", {"indicator_id": indicator_id})


def target(db: Path, indicator_id: str, geo_code: str) -> pd.DataFrame:
    """The indicator's target for the geography (its own row, else the '*' row) with its basis (0 or 1 row)."""
    return query(db, "kpi_target", {"indicator_id": indicator_id, "geo_code": geo_code})


def geographies(db: Path, indicator_id: str) -> pd.DataFrame:
    """Geographies with observations of the indicator: Osaka, Japan, Tokyo, Osaka's municipalities, the rest."""
    return query(db, "kpi_geographies", {"indicator_id": indicator_id})


def observations(db: Path, indicator_id: str, geo_codes: list[str]) -> pd.DataFrame:
    """Observations of the indicator at the given geographies, with names and source references."""
    return query(db, "kpi_observations", {"indicator_id": indicator_id, "geo_codes": list(geo_codes)})


def assessment(db: Path, indicator_id: str, geo_code: str) -> pd.DataFrame:
    """The indicator's assessment at one geography (0 or 1 row)."""
    return query(db, "kpi_assessment", {"indicator_id": indicator_id, "geo_code": geo_code})


def overview_fields(db: Path) -> pd.DataFrame:
    """The 2030 plan's basic policies and fields in the plan's order (①…), each with its number of KPIs (may be 0)."""
    return query(db, "overview_fields")


def status_counts(db: Path) -> pd.DataFrame:
    """(status, n): how many KPIs have each status in their headline assessment."""
    return query(db, "overview_status_counts")
