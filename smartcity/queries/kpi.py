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
