"""Figures about My Number card issuance: the choropleth's values, comparator trends, the distribution at a date.

Pure builders (DataFrame -> figure or lists); no I/O and no Dash.
"""
from __future__ import annotations

import copy
import functools
import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from smartcity.figures.common import GEO_STYLE, base_layout, empty_figure, scale
from smartcity.figures.maps import choropleth, drawn_z
from smartcity.format import day_words
from smartcity.i18n import tr

GEO_NAMES = {"27000": ("大阪府", "Osaka Prefecture"), "13000": ("東京都", "Tokyo"), "00000": ("全国", "Japan")}
GEO_ORDER = ["27000", "13000", "00000"]
BIN_WIDTH = 2.0  # percentage points per histogram bar
MAP_WIDTH = 700  # the map's width the view is fitted to (what the card has on a laptop screen, conservatively)
ISSUANCE = scale("mynumber_issuance_rate")  # the same scale on every page and at every date, so maps compare


def geo_name(code: str, lang: str) -> str:
    """Name of a comparator geography in the page's language."""
    ja, en = GEO_NAMES[code]
    return tr(ja, en, lang)


def _name(row: Mapping, lang: str, with_pref: bool) -> str:
    ja, en = row.get("name_ja"), row.get("name_en")
    en = en if isinstance(en, str) and en else None
    pref = row.get("pref_name_en" if lang == "en" else "pref_name_ja") if with_pref else None
    if lang == "en":
        name = f"{en} ({ja})" if en else ja
        return f"{name}, {pref}" if isinstance(pref, str) and pref else name
    name = f"{ja}（{en}）" if en else ja
    return f"{pref} {name}" if isinstance(pref, str) and pref else name


def hover_names(codes: list[str], names: pd.DataFrame, lang: str, with_pref: bool = False) -> list[str]:
    """The part of each municipality's hover text that never changes, in the map's order: its names (and
    prefecture) from `names` (geo_code, name_ja, name_en[, pref_name_ja, pref_name_en]); the code when unnamed."""
    fields = [c for c in ("geo_code", "name_ja", "name_en", "pref_name_ja", "pref_name_en") if c in names]
    # column lists, not to_dict("records") (20 ms) or iterrows (0.7 s) for Japan's 1,741 municipalities
    rows = {r["geo_code"]: r for r in (dict(zip(fields, v)) for v in zip(*(names[c].tolist() for c in fields)))}
    out = []
    for code in codes:
        row = rows.get(code)
        name = _name(row, lang, with_pref) if row and isinstance(row.get("name_ja"), str) else None
        out.append(name or code)
    return out


def when_line(date, lang: str) -> str:
    """The first line of the date's hover figures: 「2022年9月30日時点」 / "As of 30 Sep 2022" ('' without a date)."""
    return tr(f"{day_words(date, 'ja')}時点", f"As of {day_words(date, 'en')}", lang) + "<br>" if date else ""


def hover_figures(rate, cards, population, lang: str, when: str = "") -> str:
    """The part of a municipality's hover text that changes with the date: `when` (when_line), rate, cards and
    population; says so when there is no figure."""
    if rate is None or pd.isna(rate):
        return when + tr("この時点のデータなし", "No data at this date", lang)
    return (when + tr("交付率", "Issuance rate", lang) + f" {rate:.2f} %<br>"
            + tr("交付枚数", "Cards issued", lang) + f" {int(cards):,}<br>"
            + tr("人口", "Population", lang) + f" {int(population):,}")


def date_values(codes: list[str], frame: pd.DataFrame, lang: str, date=None) -> tuple[list, list]:
    """The rates (None without a figure) and the date's hover figures in the map's order: all that a new date
    changes on the map (the geometry and the names stay)."""
    at = dict(zip(frame["geo_code"].tolist(), zip(frame["rate_pct"].tolist(), frame["cards_issued"].tolist(),
                                                  frame["population"].tolist())))
    when, rates, labels = when_line(date, lang), [], []
    for code in codes:
        rate, cards, population = at.get(code, (None, None, None))
        rate = None if rate is None or pd.isna(rate) else float(rate)
        rates.append(rate)
        labels.append(hover_figures(rate, cards, population, lang, when))
    return rates, labels


def map_values(codes: list[str], frame: pd.DataFrame, lang: str, with_pref: bool = False, date=None,
               names: pd.DataFrame | None = None) -> pd.DataFrame:
    """(geo_code, value, name, label) in the order of the map's codes: the rate (None without a figure), the
    municipality's names (from `names`, default the frame: hover_names) and the date's hover figures (date_values),
    for smartcity.figures.maps.choropleth's name_column."""
    rates, labels = date_values(codes, frame, lang, date)
    return pd.DataFrame({"geo_code": list(codes), "value": pd.Series(rates, dtype=object),
                         "name": hover_names(codes, frame if names is None else names, lang, with_pref),
                         "label": labels})


def map_z(values: list) -> list:
    """The z the map draws for these values: the rate, or the grey 'no data' slot of the issuance scale."""
    return drawn_z(values, ISSUANCE)


def issuance_map(boundaries: pd.DataFrame, values: pd.DataFrame, lang: str, height: int = 520,
                 width: int = MAP_WIDTH) -> go.Figure:
    """Choropleth of the issuance rate on its one scale (ISSUANCE: Cividis 0–100 %, the same at every date, for
    Osaka and Japan and on every page), no figure in grey with its own legend entry, fitted to the area's polygons;
    English readers get the boundary credit translated beside the required Japanese one. The names travel once (the
    trace's customdata); a new date patches `z` and `text` (date_values)."""
    if boundaries.empty:
        return empty_figure(tr("境界データがありません", "No boundary data", lang))
    fig = choropleth(boundaries, values, ISSUANCE.title(lang), height=height, width=width, lang=lang,
                     scale=ISSUANCE, name_column="name")
    fig.layout.meta["label"] = tr("マイナンバーカード交付率の地図", "Map of My Number card issuance rates", lang)
    return fig


def trend_figure(trend: pd.DataFrame, selected: str | None, lang: str) -> go.Figure:
    """Issuance rate of Osaka Prefecture, Tokyo and Japan over every snapshot; the selected date marked."""
    if trend.empty:
        return empty_figure(tr("推移のデータがありません", "No trend data", lang))
    fig = go.Figure()
    for code in GEO_ORDER:
        part = trend[trend["geo_code"] == code].sort_values("snapshot_date")
        if part.empty:
            continue
        style = GEO_STYLE[code]
        name = geo_name(code, lang)
        fig.add_trace(go.Scatter(
            x=part["snapshot_date"], y=part["rate_pct"], name=name, mode="lines+markers",
            line={"color": style["color"], "dash": style["dash"], "width": 2},
            marker={"symbol": style["symbol"], "size": 6, "color": style["color"]},
            customdata=part[["cards_issued", "population"]].to_numpy(),
            hovertemplate=(f"<b>{name}</b> %{{x|%Y-%m-%d}}<br>" + tr("交付率", "Rate", lang) + " %{y:.2f} %<br>"
                           + tr("交付枚数", "Cards", lang) + " %{customdata[0]:,}<br>"
                           + tr("人口", "Population", lang) + " %{customdata[1]:,}<extra></extra>"),
        ))
    if selected:
        line, note = selected_marker(selected, lang)
        fig.update_layout(shapes=[line], annotations=[note])
    fig.update_xaxes(title_text=tr("時点（算出基準日）", "Snapshot date", lang), tickformat="%Y")
    fig.update_yaxes(title_text=tr("交付率（%）", "Issuance rate (%)", lang), rangemode="tozero")
    return base_layout(fig, 380)


def selected_marker(selected: str, lang: str) -> tuple[dict, dict]:
    """The trend's mark of the selected date: a dotted vertical line and its label at the top, left of the line (the
    trend's only shape and annotation, so a new date replaces just these)."""
    x = pd.Timestamp(selected).timestamp() * 1000
    line = {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
            "line": {"color": "#555", "width": 1, "dash": "dot"}}
    note = {"text": tr("選択時点 ", "Selected ", lang) + selected, "x": x, "xref": "x", "y": 1, "yref": "y domain",
            "xanchor": "right", "yanchor": "top", "showarrow": False, "font": {"size": 11},
            "bgcolor": "rgba(255,255,255,0.85)"}
    return line, note


def histogram_bins(frame: pd.DataFrame, width: float = BIN_WIDTH) -> pd.DataFrame:
    """Municipalities per rate bin [start, end) of `width` points, from the lowest to the highest bin in use."""
    rates = frame["rate_pct"].dropna()
    if rates.empty:
        return pd.DataFrame({"bin_start": [], "bin_end": [], "municipalities": []})
    first, last = math.floor(rates.min() / width), math.floor(rates.max() / width)
    starts = [round(i * width, 6) for i in range(first, last + 1)]
    counts = pd.Series([math.floor(r / width) for r in rates]).value_counts()
    return pd.DataFrame({"bin_start": starts, "bin_end": [round(s + width, 6) for s in starts],
                         "municipalities": [int(counts.get(i, 0)) for i in range(first, last + 1)]})


def distribution_figure(bins: pd.DataFrame, references: pd.DataFrame, lang: str, area_label: str) -> go.Figure:
    """Municipalities per rate bin at the selected date, the axis fitted to the bins in use (and the comparators),
    with a line at each comparator's rate named in the legend (never a label over the bars)."""
    if bins.empty or bins["municipalities"].sum() == 0:
        return empty_figure(tr("この時点の市町村データがありません", "No municipal data at this date", lang))
    unit = tr("市町村", "municipalities", lang)
    bar = {"type": "bar", "x": ((bins["bin_start"] + bins["bin_end"]) / 2).tolist(),
           "y": bins["municipalities"].tolist(), "width": ((bins["bin_end"] - bins["bin_start"]) * 0.92).tolist(),
           "name": area_label, "marker": {"color": "#c9c9c9", "line": {"color": "#6b6b6b", "width": 1}},
           "customdata": bins[["bin_start", "bin_end"]].to_numpy().tolist(),
           "hovertemplate": "%{customdata[0]:.0f}–%{customdata[1]:.0f} %: %{y} " + unit + "<extra></extra>",
           "showlegend": False}
    refs = references.dropna(subset=["rate_pct"]).sort_values("rate_pct", ascending=False)
    lines = [_comparator_line(code, rate, lang) for code, rate in zip(refs["geo_code"], refs["rate_pct"])]
    base = copy.deepcopy(_base_layout())  # the figure never shares (and so never changes) the cached one
    # one figure from one description: validating it once costs a fifth of styling it step by step (a date change)
    return go.Figure({"data": [bar], "layout": {
        **base, "shapes": lines, "legend": {**base.get("legend", {}), "title": {"text": tr("縦線", "Lines", lang)}},
        "xaxis": {"title": {"text": tr("交付率（%）", "Issuance rate (%)", lang)}, "range": fitted_range(bins, refs),
                  "ticksuffix": " %"},
        "yaxis": {"title": {"text": tr("市町村数", "Municipalities", lang)}, "rangemode": "tozero"}}})


@functools.cache
def _base_layout() -> dict:
    """What base_layout sets on a 380-pixel chart, as a description (taken once from a figure it styled)."""
    layout = base_layout(go.Figure(), 380).to_plotly_json()["layout"]
    layout.pop("template", None)
    return layout


def _comparator_line(code: str, rate: float, lang: str) -> dict:
    """A comparator's rate as a vertical line across the histogram, named in the legend with its rate."""
    style = GEO_STYLE.get(code, {"color": "#333", "dash": "dash"})
    return {"type": "line", "x0": rate, "x1": rate, "y0": 0, "y1": 1, "yref": "paper", "showlegend": True,
            "line": {"color": style["color"], "dash": style["dash"], "width": 3},
            "name": f"{geo_name(code, lang)} {rate:.1f} %"}


def fitted_range(bins: pd.DataFrame, refs: pd.DataFrame) -> list[float]:
    """The x axis of the histogram: the bins in use and the comparators' rates, half a bin either side (a 0–100
    axis would squeeze the bars into a corner; the map and its colour bar keep the whole 0–100 % scale)."""
    lo = min([float(bins["bin_start"].min()), *refs["rate_pct"].tolist()])
    hi = max([float(bins["bin_end"].max()), *refs["rate_pct"].tolist()])
    return [max(0.0, lo - BIN_WIDTH / 2), min(100.0, hi + BIN_WIDTH / 2)]


def summary_text(trend: pd.DataFrame, date: str, lang: str) -> str:
    """One sentence: the comparators' rates at the selected date."""
    at = trend[trend["snapshot_date"] == pd.Timestamp(date)]
    if at.empty:
        return tr(f"{date} 時点のデータがありません。", f"No figures at {date}.", lang)
    parts = []
    for code in GEO_ORDER:
        row = at[at["geo_code"] == code]
        if row.empty:
            parts.append(tr(f"{geo_name(code, lang)} データなし", f"{geo_name(code, lang)}: no data", lang))
            continue
        r = row.iloc[0]
        parts.append(tr(f"{geo_name(code, 'ja')} {r.rate_pct:.2f} %（{int(r.cards_issued):,} 枚／{int(r.population):,} 人）",
                        f"{geo_name(code, 'en')} {r.rate_pct:.2f} % ({int(r.cards_issued):,} cards / "
                        f"{int(r.population):,} people)", lang))
    return tr(f"{date} 時点の交付率：", f"Issuance rate at {date}: ", lang) + tr("、", "; ", lang).join(parts) + \
        tr("。", ".", lang)
