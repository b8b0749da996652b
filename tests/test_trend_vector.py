"""The vectorised projection (common/trend.py projections(), used by the ETL for thousands of series at once) against
the per-series API (projection(), used by the KPI chart) and against a plain reading of the rule in the module
docstring; and assess_many() against assess() (etl/assessment.py)."""
import datetime as dt
import math
import random

import numpy as np
import pytest

from common.trend import DAYS_PER_YEAR, projection, projections
from etl.assessment import Indicator, Target, assess, assess_many

D = dt.date


def _reference(observations, baseline_value=None, baseline_date=None, lower=None, upper=None, window_years=2):
    """The rule of common/trend.py's docstring, written out plainly for one series (np.polyfit for the slope):
    (anchor_date, anchor_value, slope, window_start, n_window, lower, upper), or None when no line can be drawn."""
    obs = sorted((d, float(v)) for d, v in observations)
    if not obs:
        return None
    b_date = baseline_date if baseline_date is not None else obs[0][0]
    b_value = float(baseline_value) if baseline_value is not None else obs[0][1]
    since = [(d, v) for d, v in obs if d >= b_date] or obs  # 1. since the baseline
    latest_date, latest = since[-1]
    if len(since) == 1:
        if b_date >= latest_date:
            return None
        window, previous = [(b_date, b_value), since[0]], b_value
    else:  # 2. the last window_years calendar years, at least two observations
        try:
            cutoff = latest_date.replace(year=latest_date.year - window_years)
        except ValueError:  # 29 February
            cutoff = latest_date.replace(year=latest_date.year - window_years, day=28)
        window = [(d, v) for d, v in since if d >= cutoff]
        window = window if len(window) >= 2 else since[-2:]
        previous = since[-2][1]
    xs = np.array([(d - window[0][0]).days / DAYS_PER_YEAR for d, _ in window])
    if np.ptp(xs) == 0:
        return None
    slope = float(np.polyfit(xs, [v for _, v in window], 1)[0])  # 3. least squares
    if latest > previous and not np.isclose(latest, previous):  # never against the latest change
        slope = max(slope, 0.0)
    elif latest < previous and not np.isclose(latest, previous):
        slope = min(slope, 0.0)
    bound = (lambda b: None if b is None or (isinstance(b, float) and math.isnan(b)) else float(b))
    return latest_date, latest, slope, window[0][0], len(window), bound(lower), bound(upper)


def _fields(p):
    return None if p is None else (p.anchor_date, p.anchor_value, p.slope_per_year, p.window_start, p.n_window,
                                   p.lower, p.upper)


def _random_series(rng: random.Random):
    """A series with the awkward cases over-represented: repeated dates, a flat or a single observation, a baseline
    before, inside or after the observations, missing or NaN bounds, 29 February."""
    n = rng.choice([0, 1, 1, 2, 2, 3, 4, 6, 12, 30])
    start = D(2016, 2, 29) if rng.random() < 0.1 else D(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 2500))
    gaps = [rng.choice([0, 1, 30, 91, 365, 366, rng.randint(0, 900)]) for _ in range(n)]
    days = [start + dt.timedelta(days=sum(gaps[:i])) for i in range(n)]
    if n and rng.random() < 0.1:
        days = [days[0]] * n  # no time span at all
    values = [rng.choice([rng.uniform(-10, 110), 50.0, 43.0, 0.0, round(rng.uniform(0, 100), 1)]) for _ in range(n)]
    obs = list(zip(days, values))
    rng.shuffle(obs)  # the per-series API takes them in any order
    baseline_value = rng.choice([None, None, rng.uniform(0, 100), 10.0])
    baseline_date = rng.choice([None, None, start - dt.timedelta(days=rng.randint(-1500, 900))])
    return obs, baseline_value, baseline_date, rng.choice([None, 0, float("nan"), 10]), rng.choice([None, 100, 43])


SERIES = [_random_series(random.Random(seed)) for seed in range(3000)]
EDGES = [
    ([(D(2024, 3, 31), 39.0)], 8.0, D(2023, 3, 31), 0, 43),            # single observation + separate baseline
    ([(D(2024, 3, 31), 39.0)], None, None, 0, 43),                     # single observation, no baseline: None
    ([(D(2024, 3, 31), 39.0)], 8.0, D(2024, 3, 31), 0, 43),            # baseline on the only date: None
    ([(D(2024, 3, 31), 39.0)], 8.0, D(2025, 3, 31), 0, 43),            # baseline after it: None
    ([(D(2022, 1, 1), 5.0), (D(2022, 1, 1), 7.0)], None, None, 0, 100),  # zero time span: None
    ([(D(2021, 3, 31), 8), (D(2022, 3, 31), 18), (D(2023, 3, 31), 32), (D(2024, 3, 31), 42)], None, None, 0, 43),
    ([(D(2022, 1, 1), 60.0), (D(2022, 7, 1), 40.0), (D(2023, 1, 1), 35.0), (D(2023, 7, 1), 38.0)], None, None, 0, 100),
    ([(D(2022, 1, 1), 10.0), (D(2022, 7, 1), 30.0), (D(2023, 1, 1), 50.0), (D(2023, 7, 1), 45.0)], None, None, 0, 100),
    ([(D(2022, 1, 1), 10.0), (D(2023, 1, 1), 10.000001)], None, None, 0, 100),  # a change within isclose: no clamp
    ([(D(2018, 12, 31), 46.5), (D(2022, 12, 31), 93.0)], None, None, 0, 100),   # past the upper bound by 2023
    ([(D(2020, 2, 29), 1.0), (D(2021, 6, 1), 2.0), (D(2022, 2, 28), 3.0)], None, None, None, None),
    ([(D(2019, 1, 1), 1.0), (D(2020, 1, 1), 2.0)], 0.0, D(2030, 1, 1), None, None),  # baseline after: all used
]


@pytest.mark.parametrize("case", EDGES + SERIES[:200])
def test_one_series_follows_the_rule(case):
    obs, b_value, b_date, lower, upper = case
    got, want = _fields(projection(obs, b_value, b_date, lower, upper)), _reference(obs, b_value, b_date, lower, upper)
    assert (got is None) == (want is None)
    if got is not None:
        assert got[:2] + got[3:] == want[:2] + want[3:]
        assert got[2] == pytest.approx(want[2], rel=1e-9, abs=1e-9)


def _flat(cases):
    """The cases as projections() takes them: counts, ordinals and values in runs sorted by (day, value)."""
    counts, days, values = [], [], []
    for obs, *_ in cases:
        ordered = sorted((d, float(v)) for d, v in obs)
        counts.append(len(ordered))
        days += [d.toordinal() for d, _ in ordered]
        values += [v for _, v in ordered]
    extra = [[c[i] for c in cases] for i in range(1, 5)]
    extra[1] = [None if d is None else d.toordinal() for d in extra[1]]
    return counts, days, values, extra


def test_many_series_at_once_give_the_numbers_of_each_alone():
    cases = EDGES + SERIES
    counts, days, values, (b_values, b_days, lowers, uppers) = _flat(cases)
    many = projections(counts, days, values, b_values, b_days, lowers, uppers)
    for i, (obs, b_value, b_date, lower, upper) in enumerate(cases):
        assert _fields(many.get(i)) == _fields(projection(obs, b_value, b_date, lower, upper)), i  # exactly


def test_many_series_at_once_follow_the_rule():
    counts, days, values, (b_values, b_days, lowers, uppers) = _flat(SERIES)
    many = projections(counts, days, values, b_values, b_days, lowers, uppers)
    drawn = 0
    for i, case in enumerate(SERIES):
        got, want = _fields(many.get(i)), _reference(*case)
        assert (got is None) == (want is None), i
        if got is not None:
            drawn += 1
            assert got[:2] + got[3:] == want[:2] + want[3:], i
            assert got[2] == pytest.approx(want[2], rel=1e-9, abs=1e-9), i
    assert 1000 < drawn < len(SERIES)  # the sample has lines and series without one


def test_no_series_and_series_without_observations():
    assert len(projections([], [], []).ok) == 0
    empty = projections([0, 0], [], [], [5.0, None], [D(2020, 1, 1).toordinal(), None])
    assert empty.get(0) is None and empty.get(1) is None


def test_edge_cases_by_the_rule():
    single = projection([(D(2024, 3, 31), 39.0)], 8.0, D(2023, 3, 31), 0, 43)
    assert (single.window_start, single.n_window) == (D(2023, 3, 31), 2)
    assert single.slope_per_year == pytest.approx(31 / (366 / DAYS_PER_YEAR))
    assert projection([(D(2024, 3, 31), 39.0)], None, None, 0, 43) is None
    assert projection([(D(2022, 1, 1), 5.0), (D(2022, 1, 1), 7.0)]) is None  # zero time span
    clamped = projection([(D(2018, 12, 31), 46.5), (D(2022, 12, 31), 93.0)], lower_bound=0, upper_bound=100)
    assert clamped.value_at(D(2030, 1, 1)) == 100 and clamped.points(D(2030, 1, 1))[-1][1] == 100
    rise = projection([(D(2022, 1, 1), 60.0), (D(2022, 7, 1), 40.0), (D(2023, 1, 1), 35.0), (D(2023, 7, 1), 38.0)])
    fall = projection([(D(2022, 1, 1), 10.0), (D(2022, 7, 1), 30.0), (D(2023, 1, 1), 50.0), (D(2023, 7, 1), 45.0)])
    assert rise.slope_per_year == 0 and fall.slope_per_year == 0  # the window's trend against the latest change
    nan_bounds = projection([(D(2019, 1, 1), 1.0), (D(2020, 1, 1), 2.0)], lower_bound=float("nan"))
    assert nan_bounds.lower is None and nan_bounds.upper is None


def _indicator(rng: random.Random) -> Indicator:
    target = rng.choice([None, Target(100.0, D(2023, 3, 31)), Target(43.0, D(2026, 3, 31), 8.0, D(2021, 3, 31)),
                         Target(2.0, D(2026, 1, 1)), Target(50.0, D(2019, 6, 30), None, D(2016, 1, 1))])
    return Indicator(target, rng.choice(["increase", "decrease"]), rng.choice(["monthly", "annual", "irregular"]),
                     *rng.choice([("percent", "％", 0, 100), ("municipalities", "市町村", 0, 43), ("", "", None, None)]))


def test_assessing_many_series_at_once_equals_assessing_each():
    rng = random.Random(7)
    on_track = Indicator(Target(43.0, D(2026, 3, 31)), "increase", "annual", "municipalities", "市町村", 0, 43)
    cases = [(obs, _indicator(rng)) for obs, *_ in SERIES[:1500]] + [(EDGES[5][0], on_track), ([], on_track)]
    counts, days, values, _ = _flat([(obs,) + (None,) * 4 for obs, _ in cases])
    as_of = D(2024, 6, 30)
    many = assess_many(counts, days, values, [ind for _, ind in cases], as_of)
    statuses = set()
    for (obs, ind), got in zip(cases, many):
        alone = assess(obs, ind.target, ind.direction, ind.frequency, as_of, ind.unit, ind.unit_ja,
                       ind.lower_bound, ind.upper_bound)
        assert got.as_row() == alone.as_row()
        statuses.add(got.status)
    assert statuses >= {"achieved", "on_track", "off_track", "regressing", "awaiting_data", "not_assessable"}
