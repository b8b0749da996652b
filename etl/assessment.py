"""KPI assessment: the status of one series against its target, with one clear sentence saying why.

The rules (also in docs/assessment.md), checked in this order:
1. not_assessable: no observation yet, or no target.
2. achieved: the latest value meets the target (>= for 'increase', <= for 'decrease').
3. regressing: the latest value is worse than the previous one.
4. off_track: an observation on or after the target date has not met it.
5. The projection (common/trend.py, the one rule the KPI chart draws too): the least-squares slope of the
   observations of the last two years (at least the last two observations; with a single observation since the
   baseline, the baseline and it), never against the latest change (after a rise the slope is >= 0, after a fall
   <= 0), anchored at the latest observation and clamped to the indicator's bounds (lower_bound, upper_bound).
   projected_value = that line at the target date; the reason says when it reaches the target (the fiscal year
   for annual data, else the month), never a value past a bound.
6. Awaiting data: when the latest observation is stale (older than its frequency allows at the as-of date:
   monthly 93 days, annual 550, irregular 730) or the target date has passed with no observation on or after it,
   a favourable verdict cannot rest on the old data: what would be on_track or at_risk is awaiting_data
   (データ更新待ち), its reason naming the latest observation; so is a single observation with no separate baseline.
   regressing and off_track stand (the last data already show the shortfall) and their reason says the data end there.
7. not_assessable: a single observation and no separate baseline (no trend can be drawn).
8. on_track: the projection meets the target by the target date.
9. at_risk: the projection misses, but the latest value is on or ahead of the straight path from baseline to target
   (progress_ratio >= 1), or the projection covers at least 90 % of the change the target asks for.
10. off_track: otherwise.
Every number in a reason carries its unit (assess() takes the indicator's unit and unit_ja).
assess_many() assesses thousands of series at once (the build), the projections vectorised; assess() is the same
computation for one series.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from common.trend import Projection, projections, years_between as _years

STALE_DAYS = {"monthly": 93, "annual": 550, "irregular": 730}
NEAR_MISS = 0.9


@dataclass(frozen=True)
class Target:
    """Baseline (optional) and target of one indicator for one geography."""

    target_value: float
    target_date: dt.date
    baseline_value: float | None = None
    baseline_date: dt.date | None = None


@dataclass
class Assessment:
    """The computed assessment of one indicator for one geography."""

    status: str
    reason_en: str
    reason_ja: str
    n_observations: int = 0
    latest_value: float | None = None
    latest_period_end: dt.date | None = None
    previous_value: float | None = None
    trend: str | None = None
    slope_per_year: float | None = None
    baseline_value: float | None = None
    baseline_date: dt.date | None = None
    target_value: float | None = None
    target_date: dt.date | None = None
    path_value_at_latest: float | None = None
    projected_value: float | None = None
    value_target_ratio: float | None = None
    progress_ratio: float | None = None
    is_stale: bool = False

    def as_row(self) -> dict:
        """Plain dict for a DataFrame row (every field is a scalar: no deep copy as dataclasses.asdict makes)."""
        return dict(self.__dict__)


def _close(a: float, b: float) -> bool:
    """numpy.isclose with its default tolerances, for two floats (numpy's costs 50 µs a call, 7,000 calls a build)."""
    return abs(a - b) <= 1e-8 + 1e-5 * abs(b)


def _meets(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == "increase" else value <= target


@dataclass(frozen=True)
class _Text:
    """Numbers and dates in a reason, in one language, with units."""

    lang: str
    unit: str
    unit_ja: str
    frequency: str

    def q(self, value: float) -> str:
        """A value with its unit: '49.7 %', '42市町村', '42 municipalities', '30.5市町村'."""
        if self.unit == "percent":
            return f"{value:.1f} %"
        text = f"{value:,.0f}" if _close(value, round(value)) else f"{value:,.1f}"
        unit = self.unit_ja if self.lang == "ja" else self.unit
        return f"{text}{unit}" if self.lang == "ja" else f"{text} {unit}".rstrip()

    def when(self, day: dt.date) -> str:
        """When a projection reaches a value: the fiscal year for annual data, else the month."""
        if self.frequency == "annual":
            fiscal = day.year if day.month >= 4 else day.year - 1
            return f"{fiscal}年度中" if self.lang == "ja" else f"in FY{fiscal}"
        return f"{day.year}年{day.month}月" if self.lang == "ja" else f"in {day:%B %Y}"


@dataclass(frozen=True)
class Indicator:
    """What an assessment takes besides the observations: the target, the indicator's direction, frequency, units
    and bounds."""

    target: Target | None
    direction: str
    frequency: str
    unit: str = ""
    unit_ja: str = ""
    lower_bound: float | None = None
    upper_bound: float | None = None


def assess(observations: list[tuple[dt.date, float]], target: Target | None, direction: str, frequency: str,
           as_of: dt.date, unit: str = "", unit_ja: str = "", lower_bound: float | None = None,
           upper_bound: float | None = None) -> Assessment:
    """Assess one series (sorted or not) against its target; unit/unit_ja label the numbers of the reason, the
    bounds keep the projection within the indicator's range."""
    obs = sorted(observations)
    return assess_many([len(obs)], [d.toordinal() for d, _ in obs], [v for _, v in obs],
                       [Indicator(target, direction, frequency, unit, unit_ja, lower_bound, upper_bound)], as_of)[0]


def assess_many(counts, days, values, indicators: list[Indicator], as_of: dt.date) -> list[Assessment]:
    """Assess many series at once: counts, days (date ordinals) and values as common/trend.py's projections() takes
    them (each series sorted by day, then value), one Indicator per series. The projections and the facts every
    series has (latest, previous, trend, staleness) are computed in one vectorised pass; the status and reason of
    each series with a target by the rules above."""
    counts, days, values = np.asarray(counts, dtype=np.int64), np.asarray(days, dtype=np.int64), np.asarray(values)
    targets = [i.target for i in indicators]
    projected = projections(counts, days, values, [t and t.baseline_value for t in targets],
                            [t.baseline_date.toordinal() if t and t.baseline_date else None for t in targets],
                            [i.lower_bound for i in indicators], [i.upper_bound for i in indicators])
    facts = _Facts(counts, days, values, [STALE_DAYS[i.frequency] for i in indicators], as_of)
    out = []
    for i, ind in enumerate(indicators):
        if not facts.n[i]:
            out.append(Assessment("not_assessable", "no observation yet", "観測値がまだありません",
                                  **_target_fields(ind.target)))
        elif ind.target is None:
            out.append(Assessment("not_assessable", "no target set for this indicator", "目標が設定されていません",
                                  **facts.base(i)))
        else:
            out.append(_assess(facts.points(i), facts.base(i), ind, as_of, projected.get(i)))
    return out


class _Facts:
    """Per series, as Python lists: count, first and latest observations, previous value, trend, staleness."""

    def __init__(self, counts: np.ndarray, days: np.ndarray, values: np.ndarray, stale_days: list[int],
                 as_of: dt.date):
        ends = np.cumsum(counts)
        last, first, prev = (np.clip(ix, 0, max(len(days) - 1, 0)) for ix in (ends - 1, ends - counts, ends - 2))
        pad_d, pad_v = (np.append(a, a[:1] if len(a) else [0]) for a in (days, values))  # no observation at all
        latest, previous = pad_v[last], np.where(counts > 1, pad_v[prev], np.nan)
        close = np.abs(latest - previous) <= 1e-8 + 1e-5 * np.abs(previous)  # _close(), for every series
        self.n, self.latest, self.latest_day = counts.tolist(), latest.tolist(), pad_d[last].tolist()
        self.first, self.first_day = pad_v[first].tolist(), pad_d[first].tolist()
        self.previous = [None if n < 2 else v for n, v in zip(self.n, previous.tolist())]
        self.trend = np.where(counts < 2, None, np.where(close, "flat", np.where(latest > previous, "up", "down"))
                              ).tolist()
        self.stale = (as_of.toordinal() - pad_d[last] > np.array(stale_days, dtype=np.int64)).tolist()

    def base(self, i: int) -> dict:
        """The fields of series i's assessment that need no target."""
        return dict(n_observations=self.n[i], latest_value=self.latest[i],
                    latest_period_end=dt.date.fromordinal(self.latest_day[i]), previous_value=self.previous[i],
                    trend=self.trend[i], is_stale=self.stale[i])

    def points(self, i: int) -> _Points:
        """What the rules read of series i."""
        return _Points(self.n[i], dt.date.fromordinal(self.first_day[i]), self.first[i], self.previous[i],
                       dt.date.fromordinal(self.latest_day[i]), self.latest[i])


class _Points(NamedTuple):
    """What the rules read of a series: its length, first, previous and latest observations."""

    n: int
    first_date: dt.date
    first: float
    previous: float | None
    latest_date: dt.date
    latest: float


def _assess(p: _Points, base: dict, ind: Indicator, as_of: dt.date, proj: Projection | None) -> Assessment:
    """The assessment of one series with observations and a target, given its projection."""
    target = ind.target
    b_value = target.baseline_value if target.baseline_value is not None else p.first
    b_date = target.baseline_date if target.baseline_date is not None else p.first_date
    projected = proj.value_at(target.target_date) if proj else None
    span = _years(b_date, target.target_date)
    path = (b_value + (target.target_value - b_value) * min(_years(b_date, p.latest_date) / span, 1.0)
            if span > 0 else None)
    progress = (p.latest - b_value) / (path - b_value) if path is not None and not _close(path, b_value) else None
    ratio = p.latest / target.target_value if target.target_value else None
    fields = dict(base, slope_per_year=proj.slope_per_year if proj else None, baseline_value=b_value,
                  baseline_date=b_date, target_value=target.target_value, target_date=target.target_date,
                  path_value_at_latest=path, projected_value=projected, value_target_ratio=ratio,
                  progress_ratio=progress)
    unobserved = as_of > target.target_date and p.latest_date < target.target_date
    status, en, ja = _status(p, proj, projected, progress, b_value, target, ind.direction, base["is_stale"],
                             unobserved, as_of, _texts(ind.unit, ind.unit_ja, ind.frequency))
    return Assessment(status, en, ja, **fields)


@functools.lru_cache(maxsize=None)
def _texts(unit: str, unit_ja: str, frequency: str) -> dict[str, _Text]:
    """The reason's wording in both languages for one indicator's units and frequency."""
    return {lang: _Text(lang, unit, unit_ja, frequency) for lang in ("ja", "en")}


def _status(p: _Points, proj: Projection | None, projected: float | None, progress, b_value, target: Target,
            direction, stale: bool, unobserved: bool, as_of: dt.date, texts: dict) -> tuple[str, str, str]:
    """(status, reason_en, reason_ja) by the rules in the module docstring (projected: the projection at the target
    date)."""
    latest_date, latest, previous = p.latest_date, p.latest, p.previous
    tv, td = target.target_value, target.target_date
    J, E = texts["ja"], texts["en"]
    at_ja, at_en = f"{J.q(latest)}（{latest_date}）", f"{E.q(latest)} on {latest_date}"
    if _meets(latest, tv, direction):
        return ("achieved", f"the latest value, {at_en}, meets the target of {E.q(tv)}",
                f"最新値 {at_ja}が目標 {J.q(tv)} に達しています")
    # the data end long ago, or the target date has passed without an observation: say so
    note_ja = ("（目標期日以降の観測値はまだありません）" if unobserved else
               f"（評価基準日 {as_of} までにこれより新しい観測値はありません）" if stale else "")
    note_en = (" (there is no observation since the target date yet)" if unobserved else
               f" (no newer observation as of {as_of})" if stale else "")
    if previous is not None and not _close(latest, previous) and not _meets(latest, previous, direction):
        return ("regressing", f"the latest value, {at_en}, is worse than the previous {E.q(previous)}{note_en}",
                f"最新値 {at_ja}が前回の {J.q(previous)} より悪化しています{note_ja}")
    if latest_date >= td:
        return ("off_track", f"the observation of {latest_date}, after the target date {td}, is {E.q(latest)}, "
                             f"short of the target of {E.q(tv)}",
                f"目標期日 {td} を過ぎた {latest_date} の観測値 {J.q(latest)} が目標 {J.q(tv)} に届いていません")
    waiting = unobserved or stale  # a favourable verdict cannot rest on these data: _awaiting() says so
    if proj is None:
        if waiting:
            return _awaiting(p, td, tv, unobserved, as_of, texts)
        return ("not_assessable", f"only one observation ({at_en}) and no separate baseline, so no trend can be "
                                  "drawn yet",
                f"観測値が {latest_date} の {J.q(latest)} の1つだけで基準値もないため、趨勢を引けません")
    if _meets(projected, tv, direction):
        if waiting:
            return _awaiting(p, td, tv, unobserved, as_of, texts)
        reach = proj.date_reaching(tv) or td
        return ("on_track", f"extending the recent trend from the latest value ({at_en}), it reaches the target "
                            f"of {E.q(tv)} {E.when(reach)}, before the target date {td}",
                f"最新値 {at_ja}から直近の趨勢を延ばすと、{J.when(reach)}に目標 {J.q(tv)} に達する見込みです"
                f"（目標期日 {td}）")
    change = tv - b_value
    covered = (projected - b_value) / change if change else None
    if (progress is not None and progress >= 1) or (covered is not None and covered >= NEAR_MISS):
        if waiting:
            return _awaiting(p, td, tv, unobserved, as_of, texts)
        return ("at_risk", f"the latest value ({at_en}) is on or near the path to the target, but the recent trend "
                           f"reaches only {E.q(projected)} by {td}, short of the target of {E.q(tv)}",
                f"最新値 {at_ja}は目標への経路上またはその近くにありますが、直近の趨勢では {td} に "
                f"{J.q(projected)} で、目標 {J.q(tv)} に届きません")
    return ("off_track", f"extending the recent trend from the latest value ({at_en}) gives {E.q(projected)} by {td}, "
                         f"short of the target of {E.q(tv)}{note_en}",
            f"最新値 {at_ja}から直近の趨勢を延ばしても {td} に {J.q(projected)} で、目標 {J.q(tv)} に"
            f"届きません{note_ja}")


def _awaiting(p: _Points, td: dt.date, tv: float, unobserved: bool, as_of: dt.date,
              texts: dict) -> tuple[str, str, str]:
    """The awaiting_data status and reason: no observation since the target date, or the latest is out of date."""
    J, E = texts["ja"], texts["en"]
    at_en = f"{E.q(p.latest)} on {p.latest_date}"
    if unobserved:
        return ("awaiting_data", f"awaiting new data: there is no observation since the target date {td} (the latest "
                                 f"is {at_en}), so whether the target of {E.q(tv)} was met waits for new data",
                f"データ更新待ち：目標期日 {td} 以降の観測値がなく（最新は {p.latest_date} の {J.q(p.latest)}）、目標 "
                f"{J.q(tv)} に達したかどうかは新しいデータで判定します")
    return ("awaiting_data", f"awaiting new data: the latest observation ({at_en}) is out of date as of {as_of}, so no "
                             "status is given until new data arrive",
            f"データ更新待ち：最新の観測値は {p.latest_date} の {J.q(p.latest)} で、評価基準日 {as_of} には古いため、"
            "新しいデータが入るまで判定しません")


def _target_fields(target: Target | None) -> dict:
    if target is None:
        return {}
    return dict(baseline_value=target.baseline_value, baseline_date=target.baseline_date,
                target_value=target.target_value, target_date=target.target_date)
