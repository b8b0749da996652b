"""KPI assessment: status from a straight-line projection compared with the path from baseline to target.

The rules (also in docs/assessment.md):
1. No target -> not_assessable; no observation -> not_assessable.
2. Baseline = the target row's baseline, else the first observation.
3. achieved: the latest value meets the target (>= for 'increase', <= for 'decrease').
4. regressing: not achieved and the latest value is worse than the previous one.
5. The trend line is a least-squares fit of the observations since the baseline (with one point: the line
   from the baseline to it). projected_value = the line at the target date.
6. on_track: the projection meets the target.
7. at_risk: the projection misses, but the latest value is on or ahead of the straight path from baseline to
   target (progress_ratio >= 1), or the projection covers at least 90 % of the change the target asks for.
8. off_track: otherwise (also when the target date has passed with an observation after it and not achieved).
9. not_assessable also when there is a single observation and no separate baseline (no trend can be drawn).
Stale: the latest observation is older than the indicator's frequency allows (monthly 93 days, annual 550,
irregular 730) at the as-of date.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import numpy as np

from common.trend import trend_line, years_between as _years

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
        """Plain dict for a DataFrame row."""
        return asdict(self)


def _meets(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == "increase" else value <= target


def assess(observations: list[tuple[dt.date, float]], target: Target | None, direction: str, frequency: str,
           as_of: dt.date) -> Assessment:
    """Assess one series (sorted or not) against its target."""
    obs = sorted(observations)
    if not obs:
        return Assessment("not_assessable", "no observation yet", "観測値がまだありません",
                          **_target_fields(target))
    latest_date, latest = obs[-1]
    previous = obs[-2][1] if len(obs) > 1 else None
    stale = (as_of - latest_date).days > STALE_DAYS[frequency]
    trend = None if previous is None else ("flat" if np.isclose(latest, previous) else
                                           "up" if latest > previous else "down")
    base = dict(n_observations=len(obs), latest_value=latest, latest_period_end=latest_date,
                previous_value=previous, trend=trend, is_stale=stale)
    if target is None:
        return Assessment("not_assessable", "no target set for this indicator", "目標が設定されていません", **base)
    b_value = target.baseline_value if target.baseline_value is not None else obs[0][1]
    b_date = target.baseline_date if target.baseline_date is not None else obs[0][0]
    fit = trend_line(obs, b_value, b_date)
    slope = fit[1] if fit else None
    projected = fit[0] + fit[1] * _years(b_date, target.target_date) if fit else None
    span = _years(b_date, target.target_date)
    path = b_value + (target.target_value - b_value) * min(_years(b_date, latest_date) / span, 1.0) if span > 0 else None
    change = target.target_value - b_value
    progress = (latest - b_value) / (path - b_value) if path is not None and not np.isclose(path, b_value) else None
    ratio = latest / target.target_value if target.target_value else None
    fields = dict(base, slope_per_year=slope, baseline_value=b_value, baseline_date=b_date,
                  target_value=target.target_value, target_date=target.target_date, path_value_at_latest=path,
                  projected_value=projected, value_target_ratio=ratio, progress_ratio=progress)
    return Assessment(*_status(latest, previous, projected, progress, change, b_value, target, direction,
                               latest_date), **fields)


def _status(latest, previous, projected, progress, change, b_value, target, direction, latest_date):
    """(status, reason_en, reason_ja) by the rules in the module docstring."""
    tv = target.target_value
    if _meets(latest, tv, direction):
        return "achieved", f"latest value {latest:g} meets the target {tv:g}", f"最新値 {latest:g} が目標 {tv:g} に達しています"
    if previous is not None and not np.isclose(latest, previous) and _meets(previous, latest, direction) is True \
            and not _meets(latest, previous, direction):
        return ("regressing", f"latest value {latest:g} is worse than the previous {previous:g}",
                f"最新値 {latest:g} が前回 {previous:g} より悪化しています")
    if latest_date >= target.target_date:
        return ("off_track", f"the target date {target.target_date} has passed without reaching {tv:g}",
                f"目標期日 {target.target_date} を過ぎても {tv:g} に達していません")
    if projected is not None and _meets(projected, tv, direction):
        return ("on_track", f"the trend projects {projected:.4g} by {target.target_date}, meeting the target {tv:g}",
                f"趨勢を延ばすと {target.target_date} に {projected:.4g} となり目標 {tv:g} に達する見込みです")
    covered = (projected - b_value) / change if projected is not None and change else None
    if (progress is not None and progress >= 1) or (covered is not None and covered >= NEAR_MISS):
        return ("at_risk", f"on or near the path, but the trend projects {projected:.4g} against the target {tv:g}",
                f"経路上またはその近くにありますが、趨勢では {projected:.4g} で目標 {tv:g} に届きません")
    if projected is None:
        return ("not_assessable", "one observation and no separate baseline: no trend can be drawn yet",
                "観測値が1つで基準値もないため、趨勢を判定できません")
    return ("off_track", f"the trend projects {projected:.4g} by {target.target_date}, short of the target {tv:g}",
            f"趨勢では {projected:.4g}（{target.target_date}）で、目標 {tv:g} に届きません")


def _target_fields(target: Target | None) -> dict:
    if target is None:
        return {}
    return dict(baseline_value=target.baseline_value, baseline_date=target.baseline_date,
                target_value=target.target_value, target_date=target.target_date)
