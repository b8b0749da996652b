"""The least-squares trend line: one definition for the KPI assessment (ETL) and the KPI chart (app)."""
from __future__ import annotations

import datetime as dt

import numpy as np

DAYS_PER_YEAR = 365.25


def years_between(a: dt.date, b: dt.date) -> float:
    """Years from a to b (365.25-day years)."""
    return (b - a).days / DAYS_PER_YEAR


def _fit(points: list[tuple[dt.date, float]], origin: dt.date) -> tuple[float, float] | None:
    """Least-squares intercept and slope (per year from origin); None when the points span no time."""
    xs = np.array([years_between(origin, d) for d, _ in points])
    ys = np.array([v for _, v in points])
    if len(points) < 2 or np.ptp(xs) == 0:
        return None
    slope, intercept = np.polyfit(xs, ys, 1)
    return float(intercept), float(slope)


def trend_line(observations: list[tuple[dt.date, float]], baseline_value: float | None = None,
               baseline_date: dt.date | None = None) -> tuple[float, float] | None:
    """The least-squares line of the observations since the baseline: (value at the baseline date, slope per year).

    The baseline defaults to the first observation; with a single observation since the baseline the line runs from
    the baseline to it. None when no line can be drawn. The dashboard draws the projection with this same function.
    """
    obs = sorted(observations)
    if not obs:
        return None
    b_value = baseline_value if baseline_value is not None else obs[0][1]
    b_date = baseline_date if baseline_date is not None else obs[0][0]
    since = [(d, v) for d, v in obs if d >= b_date] or obs
    return _fit(since if len(since) > 1 else [(b_date, b_value), *since], b_date)


