"""Figures and tables of the comparison page (/compare): the cell text of every DX indicator and procedure for up to
five municipalities (not reported always in words, never 0), and the percentage indicators as bars against Japan's
median of municipalities. Pure builders: DataFrame in, DataFrame or figure out."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from smartcity.figures import dx as fdx
from smartcity.figures.common import OKABE_ITO, base_layout, empty_figure
from smartcity.i18n import tr

MAX_CODES = 5
PERCENT_KEYS = ("mynumber_card_holding_rate", "childcare_elderly_26_online_share", "most_used_32_online_share")
SHARE_32 = "most_used_32_online_share"
TEXT_ON = {"#0072B2": "#ffffff", "#D55E00": "#000000", "#000000": "#ffffff"}  # label colour inside a bar (else black)
MEDIAN_COLOUR = "#000000"
# cell states: the word shown, and an icon (Bootstrap Icons) that repeats it; colour only repeats them again
STATES = {
    "yes": ("実施", "Yes", "bi-check-circle-fill"),
    "no": ("未実施", "No", "bi-x-circle"),
    "value": ("", "", ""),
    "not_surveyed": ("調査無し", "not surveyed", "bi-slash-circle"),
    "no_figure": ("数値なし", "no figure", "bi-dash-circle"),
    "empty": ("空欄（報告なし）", "blank (not reported)", "bi-dash-circle"),
    "not_handled": ("取扱いなし・報告なし", "not handled or not reported", "bi-dash-circle"),
    "no_data": ("データなし", "no data", "bi-question-circle"),
}
REASON_STATE = {"not_surveyed": "not_surveyed", "percent_sign_only": "no_figure", "empty": "empty"}
CELL_COLUMNS = ["section", "group_key", "group", "row_key", "item", "description", "value_type", "geo_code",
                "position", "text", "state", "value", "numerator", "denominator"]
CHART_COLUMNS = ["indicator_key", "indicator", "geo_code", "municipality", "value_pct", "numerator", "denominator",
                 "shown", "median_pct", "n_reported"]


def _missing(value) -> bool:
    """True for None, NaN and pandas' NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def pct_text(value) -> str:
    """A percentage as written in the table: '72 %', '35.3 %' (one decimal at most)."""
    rounded = round(float(value), 1)
    number = f"{rounded:.0f}" if rounded == int(rounded) else f"{rounded:.1f}"
    return f"{number} %"


def count_text(value) -> str:
    """A count as an integer with thousands separators."""
    return f"{int(value):,}"


def source_text(source: dict, release: str, lang: str) -> str:
    """The source line (without the leading 出典：): the release's one credit line (smartcity.figures.dx.credit)."""
    return fdx.credit(release, lang)


def municipality_label(row, lang: str) -> str:
    """'大阪市（大阪府）' / 'Osaka City (Osaka)'; without an English name the Japanese one, with the prefecture."""
    get = row.get if isinstance(row, dict) else lambda k, d=None: getattr(row, k, d)
    name_en = get("name_en")
    pref_en = get("pref_name_en")
    if lang == "en":
        name = name_en if isinstance(name_en, str) and name_en else get("name_ja")
        pref = pref_en if isinstance(pref_en, str) and pref_en else get("pref_name_ja")
        return f"{name} ({pref})"
    return f"{get('name_ja')}（{get('pref_name_ja')}）"


def municipality_labels(municipalities: pd.DataFrame, codes: list[str], lang: str) -> dict[str, str]:
    """Labels of the chosen codes in the page's language (codes missing from the frame are labelled by the code)."""
    known = municipalities.set_index("geo_code")
    return {c: municipality_label(known.loc[c].to_dict(), lang) if c in known.index else c for c in codes}


def short_labels(municipalities: pd.DataFrame, codes: list[str], lang: str) -> dict[str, str]:
    """Names alone for the chart's axis ('大阪市'); with the prefecture only when two chosen names are the same."""
    known = municipalities.set_index("geo_code")
    full = municipality_labels(municipalities, codes, lang)
    names = {}
    for c in codes:
        if c not in known.index:
            names[c] = c
            continue
        r = known.loc[c]
        en = r["name_en"] if isinstance(r["name_en"], str) and r["name_en"] else r["name_ja"]
        names[c] = en if lang == "en" else r["name_ja"]
    counts = pd.Series(list(names.values())).value_counts()
    return {c: full[c] if counts[n] > 1 else n for c, n in names.items()}


def indicator_cell(row, lang: str) -> tuple[str, str]:
    """(text, state) of one indicator value: 実施/未実施, '72 %', '68 %（17/25）', an integer, or the reason in words."""
    get = row.get if isinstance(row, dict) else lambda k, d=None: getattr(row, k, d)
    if not bool(get("reported")):
        reason = get("not_reported_reason")
        state = REASON_STATE.get(reason if isinstance(reason, str) else "", "no_data")
        return state_word(state, lang), state
    kind = get("value_type")
    if kind == "boolean" and not _missing(get("value_bool")):
        state = "yes" if bool(get("value_bool")) else "no"
        return state_word(state, lang), state
    if kind == "percent" and not _missing(get("value_pct")):
        text = pct_text(get("value_pct"))
        num, den = get("numerator"), get("denominator")
        if not _missing(num) and not _missing(den):
            text += tr(f"（{int(num)}/{int(den)}）", f" ({int(num)}/{int(den)})", lang)
        return text, "value"
    if kind == "count" and not _missing(get("value_count")):
        return count_text(get("value_count")), "value"
    return state_word("no_data", lang), "no_data"


def procedure_cell(row, lang: str) -> tuple[str, str]:
    """(text, state) of one online application rate: '55 %', or 取扱いなし・報告なし for an empty cell (never 0 %)."""
    get = row.get if isinstance(row, dict) else lambda k, d=None: getattr(row, k, d)
    if not _missing(get("rate_pct")):
        return pct_text(get("rate_pct")), "value"
    state = "not_handled" if bool(get("has_row", True)) else "no_data"
    return state_word(state, lang), state


def state_word(state: str, lang: str) -> str:
    """The word of a cell state in the page's language."""
    ja, en, _ = STATES[state]
    return tr(ja, en, lang)


def state_icon(state: str) -> str:
    """The Bootstrap icon class of a cell state ('' for a plain value)."""
    return STATES[state][2]


def comparison_cells(indicators: pd.DataFrame, procedures: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per table row × municipality: indicators (by sort order) then procedures (by group, sort order), with
    the text shown, its state and the raw value."""
    records: list[dict] = []
    for r in indicators.itertuples(index=False):
        text, state = indicator_cell(r, lang)
        value = {"boolean": r.value_bool, "percent": r.value_pct, "count": r.value_count}.get(r.value_type)
        records.append({"section": "indicator", "group_key": r.group_ja, "group": tr(r.group_ja, r.group_en, lang),
                        "row_key": r.indicator_key, "item": tr(r.name_ja, r.name_en, lang),
                        "description": tr(r.description_ja, r.description_en, lang), "value_type": r.value_type,
                        "geo_code": r.geo_code, "position": r.position, "text": text, "state": state,
                        "value": None if _missing(value) else value,
                        "numerator": None if _missing(r.numerator) else int(r.numerator),
                        "denominator": None if _missing(r.denominator) else int(r.denominator)})
    for r in procedures.itertuples(index=False):
        text, state = procedure_cell(r, lang)
        records.append({"section": "procedure", "group_key": r.group_key, "group": tr(r.group_ja, r.group_en, lang),
                        "row_key": r.procedure_key, "item": tr(r.name_ja, r.name_en, lang), "description": "",
                        "value_type": "percent", "geo_code": r.geo_code, "position": r.position, "text": text,
                        "state": state, "value": None if _missing(r.rate_pct) else float(r.rate_pct),
                        "numerator": None, "denominator": None})
    return pd.DataFrame(records, columns=CELL_COLUMNS)


def comparison_table(cells: pd.DataFrame, labels: dict[str, str], lang: str) -> pd.DataFrame:
    """The table as shown (wide): section, group, item, then one column of text per municipality in the chosen
    order (for the CSV download)."""
    section = {"indicator": tr("DX指標", "DX indicator", lang),
               "procedure": tr("オンライン申請率", "Online application rate", lang)}
    heads = [tr("区分", "Section", lang), tr("グループ", "Group", lang), tr("項目", "Item", lang)]
    if cells.empty:
        return pd.DataFrame(columns=heads + list(labels.values()))
    rows_order = cells.drop_duplicates("row_key")[["row_key", "section", "group", "item"]]
    wide = cells.pivot(index="row_key", columns="geo_code", values="text")
    out = pd.DataFrame({heads[0]: rows_order["section"].map(section).tolist(), heads[1]: rows_order["group"].tolist(),
                        heads[2]: rows_order["item"].tolist()})
    for code, label in labels.items():
        out[label] = [wide.at[k, code] if code in wide.columns else state_word("no_data", lang)
                      for k in rows_order["row_key"]]
    return out


def percent_frame(indicators: pd.DataFrame, medians: pd.DataFrame, labels: dict[str, str], lang: str,
                  axis: dict[str, str] | None = None) -> pd.DataFrame:
    """The chart's data: the three percentage indicators × municipality (chosen order) with the text shown, and
    Japan's median of municipalities with the number of municipalities that have a figure; `axis` gives shorter
    names for the chart's axis (the full label otherwise)."""
    part = indicators[indicators["indicator_key"].isin(PERCENT_KEYS)].copy()
    if part.empty:
        return pd.DataFrame(columns=CHART_COLUMNS)
    med = medians.set_index("indicator_key") if not medians.empty else pd.DataFrame()
    part["indicator"] = [tr(ja, en, lang) for ja, en in zip(part["name_ja"], part["name_en"])]
    part["municipality"] = [labels.get(c, c) for c in part["geo_code"]]
    part["axis_label"] = [(axis or labels).get(c, labels.get(c, c)) for c in part["geo_code"]]
    part["shown"] = [indicator_cell(r, lang)[0] for r in part.itertuples(index=False)]
    part["value_pct"] = pd.to_numeric(part["value_pct"], errors="coerce")
    for name in ("numerator", "denominator"):
        part[name] = pd.array([None if _missing(v) else int(v) for v in part[name]], dtype="Int64")
    part["median_pct"] = [med.at[k, "median_pct"] if k in med.index else None for k in part["indicator_key"]]
    part["n_reported"] = pd.array([med.at[k, "n_reported"] if k in med.index else None
                                   for k in part["indicator_key"]], dtype="Int64")
    order = {k: i for i, k in enumerate(PERCENT_KEYS)}
    part["_o"] = part["indicator_key"].map(order)
    return part.sort_values(["_o", "position"], kind="stable")[CHART_COLUMNS + ["axis_label"]].reset_index(drop=True)


def median_label(lang: str) -> str:
    """The label of the reference row and line: Japan's median of municipalities (explained in the axis title)."""
    return tr("全国中央値", "Japan median", lang)


def _wrap(text: str, width: int) -> str:
    """Break a long title once at the space (or character) nearest its middle, when longer than `width`."""
    if len(text) <= width:
        return text
    mid = len(text) // 2
    if " " in text:
        cut = min((i for i, ch in enumerate(text) if ch == " "), key=lambda i: abs(i - mid))
        return text[:cut] + "<br>" + text[cut + 1:]
    return text[:mid] + "<br>" + text[mid:]


def percent_chart(frame: pd.DataFrame, lang: str) -> go.Figure:
    """One panel per percentage indicator: a horizontal bar per municipality (named on the axis and labelled with
    its value; colour only repeats the name), Japan's median of municipalities as a labelled diamond row and a dashed
    line; a municipality without a figure gets the reason in words, never a bar at 0. The axis runs 0–100 %."""
    if frame.empty:
        return empty_figure(tr("比較する市区町村を選んでください", "Choose municipalities to compare", lang))
    keys = [k for k in PERCENT_KEYS if k in set(frame["indicator_key"])]
    titles = [_wrap(frame.loc[frame["indicator_key"] == k, "indicator"].iloc[0], 24 if lang == "ja" else 44)
              for k in keys]
    n = frame["geo_code"].nunique()
    panel, gap = 30 * (n + 1), 84
    height = panel * len(keys) + gap * (len(keys) - 1) + 150
    fig = make_subplots(rows=len(keys), cols=1, shared_xaxes=True, subplot_titles=titles,
                        vertical_spacing=gap / (height - 110))
    median_name = median_label(lang)
    for row, key in enumerate(keys, start=1):
        part = frame[frame["indicator_key"] == key].reset_index(drop=True)
        names = part["axis_label"].tolist()
        values = part["value_pct"].tolist()
        colours = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(part))]
        fig.add_trace(go.Bar(
            x=[None if _missing(v) else v for v in values], y=names, orientation="h", name=titles[row - 1],
            marker={"color": colours},
            text=[s if not _missing(v) else "" for s, v in zip(part["shown"], values)],
            textposition=["inside" if not _missing(v) and v >= 40 else "outside" for v in values],
            insidetextanchor="end", cliponaxis=False, showlegend=False,
            insidetextfont={"size": 12, "color": [TEXT_ON.get(c, "#000000") for c in colours]},
            outsidetextfont={"size": 12, "color": "#000000"},
            hovertemplate="%{y}: %{text}<extra></extra>",
        ), row=row, col=1)
        for name, value, shown in zip(names, values, part["shown"]):
            if _missing(value):
                fig.add_annotation(x=0, y=name, xref=f"x{row}" if row > 1 else "x", yref=f"y{row}" if row > 1 else "y",
                                   xanchor="left", showarrow=False, text=shown, font={"size": 12, "color": "#333"})
        median = part["median_pct"].iloc[0]
        if not _missing(median):
            label = pct_text(median)
            fig.add_trace(go.Scatter(
                x=[median], y=[median_name], mode="markers+text", name=median_name, legendgroup="median",
                showlegend=row == 1, marker={"symbol": "diamond", "size": 12, "color": MEDIAN_COLOUR},
                text=[label], textposition="middle right" if median < 60 else "middle left", cliponaxis=False,
                hovertemplate=f"{median_name}: {pct_text(median)}<extra></extra>",
            ), row=row, col=1)
            fig.add_shape(type="line", x0=median, x1=median, y0=0, y1=1, xref=f"x{row}" if row > 1 else "x",
                          yref=f"y{row} domain" if row > 1 else "y domain",
                          line={"color": MEDIAN_COLOUR, "width": 1.5, "dash": "dash"}, layer="below")
        fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(names + [median_name])), row=row, col=1,
                         automargin=True)
    fig.update_xaxes(range=[0, 100], ticksuffix=" %", dtick=20, showgrid=True)
    fig.update_xaxes(title_text=tr("割合（%）", "Share (%)", lang), row=len(keys), col=1)
    fig = base_layout(fig, height)
    fig.update_layout(margin={"l": 8, "r": 24, "t": 40, "b": 64}, bargap=0.25, showlegend=False)
    for a in fig.layout.annotations:
        if a.text in titles:
            a.update(font={"size": 13}, x=0, xanchor="left", align="left")
    return fig

