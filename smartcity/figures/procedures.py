"""Figures about online procedures: the eleven procedures (dot plot), three services 2018 → 2022 (dumbbell), and the
prefecture's online applications (bars). Pure builders: DataFrame in, figure or DataFrame out."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from smartcity.figures.common import GEO_STYLE, base_layout, empty_figure
from smartcity.i18n import tr

GEO_NAMES = {"27000": ("大阪府", "Osaka Prefecture"), "00000": ("全国", "Japan"), "13000": ("東京都", "Tokyo")}
GEO_ORDER = ["27000", "00000", "13000"]  # Osaka first, then its two comparators
GEO_KEYS = {"27000": "osaka", "00000": "japan", "13000": "tokyo"}
MEASURES = {"adoption": ("adoption_rate_pct", "市町村導入率", "Municipal adoption rate"),
            "online": ("online_rate_pct", "オンライン手続き率", "Online-procedure rate")}
SORTS = ("osaka", "japan", "gap", "name")


def geo_name(code: str, lang: str) -> str:
    """Name of a geography in the page's language."""
    ja, en = GEO_NAMES[code]
    return tr(ja, en, lang)


def procedure_table(rates: pd.DataFrame, measure: str, sort: str, lang: str) -> pd.DataFrame:
    """One row per procedure: Osaka, Japan and Tokyo for the measure, the gap Osaka−Japan, Osaka's 済/未 counts;
    sorted (rates and gap: highest first; name: alphabetical in the page's language)."""
    column = MEASURES[measure][0]
    if rates.empty:
        return pd.DataFrame(columns=["procedure_id", "procedure", "user_type", "osaka", "japan", "tokyo", "gap",
                                     "osaka_with", "osaka_without"])
    first = rates.drop_duplicates("procedure_id").set_index("procedure_id")
    wide = rates.pivot_table(index="procedure_id", columns="geo_code", values=column, aggfunc="first", dropna=False)
    osaka = rates[rates["geo_code"] == "27000"].set_index("procedure_id")
    out = pd.DataFrame({"procedure_id": first.index})
    out["procedure"] = [first.at[p, "procedure_en" if lang == "en" else "procedure_ja"] or first.at[p, "procedure_ja"]
                        for p in out["procedure_id"]]
    out["user_type"] = [first.at[p, "user_type_en" if lang == "en" else "user_type_ja"] for p in out["procedure_id"]]
    for code, key in GEO_KEYS.items():
        out[key] = [wide.at[p, code] if code in wide.columns and p in wide.index else None for p in out["procedure_id"]]
        out[key] = pd.to_numeric(out[key], errors="coerce")
    out["gap"] = (out["osaka"] - out["japan"]).round(1)
    for key in ("osaka_with", "osaka_without"):
        out[key] = [osaka.at[p, key] if p in osaka.index else None for p in out["procedure_id"]]
        out[key] = pd.array(out[key], dtype="Int64")
    order = {"osaka": (["osaka", "japan"], False), "japan": (["japan", "osaka"], False), "gap": (["gap"], False),
             "name": (["procedure"], True)}[sort if sort in SORTS else "osaka"]
    return out.sort_values(order[0], ascending=order[1], na_position="last", kind="stable").reset_index(drop=True)


def procedure_dots(table: pd.DataFrame, measure: str, lang: str) -> go.Figure:
    """Dot plot: one row per procedure (in the table's order, top to bottom), one marker per geography; the
    geographies differ by symbol and by a small vertical offset as well as by colour."""
    if table.empty:
        return empty_figure(tr("手続きのデータがありません", "No procedure data", lang))
    label = tr(MEASURES[measure][1], MEASURES[measure][2], lang)
    n = len(table)
    fig = go.Figure()
    offsets = {"27000": -0.22, "00000": 0.0, "13000": 0.22}
    # a faint line from the lowest to the highest value of each row, so the spread reads at a glance
    xs, ys = [], []
    for i, row in table.iterrows():
        vals = [v for v in (row["osaka"], row["japan"], row["tokyo"]) if pd.notna(v)]
        if len(vals) > 1:
            xs += [min(vals), max(vals), None]
            ys += [i, i, None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#c8c8c8", "width": 6}, hoverinfo="skip",
                             showlegend=False))
    for code in GEO_ORDER:
        key, style, name = GEO_KEYS[code], GEO_STYLE[code], geo_name(code, lang)
        values = table[key]
        shown = values.notna()
        fig.add_trace(go.Scatter(
            x=values[shown], y=[i + offsets[code] for i in table.index[shown]], mode="markers", name=name,
            marker={"symbol": style["symbol"], "size": 11, "color": style["color"],
                    "line": {"color": "#ffffff", "width": 1}},
            customdata=table.loc[shown, ["procedure"]].to_numpy(),
            hovertemplate=f"<b>%{{customdata[0]}}</b><br>{name}: %{{x:.1f}} %<extra></extra>",
        ))
    missing = [(i, GEO_KEYS[c]) for c in GEO_ORDER for i in table.index if pd.isna(table.at[i, GEO_KEYS[c]])]
    for i, key in missing:
        fig.add_annotation(x=0, y=i, xanchor="left", showarrow=False, font={"size": 10, "color": "#555"},
                           text=tr(f"{geo_name(_code(key), 'ja')} データなし", f"{geo_name(_code(key), 'en')}: no data",
                                   lang))
    fig.update_yaxes(tickvals=list(range(n)), ticktext=[_wrap(p) for p in table["procedure"]], range=[n - 0.5, -0.5],
                     showgrid=False, zeroline=False, automargin=True)
    fig.update_xaxes(title_text=label + "（%）" if lang == "ja" else f"{label} (%)", range=[-2, 103],
                     zeroline=False)
    for i in range(n):  # row separators
        fig.add_hline(y=i + 0.5, line={"color": "#eeeeee", "width": 1})
    fig = base_layout(fig, max(360, 44 * n + 110))
    fig.update_layout(margin={"l": 8, "r": 16, "t": 40, "b": 56})
    return fig


def _code(key: str) -> str:
    return {v: k for k, v in GEO_KEYS.items()}[key]


def _wrap(text: str, width: int = 26) -> str:
    """Break a long label once, near its middle, so the axis stays narrow."""
    if not isinstance(text, str) or len(text) <= width:
        return text
    if " " in text:
        words, lines, line = text.split(" "), [], ""
        for w in words:
            if line and len(line) + len(w) + 1 > width:
                lines.append(line)
                line = w
            else:
                line = f"{line} {w}".strip()
        lines.append(line)
        return "<br>".join(lines)
    mid = len(text) // 2
    return text[:mid] + "<br>" + text[mid:]


def service_table(services: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per service and geography: the 2018 and 2022 rates and the change in points."""
    cols = ["service_id", "service", "geo_code", "geo", "rate_2018", "rate_2022", "change"]
    if services.empty:
        return pd.DataFrame(columns=cols)
    wide = services.pivot_table(index=["service_id", "geo_code"], columns="year", values="rate_pct",
                                aggfunc="first").reset_index()
    names = services.drop_duplicates("service_id").set_index("service_id")
    wide["service"] = [names.at[s, "service_en" if lang == "en" else "service_ja"] for s in wide["service_id"]]
    wide["geo"] = [geo_name(c, lang) if c in GEO_NAMES else c for c in wide["geo_code"]]
    wide["rate_2018"] = wide[2018] if 2018 in wide.columns else None
    wide["rate_2022"] = wide[2022] if 2022 in wide.columns else None
    wide["change"] = (wide["rate_2022"] - wide["rate_2018"]).round(1)
    order = {s: i for i, s in enumerate(services["service_id"].drop_duplicates())}
    wide["_s"] = wide["service_id"].map(order)
    wide["_g"] = wide["geo_code"].map({c: i for i, c in enumerate(GEO_ORDER)})
    return wide.sort_values(["_s", "_g"])[cols].reset_index(drop=True)


def service_dumbbell(table: pd.DataFrame, lang: str) -> go.Figure:
    """2018 → 2022 per service (one panel each) and geography: an open marker at 2018, a filled one at 2022, a line
    between them (dash per geography) and both values written beside the markers."""
    if table.empty:
        return empty_figure(tr("サービスのデータがありません", "No service data", lang))
    services = list(dict.fromkeys(table["service_id"]))
    titles = [table.loc[table["service_id"] == s, "service"].iloc[0] for s in services]
    fig = make_subplots(rows=len(services), cols=1, shared_xaxes=True, subplot_titles=titles, vertical_spacing=0.12)
    for row, service in enumerate(services, start=1):
        part = table[table["service_id"] == service]
        for code in GEO_ORDER:
            r = part[part["geo_code"] == code]
            if r.empty:
                continue
            r = r.iloc[0]
            style, name = GEO_STYLE[code], geo_name(code, lang)
            x0, x1 = r["rate_2018"], r["rate_2022"]
            fig.add_trace(go.Scatter(
                x=[x0, x1], y=[name, name], mode="lines+markers+text", name=name, legendgroup=code,
                showlegend=row == 1,
                line={"color": style["color"], "dash": style["dash"], "width": 2},
                marker={"symbol": [style["symbol"] + "-open", style["symbol"]], "size": 12, "color": style["color"],
                        "line": {"width": 2, "color": style["color"]}},
                text=[_pct(x0), _pct(x1)], textposition=["middle left", "middle right"], textfont={"size": 11},
                customdata=[[2018], [2022]],
                hovertemplate=f"{r['service']}<br>{name} %{{customdata[0]}}: %{{x:.1f}} %<extra></extra>",
            ), row=row, col=1)
        fig.update_yaxes(categoryorder="array", categoryarray=[geo_name(c, lang) for c in reversed(GEO_ORDER)],
                         row=row, col=1, automargin=True)
    fig.update_xaxes(range=[0, 108])
    fig.update_xaxes(title_text=tr("市町村導入率（%）　○ 2018年 → ● 2022年", "Municipalities offering the service (%)"
                                   "   ○ 2018 → ● 2022", lang), row=len(services), col=1)
    fig.update_annotations(font={"size": 13})
    fig = base_layout(fig, 170 * len(services) + 110)
    fig.update_layout(margin={"l": 8, "r": 16, "t": 56, "b": 56})
    return fig


def _pct(value) -> str:
    return "" if value is None or pd.isna(value) else f"{value:.1f}"


def pref_online_bars(items: pd.DataFrame, lang: str) -> go.Figure:
    """Applications received per procedure (approximate figures), largest at the top, labelled with 約."""
    if items.empty:
        return empty_figure(tr("手続き別の件数がありません", "No figures per procedure", lang))
    items = items.sort_values("value", ascending=False)
    names = [_wrap(n, 22 if lang == "ja" else 40) for n in items["item"]]
    fig = go.Figure(go.Bar(
        x=items["value"], y=names, orientation="h",
        marker={"color": "#0072B2"},
        text=[tr(f"約{v:,.0f}件", f"approx. {v:,.0f}", lang) for v in items["value"]], textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}<br>" + tr("約%{x:,}件", "approx. %{x:,} applications", lang) + "<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text=tr("申請件数（約）", "Applications (approximate)", lang),
                     range=[0, float(items["value"].max()) * 1.3], tickformat=",")
    fig = base_layout(fig, 380)
    fig.update_layout(margin={"l": 8, "r": 24, "t": 40, "b": 56}, showlegend=False)
    return fig
