"""Figures and sentences about KPIs: sparklines and the generated summary of a policy group."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from smartcity.format import number

UNIT_EN = {"municipalities": "municipalities", "percent": "%", "applications": "applications", "members": "members",
           "tablets": "tablets"}


def sparkline(series: pd.DataFrame, label: str) -> go.Figure:
    """A tiny line of (period_end, value): no axes, last point marked; a title for screen readers."""
    fig = go.Figure(go.Scatter(x=series["period_end"], y=series["value"], mode="lines+markers",
                               line={"width": 2, "color": "#0072B2"},
                               marker={"size": [0] * (len(series) - 1) + [7], "color": "#0072B2"},
                               hoverinfo="skip"))
    fig.update_layout(height=56, margin={"l": 2, "r": 6, "t": 4, "b": 4}, showlegend=False,
                      template="plotly_white", meta={"label": label})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


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
