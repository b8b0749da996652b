"""Figures and sentences about KPIs: sparklines, the summary of a policy group, and the indicator page's time series."""
from __future__ import annotations

from html import escape
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go

from common.trend import DAYS_PER_YEAR, Projection, projection
from smartcity.figures.common import GEO_STYLE, base_layout, empty_figure, with_source
from smartcity.format import number

UNIT_EN = {"municipalities": "municipalities", "percent": "%", "applications": "applications", "members": "members",
           "tablets": "tablets"}


SPARK_W, SPARK_H, SPARK_PAD = 300, 56, 5  # the drawing's units; the image is stretched to the tile's width


def sparkline(series: pd.DataFrame, label: str) -> str:
    """A tiny line of (period_end, value) as an SVG data URI: no axes, the last point marked, `label` as its title.

    Why not a Plotly graph: ten sparklines were the overview's only charts, and each made the browser load and run
    Plotly (4.5 MB) and the server build a figure; an image of a few hundred bytes draws at once."""
    points = series.dropna(subset=["value"]).sort_values("period_end")
    days = pd.to_datetime(points["period_end"]).map(pd.Timestamp.toordinal).astype(float).tolist()
    values = points["value"].astype(float).tolist()
    xs, ys = _scaled(days, SPARK_PAD, SPARK_W - SPARK_PAD), _scaled(values, SPARK_H - SPARK_PAD, SPARK_PAD)
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    last = f"{xs[-1]:.1f},{ys[-1]:.1f}" if xs else ""
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SPARK_W} {SPARK_H}" preserveAspectRatio="none">'
           f"<title>{escape(label)}</title>"
           f'<polyline points="{line}" fill="none" stroke="#0072B2" stroke-width="2" stroke-linejoin="round" '
           'vector-effect="non-scaling-stroke"/>'
           # a zero-length line with a round cap: a dot that stays round when the image is stretched
           f'<path d="M{last} l0,0" stroke="#0072B2" stroke-width="7" stroke-linecap="round" '
           'vector-effect="non-scaling-stroke"/></svg>')
    return "data:image/svg+xml;charset=utf-8," + quote(svg)


def _scaled(values: list[float], start: float, end: float) -> list[float]:
    """`values` mapped linearly onto start..end (a flat series sits in the middle)."""
    if not values:
        return []
    low, high = min(values), max(values)
    if high == low:
        return [(start + end) / 2] * len(values)
    return [start + (v - low) / (high - low) * (end - start) for v in values]


def value_text(value: float, unit: str, unit_ja: str, lang: str) -> str:
    """A value with its unit in the page's language."""
    text = number(value, unit)
    if unit == "percent":
        return f"{text} %"
    return f"{text} {unit_ja if lang == 'ja' else UNIT_EN.get(unit, unit)}"


def group_sentence(group: pd.DataFrame, series: pd.DataFrame, lang: str) -> str:
    """Plain facts about a group of indicators: latest value, as-of date and the change from the previous one."""
    parts = []
    for r in group.itertuples():
        points = series[series.indicator_id == r.indicator_id].sort_values("period_end")
        name = r.name_en if lang == "en" else r.name_ja
        if points.empty:
            parts.append(f"{name}: no observation yet" if lang == "en" else f"{name}は観測値がまだありません")
            continue
        last = points.iloc[-1]
        when = pd.Timestamp(last.period_end).date().isoformat()
        if r.unit == "municipalities":
            latest = (f"{number(last.value, r.unit)} of 43 municipalities" if lang == "en"
                      else f"43市町村中{number(last.value, r.unit)}市町村")
        else:
            latest = value_text(last.value, r.unit, r.unit_ja, lang)
        change = ""
        if len(points) > 1:
            diff = last.value - points.iloc[-2].value
            shown = f"{diff:+.1f} pt" if r.unit == "percent" else f"{diff:+,.0f}"
            change = f" ({shown} on the previous figure)" if lang == "en" else f"（前回から{shown}）"
        parts.append(f"{name}: {latest} as of {when}{change}" if lang == "en"
                     else f"{name}は{latest}（{when}時点）{change}")
    return ("; ".join(parts) + ".") if lang == "en" else ("。".join(parts) + "。")


# --- The indicator page: time series with baseline, target, straight path and least-squares projection ----------

MAIN_STYLE = {"color": "#D55E00", "dash": "solid", "symbol": "triangle-up"}  # a geography without its own style
PATH_STYLE = {"color": "#555555", "dash": "dashdot"}
PROJECTION_STYLE = {"color": "#009E73", "dash": "longdash"}
TARGET_COLOR = "#CC79A7"


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _day(value) -> pd.Timestamp | None:
    """A date-like value as a midnight Timestamp (None when missing)."""
    return None if _missing(value) else pd.Timestamp(value).normalize()


def years_between(start, end) -> float:
    """Years from start to end, counted in days / 365.25 as the ETL does."""
    return (pd.Timestamp(end) - pd.Timestamp(start)).days / DAYS_PER_YEAR


def unit_label(unit: str, unit_ja: str, lang: str) -> str:
    """The unit for an axis title: '％' / '%' for percentages, else the unit's word."""
    if unit == "percent":
        return "％" if lang == "ja" else "%"
    return unit_ja if lang == "ja" else UNIT_EN.get(unit, unit)


def _bound(value) -> float | None:
    return None if _missing(value) else float(value)


def projection_of(obs: pd.DataFrame, baseline_value: float | None = None, baseline_date=None,
                  lower_bound: float | None = None, upper_bound: float | None = None) -> Projection | None:
    """The projection of observations (period_end, value) by the one rule of common/trend.py, as etl/assessment.py
    computes it: the least-squares slope of the last two years, anchored at the latest observation, within the
    indicator's bounds. None when no line can be drawn."""
    points = [(pd.Timestamp(d).date(), float(v)) for d, v in zip(obs["period_end"], obs["value"])]
    b_date = _day(baseline_date)
    return projection(points, None if _missing(baseline_value) else float(baseline_value),
                      b_date.date() if b_date is not None else None, _bound(lower_bound), _bound(upper_bound))


def projection_points(assessment: pd.Series | dict, obs: pd.DataFrame, lower_bound: float | None = None,
                      upper_bound: float | None = None) -> pd.DataFrame:
    """The projection line as two points (period_end, value): from the start of its fit window to the target date,
    or to where it reaches a bound when that comes first. Empty when there is no target date or no line."""
    a = dict(assessment)
    t_date = _day(a.get("target_date"))
    proj = projection_of(obs, a.get("baseline_value"), a.get("baseline_date"), lower_bound, upper_bound) \
        if t_date is not None and len(obs) else None
    if proj is None:
        return pd.DataFrame({"period_end": [], "value": []})
    points = proj.points(t_date.date())
    return pd.DataFrame({"period_end": [pd.Timestamp(d) for d, _ in points], "value": [v for _, v in points]})


def _hover(values, unit: str, unit_ja: str, lang: str) -> list[str]:
    return [value_text(v, unit, unit_ja, lang) for v in values]


def precise_text(value: float, unit: str, unit_ja: str, lang: str) -> str:
    """Like value_text, but counts below 1,000 keep one decimal (a projection of 42.997 is not 43)."""
    if unit != "percent" and not _missing(value) and abs(value) < 1000:
        return f"{value:.1f} " + (unit_ja if lang == "ja" else UNIT_EN.get(unit, unit))
    return value_text(value, unit, unit_ja, lang)


def timeseries(obs: pd.DataFrame, assessment: pd.DataFrame, geo_code: str, unit: str, unit_ja: str, lang: str,
               source: str | None = None, height: int = 480, lower_bound: float | None = None,
               upper_bound: float | None = None) -> go.Figure:
    """The indicator over time at one geography, with comparators, baseline, target, path and projection.

    The projection line and the y axis stay within the indicator's bounds (lower_bound, upper_bound).

    obs: geo_code, geo_name_ja, geo_name_en, period_end, value (the geography and its comparators);
    assessment: 0 or 1 row (baseline_value/date, target_value/date, slope_per_year, projected_value).
    Series differ by dash and marker symbol as well as colour; every point's hover says what it is."""
    if obs.empty:
        return empty_figure("観測値がまだありません" if lang == "ja" else "No observation yet")
    name_col = "geo_name_en" if lang == "en" else "geo_name_ja"
    fig = go.Figure()
    shown = [geo_code] + [g for g in dict.fromkeys(obs["geo_code"]) if g != geo_code]
    main_obs = obs[obs["geo_code"] == geo_code].sort_values("period_end")
    for code in shown:
        pts = obs[obs["geo_code"] == code].sort_values("period_end")
        if pts.empty:
            continue
        main = code == geo_code
        style = GEO_STYLE.get(code, MAIN_STYLE)
        name = str(pts[name_col].iloc[0]) + ("" if main else ("（比較）" if lang == "ja" else " (comparison)"))
        fig.add_trace(go.Scatter(
            x=pts["period_end"], y=pts["value"], mode="lines+markers", name=name,
            line={"color": style["color"], "dash": style["dash"], "width": 3 if main else 1.6},
            marker={"symbol": style["symbol"], "size": 8 if main else 6, "color": style["color"]},
            customdata=_hover(pts["value"], unit, unit_ja, lang), meta={"geo_code": code, "role": "observed"},
            hovertemplate="%{fullData.name}<br>%{x|%Y-%m-%d}: %{customdata}<extra></extra>"))
    a = assessment.iloc[0] if len(assessment) else None
    b_value = None if a is None else a.get("baseline_value")
    b_date, t_date = (None, None) if a is None else (_day(a.get("baseline_date")), _day(a.get("target_date")))
    t_value = None if a is None else a.get("target_value")
    has_target = t_date is not None and not _missing(t_value)
    if has_target and b_date is not None and not _missing(b_value):
        fig.add_trace(go.Scatter(
            x=[b_date, t_date], y=[b_value, t_value], mode="lines",
            name="目標への直線経路" if lang == "ja" else "Straight path to target",
            line={"color": PATH_STYLE["color"], "dash": PATH_STYLE["dash"], "width": 1.6},
            customdata=_hover([b_value, t_value], unit, unit_ja, lang), meta={"role": "path"},
            hovertemplate=("経路 %{x|%Y-%m-%d}: %{customdata}" if lang == "ja" else
                           "Path %{x|%Y-%m-%d}: %{customdata}") + "<extra></extra>"))
        fig.add_trace(go.Scatter(
            x=[b_date], y=[b_value], mode="markers", name="基準値" if lang == "ja" else "Baseline",
            marker={"symbol": "circle-open", "size": 14, "color": PATH_STYLE["color"], "line": {"width": 2.5}},
            customdata=_hover([b_value], unit, unit_ja, lang), meta={"role": "baseline"},
            hovertemplate=("基準値 %{x|%Y-%m-%d}: %{customdata}" if lang == "ja" else
                           "Baseline %{x|%Y-%m-%d}: %{customdata}") + "<extra></extra>"))
    if has_target:
        label = ("目標 " if lang == "ja" else "Target ") + value_text(t_value, unit, unit_ja, lang)
        fig.add_trace(go.Scatter(
            x=[t_date], y=[t_value], mode="markers+text", name="目標" if lang == "ja" else "Target",
            marker={"symbol": "star", "size": 17, "color": TARGET_COLOR, "line": {"width": 1, "color": "#333"}},
            text=[label], textposition="top left", textfont={"size": 12, "color": "#333"}, cliponaxis=False,
            customdata=[label], meta={"role": "target"},
            hovertemplate="%{customdata}<br>%{x|%Y-%m-%d}<extra></extra>"))
        proj = projection_points(a, main_obs, lower_bound, upper_bound)
        if len(proj):
            end = precise_text(proj["value"].iloc[-1], unit, unit_ja, lang)
            fig.add_trace(go.Scatter(
                x=proj["period_end"], y=proj["value"], mode="lines+markers+text",
                name="予測（直近2年の最小二乗法）" if lang == "ja" else "Projection (least squares, last two years)",
                line={"color": PROJECTION_STYLE["color"], "dash": PROJECTION_STYLE["dash"], "width": 2},
                marker={"symbol": ["line-ns", "x"], "size": [0, 11], "color": PROJECTION_STYLE["color"],
                        "line": {"width": 2, "color": PROJECTION_STYLE["color"]}},
                text=["", ("予測 " if lang == "ja" else "Projected ") + end], textposition="bottom left",
                textfont={"size": 12, "color": "#333"}, cliponaxis=False,
                customdata=[precise_text(v, unit, unit_ja, lang) for v in proj["value"]], meta={"role": "projection"},
                hovertemplate=("予測 %{x|%Y-%m-%d}: %{customdata}" if lang == "ja" else
                               "Projection %{x|%Y-%m-%d}: %{customdata}") + "<extra></extra>"))
    xs = [pd.Timestamp(x) for tr_ in fig.data for x in tr_.x]
    pad = (max(xs) - min(xs)) * 0.05 if len(xs) > 1 else pd.Timedelta(days=90)
    pad = max(pad, pd.Timedelta(days=60))
    base_layout(fig, height)
    fig.update_layout(hovermode="closest", margin={"l": 64, "r": 24, "t": 96, "b": 84 if source else 56},
                      meta={"geo_code": geo_code})
    fig.update_xaxes(title_text="時点" if lang == "ja" else "Date", range=[min(xs) - pad, max(xs) + pad])
    ys = [float(y) for tr_ in fig.data for y in tr_.y if y is not None]
    fig.update_yaxes(title_text=unit_label(unit, unit_ja, lang), range=y_range(ys, lower_bound, upper_bound))
    if source:
        with_source(fig, source, shift=56)
    return fig


def y_range(ys: list[float], lower_bound: float | None = None, upper_bound: float | None = None) -> list[float]:
    """The y axis: the values and 0 with a margin, kept within the bounds plus 3 % of their span at most."""
    top, bottom = max(ys + [0.0]), min(ys + [0.0])
    low, high = bottom - 0.04 * (top - bottom), top + 0.12 * (top - bottom or 1)
    lower, upper = _bound(lower_bound), _bound(upper_bound)
    span = (upper - lower) if lower is not None and upper is not None else (top - bottom or 1)
    if upper is not None:
        high = min(high, upper + 0.03 * span)
    if lower is not None:
        low = max(low, lower - 0.03 * span)
    return [low, high]


def assessment_facts(assessment: pd.Series | dict, unit: str, unit_ja: str, lang: str) -> list[tuple[str, str]]:
    """The figures behind a status as (label, text) pairs in the page's language; '—' where missing."""
    a = dict(assessment)
    ja = lang == "ja"

    def val(key, precise=False):
        if _missing(a.get(key)):
            return "—"
        return (precise_text if precise else value_text)(a[key], unit, unit_ja, lang)

    def day(key):
        return "" if _missing(a.get(key)) else f"（{pd.Timestamp(a[key]).date().isoformat()}）" if ja else \
            f" ({pd.Timestamp(a[key]).date().isoformat()})"

    slope = a.get("slope_per_year")
    slope_text = "—" if _missing(slope) else (
        f"{slope:+.2f} ％ポイント/年" if ja else f"{slope:+.2f} percentage points a year") if unit == "percent" else (
        f"{slope:+,.2f} {unit_ja}/年" if ja else f"{slope:+,.2f} {UNIT_EN.get(unit, unit)} a year")
    progress = a.get("progress_ratio")
    progress_text = "—" if _missing(progress) else (
        f"{progress:.2f}（1 = 経路どおり、1 以上は経路より先行）" if ja else
        f"{progress:.2f} (1 = exactly on the path; above 1 = ahead of it)")
    stale = a.get("is_stale")
    as_of = "" if _missing(a.get("as_of")) else pd.Timestamp(a["as_of"]).date().isoformat()
    stale_text = "—" if _missing(stale) or _missing(a.get("latest_value")) else (
        (f"古い：最新の観測値が更新頻度に比べて古くなっています（評価基準日 {as_of}）" if ja else
         f"stale: the latest observation is older than its frequency allows (assessed as of {as_of})") if stale else
        (f"新しい（評価基準日 {as_of}）" if ja else f"current (assessed as of {as_of})"))
    return [
        ("最新値" if ja else "Latest value", val("latest_value") + day("latest_period_end")),
        ("基準値" if ja else "Baseline", val("baseline_value") + day("baseline_date")),
        ("目標" if ja else "Target", val("target_value") + day("target_date")),
        ("最新時点での経路上の値" if ja else "Path value at the latest date", val("path_value_at_latest", True)),
        ("目標期日での予測値" if ja else "Projection at the target date", val("projected_value", True)),
        ("趨勢の傾き" if ja else "Trend slope", slope_text),
        ("進捗比" if ja else "Progress ratio", progress_text),
        ("鮮度" if ja else "Freshness", stale_text),
    ]


def _tr(ja: str, en: str, lang: str) -> str:
    return en if lang == "en" else ja


def geo_options(geos: pd.DataFrame, lang: str, search: str | None = None, keep: str | None = None) -> list[dict]:
    """Select options: Osaka, Japan, Tokyo, Osaka's municipalities, then the rest by prefecture (under disabled
    headings). `search` keeps the areas whose name, prefecture or code contains it (plus `keep`, the current one)."""
    needle = (search or "").strip().lower()
    options, section = [], None
    for g in geos.itertuples():
        haystack = f"{g.geo_code} {g.name_ja} {g.name_en} {g.pref_name_ja} {g.pref_name_en}".lower()
        if needle and needle not in haystack and g.geo_code != keep:
            continue
        group = "top" if g.geo_code in ("27000", "00000", "13000") else "osaka" if g.is_osaka else "other"
        if group != section and group != "top":
            heading = (_tr("── 大阪府内の市町村 ──", "── Osaka's municipalities ──", lang) if group == "osaka" else
                       _tr("── その他の都道府県・市区町村（都道府県順）──",
                          "── Other prefectures and municipalities (by prefecture) ──", lang))
            options.append({"label": heading, "value": f"__{group}", "disabled": True})
        section = group
        name = g.name_en if lang == "en" else g.name_ja
        if g.geo_code == "00000":
            name = _tr("全国", "Japan (national)", lang)
        elif g.level not in ("prefecture", "nation") and not g.is_osaka:
            name = f"{name} ({g.pref_name_en})" if lang == "en" else f"{g.pref_name_ja} {name}"
        options.append({"label": f"{name}（{g.geo_code}）" if lang == "ja" else f"{name} ({g.geo_code})",
                        "value": g.geo_code})
    if needle and not [o for o in options if not o.get("disabled") and o["value"] != keep]:
        none = _tr(f"（「{search.strip()}」に該当する地域はありません）", f"(no area matches '{search.strip()}')", lang)
        options.append({"label": none, "value": "__none", "disabled": True})
    return options
