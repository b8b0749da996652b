"""Figures and tables about municipalities: map measures, adoption of the jointly procured systems, a
municipality's My Number card rate against its prefecture and Japan, and its position among peers."""
from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

from smartcity.figures.common import GEO_STYLE, OKABE_ITO, base_layout, empty_figure
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
        shown = [f"{int(v)} {unit}" if pd.notna(v) else "" for v in values]
    out["pref"] = tr("大阪府", "Osaka", lang)
    out["shown"] = [s if pd.notna(v) else tr("データなし", "no data", lang) for s, v in zip(shown, values)]
    no_data = tr("データなし", "no data", lang)
    out["label"] = [f"<b>{n}</b><br>{tr(label_ja, label_en, lang)}<br>"
                    + (f"{s}（{b}）" if lang == "ja" else f"{s} ({b})")
                    if pd.notna(v) else f"<b>{n}</b><br>{no_data}"
                    for n, v, s, b in zip(out["name"], values, shown, out["basis"])]
    return out


def colorbar_dtick(measure: str) -> int | None:
    """Whole-number ticks for counts; automatic ticks for the rate."""
    return None if measure not in MEASURES or measure == "mynumber" else 1


def colorbar_title(measure: str, lang: str) -> str:
    """The colour bar's title for a measure."""
    m = MEASURES.get(measure, MEASURES[DEFAULT_MEASURE])
    return tr(m[2], m[3], lang)


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
    """Stacked bars of joint and own procurement, one group of fiscal years per system, 'N/43' over each stack; years
    the source gives as '-' say 'not offered' (never a zero bar). The e-application population coverage is written
    on the chart."""
    if frame.empty:
        return empty_figure(tr("共同調達システムの導入データがありません", "No adoption figures", lang))
    width = 14 if lang == "ja" else 22
    systems = [_wrap(name(r, lang, "system"), width) for r in frame.itertuples()]
    years = [fiscal_year(y, lang) for y in frame["fiscal_year"]]
    x = [systems, [str(int(y)) for y in frame["fiscal_year"]]]
    custom = list(zip([name(r, lang, "system") for r in frame.itertuples()], years))
    unit = tr("市町村", "municipalities", lang)
    fig = go.Figure()
    for col, style, label in (("joint", JOINT_STYLE, tr("共同調達", "Joint procurement", lang)),
                              ("own", OWN_STYLE, tr("独自導入", "Own procurement", lang))):
        values = [None if pd.isna(v) else int(v) for v in frame[col]]
        fig.add_trace(go.Bar(
            x=x, y=values, name=label, customdata=custom,
            marker={"color": style["color"], "pattern": {"shape": style["pattern"], "fgcolor": "#333333",
                                                         "solidity": 0.3},
                    "line": {"color": "#333333", "width": 0.6}},
            text=[str(v) if v else "" for v in values], textposition="inside", insidetextanchor="middle",
            textfont={"color": "#ffffff" if col == "joint" else "#000000"},
            hovertemplate=f"%{{customdata[0]}} %{{customdata[1]}}<br>{label}: %{{y}} {unit}<extra></extra>",
        ))
    totals = [total_text(t, r, lang) for t, r in zip(frame["total"], frame["missing_reason"])]
    totals = [t if lang == "ja" or "/" in t else t.replace("– ", "").replace(" ", "<br>") for t in totals]
    present = frame["total"].notna().tolist()
    fig.add_trace(go.Scatter(
        x=x, y=[float(t) if ok else 0.0 for t, ok in zip(frame["total"], present)], mode="text", text=totals,
        textposition="top center", showlegend=False, name=tr("計", "Total", lang),
        textfont={"size": 11, "color": ["#000000" if ok else "#555555" for ok in present]},
        customdata=custom,
        hovertemplate=f"%{{customdata[0]}} %{{customdata[1]}}<br>{tr('計', 'Total', lang)}: %{{text}}<extra></extra>",
    ))
    fig.update_layout(barmode="stack", bargap=0.25)
    base_layout(fig, height=480)
    fig.update_layout(margin={"l": 64, "r": 16, "t": 64, "b": 140 if lang == "en" else 118},
                      legend={"y": 1.08, "yanchor": "bottom", "traceorder": "normal"},
                      uniformtext={"minsize": 9, "mode": "hide"})
    fig.update_yaxes(title_text=tr("導入市町村数", "Municipalities using the system", lang),
                     range=[0, OSAKA_MUNICIPALITIES + 7], dtick=10)
    fig.update_xaxes(tickfont={"size": 11}, tickangle=0,
                     title_text=tr("年度（上段）・システム（下段）", "Fiscal year (top row) and system (bottom row)", lang),
                     title_font={"size": 11})
    fig.add_hline(y=OSAKA_MUNICIPALITIES, line={"color": "#555555", "dash": "dot", "width": 1},
                  annotation_text=tr("府内 43 市町村", "all 43 municipalities", lang),
                  annotation_position="top right", annotation_font={"size": 10, "color": "#333333"})
    if not coverage.empty:
        c = coverage.sort_values("year").iloc[-1]
        fig.add_annotation(
            text=tr(f"電子申請システム：府内 {int(c.municipalities)} 市町村が導入、人口カバー率 {c.population_coverage_pct:.1f} %",
                    f"E-application: {int(c.municipalities)} municipalities, {c.population_coverage_pct:.1f} % of the "
                    f"population covered", lang),
            xref="paper", yref="paper", x=0.36, y=1.08, xanchor="left", yanchor="bottom", showarrow=False,
            font={"size": 12, "color": "#000000"}, bgcolor="#f3f6fa", bordercolor=OKABE_ITO[0], borderpad=3)
    if source:
        fig.add_annotation(text=source, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                           yshift=-(118 if lang == "en" else 96), showarrow=False,
                           font={"size": 10, "color": "#555555"}, align="left")
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
        "source": [f"{r.source_doc} {r.source_section} l.{r.source_line}" for r in frame.itertuples()],
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
        detail = name(r, lang, "detail")
        doc = name(r, lang, "doc_title")
        rows.append({"kind": kind, "title": name(r, lang, "title"), "detail": detail, "area": area, "period": period,
                     "stage": stage,
                     "document": f"{doc}（{r.source_doc}）" if lang == "ja" else f"{doc} ({r.source_doc})",
                     "section": r.source_section, "line": int(r.source_line)})
    return pd.DataFrame(rows, columns=["kind", "title", "detail", "area", "period", "stage", "document", "section",
                                       "line"])


def document_sources(frame: pd.DataFrame, lang: str) -> str:
    """'Title (file) "section" l.a–b; …' for the rows' documents and sections (first_line/last_line or
    source_line)."""
    if frame.empty:
        return ""
    f = frame.copy()
    if "first_line" not in f:
        f["first_line"] = f["source_line"]
        f["last_line"] = f["source_line"]
    parts = []
    for (doc, section), g in f.groupby(["source_doc", "source_section"], sort=False):
        r = g.iloc[0]
        title = name(r, lang, "doc_title") or doc
        lo, hi = int(g["first_line"].min()), int(g["last_line"].max())
        lines = f"l.{lo}" if lo == hi else f"l.{lo}–{hi}"
        parts.append(f"{title}（{doc}）「{section}」{lines}" if lang == "ja" else f"{title} ({doc}), '{section}', {lines}")
    return ("；" if lang == "ja" else "; ").join(parts)
