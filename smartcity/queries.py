"""Query functions used by the pages: each returns a DataFrame from a named .sql file with bound parameters."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from smartcity.db import query


def kpi_overview(db: Path) -> pd.DataFrame:
    """Indicators with their headline assessment, in display order."""
    return query(db, "kpi_overview")


def build_info(db: Path) -> pd.DataFrame:
    """The build's time and snapshot range (one row)."""
    return query(db, "build_info")
