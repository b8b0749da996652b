"""Figures about the strategy documents: the milestone timeline and ORDEN's roadmap, plus the nesting of fields."""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from smartcity.figures.common import base_layout, empty_figure, with_source

KIND_ORDER = ["event", "plan", "target", "deadline"]
KIND_LABEL = {"event": ("出来事", "Event"), "plan": ("予定", "Plan"), "target": ("目標", "Target"),
              "deadline": ("期限", "Deadline")}
KIND_STYLE = {  # symbol and colour together: the symbol and the lane's text label carry the kind, colour repeats it
    "event": {"symbol": "circle", "color": "#0072B2"},
    "plan": {"symbol": "square-open", "color": "#E69F00"},
    "target": {"symbol": "star", "color": "#009E73"},
    "deadline": {"symbol": "x-thin-open", "color": "#D55E00"},
}
LANE_OFFSETS = [0.0, 0.22, -0.22, 0.38, -0.38]  # markers close in time are spread within their kind's lane
CLOSE_DAYS = 75
ROADMAP_COLORS = {"service": "#0072B2", "data": "#009E73", "participation": "#E69F00"}


def _t(ja: str, en: str, lang: str) -> str:
    return en if lang == "en" else ja


def place_date(date: str, precision: str, kind: str = "event") -> dict:
    """Where to draw a date written as YYYY, YYYY-MM or YYYY-MM-DD, and how to say it.

    day: the day itself; month: the 15th; year: 1 July (mid-year); fiscal year (April–March): 1 October, or the
    fiscal year's last day (31 March) for targets and deadlines ('by fiscal year X'). Returns x (Timestamp),
    when_ja/when_en (the date as written) and placed_ja/placed_en (how it was placed; empty for exact days)."""
    text = str(date).strip()
    year = int(text[:4])
    if precision == "day" or (precision not in ("month", "year", "fiscal_year") and len(text) >= 10):
        x = pd.Timestamp(text[:10])
        return {"x": x, "when_ja": x.date().isoformat(), "when_en": x.date().isoformat(), "placed_ja": "",
                "placed_en": ""}
    if precision == "month" or (precision not in ("year", "fiscal_year") and len(text) >= 7):
        month = int(text[5:7])
        x = pd.Timestamp(year, month, 15)
        return {"x": x, "when_ja": f"{year}年{month}月", "when_en": x.strftime("%B %Y"),
                "placed_ja": "日付は月まで（月の15日に表示）", "placed_en": "month only: drawn on the 15th"}
    if precision == "fiscal_year":
        if kind in ("target", "deadline"):
            return {"x": pd.Timestamp(year + 1, 3, 31), "when_ja": f"{year}年度末", "when_en": f"end of FY{year}",
                    "placed_ja": f"年度のみ（{year}年度＝{year}年4月〜{year + 1}年3月。年度末の3月31日に表示）",
                    "placed_en": f"fiscal year only (FY{year} = April {year} to March {year + 1}): drawn on its last "
                                 f"day, 31 March {year + 1}"}
        return {"x": pd.Timestamp(year, 10, 1), "when_ja": f"{year}年度", "when_en": f"FY{year}",
                "placed_ja": f"年度のみ（{year}年度＝{year}年4月〜{year + 1}年3月。年度の中央の10月1日に表示）",
                "placed_en": f"fiscal year only (FY{year} = April {year} to March {year + 1}): drawn mid-year, "
                             f"1 October {year}"}
    return {"x": pd.Timestamp(year, 7, 1), "when_ja": f"{year}年", "when_en": str(year),
            "placed_ja": "年のみ（年の中央の7月1日に表示）", "placed_en": "year only: drawn at mid-year, 1 July"}


def placed_milestones(milestones: pd.DataFrame) -> pd.DataFrame:
    """Milestones with x, the date as written and how it was placed (see place_date), sorted by x."""
    if milestones.empty:
        return milestones.assign(x=pd.Series(dtype="datetime64[ns]"), when_ja="", when_en="", placed_ja="",
                                 placed_en="")
    placed = pd.DataFrame([place_date(r.date, r.date_precision, r.kind) for r in milestones.itertuples()],
                          index=milestones.index)
    return pd.concat([milestones, placed], axis=1).sort_values(["x", "milestone_id"]).reset_index(drop=True)


def lane_offsets(xs: pd.Series, close_days: int = CLOSE_DAYS) -> list[float]:
    """Vertical offsets within a lane so that markers closer than close_days do not sit on each other."""
    last: list[pd.Timestamp | None] = [None] * len(LANE_OFFSETS)
    offsets = []
    for x in xs:
        free = [i for i, seen in enumerate(last) if seen is None or (x - seen).days >= close_days]
        level = free[0] if free else min(range(len(last)), key=lambda i: last[i])
        last[level] = x
        offsets.append(LANE_OFFSETS[level])
    return offsets


def _esc(text) -> str:
    return "" if text is None or (not isinstance(text, str) and pd.isna(text)) else html.escape(str(text))


def timeline(milestones: pd.DataFrame, highlights: pd.DataFrame, lang: str, source: str | None = None,
             height: int = 400) -> go.Figure:
    """Milestones on a time axis, one lane per kind (event, plan, target, deadline) named on the axis; each kind also
    has its own marker symbol. highlights: x, label_ja, label_en: target years drawn as labelled vertical lines.

    milestones must come from placed_milestones (x, when_*, placed_*)."""
    if milestones.empty:
        return empty_figure(_t("表示する節目がありません（種別をすべて外しています）",
                               "No milestone to show (every kind is switched off)", lang))
    fig = go.Figure()
    kinds = [k for k in KIND_ORDER if k in set(milestones["kind"])]
    lanes = {k: i for i, k in enumerate(KIND_ORDER)}
    for kind in kinds:
        pts = milestones[milestones["kind"] == kind].sort_values("x")
        title = pts["title_en" if lang == "en" else "title_ja"]
        when = pts["when_en" if lang == "en" else "when_ja"]
        placed = pts["placed_en" if lang == "en" else "placed_ja"]
        doc = pts["citation_en" if lang == "en" else "citation_ja"]
        hover = [f"<b>{_esc(t)}</b><br>{_esc(w)}" + (f"<br><i>{_esc(p)}</i>" if p else "") +
                 f"<br>{_t('出典：', 'Source: ', lang)}{_esc(d)}" for t, w, p, d in zip(title, when, placed, doc)]
        style = KIND_STYLE[kind]
        fig.add_trace(go.Scatter(
            x=pts["x"], y=[lanes[kind] + o for o in lane_offsets(pts["x"])], mode="markers",
            name=_t(*KIND_LABEL[kind], lang),
            marker={"symbol": style["symbol"], "color": style["color"], "size": 12,
                    "line": {"width": 2, "color": style["color"]}},
            customdata=hover, hovertemplate="%{customdata}<extra></extra>", meta={"kind": kind}))
    for i, h in enumerate(highlights.itertuples()):
        fig.add_shape(type="line", x0=h.x, x1=h.x, y0=0, y1=1, yref="paper",
                      line={"color": "#444", "dash": "dot", "width": 1.5}, layer="below")
        fig.add_annotation(x=h.x, y=1, yref="paper", yanchor="bottom", showarrow=False,
                           text=_esc(h.label_en if lang == "en" else h.label_ja),
                           xanchor=getattr(h, "anchor", "center") or "center",
                           font={"size": 12, "color": "#222"}, bgcolor="rgba(255,255,255,0.85)")
    base_layout(fig, height)
    fig.update_layout(hovermode="closest", showlegend=True,
                      legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
                      margin={"l": 90, "r": 24, "t": 40, "b": 120 if source else 90})
    fig.update_yaxes(tickvals=list(range(len(KIND_ORDER))), ticktext=[_t(*KIND_LABEL[k], lang) for k in KIND_ORDER],
                     range=[len(KIND_ORDER) - 0.5, -0.5], showgrid=True, zeroline=False,
                     title_text=_t("種別", "Kind", lang))
    xs = list(milestones["x"]) + list(highlights["x"]) if len(highlights) else list(milestones["x"])
    fig.update_xaxes(title_text=_t("年", "Year", lang), range=[min(xs) - pd.Timedelta(days=120),
                                                               max(xs) + pd.Timedelta(days=150)],
                     dtick="M12", tickformat="%Y")
    if source:
        with_source(fig, source)
        fig.layout.annotations[-1].yshift = -96
    return fig


def roadmap_rows(roadmap: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows with both fiscal years, rows without a period) of ORDEN's roadmap."""
    dated = roadmap["start_fiscal_year"].notna() & roadmap["end_fiscal_year"].notna()
    return roadmap[dated].reset_index(drop=True), roadmap[~dated].reset_index(drop=True)


def participation_text(lo, hi, lang: str) -> str:
    """The municipal participation target as text: '2〜5市町村' / '2–5 municipalities', all 43 as the goal."""
    if lo is None or pd.isna(lo):
        return ""
    lo, hi = int(lo), (int(hi) if hi is not None and not pd.isna(hi) else int(lo))
    if lo == hi == 43:
        return _t("全43市町村の参画が目標", "goal: all 43 municipalities", lang)
    if lo == hi:
        return _t(f"{lo}市町村", f"{lo} municipalities", lang)
    return _t(f"{lo}〜{hi}市町村参画", f"{lo}–{hi} municipalities", lang)


def reiwa(fiscal_year: int) -> str:
    """R6 for 2024 (Reiwa era numbering used in the documents)."""
    return f"R{fiscal_year - 2018}"


def roadmap_lanes(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Rows with the chart row ('lane') each bar is drawn in: its item, the participation targets in a row of their
    own, and items whose periods overlap split into numbered rows (so no bar hides another)."""
    part = rows["municipalities_min"].notna()
    item = rows["item_en" if lang == "en" else "item_ja"].where(
        ~part, _t("mydoor OSAKA 市町村参画目標", "mydoor OSAKA: municipal participation target", lang))
    lanes, ends = [], {}  # ends: lane -> last fiscal year drawn in it
    for name, start, end in zip(item, rows["start_fiscal_year"], rows["end_fiscal_year"]):
        k = 1
        lane = name
        while lane in ends and ends[lane] >= start:
            k += 1
            lane = f"{name}（{k}）" if lang == "ja" else f"{name} ({k})"
        ends[lane] = end
        lanes.append(lane)
    renamed = {name: (f"{name}（1）" if lang == "ja" else f"{name} (1)") for name in dict.fromkeys(item)
               if (f"{name}（2）" if lang == "ja" else f"{name} (2)") in ends}
    return rows.assign(lane=[renamed.get(lane, lane) for lane in lanes])


def roadmap(rows: pd.DataFrame, lang: str, source: str | None = None) -> go.Figure:
    """ORDEN's roadmap: a bar from each item's first to its last fiscal year; the municipal participation targets
    (2–5, 5–10, 10–15, all 43) as text on their bars. rows: output of roadmap_rows (dated rows only)."""
    if rows.empty:
        return empty_figure(_t("期間の記載された項目がありません", "No item with a period", lang))
    rows = roadmap_lanes(rows, lang)
    part = rows["municipalities_min"].notna()
    lanes = list(dict.fromkeys(rows["lane"]))
    fig = go.Figure()
    groups = [("service", ~part & (rows["field_en"] != "Data utilisation"), ""),
              ("data", ~part & (rows["field_en"] == "Data utilisation"), "/"),
              ("participation", part, "")]
    names = {"service": None, "data": None,
             "participation": _t("市町村参画の目標", "Municipal participation target", lang)}
    for key, mask, pattern in groups:
        g = rows[mask]
        if g.empty:
            continue
        name = names[key] or str(g["field_en" if lang == "en" else "field_ja"].iloc[0])
        text = [participation_text(lo, hi, lang) for lo, hi in zip(g["municipalities_min"], g["municipalities_max"])]
        period = [f"{s}–{e}" if s != e else f"{s}" for s, e in zip(g["start_fiscal_year"], g["end_fiscal_year"])]
        hover = [f"<b>{_esc(lane)}</b><br>{_t('年度', 'FY', lang)} {p} ({reiwa(int(s))}"
                 + (f"–{reiwa(int(e))}" if s != e else "") + f")<br>{_esc(d)}"
                 + (f"<br>{_esc(t)}" if t else "")
                 for lane, p, s, e, d, t in zip(g["lane"], period, g["start_fiscal_year"], g["end_fiscal_year"],
                                                g["description_ja"], text)]
        fig.add_trace(go.Bar(
            orientation="h", y=g["lane"], base=g["start_fiscal_year"].astype(float) - 0.46,
            x=(g["end_fiscal_year"] - g["start_fiscal_year"]).astype(float) + 0.92, name=name,
            marker={"color": ROADMAP_COLORS[key], "line": {"color": "#333", "width": 1},
                    "pattern": {"shape": pattern, "fgcolor": "#333", "solidity": 0.15}},
            text=text, textposition="inside", insidetextanchor="middle",
            textfont={"size": 12, "color": "#111"}, constraintext="none",
            customdata=hover, hovertemplate="%{customdata}<extra></extra>", meta={"group": key}))
    years = list(range(int(rows["start_fiscal_year"].min()), int(rows["end_fiscal_year"].max()) + 1))
    base_layout(fig, 120 + 46 * len(lanes))
    fig.update_layout(barmode="overlay", bargap=0.3, hovermode="closest",
                      margin={"l": 16, "r": 16, "t": 24, "b": 96 if source else 64})
    fig.update_xaxes(tickvals=years, ticktext=[_t(f"{y}年度（{reiwa(y)}）", f"FY{y} ({reiwa(y)})", lang) for y in years],
                     range=[years[0] - 0.5, years[-1] + 0.5], side="bottom", showgrid=False,
                     title_text=_t("年度（4月〜翌年3月）", "Fiscal year (April to March)", lang))
    for y in years[1:]:
        fig.add_vline(x=y - 0.5, line={"color": "#ccc", "width": 1}, layer="below")
    fig.update_yaxes(categoryorder="array", categoryarray=lanes, autorange="reversed", automargin=True)
    if source:
        with_source(fig, source)
        fig.layout.annotations[-1].yshift = -72
    return fig


def nest_fields(fields: pd.DataFrame, version_id: str) -> list[tuple[dict, list]]:
    """A version's fields as a tree [(row, children)], in the documents' order (children via parent_id)."""
    rows = fields[fields["version_id"] == version_id]
    records = rows.to_dict("records")
    ids = {r["field_id"] for r in records}
    children: dict[str | None, list[dict]] = {}
    for r in records:
        parent = r.get("parent_id")
        parent = parent if isinstance(parent, str) and parent in ids else None
        children.setdefault(parent, []).append(r)

    def build(parent):
        return [(r, build(r["field_id"])) for r in children.get(parent, [])]

    return build(None)
