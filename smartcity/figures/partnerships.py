"""Figures and texts for the partnerships page: OSPF membership, events, pitches and projects, the AI on-demand
transport and smart senior life areas, and the Digital Health Fund facts. Pure: DataFrame in, Figure/text out."""
from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go

from smartcity.citations import cite_rows, date_words
from smartcity.figures import maps
from smartcity.figures.common import OKABE_ITO, base_layout, empty_figure
from smartcity.i18n import tr

BLUE, ORANGE, GREEN, PINK, SKY, VERMILION = OKABE_ITO[:6]
NONE_COLOUR = "#EBEBEB"
TOP = 84  # top margin (pixels) of charts with a legend: the mode bar's row, then the legend's


def legend(height: int) -> dict:
    """Legend at the left of the whole figure (not of the plot area), in a row below the mode bar."""
    return {"orientation": "h", "xref": "container", "x": 0.01, "xanchor": "left", "yref": "container",
            "y": 1 - 34 / height, "yanchor": "top"}

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

STAGE = {  # stage -> (Japanese, English, bar pattern); the word is on the bar, the pattern repeats it
    "pilot": ("実証", "Pilot", "/"),
    "pilot_and_implemented": ("実証・実装", "Pilot and implemented", "x"),
    "implemented": ("実装", "Implemented", ""),
    None: ("段階の記載なし", "Stage not stated", "."),
}
PROGRAMMES = {  # URL value -> (Japanese, English)
    "all": ("両方の事業", "Both programmes"),
    "ai_ondemand": ("AIオンデマンド交通", "AI on-demand transport"),
    "smart_senior_life": ("スマートシニアライフ", "Smart senior life"),
}
AI_KIND = {
    "pilot_support": ("実証事業支援", "pilot support"),
    "town_planning_link": ("まちづくりとの連携", "link with town planning"),
    "city_service": ("事業化（大阪メトロ）", "commercial service (Osaka Metro)"),
    "model_project": ("府モデル事業", "prefectural model project"),
}
# Area map categories: code -> (Japanese, English, colour). Codes are the z values of the map.
AREA_CATEGORIES = [
    ("該当なし", "None", NONE_COLOUR),
    ("AIオンデマンド交通", "AI on-demand transport", BLUE),
    ("スマートシニアライフ", "Smart senior life", ORANGE),
    ("両方", "Both", GREEN),
    ("市内（区の記載なし）", "In the city (ward not named)", SKY),
]
PROJECT_CATEGORIES = [
    ("記載なし", "None named", NONE_COLOUR),
    ("1件", "1 project", SKY),
    ("2件以上", "2 or more", BLUE),
]


# ---------------------------------------------------------------- text helpers

def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _int(value) -> str:
    return "—" if _missing(value) else f"{int(value):,}"


def _wrap(text: str, width: int) -> str:
    """Break a label into lines of about `width` characters, between words or between Japanese characters but
    never inside a run of Latin letters and digits (so '2020年度' or 'Osaka' stay whole)."""
    if len(text) <= width:
        return text
    lines, line = [], ""
    for token in re.findall(r"[A-Za-z0-9.,:;'’\-/()%&+]+|\s+|.", text):
        if line and len(line) + len(token.rstrip()) > width:
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        else:
            line += token
    lines.append(line.rstrip())
    return "<br>".join(part for part in lines if part)


def date_label(text, lang: str) -> str:
    """An ISO date as written (YYYY, YYYY-MM or YYYY-MM-DD) in words, saying when the day or month is not known."""
    if _missing(text):
        return tr("日付の記載なし", "date not given", lang)
    parts = str(text).split("-")
    months = MONTHS
    if len(parts) == 1:
        return tr(f"{parts[0]}年（月日は不明）", f"{parts[0]} (month and day not given)", lang)
    y, m = parts[0], int(parts[1])
    if len(parts) == 2:
        return tr(f"{y}年{m}月（日は不明）", f"{months[m - 1]} {y} (day not given)", lang)
    return tr(f"{y}年{m}月{int(parts[2])}日", f"{int(parts[2])} {months[m - 1]} {y}", lang)


def fiscal_year_label(year, lang: str) -> str:
    """FY text (April–March) or 'not given'."""
    if _missing(year):
        return tr("年度の記載なし", "year not given", lang)
    return tr(f"{int(year)}年度", f"FY{int(year)}", lang)


def period_label(start, end, lang: str) -> str:
    """'start〜end' of ISO dates as written; empty when neither is given."""
    if _missing(start) and _missing(end):
        return ""
    return f"{'' if _missing(start) else start}{tr('〜', ' to ', lang)}{'' if _missing(end) else end}"


def source_texts(frame: pd.DataFrame) -> tuple[str, str]:
    """The source of a chart in both languages: each document once with the sections used (smartcity.citations)."""
    if frame.empty:
        return "—", "—"
    return cite_rows(frame, "ja") or "—", cite_rows(frame, "en") or "—"


def source_ref(row, lang: str) -> str:
    """One row's source for a table cell: its document and section."""
    return getattr(row, "citation_en" if lang == "en" else "citation_ja", None) or "—"


# ---------------------------------------------------------------- OSPF membership

def membership_rows(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Membership with the date in words, its precision and the source of each row (the table twin)."""
    out = frame.copy()
    out["when"] = [date_label(t, lang) for t in out["date_text"]]
    out["precision"] = [tr({"day": "日", "month": "月（日は不明）", "year": "年"}[p],
                           {"day": "day", "month": "month (day not given)", "year": "year"}[p], lang)
                        for p in out["date_precision"]]
    out["source"] = [source_ref(r, lang) for r in out.itertuples()]
    return out


def membership_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Members over time: line with markers and value labels; an open marker where only the month is known."""
    if frame.empty:
        return empty_figure(tr("会員数の記載がありません。", "No membership figures in the sources.", lang))
    rows = membership_rows(frame, lang)
    exact = rows["date_precision"] == "day"
    unit = tr("団体", "", lang)
    text = [f"{int(n):,}{unit}" + ("" if e else tr(f"<br>{w}", f"<br>{w}", lang))
            for n, e, w in zip(rows["members_total"], exact, rows["when"])]
    fig = go.Figure(go.Scatter(
        x=rows["date"], y=rows["members_total"], mode="lines+markers+text", text=text,
        textposition=["bottom right" if not e else "top center" for e in exact[:-1]] + ["top left"],
        cliponaxis=False,
        line={"color": BLUE, "width": 2}, name=tr("会員数", "Members", lang),
        marker={"size": 11, "color": BLUE, "symbol": ["circle" if e else "circle-open" for e in exact],
                "line": {"width": 2, "color": BLUE}},
        customdata=rows[["when"]].to_numpy(),
        hovertemplate=tr("%{customdata[0]}<br>会員 %{y:,} 企業・団体<extra></extra>",
                         "%{customdata[0]}<br>%{y:,} companies and organisations<extra></extra>", lang),
    ))
    base_layout(fig, 360)
    fig.update_layout(showlegend=False, margin={"t": 48})
    fig.update_yaxes(title_text=tr("会員数（企業・団体）", "Members (companies and organisations)", lang),
                     rangemode="tozero", range=[0, float(rows["members_total"].max()) * 1.25], tickformat=",")
    first, last = rows["date"].min(), rows["date"].max()
    pad = (pd.Timestamp(last) - pd.Timestamp(first)) * 0.08 + pd.Timedelta(days=30)
    fig.update_xaxes(title_text=tr("時点", "Date", lang), tickformat="%Y-%m",
                     range=[pd.Timestamp(first) - pad, pd.Timestamp(last) + pad])
    if not exact.all():
        fig.add_annotation(text=tr("● 日付まで判明　○ 月のみ判明（月初に表示）",
                                   "● exact date   ○ month only (plotted on the 1st)", lang),
                           xref="paper", yref="paper", x=0, y=1.02, xanchor="left", yanchor="bottom",
                           showarrow=False, font={"size": 11, "color": "#333"})
    return fig


# ---------------------------------------------------------------- OSPF events

def period_text(period: pd.Series | dict, lang: str) -> str:
    """Label of an event table: its as-of date, or the date of its document when the table gives none."""
    get = period.get
    doc_when = date_words(get("document_date"), lang)
    if not _missing(get("as_of_date")):
        return tr(f"{date_label(get('as_of_date'), 'ja')}時点の累計（{doc_when}の資料）",
                  f"Totals as of {date_label(get('as_of_date'), 'en')} (document of {doc_when})", lang)
    partial_ja, partial_en = ("・一部のみ掲載", ", partial list") if get("is_partial") else ("", "")
    return tr(f"{doc_when}の資料（時点の記載なし{partial_ja}）",
              f"Document of {doc_when} (as-of date not stated{partial_en})", lang)


def participants_text(value, cumulative: bool, approx: bool, lang: str) -> str:
    """Participants with 延べ (cumulative) and 約 (approximate) marked; 'not given' when missing."""
    if _missing(value):
        return tr("参加者数の記載なし", "participants not given", lang)
    n = f"{int(value):,}"
    if lang == "en":
        return ("approx. " if approx else "") + n + (" (cumulative)" if cumulative else "")
    return ("延べ" if cumulative else "") + ("約" if approx else "") + n + "人"


def event_rows(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Events with the labels the chart and the table show (name, participants and count with their marks)."""
    out = frame.copy()
    out["name"] = [r.event_en if lang == "en" and not _missing(r.event_en) else r.event_ja for r in out.itertuples()]
    out["participants_label"] = [participants_text(r.participants, bool(r.participants_is_cumulative),
                                                   bool(r.participants_is_approx), lang) for r in out.itertuples()]
    out["held_label"] = [tr("回数の記載なし", "count not given", lang) if _missing(v) else
                         tr(f"{int(v)}回", f"{int(v)} event{'s' if int(v) != 1 else ''}", lang)
                         for v in out["events_held"]]
    out["marks"] = [tr("・".join(m for m, f in (("延べ", r.participants_is_cumulative), ("約", r.participants_is_approx))
                                 if f) or "—",
                       ", ".join(m for m, f in (("cumulative", r.participants_is_cumulative),
                                                ("approximate", r.participants_is_approx)) if f) or "—", lang)
                    for r in out.itertuples()]
    out["source"] = [source_ref(r, lang) for r in out.itertuples()]
    return out


def events_figure(frame: pd.DataFrame, period_label: str, lang: str) -> go.Figure:
    """Participants per OSPF event (horizontal bars in the source's order); labels carry 延べ/約 and the count held;
    approximate figures are also hatched."""
    if frame.empty:
        return empty_figure(tr("この時点のイベント実績の記載がありません。", "No event figures for this period.", lang))
    rows = event_rows(frame, lang)
    rows["y"] = [_wrap(n, 22 if lang == "ja" else 44) for n in rows["name"]]
    sep = tr("・", "; ", lang)
    fig = go.Figure()
    for approx, name, pattern in ((False, tr("参加者数", "Participants", lang), ""),
                                  (True, tr("参加者数（約＝概数）", "Participants (approximate)", lang), "/")):
        part = rows[rows["participants_is_approx"].astype(bool) == approx]
        if part.empty:
            continue
        fig.add_trace(go.Bar(
            y=part["y"], x=part["participants"].astype("Float64").astype(object).where(part["participants"].notna(),
                                                                                      None),
            orientation="h", name=name, marker={"color": BLUE if not approx else SKY, "line": {"color": BLUE,
                                                                                             "width": 1},
                                                "pattern": {"shape": pattern, "fgcolor": BLUE}},
            text=[f"{p}{sep}{h}" for p, h in zip(part["participants_label"], part["held_label"])],
            textposition="outside", cliponaxis=False,
            customdata=part[["name", "participants_label", "held_label"]].to_numpy(),
            hovertemplate=tr("%{customdata[0]}<br>参加者 %{customdata[1]}<br>開催 %{customdata[2]}<extra></extra>",
                             "%{customdata[0]}<br>Participants: %{customdata[1]}<br>Held: %{customdata[2]}"
                             "<extra></extra>", lang)))
    missing = rows[rows["participants"].isna()]
    for y in missing["y"]:
        fig.add_annotation(x=0, y=y, text=tr("参加者数の記載なし", "participants not given", lang), showarrow=False,
                           xanchor="left", font={"size": 11, "color": "#333"})
    height = 110 + 38 * len(rows)
    base_layout(fig, height)
    top = float(rows["participants"].max()) if rows["participants"].notna().any() else 1.0
    fig.update_layout(barmode="overlay", margin={"l": 8, "r": 24, "t": TOP, "b": 56}, bargap=0.25,
                      legend=legend(height))
    fig.update_yaxes(categoryorder="array", categoryarray=list(rows["y"]), autorange="reversed", automargin=True)
    fig.update_xaxes(title_text=tr(f"参加者数（人）— {period_label}", f"Participants — {period_label}", lang),
                     range=[0, top * 1.45], tickformat=",")
    return fig


# ---------------------------------------------------------------- pitch events

def pitch_rows(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Pitch events with the date in words, fiscal year and source (the table twin)."""
    out = frame.copy()
    out["when"] = [date_label(t, lang) for t in out["date_text"]]
    out["fy"] = [fiscal_year_label(y, lang) for y in out["fiscal_year"]]
    out["title"] = [r.title_en if lang == "en" else r.title_ja for r in out.itertuples()]
    out["source"] = [source_ref(r, lang) for r in out.itertuples()]
    return out


def pitch_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Presenting and applying companies per pitch event (grouped bars; applicants hatched); a date without
    figures says so instead of drawing zeros."""
    if frame.empty:
        return empty_figure(tr("ピッチイベントの記載がありません。", "No pitch events in the sources.", lang))
    rows = pitch_rows(frame, lang)
    x = list(rows["date_text"])
    unit = tr("社", "", lang)
    fig = go.Figure()
    for col, name, colour, pattern in (("presenters", tr("登壇企業", "Presenting companies", lang), BLUE, ""),
                                       ("applicants", tr("応募企業", "Applying companies", lang), ORANGE, "/")):
        values = [None if _missing(v) else int(v) for v in rows[col]]
        fig.add_trace(go.Bar(
            x=x, y=values, name=name, marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": "#333"}},
            text=["" if v is None else f"{v}{unit}" for v in values], textposition="outside", cliponaxis=False,
            customdata=rows[["when"]].to_numpy(),
            hovertemplate="%{customdata[0]}<br>" + name + " %{y}" + unit + "<extra></extra>"))
    top = max([v for c in ("presenters", "applicants") for v in rows[c].dropna()] or [1])
    for r in rows[rows["presenters"].isna() & rows["applicants"].isna()].itertuples():
        fig.add_annotation(x=r.date_text, y=top * 0.08, yanchor="bottom", showarrow=False,
                           text=tr("登壇・応募企業数の<br>記載なし", "presenters and applicants<br>not given", lang),
                           font={"size": 11, "color": "#333"})
    base_layout(fig, 360)
    fig.update_layout(barmode="group", margin={"t": TOP}, legend=legend(360))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=x, title_text=tr("開催日", "Date", lang))
    fig.update_yaxes(title_text=tr("企業数（社）", "Companies", lang), range=[0, top * 1.25])
    return fig


# ---------------------------------------------------------------- project counts and fields

def count_rows(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Project counts with their labels (scope, date, 延べ) and source."""
    out = frame.copy()
    out["scope"] = [r.scope_en if lang == "en" else r.scope_ja for r in out.itertuples()]
    out["when"] = [date_label(d, lang) for d in out["as_of_date"]]
    out["cumulative"] = [tr("延べ", "cumulative", lang) if c else "—" for c in out["is_cumulative"]]
    out["source"] = [source_ref(r, lang) for r in out.itertuples()]
    return out


def project_counts_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Projects and those implemented, by scope and date (horizontal grouped bars; implemented hatched)."""
    if frame.empty:
        return empty_figure(tr("事業数の記載がありません。", "No project counts in the sources.", lang))
    rows = count_rows(frame, lang)
    rows["y"] = [_wrap(s, 20 if lang == "ja" else 36) + f"<br>{w}" for s, w in zip(rows["scope"], rows["when"])]
    unit = tr("件", "", lang)

    def detail(r) -> str:
        parts = []
        if not _missing(r.municipalities):
            parts.append(tr(f"{int(r.municipalities)}市町村", f"{int(r.municipalities)} municipalities", lang))
        if not _missing(r.fields):
            parts.append(tr(f"{int(r.fields)}分野", f"{int(r.fields)} fields", lang))
        return tr("（" + "・".join(parts) + "）", " (" + ", ".join(parts) + ")", lang) if parts else ""

    projects_text = [tr("延べ", "cumulative ", lang) * bool(r.is_cumulative) + f"{int(r.projects)}{unit}" + detail(r)
                     if not _missing(r.projects) else tr("記載なし", "not given", lang) for r in rows.itertuples()]
    fig = go.Figure(go.Bar(
        y=rows["y"], x=[None if _missing(v) else int(v) for v in rows["projects"]], orientation="h",
        name=tr("事業・プロジェクト数", "Projects", lang), marker={"color": BLUE}, text=projects_text,
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}<br>%{text}<extra></extra>"))
    impl = [None if _missing(v) else int(v) for v in rows["implemented"]]
    if any(v is not None for v in impl):
        fig.add_trace(go.Bar(
            y=rows["y"], x=impl, orientation="h", name=tr("うち社会実装", "of which implemented", lang),
            marker={"color": GREEN, "pattern": {"shape": "x", "fgcolor": "#1a1a1a"}},
            text=["" if v is None else tr(f"うち社会実装 {v}件", f"{v} implemented", lang) for v in impl],
            textposition="outside", cliponaxis=False, hovertemplate="%{y}<br>%{text}<extra></extra>"))
    height = 140 + 70 * len(rows)
    base_layout(fig, height)
    top = float(rows["projects"].max()) if rows["projects"].notna().any() else 1.0
    fig.update_layout(barmode="group", margin={"l": 8, "r": 24, "t": TOP, "b": 56}, legend=legend(height))
    fig.update_yaxes(categoryorder="array", categoryarray=list(rows["y"]), autorange="reversed", automargin=True)
    fig.update_xaxes(title_text=tr("件数", "Number of projects", lang), range=[0, top * 2.1])
    return fig


def stage_label(stage, lang: str) -> str:
    """Stage in words (pilot / implemented / both / not stated)."""
    ja, en, _ = STAGE.get(None if _missing(stage) else stage, STAGE[None])
    return tr(ja, en, lang)


def field_rows(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Fields with stage, working-group mark, start year and source (the table twin)."""
    out = frame.copy()
    out["field"] = [r.field_en if lang == "en" else r.field_ja for r in out.itertuples()]
    out["stage_label"] = [stage_label(s, lang) for s in out["stage"]]
    out["wg"] = [tr("WG", "working group", lang) if (not _missing(w) and w) else "—" for w in out["working_group"]]
    out["start"] = [fiscal_year_label(y, lang) + tr("〜", "–", lang) if not _missing(y) else
                    fiscal_year_label(y, lang) for y in out["start_fiscal_year"]]
    out["source"] = [source_ref(r, lang) for r in out.itertuples()]
    return out


def field_stage_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Municipalities taking part, by field, one bar series per stage (stage named on the bar and patterned)."""
    if frame.empty:
        return empty_figure(tr("分野別の記載がありません。", "No figures by field in the sources.", lang))
    rows = field_rows(frame, lang)
    rows["y"] = [_wrap(f, 16 if lang == "ja" else 30) for f in rows["field"]]
    fig = go.Figure()
    keys = [None if _missing(s) or s not in STAGE else s for s in rows["stage"]]
    for key, (ja, en, pattern) in STAGE.items():
        part = rows[[k == key for k in keys]]
        if part.empty:
            continue
        name = tr(ja, en, lang)
        colour = {"pilot": SKY, "pilot_and_implemented": GREEN, "implemented": BLUE}.get(key, NONE_COLOUR)
        fig.add_trace(go.Bar(
            y=part["y"], x=[None if _missing(v) else int(v) for v in part["n_municipalities"]], orientation="h",
            name=name, marker={"color": colour, "line": {"color": "#333", "width": 1},
                               "pattern": {"shape": pattern, "fgcolor": "#1a1a1a"}},
            text=[tr(f"{_int(n)}市町村・{name}", f"{_int(n)} ({name.lower()})", lang)
                  for n in part["n_municipalities"]],
            textposition="outside", cliponaxis=False,
            customdata=part[["field", "start", "wg", "named_projects"]].to_numpy(),
            hovertemplate=tr("%{customdata[0]}<br>%{text}<br>開始 %{customdata[1]}<br>ワーキンググループ: %{customdata[2]}"
                             "<br>資料に名前のあるプロジェクト %{customdata[3]}件<extra></extra>",
                             "%{customdata[0]}<br>%{text}<br>Since %{customdata[1]}<br>Working group: "
                             "%{customdata[2]}<br>Projects named in the sources: %{customdata[3]}<extra></extra>",
                             lang)))
    height = 140 + 40 * len(rows)
    base_layout(fig, height)
    top = float(rows["n_municipalities"].max()) if rows["n_municipalities"].notna().any() else 1.0
    fig.update_layout(barmode="overlay", margin={"l": 8, "r": 24, "t": TOP, "b": 56}, legend=legend(height))
    fig.update_yaxes(categoryorder="array", categoryarray=list(rows["y"]), autorange="reversed", automargin=True)
    fig.update_xaxes(title_text=tr("実施市町村数", "Municipalities taking part", lang), range=[0, top * 1.9],
                     dtick=2)
    return fig


# ---------------------------------------------------------------- maps

MAP_SIZE = (720, 600)  # the maps' pixel size the view is fitted to (full-width cards)


def category_map(boundaries: pd.DataFrame, values: pd.DataFrame, categories: list[tuple[str, str, str]],
                 title: str, lang: str) -> go.Figure:
    """A choropleth of category codes 0..n-1 with a stepped colour scale whose legend names each category."""
    n = len(categories)
    scale = []
    for i, (_, _, colour) in enumerate(categories):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    fig = maps.choropleth(boundaries, values, title, zrange=(-0.5, n - 0.5), colorscale=scale, width=MAP_SIZE[0],
                          height=MAP_SIZE[1], lang=lang,
                          colorbar={"title": {"text": _wrap(title, 12 if lang == "ja" else 22)},
                                    "tickvals": list(range(n)),
                                    "ticktext": [_wrap(tr(ja, en, lang), 10 if lang == "ja" else 18)
                                                 for ja, en, _ in categories],
                                    "thickness": 14})
    fig.update_traces(marker={"line": {"width": 0.7, "color": "#777777"}, "opacity": 0.95})
    return fig


def project_place(row, lang: str) -> str:
    """Municipality of a project, or 'not named' (with the district when the source gives one)."""
    if _missing(row.muni_code):
        area = "" if _missing(row.area_ja) else tr(f"（{row.area_ja}）", f" ({row.area_ja})", lang)
        return tr("市町村名の記載なし", "municipality not named", lang) + area
    return row.muni_en if lang == "en" and not _missing(row.muni_en) else row.muni_ja


def project_rows(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Named projects with place, field, stage (word and symbol), whether on the map, and source."""
    out = frame.copy()
    out["place"] = [project_place(r, lang) for r in out.itertuples()]
    out["title"] = [r.title_en if lang == "en" else r.title_ja for r in out.itertuples()]
    out["field"] = [r.field_en if lang == "en" else r.field_ja for r in out.itertuples()]
    out["stage_label"] = [stage_label(s, lang) for s in out["stage"]]
    out["on_map"] = [tr("地図に表示", "on the map", lang) if not _missing(c) else
                     tr("地図外（市町村名なし）", "not on the map (no municipality)", lang) for c in out["muni_code"]]
    out["source"] = [source_ref(r, lang) for r in out.itertuples()]
    return out


def project_map_values(boundaries: pd.DataFrame, projects: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per municipality: category (0 none named, 1 one project, 2 two or more) and a hover text listing the
    projects with field and stage in words."""
    rows = project_rows(projects, lang)
    out = []
    for b in boundaries.itertuples():
        name = b.name_en if lang == "en" and not _missing(b.name_en) else b.name_ja
        mine = rows[rows["muni_code"] == b.geo_code]
        if mine.empty:
            label = f"<b>{name}</b><br>" + tr("資料に市町村名付きのプロジェクトの記載なし",
                                               "no project named for this municipality in the sources", lang)
        else:
            items = [f"・{_wrap(r.title, 30 if lang == 'ja' else 50)}<br>　{r.field}／{r.stage_label}"
                     for r in mine.itertuples()]
            label = (f"<b>{name}</b><br>" + tr(f"{len(mine)}件", f"{len(mine)} project{'s' if len(mine) > 1 else ''}",
                                                lang) + "<br>" + "<br>".join(items))
        out.append({"geo_code": b.geo_code, "value": min(len(mine), 2), "label": label, "projects": len(mine)})
    return pd.DataFrame(out, columns=["geo_code", "value", "label", "projects"])


def project_map(boundaries: pd.DataFrame, values: pd.DataFrame, lang: str) -> go.Figure:
    """Map of Osaka's municipalities by the number of OSPF projects the sources name there."""
    return category_map(boundaries, values, PROJECT_CATEGORIES,
                        tr("市町村名の分かるプロジェクト数", "Projects named per municipality", lang), lang)


def _phase_en(phase_ja) -> str:
    m = re.search(r"第(\d+)期", str(phase_ja))
    return f"phase {m.group(1)}" if m else str(phase_ja)


def area_entry_text(row, lang: str, with_area: bool = True) -> str:
    """One programme entry in words: programme, kind or phase, fiscal year, dates, tablets."""
    dates = period_label(row.start_date, row.end_date, lang)
    if row.programme == "smart_senior_life":
        phase = row.phase_ja if lang == "ja" else _phase_en(row.phase_ja)
        tablets = ("" if _missing(row.tablets_lent) else
                   tr(f"、期の合計で貸出 {int(row.tablets_lent):,}台", f", {int(row.tablets_lent):,} tablets lent "
                      "in the phase", lang))
        return tr(f"スマートシニアライフ {phase}（{dates}、{fiscal_year_label(row.fiscal_year, 'ja')}開始{tablets}）",
                  f"Smart senior life {phase} ({dates}, starting {fiscal_year_label(row.fiscal_year, 'en')}"
                  f"{tablets})", lang)
    kind_ja, kind_en = AI_KIND.get(row.kind, (row.kind, row.kind))
    title = row.title_en if lang == "en" and not _missing(row.title_en) else row.title_ja
    extra = [fiscal_year_label(row.fiscal_year, lang)] + ([dates] if dates else [])
    area = (f"　エリア：{row.area_ja}" if with_area and lang == "ja" and not _missing(row.area_ja) else "")
    return tr(f"AIオンデマンド交通・{kind_ja}：{title}（{'、'.join(extra)}）{area}",
              f"AI on-demand transport, {kind_en}: {title} ({', '.join(extra)})", lang)


def _select(areas: pd.DataFrame, programme: str) -> pd.DataFrame:
    return areas if programme == "all" else areas[areas["programme"] == programme]


def _category(programmes: set[str], citywide: bool) -> int:
    if {"ai_ondemand", "smart_senior_life"} <= programmes:
        return 3
    if "ai_ondemand" in programmes:
        return 1
    if "smart_senior_life" in programmes:
        return 2
    return 4 if citywide else 0


def area_values(boundaries: pd.DataFrame, areas: pd.DataFrame, programme: str, lang: str) -> pd.DataFrame:
    """Per map feature (ward or municipality): category code (AREA_CATEGORIES) for the chosen programme(s), and a
    hover text listing the entries with phase / fiscal year. An entry that names a city with wards but no ward
    marks that city's wards as 'in the city (ward not named)' unless a ward has its own entry."""
    chosen = _select(areas, programme)
    by_geo: dict[str, list] = {}
    citywide: dict[str, list] = {}
    for r in chosen.itertuples():
        by_geo.setdefault(r.geo_code, []).append(r)
        if _missing(r.ward_code):
            citywide.setdefault(r.muni_code, []).append(r)
    width = 34 if lang == "ja" else 60
    parents = boundaries["parent_code"] if "parent_code" in boundaries else [None] * len(boundaries)
    out = []
    for geo, name_ja, name_en, parent in zip(boundaries["geo_code"], boundaries["name_ja"], boundaries["name_en"],
                                             parents):
        name = name_en if lang == "en" and not _missing(name_en) else name_ja
        direct = by_geo.get(geo, [])
        city = citywide.get(parent, []) if not _missing(parent) else []
        code = _category({r.programme for r in direct}, bool(city))
        lines = [f"<b>{name}</b>", tr(AREA_CATEGORIES[code][0], AREA_CATEGORIES[code][1], lang)]
        lines += ["・" + _wrap(area_entry_text(r, lang), width) for r in direct]
        lines += ["・" + _wrap(tr("市内（区の記載なし）：", "In the city (ward not named): ", lang)
                              + area_entry_text(r, lang), width) for r in city]
        out.append({"geo_code": geo, "value": code, "label": "<br>".join(lines)})
    return pd.DataFrame(out, columns=["geo_code", "value", "label"])


def area_map(boundaries: pd.DataFrame, values: pd.DataFrame, lang: str) -> go.Figure:
    """Map of Osaka's wards (大阪市, 堺市) and other municipalities, coloured by programme, legend in words."""
    return category_map(boundaries, values, AREA_CATEGORIES, tr("事業", "Programme", lang), lang)


def _entry_detail(row, lang: str) -> str:
    """Phase (smart senior life) or kind and title (AI on-demand transport) of an entry."""
    if row.programme == "smart_senior_life":
        return row.phase_ja if lang == "ja" else _phase_en(row.phase_ja)
    kind_ja, kind_en = AI_KIND.get(row.kind, (row.kind, row.kind))
    title = row.title_en if lang == "en" and not _missing(row.title_en) else row.title_ja
    return tr(f"{kind_ja}：{title}", f"{kind_en}: {title}", lang)


def area_rows(areas: pd.DataFrame, boundaries: pd.DataFrame, programme: str, lang: str) -> pd.DataFrame:
    """The table twin of the area map: one row per entry of the chosen programme(s), with place (ward where
    named), phase / kind, fiscal year, dates, area as written, tablets and how the map shows it."""
    chosen = _select(areas, programme).copy()
    values = area_values(boundaries, areas, programme, lang).set_index("geo_code")["value"]
    chosen["place"] = [
        (tr(f"{r.muni_ja}{r.ward_ja}", f"{r.ward_en}, {r.muni_en}", lang) if not _missing(r.ward_code) else
         (r.muni_en if lang == "en" else r.muni_ja)
         + (tr("（区の記載なし）", " (ward not named)", lang) if r.muni_code in set(boundaries.get(
             "parent_code", pd.Series(dtype=str)).dropna()) else ""))
        for r in chosen.itertuples()]
    chosen["programme_label"] = [tr(PROGRAMMES[p][0], PROGRAMMES[p][1], lang) for p in chosen["programme"]]
    chosen["detail"] = [_entry_detail(r, lang) for r in chosen.itertuples()]
    chosen["fy"] = [fiscal_year_label(y, lang) for y in chosen["fiscal_year"]]
    chosen["dates"] = [period_label(s, e, lang) or tr("記載なし", "not given", lang)
                       for s, e in zip(chosen["start_date"], chosen["end_date"])]
    chosen["map_category"] = [
        tr(*AREA_CATEGORIES[4][:2], lang) if (_missing(r.ward_code) and r.geo_code not in values.index) else
        tr(*AREA_CATEGORIES[int(values.get(r.geo_code, 0))][:2], lang) for r in chosen.itertuples()]
    chosen["source"] = [source_ref(r, lang) for r in chosen.itertuples()]
    return chosen.reset_index(drop=True)


# ---------------------------------------------------------------- smart senior life phases

def phase_rows(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Phases with their label, dates, fiscal year and source."""
    out = frame.copy()
    out["phase"] = [p if lang == "ja" else _phase_en(p).capitalize() for p in out["phase_ja"]]
    out["dates"] = [period_label(s, e, lang) for s, e in zip(out["start_date"], out["end_date"])]
    out["fy"] = [fiscal_year_label(y, lang) for y in out["fiscal_year"]]
    out["source"] = [source_ref(r, lang) for r in out.itertuples()]
    return out


def phases_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Tablets lent per smart senior life phase, with dates, fiscal year and areas in the hover."""
    if frame.empty:
        return empty_figure(tr("期別の記載がありません。", "No phases in the sources.", lang))
    rows = phase_rows(frame, lang)
    x = [f"{p}<br>{d}" for p, d in zip(rows["phase"], rows["dates"])]
    y = [None if _missing(v) else int(v) for v in rows["tablets_lent"]]
    areas = [_wrap(a, 30) if not _missing(a) else "—" for a in rows["areas_ja"]]
    fig = go.Figure(go.Bar(
        x=x, y=y, marker={"color": ORANGE, "line": {"color": "#6b4700", "width": 1}},
        text=["" if v is None else tr(f"{v:,}台", f"{v:,}", lang) for v in y], textposition="outside",
        cliponaxis=False, customdata=list(zip(rows["fy"], areas)),
        hovertemplate=tr("%{x}<br>貸出 %{y:,}台<br>%{customdata[0]}開始<br>エリア：%{customdata[1]}<extra></extra>",
                         "%{x}<br>%{y:,} tablets lent<br>starting %{customdata[0]}<br>Areas (Japanese): "
                         "%{customdata[1]}<extra></extra>", lang)))
    for xi, v in zip(x, y):
        if v is None:
            fig.add_annotation(x=xi, y=0, yanchor="bottom", showarrow=False,
                               text=tr("貸出数の記載なし", "tablets not given", lang))
    base_layout(fig, 320)
    top = max([v for v in y if v is not None] or [1])
    fig.update_layout(showlegend=False)
    fig.update_yaxes(title_text=tr("タブレット貸出数（台）", "Tablets lent", lang), range=[0, top * 1.2],
                     tickformat=",")
    fig.update_xaxes(type="category", title_text=tr("期（期間）", "Phase (dates)", lang))
    return fig


# ---------------------------------------------------------------- Digital Health Fund

FUND_ORDER = ["fund_size", "fund_term", "fund_investors", "fund_registration"]
FUND_UNITS = {  # unit in the data -> (Japanese formatter, English formatter)
    "100M JPY (億円)": (lambda v: f"{v:g}億円", lambda v: f"¥{v / 10:g} billion ({v:g} × ¥100 million)"),
    "years": (lambda v: f"{v:g}年", lambda v: f"{v:g} years"),
    "investors": (lambda v: f"{v:g}者", lambda v: f"{v:g}"),
}


def fund_facts(frame: pd.DataFrame, lang: str) -> list[dict]:
    """The fund's items as (item, value, source) texts, figures first; dates in words; an item without a figure
    or date says so."""
    facts = []
    for r in frame.itertuples():
        if not _missing(r.value):
            fmt = FUND_UNITS.get(r.unit)
            value = (fmt[0] if lang == "ja" else fmt[1])(float(r.value)) if fmt else f"{r.value:g} {r.unit or ''}"
            rank = 0
        elif not _missing(r.date):
            value, rank = date_label(r.date, lang), 1
        else:
            written = re.fullmatch(r"(\d+)月(\d+)日", "" if _missing(r.date_as_written) else r.date_as_written)
            value = (tr(f"{written.group(0)}（年の記載なし）", f"{int(written.group(2))} "
                        f"{MONTHS[int(written.group(1)) - 1]} (year not given)", lang) if written else
                     tr("数値・日付の記載なし", "no figure or date given", lang))
            rank = 2
        facts.append({"item_id": r.item_id, "item": r.item_en if lang == "en" else r.item_ja, "value": value,
                      "source": source_ref(r, lang),
                      "rank": rank, "line": r.source_line})
    order = {k: i for i, k in enumerate(FUND_ORDER)}
    return sorted(facts, key=lambda f: (f["rank"], order.get(f["item_id"], len(order)), f["line"]))
