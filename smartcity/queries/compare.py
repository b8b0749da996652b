"""Queries for the comparison page (/compare): DX indicators and online application rates of chosen
municipalities in one release of the Digital Agency's DX dashboard, Japan's medians, the choices of municipality."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from smartcity.db import query


def releases(db: Path) -> list[str]:
    """Release dates (YYYY-MM-DD) with municipal values, newest first."""
    return query(db, "compare_releases")["release_date"].tolist()


def municipalities(db: Path) -> pd.DataFrame:
    """Japan's 1,741 municipalities with their prefecture, in code order."""
    return query(db, "compare_municipalities")


def indicators(db: Path, release: str, codes: list[str]) -> pd.DataFrame:
    """Every municipal DX indicator × chosen municipality (in the order given) for a release."""
    return query(db, "compare_indicators", {"release": release, "codes": list(codes)})


def procedures(db: Path, release: str, codes: list[str]) -> pd.DataFrame:
    """Every municipal procedure × chosen municipality with its online application rate (NULL = not handled or not
    reported) for a release."""
    return query(db, "compare_procedures", {"release": release, "codes": list(codes)})


def medians(db: Path, release: str) -> pd.DataFrame:
    """Japan's median of municipalities for each percentage indicator in a release, with the number reporting."""
    return query(db, "compare_medians", {"release": release})


def source(db: Path) -> dict:
    """The DX dashboard's source entry (empty dict when the database has none)."""
    frame = query(db, "compare_source")
    return {} if frame.empty else frame.iloc[0].to_dict()
