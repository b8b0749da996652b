"""Figures and tables of the Digital Agency's municipal DX release: classed maps (yes/no items as two categories,
rates in classes, "not handled / not reported" as its own grey class, never 0 %), the distribution of a measure in
Osaka, Tokyo and Japan, the Osaka matrix, and one municipality's DX profile and procedures against medians.

Pure builders: DataFrames in, figures or DataFrames out (no I/O, no Dash)."""
from __future__ import annotations

import os
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from smartcity import citations
from smartcity.figures.common import NO_DATA, OKABE_ITO, SEQUENTIAL, Category, Scale, base_layout, empty_figure
from smartcity.figures.maps import choropleth
from smartcity.i18n import tr

DONE, NOT_DONE = OKABE_ITO[0], OKABE_ITO[1]  # blue = 実施, orange = 未実施 (Okabe–Ito)
NOT_REPORTED = NO_DATA  # the one neutral grey of "no figure": not handled / not reported / not surveyed
SELF = "#D55E00"
AREA_STYLE = {  # comparators: colour and marker together
    "osaka": {"color": OKABE_ITO[0], "symbol": "circle", "ja": "大阪府内", "en": "Osaka Prefecture"},
    "tokyo": {"color": OKABE_ITO[1], "symbol": "diamond", "ja": "東京都内", "en": "Tokyo"},
    "japan": {"color": "#000000", "symbol": "square", "ja": "全国", "en": "Japan"},
    "peers": {"color": OKABE_ITO[2], "symbol": "triangle-up", "ja": "人口規模の近い団体", "en": "Similar-size peers"},
}
REASON = {  # why a value is missing, in words
    "not_handled": ("取扱いなし・報告なし", "not handled / not reported"),
    "not_surveyed": ("調査無し", "not surveyed"),
    "percent_sign_only": ("報告なし（「%」のみ記載）", "not reported (a bare '%')"),
    "empty": ("報告なし（空欄）", "not reported (blank)"),
    "no_row": ("データなし", "no data"),
}
YES, NO = ("○ 実施", "○ in place"), ("× 未実施", "× not in place")
PCT_BINS = [(0, 25), (25, 50), (50, 75), (75, 100)]  # after a class of its own for exactly 0 %
HOLDING_BINS = [(0, 60), (60, 70), (70, 80), (80, 90), (90, 100)]  # the card holding rate runs about 50–94 %
COUNT_BINS = [(0, 0), (1, 5), (6, 10), (11, 15), (16, 20), (21, 32)]


# --- words ------------------------------------------------------------------------------------------------------------


def _get(row, key, default=None):
    value = row.get(key, default) if isinstance(row, dict | pd.Series) else getattr(row, key, default)
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def name(row, lang: str, base: str = "name") -> str:
    """A name in the page's language (Japanese when there is no English one)."""
    value = _get(row, f"{base}_en") if lang == "en" else None
    return str(value or _get(row, f"{base}_ja") or "")


def date_text(release, lang: str) -> str:
    """'2024年7月12日' or '12 Jul 2024'; '—' when there is no date (smartcity.citations.release_date)."""
    return citations.release_date(release, lang)


def source(release, lang: str) -> str:
    """The source line: 'デジタル庁「自治体DX推進状況ダッシュボード」（2024年7月12日更新）' (smartcity.citations)."""
    return citations.dx_release(release, lang)


def source_note(lang: str) -> str:
    """The note that the date shown is the publication date."""
    return tr(*citations.DX_DATE_NOTE, lang)


def credit(release, lang: str) -> str:
    """The one credit line for the release wherever its figures are shown (smartcity.citations.dx_credit)."""
    return citations.dx_credit(release, lang)


def reason_text(reason, lang: str) -> str:
    """Why there is no value, in words."""
    return tr(*REASON.get(reason or "no_row", REASON["no_row"]), lang)


def pct(value, digits: int = 1) -> str:
    """'42.5 %'; whole numbers without decimals; '—' when missing."""
    if value is None or pd.isna(value):
        return "—"
    return f"{value:.0f} %" if float(value).is_integer() else f"{value:.{digits}f} %"


def value_words(row, value_type: str, lang: str) -> str:
    """One value in words: '○ 実施', '× 未実施', '68 %（17/25）', '25 手続', or why there is none."""
    if not _get(row, "reported", False):
        return reason_text(_get(row, "not_reported_reason") or ("not_handled" if value_type == "rate" else None), lang)
    if value_type == "boolean":
        return tr(*(YES if _get(row, "value_bool") else NO), lang)
    if value_type == "count":
        return tr(f"{int(_get(row, 'value_count'))} 手続", f"{int(_get(row, 'value_count'))} procedures", lang)
    value = _get(row, "value_pct")
    num, den = _get(row, "numerator"), _get(row, "denominator")
    if num is not None and den is not None:
        return pct(value) + (f"（{int(num)}/{int(den)} 手続）" if lang == "ja" else f" ({int(num)} of {int(den)})")
    return pct(value)


def measure_label(info, lang: str) -> str:
    """'よく使う32手続：図書館の図書貸出予約等（オンライン申請率）' or the indicator's name."""
    if info.kind == "procedure":
        return tr(f"オンライン申請率：{info.name_ja}", f"Online application rate: {info.name_en}", lang)
    return tr(info.name_ja, info.name_en, lang)


def unit(info, lang: str) -> str:
    return {"boolean": "", "count": tr("手続", "procedures", lang)}.get(info.value_type, "%")


# --- classes of the map --------------------------------------------------------------------------------------------------


def _bins(info) -> list[tuple[float, float]]:
    if info.value_type == "count":
        return COUNT_BINS
    return HOLDING_BINS if info.key == "mynumber_card_holding_rate" else PCT_BINS


def classes(info, lang: str) -> list[tuple[str, str]]:
    """The map's classes in order as (label, colour); class 0 is always the grey 'no value' class."""
    missing = {"procedure": REASON["not_handled"], "boolean": REASON["not_surveyed"]}.get(
        info.kind if info.kind == "procedure" else info.value_type, ("報告なし・調査無し", "not reported / surveyed"))
    out = [(tr(*missing, lang), NOT_REPORTED)]
    if info.value_type == "boolean":
        return out + [(tr(*NO, lang), NOT_DONE), (tr(*YES, lang), DONE)]
    if info.value_type == "count":
        labels = [f"{a}" if a == b else f"{a}–{b}" for a, b in COUNT_BINS]
        labels = [tr(f"{t} 手続", f"{t} procedures", lang) for t in labels]
    else:
        bins = _bins(info)
        labels = [tr(f"{a}〜{b} %未満" if b < 100 else f"{a}〜{b} %", f"{a} to <{b} %" if b < 100 else f"{a}–{b} %",
                     lang) for a, b in bins]
        if info.key != "mynumber_card_holding_rate":
            labels = ["0 %"] + [tr(f"0 %超〜{b} %未満", f"above 0 to <{b} %", lang) if a == 0 else t
                                for (a, b), t in zip(bins, labels)]
    colours = sample_colorscale(SEQUENTIAL, [i / max(len(labels) - 1, 1) for i in range(len(labels))])
    return out + list(zip(labels, colours))


def class_of(row, info) -> int:
    """The map class of one municipality's value (0 = no value; never the class of 0 %)."""
    if not _get(row, "reported", False):
        return 0
    if info.value_type == "boolean":
        return 2 if _get(row, "value_bool") else 1
    value = float(_get(row, "value"))
    if info.value_type == "count":
        return 1 + next(i for i, (a, b) in enumerate(COUNT_BINS) if value <= b or i == len(COUNT_BINS) - 1)
    bins = _bins(info)
    offset = 1
    if info.key != "mynumber_card_holding_rate":
        if value == 0:
            return 1
        offset = 2
    return offset + next(i for i, (a, b) in enumerate(bins) if value < b or i == len(bins) - 1)


def scale(info) -> Scale:
    """The measure's one colour scale, wherever it is mapped: its classes (z = class index, as `class_of`) as
    categories with their words, class 0 ('not handled', 'not surveyed') the grey entry of its own."""
    ja, en = classes(info, "ja"), classes(info, "en")
    return Scale(measure_label(info, "ja"), measure_label(info, "en"), missing_ja=ja[0][0], missing_en=en[0][0],
                 categories=tuple(Category(i, j[0], e[0], j[1]) for i, (j, e) in enumerate(zip(ja, en)) if i))


def _wrap(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(text, width)) if len(text) > width else text


def map_values(values: pd.DataFrame, info, release, lang: str, with_pref: bool = False) -> pd.DataFrame:
    """(geo_code, pref, name, measure, value, unit, shown, basis, z, label) for the map and its table twin: value is
    the figure as published (None when there is none), shown the same in words, z the map class."""
    out = pd.DataFrame({"geo_code": values["geo_code"].astype(str)})
    out["pref"] = [name(r, lang, "pref_name") for r in values.itertuples()]
    out["name"] = [name(r, lang) for r in values.itertuples()]
    out["measure"] = measure_label(info, lang)
    vt = "rate" if info.kind == "procedure" else info.value_type
    if info.value_type == "boolean":
        out["value"] = [None if not r.reported else (1 if r.value_bool else 0) for r in values.itertuples()]
    else:
        out["value"] = [None if not r.reported or pd.isna(r.value) else float(r.value) for r in values.itertuples()]
    out["value"] = out["value"].astype(object)
    out["unit"] = unit(info, lang) if info.value_type != "boolean" else tr("1＝実施、0＝未実施", "1 = yes, 0 = no", lang)
    out["shown"] = [value_words(r, vt, lang) for r in values.itertuples()]
    out["basis"] = tr(f"{date_text(release, 'ja')}更新", f"updated {date_text(release, 'en')}", lang)
    out["z"] = [class_of(r, info) for r in values.itertuples()]
    where = [(f"{p} {n}" if lang == "ja" else f"{n}, {p}") if with_pref and p else n
             for p, n in zip(out["pref"], out["name"])]
    out["label"] = [f"<b>{w}</b><br>{_wrap(m, 24 if lang == 'ja' else 40)}<br>{s}"
                    for w, m, s in zip(where, out["measure"], out["shown"])]
    return out


def patch_lists(codes: list[str], frame: pd.DataFrame) -> tuple[list, list]:
    """z and text in the order of the map's polygons (the boundary layer's codes)."""
    merged = pd.DataFrame({"geo_code": list(codes)}).merge(frame, on="geo_code", how="left")
    return ([None if pd.isna(z) else int(z) for z in merged["z"]],
            [t if isinstance(t, str) else "" for t in merged["label"]])


def dx_map(boundaries: pd.DataFrame, frame: pd.DataFrame, info, lang: str, width: int, height: int) -> go.Figure:
    """A classed choropleth of one DX measure (no tiles, boundary credit on the map)."""
    if boundaries.empty:
        return empty_figure(tr("境界データがありません", "No boundary data", lang))
    values = frame[["geo_code", "label"]].assign(value=frame["z"])
    return choropleth(boundaries, values, measure_label(info, lang), width=width, height=height, lang=lang,
                      scale=scale(info))


# --- distribution in Osaka, Tokyo and Japan ------------------------------------------------------------------------


def area_name(area: str, lang: str) -> str:
    s = AREA_STYLE[area]
    return tr(s["ja"], s["en"], lang)


def distribution_table(stats: pd.DataFrame, info, lang: str) -> pd.DataFrame:
    """The distribution's rows as shown: area, n, n reporting, yes / no / not surveyed, min, quartiles, max."""
    part = stats[stats["measure"] == info.measure]
    return pd.DataFrame({
        "area": [area_name(a, lang) for a in part["area"]], "n": part["n"].astype(int).tolist(),
        "n_reported": part["n_reported"].astype(int).tolist(),
        "n_true": part["n_true"].astype(int).tolist() if info.value_type == "boolean" else [None] * len(part),
        "n_false": part["n_false"].astype(int).tolist() if info.value_type == "boolean" else [None] * len(part),
        "min": _num(part["min"]), "q1": _num(part["q1"]), "median": _num(part["median"]),
        "q3": _num(part["q3"]), "max": _num(part["max"]),
    })


def _num(series: pd.Series) -> list:
    return [None if pd.isna(v) else round(float(v), 2) for v in series]


def distribution_figure(stats: pd.DataFrame, info, lang: str, areas=("osaka", "tokyo", "japan")) -> go.Figure:
    """Osaka against Tokyo and Japan on one measure: boxes (min, quartiles, median, max of the reported values,
    median written beside) for rates and counts; shares of 実施 / 未実施 / 調査無し for yes/no items. The axis
    stays within 0–100 % (counts: 0 to the largest)."""
    part = stats[stats["measure"] == info.measure].set_index("area")
    areas = [a for a in areas if a in part.index]
    if not areas:
        return empty_figure(tr("分布のデータがありません", "No distribution data", lang))
    labels = [f"{area_name(a, lang)}（{int(part.loc[a, 'n'])}）" if lang == "ja"
              else f"{area_name(a, lang)} ({int(part.loc[a, 'n'])})" for a in areas]
    fig = go.Figure()
    if info.value_type == "boolean":
        for col, label, colour, pattern in (("n_true", tr(*YES, lang), DONE, ""), ("n_false", tr(*NO, lang), NOT_DONE,
                                                                                  "/"),
                                            ("rest", REASON["not_surveyed"], NOT_REPORTED, ".")):
            counts = [int(part.loc[a, "n"] - part.loc[a, "n_true"] - part.loc[a, "n_false"]) if col == "rest"
                      else int(part.loc[a, col]) for a in areas]
            shares = [100 * c / int(part.loc[a, "n"]) if part.loc[a, "n"] else 0 for c, a in zip(counts, areas)]
            name_ = tr(*label, lang) if isinstance(label, tuple) else label
            fig.add_trace(go.Bar(
                y=labels, x=shares, orientation="h", name=name_,
                marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": "#333333", "solidity": 0.25},
                        "line": {"color": "#333333", "width": 0.5}},
                text=[f"{c}（{s:.0f} %）" if lang == "ja" else f"{c} ({s:.0f} %)" if c else "" for c, s in
                      zip(counts, shares)],
                textposition="inside", insidetextanchor="middle",
                textfont={"color": "#ffffff" if col == "n_true" else "#000000"},
                hovertemplate=f"%{{y}}<br>{name_}: %{{text}}<extra></extra>"))
        base_layout(fig, height=110 + 60 * len(areas))
        fig.update_layout(barmode="stack", margin={"l": 16, "r": 16, "t": 40, "b": 48}, uniformtext={"minsize": 9,
                                                                                                     "mode": "hide"})
        fig.update_xaxes(range=[0, 100], ticksuffix=" %", title_text=tr("市町村の割合", "Share of municipalities", lang))
        fig.update_yaxes(autorange="reversed", automargin=True)
        return fig
    top = 100.0 if info.value_type == "percent" else float(max(32, (part["max"].max() or 0)))
    for a, label in zip(areas, labels):
        r = part.loc[a]
        style = AREA_STYLE[a]
        if int(r.n_reported) == 0:
            continue
        fig.add_trace(go.Box(
            y=[label], q1=[r["q1"]], median=[r["median"]], q3=[r["q3"]], lowerfence=[r["min"]], upperfence=[r["max"]],
            orientation="h", name=label, marker={"color": style["color"]}, line={"color": style["color"]},
            fillcolor="rgba(0,0,0,0.04)", showlegend=False, hoverinfo="x+name"))
        med = r["median"]
        text = tr(f"中央値 {_v(med, info)}（報告 {int(r.n_reported)}/{int(r.n)}）",
                  f"median {_v(med, info)} ({int(r.n_reported)} of {int(r.n)} reporting)", lang)
        fig.add_annotation(x=med, y=label, text=f"<b>{text}</b>", showarrow=False, yshift=22,
                           font={"size": 11, "color": "#000000"}, bgcolor="rgba(255,255,255,0.85)")
    base_layout(fig, height=140 + 80 * len(areas))
    fig.update_layout(margin={"l": 16, "r": 24, "t": 24, "b": 56})
    unit_title = tr("オンライン申請率（％）", "Online application rate (%)", lang) if info.kind == "procedure" else \
        (tr("値（％）", "Value (%)", lang) if info.value_type == "percent" else tr("手続数", "Procedures", lang))
    fig.update_xaxes(range=[0, top], ticksuffix=" %" if info.value_type == "percent" else "", title_text=unit_title)
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig


def _v(value, info) -> str:
    return pct(value) if info.value_type == "percent" else ("—" if pd.isna(value) else f"{value:g}")


# --- the Osaka matrix ----------------------------------------------------------------------------------------------


def matrix_table(long: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[tuple]]:
    """Municipalities as rows, the yes/no indicators and the percentages as columns, every cell in words
    ('○ 実施', '× 未実施', '調査無し') or as a number; the count of items in place first. Returns the frame and
    the columns as (field, header ja, header en, numeric)."""
    if long.empty:
        return pd.DataFrame(), []
    order = long.drop_duplicates("indicator_key").sort_values("sort_order")
    rows = []
    for code, g in long.groupby("geo_code", sort=True):
        first = g.iloc[0]
        row = {"geo_code": code, "name": name(first, lang)}
        done = 0
        for r in g.itertuples():
            if r.value_type == "boolean":
                row[r.indicator_key] = value_words(r, "boolean", lang)
                done += int(bool(r.reported and r.value_bool))
            else:
                row[r.indicator_key] = None if not r.reported or pd.isna(r.value_pct) else float(r.value_pct)
        row["done"] = done
        rows.append(row)
    frame = pd.DataFrame(rows)
    n_bool = int((order["value_type"] == "boolean").sum())
    columns = [("geo_code", "コード", "Code", False), ("name", "市町村", "Municipality", False),
               ("done", f"実施項目数（{n_bool}項目中）", f"Items in place (of {n_bool})", True)]
    columns += [(r.indicator_key, r.indicator_ja + ("（％）" if r.value_type == "percent" else ""),
                 r.indicator_en + (" (%)" if r.value_type == "percent" else ""), r.value_type == "percent")
                for r in order.itertuples()]
    return frame, columns


# --- one municipality ----------------------------------------------------------------------------------------------


def _stat(dists: pd.DataFrame, area: str) -> pd.DataFrame:
    part = dists[dists["area"] == area] if not dists.empty else dists
    return part.set_index("measure") if not part.empty else pd.DataFrame()


def indicator_profile(ind: pd.DataFrame, dists: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The 15 indicators in words for one municipality, with Osaka's, Japan's and the peers' share in place (yes/no
    items) or median (rates, counts)."""
    stats = {a: _stat(dists, a) for a in ("osaka", "japan", "peers")}
    out = []
    for r in ind.itertuples():
        row = {"group": name(r, lang, "group"), "indicator": name(r, lang), "value": value_words(r, r.value_type, lang)}
        for a, s in stats.items():
            if s.empty or r.measure not in s.index:
                row[a] = "—"
                continue
            st = s.loc[r.measure]
            if r.value_type == "boolean":
                share = 100 * st.n_true / st.n if st.n else None
                row[a] = tr(f"実施 {int(st.n_true)}/{int(st.n)}（{share:.0f} %）",
                            f"{int(st.n_true)} of {int(st.n)} ({share:.0f} %)", lang) if share is not None else "—"
            else:
                row[a] = tr("中央値 ", "median ", lang) + (_v(st["median"], r) if hasattr(r, "value_type") else "")
        row["description"] = name(r, lang, "description")
        out.append(row)
    return pd.DataFrame(out, columns=["group", "indicator", "value", "osaka", "japan", "peers", "description"])


def procedure_comparison(procs: pd.DataFrame, dists: pd.DataFrame) -> pd.DataFrame:
    """Each procedure with this municipality's rate and the Osaka, Japan and peers medians (NaN = none)."""
    out = procs[["procedure_key", "measure", "group_key", "group_ja", "group_en", "name_ja", "name_en", "sort_order",
                 "rate_pct", "reported"]].copy()
    for a in ("osaka", "japan", "peers"):
        s = _stat(dists, a)
        out[f"{a}_median"] = out["measure"].map(s["median"]) if not s.empty else float("nan")
        out[f"{a}_n_reported"] = out["measure"].map(s["n_reported"]) if not s.empty else float("nan")
        out[f"{a}_n"] = out["measure"].map(s["n"]) if not s.empty else float("nan")
    return out


def comparison_table(comp: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The comparison as shown: group, procedure, this municipality (number and words), the three medians."""
    return pd.DataFrame({
        "group": [name(r, lang, "group") for r in comp.itertuples()],
        "procedure": [name(r, lang) for r in comp.itertuples()],
        "rate": [None if not r.reported or pd.isna(r.rate_pct) else float(r.rate_pct) for r in comp.itertuples()],
        "shown": [pct(r.rate_pct) if r.reported else reason_text("not_handled", lang) for r in comp.itertuples()],
        "osaka_median": _num(comp["osaka_median"]), "japan_median": _num(comp["japan_median"]),
        "peers_median": _num(comp["peers_median"]),
    })


def procedure_comparison_figure(comp: pd.DataFrame, self_name: str, lang: str, has_peers: bool = True) -> go.Figure:
    """Dot plot, one row per procedure in two panels (32 most-used, 26 child-care and elderly-care): this
    municipality (star), Osaka's median (circle), Japan's median (square), the peers' median (triangle). A
    procedure the municipality does not handle or reported nothing for is marked '⊘' beside its name and has no
    star: it is never drawn at 0 %. The axis is 0–100 %."""
    if comp.empty:
        return empty_figure(tr("手続のデータがありません", "No procedure data", lang))
    groups = list(dict.fromkeys(comp["group_key"]))
    counts = [int((comp["group_key"] == g).sum()) for g in groups]
    titles = [name(comp[comp["group_key"] == g].iloc[0], lang, "group") for g in groups]
    fig = make_subplots(rows=len(groups), cols=1, shared_xaxes=True, row_heights=counts, vertical_spacing=0.06,
                        subplot_titles=titles)
    width = 12 if lang == "ja" else 22  # names on the axis short enough to leave a phone room for the dots
    series = [("rate_pct", self_name + tr("（★）", " (★)", lang), SELF, "star", 15),
              ("osaka_median", tr("大阪府内の中央値", "Osaka median", lang), AREA_STYLE["osaka"]["color"], "circle", 9),
              ("japan_median", tr("全国の中央値", "Japan median", lang), AREA_STYLE["japan"]["color"], "square", 8)]
    if has_peers:
        series.append(("peers_median", tr("人口規模の近い団体の中央値", "Similar-size peers median", lang),
                       AREA_STYLE["peers"]["color"], "triangle-up", 10))
    for i, g in enumerate(groups, start=1):
        part = comp[comp["group_key"] == g].sort_values("sort_order")
        labels = _axis_labels(part, width, 1 if lang == "ja" else 2, lang)
        for col, label, colour, symbol, size in series:
            values = [None if pd.isna(v) else float(v) for v in part[col]]
            if col == "rate_pct":
                values = [v if ok else None for v, ok in zip(values, part["reported"])]
            fig.add_trace(go.Scatter(
                x=values, y=labels, mode="markers", name=label, legendgroup=col, showlegend=i == 1,
                marker={"symbol": symbol, "size": size, "color": colour, "line": {"color": "#000000", "width": 0.6}},
                customdata=[name(r, lang) for r in part.itertuples()],
                hovertemplate=f"%{{customdata}}<br>{label}: %{{x:.1f}} %<extra></extra>"), row=i, col=1)
        fig.update_yaxes(autorange="reversed", tickfont={"size": 11}, row=i, col=1)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", showlegend=True, marker={"color": NOT_REPORTED},
                             name=tr("⊘ この団体は取扱いなし・報告なし（0 % ではない）",
                                     "⊘ not handled / not reported here (not 0 %)", lang)))
    two_lines = any("<br>" in str(y) for t in fig.data for y in (t.y or []))
    base_layout(fig, height=170 + (30 if two_lines else 19) * len(comp))  # a row holds its label's lines
    # the legend at the figure's foot (Plotly reserves its rows, however many a phone needs, under the axis it
    # pushes); the top margin is the first panel's title's
    fig.update_layout(margin={"l": 16, "r": 24, "t": 52, "b": 48}, hovermode="closest",
                      legend={"xref": "container", "yref": "container", "x": 0, "y": 0, "yanchor": "bottom",
                              "traceorder": "normal"})
    fig.update_xaxes(range=[-2, 102], ticksuffix=" %", tickvals=[0, 25, 50, 75, 100], showticklabels=True)
    fig.update_xaxes(title_text=tr("オンライン申請率（％）", "Online application rate (%)", lang), row=len(groups), col=1)
    for ann in fig.layout.annotations:  # panel titles, in lines that fit beside the names on a phone
        ann.update(font={"size": 12}, x=0, xanchor="left", text=_wrap(ann.text, 14 if lang == "ja" else 28))
    return fig


def _axis_labels(part: pd.DataFrame, width: int, lines: int = 1, lang: str = "ja") -> list[str]:
    """Procedure names cut to `lines` lines of `width` characters (the full name is in the hover and the table),
    '⊘' for not handled; names that would still read the same (a category axis would merge them) show, after their
    first line, where they differ: '受給資格者の申出による学<br>…の変更の申出'."""
    names = [name(r, lang) for r in part.itertuples()]
    labels = [_cut(n, width, lines) for n in names]
    same = pd.Series(labels).duplicated(keep=False)
    for label in set(pd.Series(labels)[same]):
        group = [i for i, lab in enumerate(labels) if lab == label]
        prefix = os.path.commonprefix([names[i] for i in group])
        start = prefix.rfind(" ") + 1 if " " in prefix else max(len(prefix) - 2, 0)  # from a word, or 2 characters
        for i in group:
            rest = names[i][start:]
            labels[i] = _cut(names[i], width, 1) + "<br>…" + rest[:width] + ("…" if len(rest) > width else "")
    return [label + ("" if r.reported else " ⊘") for label, r in zip(labels, part.itertuples())]


def _cut(text: str, width: int, lines: int) -> str:
    """The first `lines` lines of `width` characters of a text, '…' when some is left out."""
    parts = textwrap.wrap(text, width, break_long_words=True)
    return "<br>".join(parts[:lines]) + ("…" if len(parts) > lines else "")


def holding_rows(ind: pd.DataFrame, dists: pd.DataFrame, self_name: str, lang: str) -> pd.DataFrame:
    """The card holding rate of the municipality, with Osaka's, Japan's and the peers' median (a small table)."""
    row = ind[ind["indicator_key"] == "mynumber_card_holding_rate"]
    out = [{"who": self_name, "value": None if row.empty or not row.iloc[0].reported else float(row.iloc[0].value_pct),
            "kind": tr("この市町村", "this municipality", lang)}]
    for a in ("osaka", "japan", "peers"):
        s = _stat(dists, a)
        m = "dx:mynumber_card_holding_rate"
        out.append({"who": area_name(a, lang),
                    "value": None if s.empty or m not in s.index or pd.isna(s.loc[m, "median"])
                    else float(s.loc[m, "median"]),
                    "kind": tr(f"中央値（{int(s.loc[m, 'n'])}団体）", f"median ({int(s.loc[m, 'n'])} municipalities)",
                               lang) if not s.empty and m in s.index else "—"})
    return pd.DataFrame(out, columns=["who", "kind", "value"])
