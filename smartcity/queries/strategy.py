"""Queries about the strategy documents: versions, fields, milestones, ORDEN's roadmap, council, quoted targets."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from smartcity.db import query


def versions(db: Path) -> pd.DataFrame:
    """ver.1.0, ver.2.0 and the 2030 plan, in order, with their source document's title."""
    return query(db, "strategy_versions")


def fields(db: Path) -> pd.DataFrame:
    """Themes, fields and basic policies of every version in the documents' order (nested by parent_id)."""
    return query(db, "strategy_fields")


def milestones(db: Path) -> pd.DataFrame:
    """Milestones: date as written, its precision (day, month, year, fiscal_year), kind, titles and source."""
    return query(db, "strategy_milestones")


def orden_roadmap(db: Path) -> pd.DataFrame:
    """ORDEN's roadmap rows (fiscal years, description, municipal participation targets)."""
    return query(db, "strategy_orden_roadmap")


def council_meetings(db: Path) -> pd.DataFrame:
    """The strategy council's meetings with date, agenda and source."""
    return query(db, "strategy_council_meetings")


def targets(db: Path) -> pd.DataFrame:
    """Targets and deadlines quoted from the strategy documents, with document, section and line."""
    return query(db, "strategy_targets")


def documents(db: Path) -> pd.DataFrame:
    """The seed documents: file name, titles, date and kind."""
    return query(db, "strategy_documents")
