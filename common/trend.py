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

`projections()` applies the rule to many series at once (numpy, for the ETL's thousands of series); `projection()`
is the same computation for one series (the app's chart), so the two never give different numbers.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
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


@dataclass(frozen=True)
class Projections:
    """The projections of many series (index i: series i), as arrays; `get(i)` gives series i's Projection."""

    ok: np.ndarray              # bool: a line can be drawn
    anchor_day: np.ndarray      # proleptic Gregorian ordinals (date.toordinal())
    anchor_value: np.ndarray
    slope_per_year: np.ndarray
    window_start_day: np.ndarray
    n_window: np.ndarray
    lower: np.ndarray           # NaN: no bound
    upper: np.ndarray

    def get(self, i: int) -> Projection | None:
        """Series i's projection; None when no line can be drawn."""
        ok, anchor_day, anchor_value, slope, start, n, lower, upper = self._columns
        if not ok[i]:
            return None
        return Projection(dt.date.fromordinal(anchor_day[i]), anchor_value[i], slope[i],
                          dt.date.fromordinal(start[i]), n[i], _bound(lower[i]), _bound(upper[i]))

    @functools.cached_property
    def _columns(self) -> tuple[list, ...]:
        """The arrays as Python lists, made once (an item of a numpy array costs ten times an item of a list)."""
        return tuple(getattr(self, f.name).tolist() for f in dataclasses.fields(self))


def _floats(values, m: int) -> np.ndarray:
    """An optional per-series argument as floats (None, or None/NaN items: missing, i.e. NaN)."""
    if values is None:
        return np.full(m, np.nan)
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _cutoffs(latest_days: np.ndarray, window_years: int) -> np.ndarray:
    """The start of the fit window (the same calendar day window_years earlier) per latest day, computed once per
    distinct day (a build has a few hundred distinct dates among thousands of series)."""
    distinct, inverse = np.unique(latest_days, return_inverse=True)
    starts = [_years_before(dt.date.fromordinal(int(d)), window_years).toordinal() for d in distinct]
    return np.array(starts, dtype=np.int64)[inverse]


def projections(counts, days, values, baseline_values=None, baseline_days=None, lower_bounds=None,
                upper_bounds=None, window_years: int = WINDOW_YEARS) -> Projections:
    """The projections of many series by the rule in the module docstring, in one pass over their observations.

    counts: observations per series; days (date ordinals) and values: every series' observations one after the
    other, each series sorted by (day, value). baseline_values / baseline_days (ordinals) and the bounds: one per
    series, None or NaN when missing (the baseline then defaults to the series' first observation).
    """
    counts = np.asarray(counts, dtype=np.int64)
    days, values = np.asarray(days, dtype=np.int64), np.asarray(values, dtype=float)
    m = len(counts)
    lower, upper = _floats(lower_bounds, m), _floats(upper_bounds, m)
    if days.size == 0:
        zeros = np.zeros(m, dtype=np.int64)
        return Projections(np.zeros(m, dtype=bool), zeros, zeros * 0.0, zeros * 0.0, zeros, zeros, lower, upper)
    s = _Series(counts, days, values, _floats(baseline_values, m), _floats(baseline_days, m))
    # 1. since the baseline date (a suffix of each sorted series), else all of it
    since_n = np.bincount(s.gid, weights=days >= s.b_day[s.gid], minlength=m).astype(np.int64)
    since_n = np.where(since_n == 0, counts, since_n)
    single = since_n == 1  # the window is then (baseline, latest)
    ok = s.has & ~(single & (s.b_day >= s.latest_day))
    # 2. the window of the others: the since-rows from the cutoff (a suffix), and at least the last two
    row = np.arange(days.size)
    cutoff = _cutoffs(s.latest_day, window_years)
    in_window = (days >= cutoff[s.gid]) & (row >= (s.last - since_n + 1)[s.gid])
    n_window = np.where(single, 2, np.maximum(np.bincount(s.gid, weights=in_window, minlength=m), 2)).astype(np.int64)
    start = np.maximum(s.last - n_window + 1, 0)
    window_start = np.where(single, s.b_day, days[start])
    ok &= s.latest_day > window_start  # a window spanning no time has no slope
    previous = np.where(single, s.b_value, values[np.maximum(s.last - 1, 0)])
    # 3. the least-squares slope over each window: the others' rows, and the single ones' two points
    rows = (row >= start[s.gid]) & ~single[s.gid] & ok[s.gid]
    pairs = np.flatnonzero(single & ok)
    g = np.concatenate([s.gid[rows], np.repeat(pairs, 2)])
    x = np.concatenate([days[rows], np.column_stack([s.b_day[pairs], s.latest_day[pairs]]).ravel()])
    y = np.concatenate([values[rows], np.column_stack([s.b_value[pairs], s.latest[pairs]]).ravel()])
    slope = np.where(ok, _slopes(g, (x - window_start[g]) / DAYS_PER_YEAR, y, m), np.nan)
    # 4. never against the latest change
    close = np.abs(s.latest - previous) <= 1e-8 + 1e-5 * np.abs(previous)  # numpy.isclose's default tolerances
    slope = np.where((s.latest > previous) & ~close, np.maximum(slope, 0.0),
                     np.where((s.latest < previous) & ~close, np.minimum(slope, 0.0), slope))
    return Projections(ok, s.latest_day, s.latest, slope, window_start, n_window, lower, upper)


class _Series:
    """Per-series facts of the flat observation arrays: series of each row, last row, latest point, baseline."""

    def __init__(self, counts: np.ndarray, days: np.ndarray, values: np.ndarray, b_value: np.ndarray,
                 b_day: np.ndarray):
        ends = np.cumsum(counts)
        self.has = counts > 0
        self.gid = np.repeat(np.arange(len(counts)), counts)
        first = np.where(self.has, ends - counts, 0)
        self.last = np.where(self.has, ends - 1, 0)
        self.latest_day, self.latest = days[self.last], values[self.last]
        self.b_value = np.where(np.isnan(b_value), values[first], b_value)
        self.b_day = np.where(np.isnan(b_day), days[first], np.nan_to_num(b_day)).astype(np.int64)


def _slopes(g: np.ndarray, x: np.ndarray, y: np.ndarray, m: int) -> np.ndarray:
    """Least-squares slope of each series' points (g: the series of each point); sums run point by point in order
    (bincount), so a series' slope does not depend on the other series computed with it."""
    n = np.bincount(g, minlength=m)
    with np.errstate(divide="ignore", invalid="ignore"):
        dx = x - (np.bincount(g, weights=x, minlength=m) / n)[g]
        dy = y - (np.bincount(g, weights=y, minlength=m) / n)[g]
        return np.bincount(g, weights=dx * dy, minlength=m) / np.bincount(g, weights=dx * dx, minlength=m)


def projection(observations: list[tuple[dt.date, float]], baseline_value: float | None = None,
               baseline_date: dt.date | None = None, lower_bound: float | None = None,
               upper_bound: float | None = None, window_years: int = WINDOW_YEARS) -> Projection | None:
    """The projection of a series by the rule in the module docstring; None when no line can be drawn."""
    obs = sorted((d, float(v)) for d, v in observations)
    if not obs:
        return None
    return projections([len(obs)], [d.toordinal() for d, _ in obs], [v for _, v in obs], [baseline_value],
                       [None if baseline_date is None else baseline_date.toordinal()], [lower_bound], [upper_bound],
                       window_years).get(0)
