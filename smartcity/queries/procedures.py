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


# ---- the Digital Agency's DX progress release (自治体DX推進状況ダッシュボード) -------------------------------------------

def dx_available(db: Path) -> bool:
    """Whether the database holds the release's tables (a database built before they existed does not)."""
    return int(query(db, "procedures_dx_tables").iloc[0]["n"]) == 3


def dx_release(db: Path) -> pd.DataFrame:
    """The latest release with municipal online application rates, with the source's title, licence and credit
    (no row when there is none)."""
    return query(db, "procedures_dx_release")


def dx_groups(db: Path) -> pd.DataFrame:
    """The groups of municipal procedures (group_key, names, count): the whitelist of ?group=."""
    return query(db, "procedures_dx_groups")


def dx_distribution(db: Path, release, group: str | None) -> pd.DataFrame:
    """Per municipal procedure (of one group, or all when group is None) and area (27000 Osaka, 00000 Japan, 13000
    Tokyo without its islands): municipalities reporting a rate or not, and the spread of the reported rates."""
    return query(db, "procedures_dx_distribution", {"release": release, "group": group})


def dx_slides(db: Path, release) -> pd.DataFrame:
    """The slides' eleven procedures and areas: the 2021 figures beside the release's for the matched procedure."""
    return query(db, "procedures_dx_slides", {"release": release})
