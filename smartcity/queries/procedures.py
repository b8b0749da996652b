"""Queries about online procedures: the eleven procedures, three resident services, the prefecture's system."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from smartcity.db import query


def rates(db: Path) -> pd.DataFrame:
    """Adoption and online-procedure rates per procedure and geography (long: one row per procedure and geo)."""
    return query(db, "procedures_rates")


def services(db: Path) -> pd.DataFrame:
    """Municipal adoption rates of three resident services in 2018 and 2022 per geography."""
    return query(db, "procedures_services")


def pref_online(db: Path) -> pd.DataFrame:
    """The prefecture's online applications: summary rows first, then procedures by applications."""
    return query(db, "procedures_pref_online")
