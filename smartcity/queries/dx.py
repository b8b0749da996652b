"""Queries on the Digital Agency's municipal DX progress release (自治体DX推進状況ダッシュボード), shared by the
Municipal DX pages and any page that needs the release: the indicator and procedure lists, one municipality's values,
every municipality's value on one measure for an area, and the distribution of each measure over an area.

Measures are named `dx:<indicator_key>` (an indicator of dx_indicator) or `proc:<procedure_key>` (a procedure's
online application rate, dx_procedure). A key from the address is only used after it is found in those tables (the
whitelist of `measures`); values are always bound parameters. Every query reads the latest release."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from smartcity.db import query

AREAS = ("osaka", "japan", "tokyo")  # Osaka's 43, Japan's 1,741, Tokyo's 62 municipalities
PEER_BAND = (0.5, 2.0)  # as smartcity.queries.municipal.PEER_BAND: population 0.5x to 2x
MEASURE = re.compile(r"(dx|proc):([a-z0-9_]{1,80})")
CODE = re.compile(r"\d{5}")


class UnknownMeasure(ValueError):
    """A measure key that is not in dx_indicator / dx_procedure (or an unknown area)."""


@dataclass(frozen=True)
class Measure:
    """One measure of the release: `measure` is the address form ('dx:ai_adopted', 'proc:library_reservation')."""

    measure: str
    kind: str  # 'indicator' | 'procedure'
    key: str
    value_type: str  # 'boolean' | 'percent' | 'count' (a procedure's rate is 'percent')
    group_ja: str
    group_en: str
    name_ja: str
    name_en: str
    group_key: str | None = None
    description_ja: str | None = None
    description_en: str | None = None


def release_date(db: Path) -> pd.Timestamp | None:
    """The latest release date (None when no release is loaded)."""
    frame = query(db, "dx_release")
    value = frame["release_date"].iloc[0] if not frame.empty else None
    return None if value is None or pd.isna(value) else pd.Timestamp(value)


def indicators(db: Path) -> pd.DataFrame:
    """The 15 municipal indicators (key, group, names, value_type, description) in the source's order."""
    return query(db, "dx_indicators")


def procedures(db: Path) -> pd.DataFrame:
    """The 52 municipal procedures (key, group_key most_used_32 | childcare_elderly_26, names) in order."""
    return query(db, "dx_procedures")


def measures(db: Path) -> pd.DataFrame:
    """Every measure (indicators, then procedures): measure, kind, key, value_type, group and names."""
    return query(db, "dx_measures")


def _clean(value):
    return None if value is None or (isinstance(value, float) and value != value) else value


def measure_info(db: Path, measure: str | None) -> Measure | None:
    """The measure named by an address value, or None when it is not one of the release's measures."""
    if not isinstance(measure, str) or MEASURE.fullmatch(measure) is None:
        return None
    frame = measures(db)
    hit = frame[frame["measure"] == measure]
    if hit.empty:
        return None
    r = hit.iloc[0]
    return Measure(measure=r.measure, kind=r.kind, key=r.key, value_type=r.value_type, group_ja=r.group_ja,
                   group_en=r.group_en, name_ja=r.name_ja, name_en=r.name_en, group_key=_clean(r.group_key),
                   description_ja=_clean(r.description_ja), description_en=_clean(r.description_en))


def _checked(db: Path, measure: str | Measure) -> Measure:
    info = measure if isinstance(measure, Measure) else measure_info(db, measure)
    if info is None:
        raise UnknownMeasure(f"unknown measure: {str(measure)[:40]!r}")
    return info


def municipality_indicators(db: Path, code: str) -> pd.DataFrame:
    """One municipality's answer to each of the 15 indicators (a row per indicator, reported or not and why)."""
    return query(db, "dx_municipality_indicators", {"code": code if CODE.fullmatch(code or "") else ""})


def municipality_procedures(db: Path, code: str) -> pd.DataFrame:
    """One municipality's online application rate for each of the 52 procedures (rate_pct NULL = not handled /
    not reported, never 0 %)."""
    return query(db, "dx_municipality_procedures", {"code": code if CODE.fullmatch(code or "") else ""})


def area_values(db: Path, measure: str | Measure, area: str) -> pd.DataFrame:
    """Every municipality of the area with its value on the measure: geo_code, names, prefecture, value_bool,
    value_pct, value (percent or count), numerator, denominator, reported, not_reported_reason ('not_handled' for a
    procedure without a rate; 'not_surveyed', 'percent_sign_only', 'empty' for an indicator), value_as_written.
    Raises UnknownMeasure for a measure outside the whitelist or an unknown area."""
    info = _checked(db, measure)
    if area not in AREAS:
        raise UnknownMeasure(f"unknown area: {str(area)[:20]!r}")
    name = "dx_area_indicator" if info.kind == "indicator" else "dx_area_procedure"
    return query(db, name, {"key": info.key, "area": area})


def matrix(db: Path) -> pd.DataFrame:
    """Osaka's 43 municipalities x the 10 yes/no indicators and the 3 percentages (long form)."""
    return query(db, "dx_matrix")


def distribution(db: Path, area: str, code: str | None = None,
                 band: tuple[float, float] = PEER_BAND) -> pd.DataFrame:
    """Per indicator and procedure: n, n_reported, n_true, n_false, n_not_surveyed, min, q1, median, q3, max over
    the area ('osaka', 'japan', 'tokyo', or 'peers' = municipalities of similar population to `code`)."""
    if area == "peers":
        if not CODE.fullmatch(code or ""):
            raise UnknownMeasure("peers need a 5-digit municipality code")
    elif area not in AREAS:
        raise UnknownMeasure(f"unknown area: {str(area)[:20]!r}")
    return query(db, "dx_distribution", {"area": area, "code": code if area == "peers" else None,
                                         "low": band[0], "high": band[1]})


def distributions(db: Path, areas: tuple[str, ...] = AREAS) -> pd.DataFrame:
    """`distribution` for several areas, stacked (column `area`)."""
    return pd.concat([distribution(db, a) for a in areas], ignore_index=True)
