"""Queries for the partnerships page: OSPF membership, events, pitches and projects, the AI on-demand transport and
smart senior life areas, and the Digital Health Fund (all transcribed from the strategy documents)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from smartcity.db import query


def membership(db: Path) -> pd.DataFrame:
    """OSPF members by date, with the date's precision (day / month / year) and the source row."""
    return query(db, "partnerships_membership")


def event_periods(db: Path) -> pd.DataFrame:
    """The tables of OSPF event totals (period_id, as_of_date, source_doc, is_partial, …), oldest first."""
    return query(db, "partnerships_event_periods")


def events(db: Path, period: str) -> pd.DataFrame:
    """OSPF event totals of one period (period_id from event_periods), in the source's order."""
    return query(db, "partnerships_events", {"period": period})


def pitches(db: Path) -> pd.DataFrame:
    """OSPF pitch events: date, presenters and applicants."""
    return query(db, "partnerships_pitch")


def project_counts(db: Path) -> pd.DataFrame:
    """Project and implementation counts stated in the strategy documents, by date."""
    return query(db, "partnerships_project_counts")


def projects(db: Path) -> pd.DataFrame:
    """Named OSPF projects with field, municipality (may be missing) and stage (may be missing)."""
    return query(db, "partnerships_projects")


def project_fields(db: Path) -> pd.DataFrame:
    """OSPF projects by field: municipalities, start year, stage, working-group mark, named projects."""
    return query(db, "partnerships_project_fields")


def areas(db: Path) -> pd.DataFrame:
    """AI on-demand transport and smart senior life entries that name a municipality (and ward where given)."""
    return query(db, "partnerships_areas")


def area_boundaries(db: Path) -> pd.DataFrame:
    """Osaka's wards (大阪市, 堺市) and its other municipalities as one map layer."""
    return query(db, "partnerships_area_boundaries")


def ssl_phases(db: Path) -> pd.DataFrame:
    """Smart senior life phases: dates, fiscal year, tablets lent and areas."""
    return query(db, "partnerships_ssl_phases")


def fund(db: Path) -> pd.DataFrame:
    """Digital Health Fund Osaka items (size, term, investors, registration, …)."""
    return query(db, "partnerships_fund")
