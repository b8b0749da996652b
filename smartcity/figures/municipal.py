"""Figures and tables about municipalities: map measures, adoption of the jointly procured systems, a
municipality's My Number card rate against its prefecture and Japan, and its position among peers."""
from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

from smartcity.citations import cite_rows
from smartcity.figures.common import GEO_STYLE, OKABE_ITO, Scale, base_layout, empty_figure, scale, wrap_source
from smartcity.i18n import tr

OSAKA_MUNICIPALITIES = 43

# Map measures: (label ja, label en, colour-bar title ja, en, unit ja, en). Counts are of the projects named in the
# strategy documents (data/reference), not of every project that exists.
MEASURES = {
    "mynumber": ("マイナンバーカード交付率（最新時点）", "My Number card issuance rate (latest snapshot)",
                 "交付率（％）", "Issuance rate (%)", "%", "%"),
    "ospf": ("OSPFプロジェクト数（戦略文書に記載されたもの）", "OSPF projects named in the strategy documents",
             "OSPF<br>プロジェクト<br>（件）", "OSPF<br>projects", "件", "projects"),
    "ai_ondemand": ("AIオンデマンド交通の事業・エリア数（戦略文書に記載されたもの）",
                    "AI on-demand transport projects and areas named in the strategy documents",
                    "AIオンデマンド<br>交通（件）", "AI on-demand<br>entries", "件", "entries"),
    "smart_senior": ("スマートシニアライフ実施エリア数（戦略文書に記載されたもの）",
                     "Smart Senior Life areas named in the strategy documents",
                     "スマートシニア<br>ライフ（エリア）", "Smart Senior<br>Life areas", "エリア", "areas"),
}
DEFAULT_MEASURE = "mynumber"

KIND = {"designated_city": ("政令指定都市", "designated city"), "special_ward": ("特別区", "special ward (Tokyo)"),
        "city": ("市", "city"), "town": ("町", "town"), "village": ("村", "village"), "ward": ("行政区", "ward"),
        "prefecture": ("都道府県", "prefecture"), "nation": ("国", "nation")}
INVOLVEMENT_KIND = {
    "ospf": ("OSPFプロジェクト", "OSPF project"),
    "ai_ondemand": ("AIオンデマンド交通", "AI on-demand transport"),
    "smart_senior": ("スマートシニアライフ", "Smart Senior Life"),
    "support_all": ("府の支援（全43市町村）", "Prefectural support (all 43 municipalities)"),
}
KIND_CODE = {  # kind of a row in its source table
    "pilot": ("実証", "pilot"), "pilot_support": ("実証事業支援", "support for a pilot"),
    "town_planning_link": ("まちづくりとの連携", "linked with town planning"),
    "city_service": ("事業化（運行）", "commercial service"), "model_project": ("府のモデル事業", "prefectural model project"),
    "phase_area": ("実施エリア", "area of a phase"),
}
JOINT_STYLE = {"color": OKABE_ITO[0], "pattern": ""}  # solid
OWN_STYLE = {"color": OKABE_ITO[1], "pattern": "/"}  # hatched
SELF_STYLE = {"color": "#D55E00", "dash": "solid", "symbol": "star", "width": 4}
OTHER_PREF_STYLE = {"color": "#009E73", "dash": "dashdot", "symbol": "triangle-up"}


def name(row, lang: str, base: str = "name") -> str:
    """A name in the page's language (Japanese when the master has no English name)."""
    get = row.get if isinstance(row, dict) else (lambda k, d=None: getattr(row, k, d))
    value = get(f"{base}_en") if lang == "en" else None
    if value is None or value != value or value == "":
        value = get(f"{base}_ja")
    return "" if value is None or value != value else str(value)


def pct(value) -> str:
    """A rate with one decimal and a percent sign; '—' when missing."""
    return "—" if value is None or pd.isna(value) else f"{value:.1f} %"


def fiscal_year(year, lang: str) -> str:
    """'2021年度' or 'FY2021'."""
    return tr(f"{int(year)}年度", f"FY{int(year)}", lang)


# --- Page 1: map -------------------------------------------------------------------------------------------------


def map_values(measures: pd.DataFrame, measure: str, lang: str) -> pd.DataFrame:
    """(geo_code, pref, name, measure, value, unit, shown, basis, label) for one measure, in the map's order."""
    measure = measure if measure in MEASURES else DEFAULT_MEASURE
    label_ja, label_en, _, _, unit_ja, unit_en = MEASURES[measure]
    unit = tr(unit_ja, unit_en, lang)
    out = pd.DataFrame({"geo_code": measures["geo_code"].astype(str)})
    out["name"] = [name(r, lang) for r in measures.itertuples()]
    out["measure"] = tr(label_ja, label_en, lang)
    values = pd.to_numeric(measures[measure], errors="coerce")
    out["value"] = values.round(2) if measure == "mynumber" else values
    out["unit"] = unit
    if measure == "mynumber":
        dates = pd.to_datetime(measures["snapshot_date"])
        out["basis"] = [tr(f"{d:%Y-%m-%d} 時点", f"as of {d:%Y-%m-%d}", lang) if pd.notna(d) else "" for d in dates]
        shown = [pct(v) for v in values]
    else:
        out["basis"] = tr("戦略文書に記載された件数", "count named in the strategy documents", lang)
        none = map_scale(measure).categories[0].label(lang)  # the legend's words for 0, in the hover as well
        shown = [(f"{none}・0 {unit}" if lang == "ja" else f"{none}, 0 {unit}") if v == 0 else
                 f"{int(v)} {unit}" if pd.notna(v) else "" for v in values]
    out["pref"] = tr("大阪府", "Osaka", lang)
    out["shown"] = [s if pd.notna(v) else tr("データなし", "no data", lang) for s, v in zip(shown, values)]
    no_data = tr("データなし", "no data", lang)
    out["label"] = [f"<b>{n}</b><br>{tr(label_ja, label_en, lang)}<br>"
                    + (f"{s}（{b}）" if lang == "ja" else f"{s} ({b})")
                    if pd.notna(v) else f"<b>{n}</b><br>{no_data}"
                    for n, v, s, b in zip(out["name"], values, shown, out["basis"])]
    return out


def map_scale(measure: str) -> Scale:
    """The measure's one colour scale (smartcity.figures.common.SCALES): the issuance rate on 0–100 %, the counts
    named in the strategy documents as categories (none named, 1, 2 or more)."""
    keys = {"mynumber": "mynumber_issuance_rate", "ospf": "ospf_projects", "ai_ondemand": "ai_ondemand_entries",
            "smart_senior": "smart_senior_areas"}
    return scale(keys.get(measure, keys[DEFAULT_MEASURE]))


def colorbar_title(measure: str, lang: str) -> str:
    """The title of the map's key (colour bar or legend) for a measure."""
    return map_scale(measure).title(lang)


# --- Page 1: adoption of the jointly procured systems -------------------------------------------------------------


def _wrap(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(text, width)) if len(text) > width else text


def adoption_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The chart's data as a table: system, fiscal year, joint, own, total, 'N/43' or why there is no figure."""
    out = pd.DataFrame({
        "system": [name(r, lang, "system") for r in frame.itertuples()],
        "fiscal_year": [fiscal_year(y, lang) for y in frame["fiscal_year"]],
        "joint": frame["joint"], "own": frame["own"], "total": frame["total"],
    })
    out["shown"] = [total_text(t, reason, lang) for t, reason in zip(frame["total"], frame["missing_reason"])]
    return out


def total_text(total, missing_reason, lang: str) -> str:
    """'42/43' for a total; what the source says when there is none."""
    if total is not None and not pd.isna(total):
        return f"{int(total)}/{OSAKA_MUNICIPALITIES}"
    if missing_reason == "not_offered":
        return tr("－ 未提供", "– not offered", lang)
    return tr("記載なし", "not given", lang)


def adoption_figure(frame: pd.DataFrame, coverage: pd.DataFrame, lang: str, source: str = "") -> go.Figure:
    """Horizontal stacked bars of joint and own procurement: a heading row per system (its name across the chart's
    width, so long names fit a phone) and a bar per fiscal year under it, 'N/43' at the end of each bar; years the
    source gives as '-' say 'not offered' (never a zero bar). The e-application population coverage is written
    above the chart."""
    if frame.empty:
        return empty_figure(tr("共同調達システムの導入データがありません", "No adoption figures", lang))
    rows = [f"{r.system_id}|{int(r.fiscal_year)}" for r in frame.itertuples()]
    custom = list(zip([name(r, lang, "system") for r in frame.itertuples()],
                      [fiscal_year(y, lang) for y in frame["fiscal_year"]]))
    unit = tr("市町村", "municipalities", lang)
    fig = go.Figure()
    for col, style, label in (("joint", JOINT_STYLE, tr("共同調達", "Joint procurement", lang)),
                              ("own", OWN_STYLE, tr("独自導入", "Own procurement", lang))):
        values = [None if pd.isna(v) else int(v) for v in frame[col]]
        fig.add_trace(go.Bar(
            y=rows, x=values, orientation="h", name=label, customdata=custom,
            marker={"color": style["color"], "pattern": {"shape": style["pattern"], "fgcolor": "#333333",
                                                         "solidity": 0.3},
                    "line": {"color": "#333333", "width": 0.6}},
            text=[str(v) if v else "" for v in values], textposition="inside", insidetextanchor="middle",
            textangle=0, textfont={"color": "#ffffff" if col == "joint" else "#000000"},
            hovertemplate=f"%{{customdata[0]}} %{{customdata[1]}}<br>{label}: %{{x}} {unit}<extra></extra>",
        ))
    present = frame["total"].notna().tolist()
    fig.add_trace(go.Scatter(
        y=rows, x=[float(t) if ok else 0.0 for t, ok in zip(frame["total"], present)], mode="text",
        text=[total_text(t, r, lang) for t, r in zip(frame["total"], frame["missing_reason"])],
        textposition="middle right", showlegend=False, name=tr("計", "Total", lang), cliponaxis=False,
        textfont={"size": 11, "color": ["#000000" if ok else "#555555" for ok in present]}, customdata=custom,
        hovertemplate=f"%{{customdata[0]}} %{{customdata[1]}}<br>{tr('計', 'Total', lang)}: %{{text}}<extra></extra>",
    ))
    fig.add_vline(x=OSAKA_MUNICIPALITIES, line={"color": "#555555", "dash": "dot", "width": 1})
    return _adoption_layout(fig, coverage, _system_headings(fig, frame, lang), lang, source)


def _system_headings(fig: go.Figure, frame: pd.DataFrame, lang: str) -> int:
    """A heading above each system's years: the system's name across the chart's width, in lines that fit a phone
    (a blank row before each heading but the first leaves room for a second line); the y axis lists the rows with
    the years bare, as the source gives them. Returns the number of rows."""
    order, labels = [], []
    for system_id, part in frame.groupby("system_id", sort=False):
        if order:
            order.append(f"{system_id}|gap")
            labels.append("")
        order.append(f"{system_id}|")
        labels.append("")
        heading = _wrap(name(part.iloc[0], lang, "system"), 18 if lang == "ja" else 30)
        fig.add_annotation(x=0, y=f"{system_id}|", xref="x", yref="y", xanchor="left", yanchor="bottom", yshift=-8,
                           showarrow=False, align="left", text=f"<b>{heading}</b>", font={"size": 12, "color": "#000"})
        order += [f"{system_id}|{int(y)}" for y in part["fiscal_year"]]
        labels += [str(int(y)) for y in part["fiscal_year"]]
    fig.update_yaxes(categoryorder="array", categoryarray=order, tickvals=order, ticktext=labels,
                     autorange="reversed", tickfont={"size": 11}, automargin=True)
    return len(order)


def _adoption_layout(fig: go.Figure, coverage: pd.DataFrame, rows: int, lang: str, source: str) -> go.Figure:
    """Axes, legend, the coverage note above the chart and the source below it, for a phone as for a laptop."""
    note = ""
    if not coverage.empty:
        c = coverage.sort_values("year").iloc[-1]
        note = tr(f"電子申請システム：府内 {int(c.municipalities)} 市町村が導入、<br>人口カバー率 "
                  f"{c.population_coverage_pct:.1f} %",
                  f"E-application: {int(c.municipalities)} municipalities,<br>{c.population_coverage_pct:.1f} % of "
                  f"the population covered", lang)
        fig.add_annotation(text=note, xref="paper", yref="paper", x=0, y=1, xanchor="left", yanchor="bottom",
                           yshift=40, showarrow=False, align="left", font={"size": 12, "color": "#000000"},
                           bgcolor="#f3f6fa", bordercolor=OKABE_ITO[0], borderpad=3)
    source = wrap_source(source) if source else ""
    bottom = 60 + 13 * (source.count("<br>") + 1 if source else 0)
    base_layout(fig, height=130 + 22 * rows + bottom + (50 if note else 0))
    fig.update_layout(barmode="stack", bargap=0.3, margin={"l": 8, "r": 16, "t": 110 if note else 40, "b": bottom},
                      legend={"traceorder": "normal", "x": 0, "xanchor": "left"},
                      uniformtext={"minsize": 9, "mode": "hide"})
    fig.update_xaxes(title_text=tr("導入市町村数（府内は全 43 市町村）", "Municipalities using the system (43 in all)",
                                   lang), range=[0, 56], tickvals=[0, 10, 20, 30, OSAKA_MUNICIPALITIES])
    if source:
        fig.add_annotation(text=source, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                           yshift=-46, showarrow=False, font={"size": 10, "color": "#555555"}, align="left")
    return fig


def support_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Support programmes as shown: area, programme, start fiscal year, municipalities, stage, source."""
    restated = tr("（再掲）", " (restated)", lang)
    return pd.DataFrame({
        "area": [name(r, lang, "area") for r in frame.itertuples()],
        "programme": [name(r, lang, "programme") + (restated if r.is_restatement else "") for r in frame.itertuples()],
        "start": [fiscal_year(y, lang) + tr("～", "–", lang) if pd.notna(y) else tr("記載なし", "not given", lang)
                  for y in frame["start_fiscal_year"]],
        "municipalities": frame["municipalities"].astype("object").where(frame["municipalities"].notna(), None),
        "municipalities_note": [tr("記載なし（「新」）", "not given ('new')", lang) if pd.isna(m) else "" for m in
                                frame["municipalities"]],
        "stage": [name(r, lang, "stage") for r in frame.itertuples()],
        "source": list(frame["citation_en" if lang == "en" else "citation_ja"]),
    })


# --- Page 2: one municipality -------------------------------------------------------------------------------------


def series_style(role: str, geo_code: str) -> dict:
    """Line style of a series: the municipality solid and thick; comparators by GEO_STYLE (dash and symbol)."""
    if role == "municipality":
        return SELF_STYLE
    return {"width": 2, **GEO_STYLE.get(geo_code, OTHER_PREF_STYLE)}


def rate_series_figure(series: pd.DataFrame, lang: str) -> go.Figure:
    """Issuance rate over every snapshot: the municipality, its prefecture and Japan."""
    if series.empty:
        return empty_figure(tr("交付率のデータがありません", "No issuance-rate data", lang))
    fig = go.Figure()
    for role in ("municipality", "prefecture", "nation"):
        part = series[series["role"] == role].sort_values("period_end")
        if part.empty:
            continue
        first = part.iloc[0]
        style = series_style(role, first.geo_code)
        label = (tr("全国", "Japan", lang) if role == "nation" else
                 name(first, lang) + (" (prefecture)" if role == "prefecture" and lang == "en" else ""))
        fig.add_trace(go.Scatter(
            x=part["period_end"], y=part["value"], name=label, mode="lines+markers",
            line={"color": style["color"], "dash": style["dash"], "width": style.get("width", 2)},
            marker={"symbol": style["symbol"], "size": 9 if role == "municipality" else 6, "color": style["color"]},
            hovertemplate=f"{label}<br>%{{x|%Y-%m-%d}}: %{{y:.1f}} %<extra></extra>",
        ))
    base_layout(fig, height=400)
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(title_text=tr("時点（算出基準日）", "Snapshot date", lang), tickformat="%Y-%m")
    fig.update_yaxes(title_text=tr("交付率（％）", "Issuance rate (%)", lang), rangemode="tozero", ticksuffix=" %")
    own = series[series["role"] == "municipality"].sort_values("period_end")
    if not own.empty:
        last = own.iloc[-1]
        fig.add_annotation(x=last.period_end, y=last.value, text=f"<b>{pct(last.value)}</b>", showarrow=False,
                           xanchor="left", xshift=10, font={"color": SELF_STYLE["color"]},
                           bgcolor="rgba(255,255,255,0.85)")
        fig.update_layout(margin={"r": 72})
    return fig


def rank_text(peers: pd.DataFrame, lang: str) -> str:
    """'5位 / 8団体（上位 63 %）' for the flagged municipality; '' when it is not in the frame."""
    me = peers[peers["is_self"]]
    if me.empty:
        return ""
    rank, n = int(me.iloc[0]["rank"]), int(me.iloc[0]["n"])
    top = math.floor(100 * rank / n + 0.5)
    return tr(f"{rank}位 / {n}団体（上位 {top} %）", f"rank {rank} of {n} (top {top} %)", lang)


def peers_figure(peers: pd.DataFrame, band: tuple[float, float], lang: str) -> go.Figure:
    """Rates of the municipalities of similar population: a box with every point (jittered), this one marked with a
    star and its rank written on the chart."""
    me = peers[peers["is_self"]] if not peers.empty else peers
    if me.empty:
        return empty_figure(tr("比較できるデータがありません", "No data to compare", lang))
    self_row = me.iloc[0]
    category = tr(f"人口 {band[0]:g}〜{band[1]:g} 倍", f"population {band[0]:g}x–{band[1]:g}x", lang)
    hover = [f"{name(r, lang)}（{name(r, lang, 'pref_name')}）" if lang == "ja" else
             f"{name(r, lang)} ({name(r, lang, 'pref_name')})" for r in peers.itertuples()]
    fig = go.Figure()
    fig.add_trace(go.Box(
        x=peers["rate"], y=[category] * len(peers), name=tr("各団体（○）と箱ひげ", "Each municipality (○) and box", lang),
        orientation="h", boxpoints="all", jitter=0.7, pointpos=0, fillcolor="rgba(0,114,178,0.10)",
        line={"color": OKABE_ITO[0]}, marker={"symbol": "circle-open", "size": 7, "color": "#444444"},
        text=hover, hovertemplate="%{text}<br>%{x:.1f} %<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=[self_row.rate], y=[category], mode="markers", name=name(self_row, lang) + tr("（★）", " (★)", lang),
        marker={"symbol": SELF_STYLE["symbol"], "size": 22, "color": SELF_STYLE["color"],
                "line": {"color": "#000000", "width": 1}},
        hovertemplate=f"{name(self_row, lang)}<br>%{{x:.1f}} %<extra></extra>",
    ))
    fig.add_annotation(x=self_row.rate, y=category, text=f"<b>{name(self_row, lang)} {pct(self_row.rate)}</b><br>"
                       f"{rank_text(peers, lang)}", showarrow=True, arrowhead=2, ax=0, ay=-70,
                       font={"color": "#000000"}, bgcolor="rgba(255,255,255,0.9)", bordercolor=SELF_STYLE["color"])
    base_layout(fig, height=320)
    fig.update_layout(margin={"l": 16, "r": 16, "t": 40, "b": 56}, legend={"traceorder": "normal"})
    fig.update_xaxes(title_text=tr("交付率（％）", "Issuance rate (%)", lang), ticksuffix=" %")
    fig.update_yaxes(showticklabels=False, range=[-0.55, 1.0])
    return fig


def involvement_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Programmes, projects and pilots as shown: kind, title, area, period, stage, source document and section."""
    rows = []
    for r in frame.itertuples():
        kind = tr(*INVOLVEMENT_KIND.get(r.kind, (r.kind, r.kind)), lang)
        area = name(r, lang, "ward_name") if isinstance(r.ward_code, str) else (r.area_ja if isinstance(r.area_ja, str)
                                                                                else "")
        if pd.notna(r.fiscal_year):
            period = fiscal_year(r.fiscal_year, lang) + (tr("～", "–", lang) if r.kind == "support_all" else "")
        elif isinstance(r.start_date, str):
            period = r.start_date + (f" – {r.end_date}" if isinstance(r.end_date, str) else "")
        else:
            period = tr("記載なし", "not given", lang)
        if isinstance(r.stage_ja, str):
            stage = name(r, lang, "stage")
        elif isinstance(r.kind_code, str):
            stage = tr(*KIND_CODE.get(r.kind_code, (r.kind_code, r.kind_code)), lang)
        else:
            stage = tr("記載なし", "not given", lang)
        rows.append({"kind": kind, "title": name(r, lang, "title"), "detail": name(r, lang, "detail"), "area": area,
                     "period": period, "stage": stage, "source": name(r, lang, "citation")})
    return pd.DataFrame(rows, columns=["kind", "title", "detail", "area", "period", "stage", "source"])


def document_sources(frame: pd.DataFrame, lang: str) -> str:
    """The documents and sections the rows come from, each document once (smartcity.citations.cite_rows)."""
    return cite_rows(frame, lang)
