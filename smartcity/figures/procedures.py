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


# ---- the Digital Agency's release: 52 municipal procedures, and the slides' eleven in 2021 and 2024 ------------------

AREA_NAMES = {"27000": ("大阪府", "Osaka Prefecture"), "00000": ("全国", "Japan"),
              "13000": ("東京都（島しょ部を除く）", "Tokyo (without its islands)")}
AREA_OFFSETS = {"27000": -0.1, "00000": 0.12, "13000": 0.34}  # below the row's label (at LABEL_OFFSET)
LABEL_OFFSET = -0.34
AREA_GLYPHS = {"27000": "●", "00000": "■", "13000": "◆"}
DX_SORTS = SORTS  # the page's one ?sort=: by Osaka's median, Japan's median, the gap of medians, or name
MATCH_WORDS = {  # how a slide procedure corresponds to the release's: words, never a colour alone
    "same": ("同じ手続き", "same procedure"),
    "similar": ("類似の手続き（対象が異なる・比較に注意）", "similar procedure (scope differs: compare with care)"),
    "none": ("対応する手続きなし（比較できない）", "no matching procedure (cannot be compared)"),
}
DIST_STATS = ["rate_min", "rate_q1", "rate_median", "rate_q3", "rate_max", "rate_mean"]
DIST_COLUMNS = ["procedure_key", "group_key", "group", "procedure", "area_code", "area", "n_municipalities",
                "n_reported", "n_not_reported", "n_missing", "share_reported", *DIST_STATS]
SLIDE_COLUMNS = ["procedure_id", "procedure", "dx_procedure", "area_code", "area", "match", "match_word",
                 "adoption_2021", "reported_2024", "n_reported", "n_municipalities", "online_2021", "median_2024",
                 "mean_2024", "comparability"]


def area_name(code: str, lang: str) -> str:
    """Name of an area of the release's comparison (Tokyo says that its islands are left out)."""
    ja, en = AREA_NAMES[code]
    return tr(ja, en, lang)


def _name(row, base: str, lang: str) -> str:
    value = row.get(f"{base}_en") if lang == "en" else None
    return value if isinstance(value, str) and value else row.get(f"{base}_ja")


def dx_distribution_table(stats: pd.DataFrame, sort: str, lang: str) -> pd.DataFrame:
    """One row per procedure and area (Osaka, Japan, Tokyo): counts of municipalities reporting a rate and not
    (not handled or no online route reported: never 0 %), the share reporting and the spread of the reported rates.
    Procedures keep their group (groups in the release's order) and are sorted within it: by Osaka's median, Japan's
    median, the gap of the medians (highest first, ties by the share reporting, then the release's order) or by
    name; procedures with no reported rate go last."""
    if stats.empty:
        return pd.DataFrame(columns=DIST_COLUMNS)
    frame = stats.copy()
    frame["group"] = [_name(r, "group", lang) for r in frame.to_dict("records")]
    frame["procedure"] = [_name(r, "name", lang) for r in frame.to_dict("records")]
    frame["area"] = [area_name(c, lang) for c in frame["area_code"]]
    for c in ("n_municipalities", "n_reported", "n_not_reported", "n_missing"):
        frame[c] = pd.array(frame[c], dtype="Int64")
    frame["share_reported"] = (100 * frame["n_reported"].astype(float) /
                               frame["n_municipalities"].astype(float).where(frame["n_municipalities"] > 0)).round(1)
    for c in DIST_STATS:
        frame[c] = pd.to_numeric(frame[c], errors="coerce").round(2)
    per = frame.pivot_table(index="procedure_key", columns="area_code", values=["rate_median", "share_reported"],
                            aggfunc="first", dropna=False)
    keys = frame.drop_duplicates("procedure_key").set_index("procedure_key")

    def pick(field, code):
        return [per[(field, code)].get(k) if (field, code) in per.columns else None for k in keys.index]

    order = pd.DataFrame({"procedure_key": keys.index, "sort_order": keys["sort_order"].to_numpy(),
                          "procedure": keys["procedure"].to_numpy()})
    order["group_rank"] = keys["group_key"].map(keys.groupby("group_key")["sort_order"].min()).to_numpy()
    order["osaka"] = pd.to_numeric(pick("rate_median", "27000"), errors="coerce")
    order["japan"] = pd.to_numeric(pick("rate_median", "00000"), errors="coerce")
    order["gap"] = order["osaka"] - order["japan"]
    order["osaka_share"] = pd.to_numeric(pick("share_reported", "27000"), errors="coerce")
    order["japan_share"] = pd.to_numeric(pick("share_reported", "00000"), errors="coerce")
    sort = sort if sort in DX_SORTS else "osaka"
    by, asc = {"osaka": (["osaka", "osaka_share", "sort_order"], [False, False, True]),
               "japan": (["japan", "japan_share", "sort_order"], [False, False, True]),
               "gap": (["gap", "osaka_share", "sort_order"], [False, False, True]),
               "name": (["procedure"], [True])}[sort]
    order = order.sort_values(by, ascending=asc, na_position="last", kind="stable")
    order = order.sort_values("group_rank", kind="stable")  # groups stay together, in the release's order
    rank = {k: i for i, k in enumerate(order["procedure_key"])}
    frame["_p"] = frame["procedure_key"].map(rank)
    frame["_a"] = frame["area_code"].map({c: i for i, c in enumerate(GEO_ORDER)})
    return frame.sort_values(["_p", "_a"])[DIST_COLUMNS].reset_index(drop=True)


def _area_legend(table: pd.DataFrame, code: str, lang: str) -> str:
    n = table.loc[table["area_code"] == code, "n_municipalities"].dropna()
    count = f"{int(n.max()):,}" if not n.empty else "?"
    return tr(f"{area_name(code, 'ja')}（{count}市区町村）", f"{area_name(code, 'en')} ({count} municipalities)", lang)


def _rows_with_groups(keys: list[str], groups: list[str]) -> tuple[dict, list[tuple[float, str]]]:
    """y position of each procedure, leaving a row above each group for its heading (returned with its y)."""
    ys, headings, y, last = {}, [], 0.0, None
    for key, group in zip(keys, groups):
        if group != last:
            headings.append((y, group))
            y += 1
            last = group
        ys[key] = y
        y += 1
    return ys, headings


def dx_distribution_figure(table: pd.DataFrame, lang: str) -> go.Figure:
    """Left: each area's spread of the municipalities' online application rates (thin line min–max, thick line the
    quartiles, a marker at the median; the marker's shape names the area); right: the share of the area's
    municipalities that report a rate at all. Both axes 0–100 %. A group heading row above each group; an area
    whose municipalities report no rate says so in words instead of a marker."""
    if table.empty:
        return empty_figure(tr("この手続きのデータがありません", "No data for these procedures", lang))
    procs = table.drop_duplicates("procedure_key")
    ys, headings = _rows_with_groups(list(procs["procedure_key"]), list(procs["group"]))
    n_rows = max(ys.values()) + 1
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.66, 0.34], horizontal_spacing=0.07,
                        subplot_titles=[tr("オンライン申請率", "Online application rate", lang),
                                        tr("報告した割合", "Share reporting", lang)])
    fig.update_annotations(font={"size": 12})  # the two panel titles
    for code in GEO_ORDER:
        part = table[table["area_code"] == code]
        style = GEO_STYLE[code]
        y = [ys[k] + AREA_OFFSETS[code] for k in part["procedure_key"]]
        has = part["n_reported"].fillna(0).astype(int) > 0
        lx, ly, qx, qy = [], [], [], []
        for yy, (_, r) in zip(y, part.iterrows()):
            if pd.notna(r["rate_min"]):
                lx += [r["rate_min"], r["rate_max"], None]
                ly += [yy, yy, None]
                qx += [r["rate_q1"], r["rate_q3"], None]
                qy += [yy, yy, None]
        fig.add_trace(go.Scatter(x=lx, y=ly, mode="lines", line={"color": style["color"], "width": 1.5},
                                 legendgroup=code, showlegend=False, hoverinfo="skip"), row=1, col=1)
        fig.add_trace(go.Scatter(x=qx, y=qy, mode="lines", line={"color": style["color"], "width": 6},
                                 opacity=0.45, legendgroup=code, showlegend=False, hoverinfo="skip"), row=1, col=1)
        name = _area_legend(table, code, lang)
        shown = part[has.to_numpy()]
        custom = shown[["procedure", "rate_q1", "rate_q3", "rate_min", "rate_max", "n_reported", "n_municipalities",
                        "rate_mean"]].astype(object).to_numpy()
        fig.add_trace(go.Scatter(
            x=shown["rate_median"], y=[yy for yy, h in zip(y, has) if h], mode="markers", name=name,
            legendgroup=code,
            marker={"symbol": style["symbol"], "size": 9, "color": style["color"], "line": {"color": "#fff", "width": 1}},
            customdata=custom,
            hovertemplate="<b>%{customdata[0]}</b><br>" + area_name(code, lang) + "<br>" + tr(
                "中央値 %{x:.1f} %（平均 %{customdata[7]:.1f} %）<br>四分位 %{customdata[1]:.1f}〜%{customdata[2]:.1f} %<br>"
                "最小〜最大 %{customdata[3]:.1f}〜%{customdata[4]:.1f} %<br>報告 %{customdata[5]} / %{customdata[6]} 市区町村",
                "median %{x:.1f} % (mean %{customdata[7]:.1f} %)<br>quartiles %{customdata[1]:.1f}–%{customdata[2]:.1f} %"
                "<br>min–max %{customdata[3]:.1f}–%{customdata[4]:.1f} %<br>reporting %{customdata[5]} of "
                "%{customdata[6]} municipalities", lang) + "<extra></extra>",
        ), row=1, col=1)
        none = part[~has.to_numpy()]
        if not none.empty:
            fig.add_trace(go.Scatter(
                x=[1] * len(none), y=[yy for yy, h in zip(y, has) if not h], mode="text", showlegend=False,
                text=[AREA_GLYPHS[code] + tr(" 報告なし", " none reporting", lang)] * len(none),
                textposition="middle right", textfont={"size": 10, "color": style["color"]}, hoverinfo="skip",
            ), row=1, col=1)
        fig.add_trace(go.Scatter(
            x=part["share_reported"], y=y, mode="markers", legendgroup=code, showlegend=False, name=name,
            marker={"symbol": style["symbol"], "size": 9, "color": style["color"], "line": {"color": "#fff", "width": 1}},
            customdata=part[["procedure", "n_reported", "n_municipalities", "n_not_reported"]].astype(object).to_numpy(),
            hovertemplate="<b>%{customdata[0]}</b><br>" + area_name(code, lang) + "<br>" + tr(
                "報告 %{customdata[1]} / %{customdata[2]}（%{x:.1f} %）<br>取扱いなし・報告なし %{customdata[3]}",
                "reporting %{customdata[1]} of %{customdata[2]} (%{x:.1f} %)<br>not handled or not reported "
                "%{customdata[3]}", lang) + "<extra></extra>",
        ), row=1, col=2)
    _key_to_lines(fig, lang)
    _row_labels(fig, [(ys[k], t) for k, t in zip(procs["procedure_key"], procs["procedure"])], lang)
    fig.update_yaxes(range=[n_rows - 0.5, -0.5], showgrid=False, zeroline=False, showticklabels=False)
    for y, group in headings:
        fig.add_annotation(x=0, xref="paper", y=y, yref="y", xanchor="left", showarrow=False,
                           text=f"<b>{group}</b>", font={"size": 13})
    for y in list(ys.values()):  # row separators
        fig.add_shape(type="line", xref="paper", x0=0, x1=1, yref="y", y0=y + 0.5, y1=y + 0.5,
                      line={"color": "#dddddd", "width": 1}, layer="below")
    fig.update_xaxes(range=[-2, 102], zeroline=False, tickvals=[0, 25, 50, 75, 100])
    fig.update_xaxes(tickvals=[0, 50, 100], row=1, col=2)  # the narrow panel
    fig.update_xaxes(title_text="%")
    fig = base_layout(fig, int(58 * n_rows + 200))
    fig.update_layout(margin={"l": 8, "r": 12, "t": 96, "b": 56},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.04, "x": 0})
    return fig


def _row_labels(fig: go.Figure, rows: list[tuple[float, str]], lang: str) -> None:
    """Each procedure's name on its own line above its markers, across the plot (not as an axis label, so a phone's
    narrow screen keeps its width for the data)."""
    width = 30 if lang == "ja" else 60
    for y, text in rows:
        fig.add_annotation(x=0, xref="paper", y=y + LABEL_OFFSET, yref="y", xanchor="left", yanchor="middle",
                           showarrow=False, text=_wrap_to(text, width), font={"size": 12, "color": "#222"},
                           align="left")


def _key_to_lines(fig: go.Figure, lang: str) -> None:
    """Legend entries saying what the thick and the thin line are (grey: they are about the line, not the area)."""
    for name, width in ((tr("太線：四分位範囲", "thick: quartiles", lang), 6),
                        (tr("細線：最小〜最大", "thin: min–max", lang), 1.5)):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=name,
                                 line={"color": "#777", "width": width}), row=1, col=1)


def _wrap_to(text: str, width: int) -> str:
    """Break a label into lines of about `width` characters (at spaces in English)."""
    if not isinstance(text, str) or len(text) <= width:
        return text
    if " " in text:
        return _wrap(text, width)
    return "<br>".join(text[i:i + width] for i in range(0, len(text), width))


def _comparability(match: str, note_ja, note_en, lang: str) -> str:
    if match == "same":
        return tr("同じ手続き。ただし指標の定義が異なる（報告した割合は導入率の下限、中央値は別の指標）",
                  "Same procedure, but the measures differ (share reporting: a lower bound of adoption; median: a "
                  "different measure)", lang)
    note = note_en if lang == "en" else note_ja
    note = note if isinstance(note, str) else ""
    if match == "similar":
        return tr(f"比較に注意：{note}", f"Compare with care: {note}", lang)
    return tr("2024年の公表に対応する手続きがなく比較できない。" + note, "No matching procedure in the 2024 release: "
              "cannot be compared. " + note, lang).strip()


def dx_slide_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per slide procedure and area (slide order; Osaka, Japan, Tokyo): the 2021 adoption and online rates
    beside the 2024 share of municipalities reporting a rate and the median and mean of their rates, the match in
    words and what keeps them from being the same measure."""
    if frame.empty:
        return pd.DataFrame(columns=SLIDE_COLUMNS)
    out = frame.copy()
    records = out.to_dict("records")
    out["procedure"] = [_name(r, "procedure", lang) for r in records]
    out["dx_procedure"] = [_name(r, "dx_name", lang) if isinstance(r.get("dx_name_ja"), str) else None
                           for r in records]
    out["area_code"] = out["geo_code"]
    out["area"] = [area_name(c, lang) for c in out["area_code"]]
    out["match"] = out["match"].fillna("none")
    out["match_word"] = [tr(*MATCH_WORDS.get(m, MATCH_WORDS["none"]), lang) for m in out["match"]]
    comparable = out["match"] != "none"
    out["adoption_2021"] = pd.to_numeric(out["adoption_rate_pct"], errors="coerce")
    out["online_2021"] = pd.to_numeric(out["online_rate_pct"], errors="coerce")
    n_all = pd.to_numeric(out["n_municipalities"], errors="coerce")
    n_rep = pd.to_numeric(out["n_reported"], errors="coerce")
    out["reported_2024"] = (100 * n_rep / n_all.where(n_all > 0)).round(1).where(comparable)
    out["median_2024"] = pd.to_numeric(out["rate_median"], errors="coerce").round(2).where(comparable)
    out["mean_2024"] = pd.to_numeric(out["rate_mean"], errors="coerce").round(2).where(comparable)
    out["n_reported"] = pd.array(n_rep.where(comparable), dtype="Int64")
    out["n_municipalities"] = pd.array(n_all.where(comparable), dtype="Int64")
    out["comparability"] = [_comparability(m, a, b, lang) for m, a, b in zip(out["match"], out["note_ja"],
                                                                                out["note_en"])]
    slide_order = {p: i for i, p in enumerate(out["procedure_id"].drop_duplicates())}
    out["_p"] = out["procedure_id"].map(slide_order)
    out["_a"] = out["area_code"].map({c: i for i, c in enumerate(GEO_ORDER)})
    return out.sort_values(["_p", "_a"])[SLIDE_COLUMNS].reset_index(drop=True)


def dx_slide_figure(table: pd.DataFrame, lang: str) -> go.Figure:
    """The slides' eleven procedures: left the 2021 adoption rate (a vertical tick) and the 2024 share of
    municipalities reporting a rate (the area's marker); right the 2021 online rate (tick) and the 2024 median of the
    municipalities' rates (marker). A 2024 marker is hollow where the procedure is only similar, and absent (with
    words) where none matches; such procedures carry ※ in their label."""
    if table.empty:
        return empty_figure(tr("比較できるデータがありません", "No data to compare", lang))
    procs = table.drop_duplicates("procedure_id").reset_index(drop=True)
    ys = {p: i for i, p in enumerate(procs["procedure_id"])}
    n = len(procs)
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.07, subplot_titles=[
        tr("導入率／報告した割合", "Adoption / share reporting", lang),
        tr("オンライン手続き率／中央値", "Online rate / median", lang)])
    fig.update_annotations(font={"size": 12})  # the two panel titles
    panels = [(1, "adoption_2021", "reported_2024"), (2, "online_2021", "median_2024")]
    for code in GEO_ORDER:
        part = table[table["area_code"] == code]
        if part.empty:
            continue
        style = GEO_STYLE[code]
        y = [ys[p] + AREA_OFFSETS[code] for p in part["procedure_id"]]
        for col, old, new in panels:
            lx, ly = [], []
            for yy, a, b in zip(y, part[old], part[new]):
                if pd.notna(a) and pd.notna(b):
                    lx += [a, b, None]
                    ly += [yy, yy, None]
            fig.add_trace(go.Scatter(x=lx, y=ly, mode="lines", line={"color": style["color"], "width": 1},
                                     showlegend=False, hoverinfo="skip", legendgroup=code), row=1, col=col)
            has_old = part[old].notna().to_numpy()
            fig.add_trace(go.Scatter(
                x=part[old][has_old], y=[yy for yy, h in zip(y, has_old) if h], mode="markers", showlegend=False,
                legendgroup=code, marker={"symbol": "line-ns-open", "size": 14, "color": style["color"],
                                          "line": {"color": style["color"], "width": 2.5}},
                customdata=part.loc[has_old, ["procedure"]].to_numpy(),
                hovertemplate="<b>%{customdata[0]}</b><br>" + area_name(code, lang) + tr("<br>2021年（スライド）: ",
                                                                                          "<br>2021 (slides): ", lang)
                + "%{x:.1f} %<extra></extra>"), row=1, col=col)
            has_new = part[new].notna().to_numpy()
            shown = part[has_new]
            fig.add_trace(go.Scatter(
                x=shown[new], y=[yy for yy, h in zip(y, has_new) if h], mode="markers",
                name=_area_legend_slides(code, lang), legendgroup=code, showlegend=col == 1,
                marker={"symbol": [style["symbol"] if m == "same" else style["symbol"] + "-open"
                                   for m in shown["match"]], "size": 10, "color": style["color"],
                        "line": {"color": style["color"], "width": 1.5}},
                customdata=shown[["procedure", "match_word", "n_reported", "n_municipalities", "mean_2024"]]
                .astype(object).to_numpy(),
                hovertemplate="<b>%{customdata[0]}</b><br>" + area_name(code, lang) + "<br>" + (tr(
                    "2024年 率を報告: %{x:.1f} %（%{customdata[2]} / %{customdata[3]}）",
                    "2024 reporting a rate: %{x:.1f} % (%{customdata[2]} of %{customdata[3]})", lang) if col == 1
                    else tr("2024年 中央値: %{x:.1f} %（平均 %{customdata[4]:.1f} %）",
                            "2024 median: %{x:.1f} % (mean %{customdata[4]:.1f} %)", lang))
                + "<br>%{customdata[1]}<extra></extra>"), row=1, col=col)
            missing = part[~has_new & (part["match"] == "none").to_numpy()]  # no match: words, no marker
            if not missing.empty:
                fig.add_trace(go.Scatter(
                    x=[1] * len(missing), y=[ys[p] + AREA_OFFSETS[code] for p in missing["procedure_id"]],
                    mode="text", text=[tr("2024年 対応なし", "2024: no match", lang)] * len(missing), showlegend=False,
                    textposition="middle right", textfont={"size": 10, "color": "#555"}, hoverinfo="skip"),
                    row=1, col=col)
    # the key to the marks, in the legend (black: it is about the mark's shape, not the area)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=tr("2021年（スライド）", "2021 (slides)", lang),
                             marker={"symbol": "line-ns-open", "size": 14, "color": "#000",
                                     "line": {"color": "#000", "width": 2.5}}), row=1, col=1)
    if (table["match"] == "similar").any():
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers",
                                 name=tr("2024年 類似の手続き（比較に注意）", "2024 similar procedure (compare with care)",
                                         lang),
                                 marker={"symbol": "circle-open", "size": 10, "color": "#000"}), row=1, col=1)
    labels = [(p + " ※" if m != "same" else p) for p, m in zip(procs["procedure"], procs["match"])]
    _row_labels(fig, list(enumerate(labels)), lang)
    fig.update_yaxes(range=[n - 0.5, -0.5], showgrid=False, zeroline=False, showticklabels=False)
    for i in range(n - 1):  # row separators
        fig.add_shape(type="line", xref="paper", x0=0, x1=1, yref="y", y0=i + 0.5, y1=i + 0.5,
                      line={"color": "#dddddd", "width": 1}, layer="below")
    fig.update_xaxes(range=[-2, 102], zeroline=False, tickvals=[0, 25, 50, 75, 100], title_text="%")
    fig = base_layout(fig, int(62 * n + 210))
    fig.update_layout(margin={"l": 8, "r": 12, "t": 110, "b": 56},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.08, "x": 0})
    return fig


def _area_legend_slides(code: str, lang: str) -> str:
    return tr(f"{area_name(code, 'ja')} 2024年", f"{area_name(code, 'en')} 2024", lang)
