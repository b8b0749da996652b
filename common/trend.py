"""The projection of a KPI series: one definition for the KPI assessment (ETL) and the KPI chart (app).

The rule (docs/assessment.md, "The projection"):
1. The observations since the baseline date are used (all of them when none is on or after it).
2. The fit window is the observations of the last WINDOW_YEARS (two) calendar years up to and including the
   latest one (for annual data the latest three), and at least the last two observations; with a single
   observation since the baseline, the baseline and that observation.
3. The slope is the least-squares slope of the window (per 365.25-day year). It never contradicts the latest
   change: after a rise the slope is at least 0, after a fall at most 0 (the latest change is the last observation
   against the one before it, or against the baseline when there is a single observation).
4. The line is anchored at the latest observation: it runs through (latest date, latest value) with that slope.
5. The line never leaves the indicator's bounds (lower_bound, upper_bound, e.g. 0–100 % or 0–43 municipalities):
   values are clamped, and the drawn line stops where it reaches a bound.
None when no line can be drawn (no observation, or one observation and no separate baseline).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

DAYS_PER_YEAR = 365.25
WINDOW_YEARS = 2  # calendar years back from the latest observation


def years_between(a: dt.date, b: dt.date) -> float:
    """Years from a to b (365.25-day years)."""
    return (b - a).days / DAYS_PER_YEAR


def _add_years(day: dt.date, years: float) -> dt.date:
    return day + dt.timedelta(days=round(years * DAYS_PER_YEAR))


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _bound(value) -> float | None:
    """A bound as a float; None for a missing one (None or NaN)."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _slope(points: list[tuple[dt.date, float]]) -> float | None:
    """Least-squares slope per year; None when the points span no time."""
    if len(points) < 2:
        return None
    xs = np.array([years_between(points[0][0], d) for d, _ in points])
    if np.ptp(xs) == 0:
        return None
    return float(np.polyfit(xs, np.array([v for _, v in points], dtype=float), 1)[0])


@dataclass(frozen=True)
class Projection:
    """A straight line through the latest observation, clamped to the indicator's bounds."""

    anchor_date: dt.date          # the latest observation
    anchor_value: float
    slope_per_year: float
    window_start: dt.date         # the first point of the fit window (where the chart starts the line)
    n_window: int                 # points in the fit window
    lower: float | None = None
    upper: float | None = None

    def clamp(self, value: float) -> float:
        """The value kept within the bounds."""
        if self.lower is not None:
            value = max(value, self.lower)
        if self.upper is not None:
            value = min(value, self.upper)
        return value

    def value_at(self, day: dt.date) -> float:
        """The line at a date, within the bounds."""
        return self.clamp(self.anchor_value + self.slope_per_year * years_between(self.anchor_date, day))

    def date_reaching(self, value: float) -> dt.date | None:
        """The first date on or after the latest observation when the line reaches value; None if it never does."""
        gap = value - self.anchor_value
        if np.isclose(gap, 0):
            return self.anchor_date
        if self.slope_per_year == 0 or (gap > 0) != (self.slope_per_year > 0):
            return None
        if value != self.clamp(value):  # beyond a bound: never reached
            return None
        return _add_years(self.anchor_date, gap / self.slope_per_year)

    def points(self, end: dt.date) -> list[tuple[dt.date, float]]:
        """The line to draw, from the window's start to `end`, stopping early where it reaches a bound."""
        start = (self.window_start, self.value_at(self.window_start))
        stop = end
        bound = self.upper if self.slope_per_year > 0 else self.lower if self.slope_per_year < 0 else None
        hit = None if bound is None else self.date_reaching(bound)
        if hit is not None and hit < stop:
            return [start, (max(hit, self.anchor_date), bound)]
        if stop <= self.anchor_date:
            return [start, (self.anchor_date, self.anchor_value)]
        return [start, (stop, self.value_at(stop))]


def projection(observations: list[tuple[dt.date, float]], baseline_value: float | None = None,
               baseline_date: dt.date | None = None, lower_bound: float | None = None,
               upper_bound: float | None = None, window_years: int = WINDOW_YEARS) -> Projection | None:
    """The projection of a series by the rule in the module docstring; None when no line can be drawn."""
    obs = sorted((d, float(v)) for d, v in observations)
    if not obs:
        return None
    b_date = baseline_date if baseline_date is not None else obs[0][0]
    b_value = float(baseline_value) if baseline_value is not None else obs[0][1]
    since = [(d, v) for d, v in obs if d >= b_date] or obs
    latest_date, latest = since[-1]
    if len(since) == 1:
        if b_date >= latest_date:
            return None
        window, previous = [(b_date, b_value), since[0]], b_value
    else:
        cutoff = _years_before(latest_date, window_years)
        window = [(d, v) for d, v in since if d >= cutoff]
        if len(window) < 2:
            window = since[-2:]
        previous = since[-2][1]
    slope = _slope(window)
    if slope is None:
        return None
    if latest > previous and not np.isclose(latest, previous):
        slope = max(slope, 0.0)
    elif latest < previous and not np.isclose(latest, previous):
        slope = min(slope, 0.0)
    return Projection(latest_date, latest, slope, window[0][0], len(window), _bound(lower_bound), _bound(upper_bound))
