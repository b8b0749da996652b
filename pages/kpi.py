"""One indicator (/kpi/<indicator_id>): its time series at a geography against baseline, target, path and projection,
its status explained, the target's basis, its definition and its sources."""
from __future__ import annotations

import re

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html

from smartcity import citations, urlstate
from smartcity.components import (Col, chart_card, grid_id, meta_id, missing, no_database, page_header, rows,
                                  status_badge, twin_meta, year_ends)
from smartcity.figures.kpi import assessment_facts, geo_options, timeseries, unit_label, value_text
from smartcity.format import STALE, as_of_words, next_update, target_date_words
from smartcity.i18n import bi, lang_of, tr
from smartcity.queries import common, kpi
from smartcity.settings import db_path
from smartcity.layouts import callback_per_build

dash.register_page(__name__, path_template="/kpi/<indicator_id>", name="指標 / Indicator",
                   title="指標 / Indicator")

PREFIX = "kpi"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CHART = f"{PREFIX}-ts"
TITLE = ("推移と目標", "Trend and target")
# on paper: each area's newest value of each fiscal year, the areas side by side
PRINT_ROWS = year_ends("period_end", "geo_code", pivot=("value", "geo_name"))
PRINT_MM = 105  # the chart's printed height: status, chart and table on two A4 sheets
COMPARATORS = ("00000", "13000")  # Japan and Tokyo, drawn beside the chosen geography when they have observations
FREQUENCY = {"annual": ("年次", "annual"), "monthly": ("月次", "monthly"), "irregular": ("不定期", "irregular")}
NUMBER = ",.4~f"  # thousands separated, at most four decimals (the table twin's numbers)
DIRECTION = {"increase": ("増えるほど良い（↑）", "higher is better (↑)"),
             "decrease": ("減るほど良い（↓）", "lower is better (↓)")}


def columns(unit: str, unit_ja: str) -> list[Col]:
    """The table twin's columns (the observations drawn in the chart: area, date and value first; the indicator id,
    the same on every row, last)."""
    return [Col("geo_name", "地域", "Area", min_width=100, wrap=True), Col("period_end", "時点", "Period end", min_width=112),
            Col("value", f"値（{unit_label(unit, unit_ja, 'ja')}）", f"Value ({unit_label(unit, unit_ja, 'en')})", True,
                min_width=100, number_format=NUMBER),  # the value third: on a phone it is on the first screen
            Col("numerator", "分子", "Numerator", True, min_width=105, number_format=NUMBER),
            Col("denominator", "分母", "Denominator", True, min_width=115, number_format=NUMBER),
            Col("geo_code", "地域コード", "Area code"),
            Col("citation", "出典", "Source", flex=2, min_width=220, wrap=True),
            Col("indicator_id", "指標ID", "Indicator id", min_width=220)]


def layout(indicator_id: str | None = None, lang: str | None = None, geo: str | None = None, **_query) -> html.Div:
    """The page for one indicator; an unknown id lists the valid ones."""
    lang = lang_of(lang)
    db = db_path()
    if not db.is_file():
        return no_database(lang, PREFIX)
    ind = kpi.indicator(db, indicator_id or "")
    if ind.empty:
        return _not_found(db, indicator_id, lang)
    r = ind.iloc[0]
    geos = kpi.geographies(db, r.indicator_id)
    geo = valid_geo(geo, geos, r.headline_geo_code)
    back = dcc.Link(tr("← 概要へ戻る", "← Back to the overview", lang), href="/" + _suffix(lang),
                    id=f"{PREFIX}-back", className="small")
    header = page_header(r.name_ja, r.name_en, r.definition_ja, r.definition_en, lang)
    stores = [dcc.Store(id=f"{PREFIX}-indicator", data=r.indicator_id), dcc.Store(id=f"{PREFIX}-lang", data=lang),
              urlstate.url_sink(PREFIX)]
    status = _card("kpi-status-card", "状態", "Status", html.Div(_assessment_panel(db, r, geo, lang),
                                                                 id=f"{PREFIX}-assessment"), lang)
    target = _card("kpi-target-card", "目標とその根拠", "Target and its basis",
                   html.Div(_target_panel(db, r, geo, lang), id=f"{PREFIX}-target"), lang)
    definition = _card("kpi-definition-card", "指標の定義", "Definition", _definition(r, lang), lang)
    if geos.empty:  # no observation yet: say so, no empty chart; target and definition still shown
        body = dbc.Row([
            dbc.Col([missing("観測値がまだありません。目標と定義は下のとおりです。",
                             "No observation yet. The target and the definition are below.", lang, PREFIX),
                     target, definition], lg=7),
            dbc.Col([status, _card("kpi-source-card", "出典", "Source", _source_panel(db, r, pd.DataFrame(), lang),
                                   lang)], lg=5)])
        return html.Div([back, header, body, *stores], id=f"{PREFIX}-page")
    side = [status, target, definition]
    figure, frame, sources = _chart_parts(db, r, geo, lang)
    card = chart_card(CHART, *TITLE, figure, frame, columns(r.unit, r.unit_ja),
                      _chart_source(db, r, frame, "ja"), _chart_source(db, r, frame, "en"), lang,
                      note=_chart_note(geos, geo, lang), filename=f"{r.indicator_id}_{geo}",
                      as_of=_latest(frame, geo), print_rows=PRINT_ROWS, print_mm=PRINT_MM)
    body = dbc.Row([
        dbc.Col([html.H2(tr("推移", "Trend", lang), className="visually-hidden"), _geo_control(geos, geo, lang), card,
                 _card("kpi-source-card", "出典", "Source", html.Div(sources, id=f"{PREFIX}-obs-sources"), lang)],
                lg=8),
        dbc.Col(side, lg=4)])
    return html.Div([back, header, body, *stores], id=f"{PREFIX}-page")


def _chart_note(geos: pd.DataFrame, geo: str, lang: str) -> str:
    """What the lines are; the comparators only when the indicator has them."""
    shown = [c for c in COMPARATORS if c != geo and c in set(geos["geo_code"])]
    names = {"00000": tr("全国（黒の破線・四角）", "Japan (black dashes, squares)", lang),
             "13000": tr("東京都（橙の点線・菱形）", "Tokyo (orange dots, diamonds)", lang)}
    comparison = (tr("比較：", "Comparison: ", lang) + tr("と", " and ", lang).join(names[c] for c in shown)
                  + tr("。", ". ", lang)) if shown else ""
    return comparison + tr("灰色の一点鎖線は基準値（○）から目標（★）への直線経路、緑の長破線は直近2年の観測値の"
                           "最小二乗法の傾きで最新値から延ばした予測（×）で、目標期日か指標の上限・下限で止まります。",
                           "The grey dash-dot line is the straight path from the baseline (○) to the target (★); the "
                           "green long dashes are the projection (×): the least-squares slope of the last two years of "
                           "observations extended from the latest value, stopping at the target date or at the "
                           "indicator's bound.", lang)


def valid_geo(geo: str | None, geos: pd.DataFrame, headline: str) -> str:
    """The requested geography when the indicator has observations there, else the headline geography."""
    return geo if geo in set(geos["geo_code"]) else headline


def _geo_control(geos: pd.DataFrame, geo: str, lang: str) -> html.Div:
    if len(geos) == 1:
        g = geos.iloc[0]
        return html.Div([html.Span(tr("地域：", "Area: ", lang), className="fw-semibold"),
                         html.Span(g.name_en if lang == "en" else g.name_ja, id=f"{PREFIX}-geo-name")],
                        className="mb-2")
    return dbc.Row([
        dbc.Col([html.Label(tr("地域", "Area", lang), htmlFor=f"{PREFIX}-geo", className="form-label fw-semibold mb-1"),
                 dbc.Select(id=f"{PREFIX}-geo", options=geo_options(geos, lang), value=geo)], sm=7),
        dbc.Col([html.Label(tr("地域を絞り込む（名称・コード）", "Filter the list (name or code)", lang),
                            htmlFor=f"{PREFIX}-geo-search", className="form-label mb-1"),
                 dbc.Input(id=f"{PREFIX}-geo-search", type="search", debounce=True,
                           placeholder=tr("例：堺、27140、北海道", "e.g. Sakai, 27140, Hokkaido", lang))], sm=5),
        dbc.Col(html.Div(tr(f"観測値のある {len(geos):,} 地域（大阪府・全国・東京都、府内43市町村、その他の都道府県順）。"
                            "全国と東京都は比較として重ねて描きます。",
                            f"{len(geos):,} areas have observations (Osaka, Japan, Tokyo, Osaka's 43 municipalities, "
                            "then the rest by prefecture). Japan and Tokyo are drawn for comparison.", lang),
                         className="form-text mt-0"), xs=12),
    ], className="mb-3 g-2")


@dash.callback(Output(f"{PREFIX}-geo", "options"), Input(f"{PREFIX}-geo-search", "value"),
               State(f"{PREFIX}-geo", "value"), State(f"{PREFIX}-indicator", "data"), State(f"{PREFIX}-lang", "data"),
               prevent_initial_call=True)
def filter_geographies(search, geo, indicator_id, lang):
    """Narrow the area list to the names or codes containing the search text (the chosen area stays)."""
    geos = kpi.geographies(db_path(), indicator_id or "")
    return geo_options(geos, lang_of(lang), search, keep=geo)


def _chart_parts(db, r, geo: str, lang: str):
    """Figure, table twin frame and the observations' source references for one geography."""
    codes = [geo, *[c for c in COMPARATORS if c != geo]]
    obs = kpi.observations(db, r.indicator_id, codes)
    order = {c: i for i, c in enumerate(codes)}
    obs = obs.sort_values(["geo_code", "period_end"], key=lambda s: s.map(order) if s.name == "geo_code" else s)
    assessment = kpi.assessment(db, r.indicator_id, geo)
    figure = timeseries(obs, assessment, geo, r.unit, r.unit_ja, lang,
                        source=citations.source_line(_chart_source(db, r, obs, lang), lang),
                        lower_bound=r.lower_bound, upper_bound=r.upper_bound)
    frame = obs.assign(geo_name=obs["geo_name_en" if lang == "en" else "geo_name_ja"],
                       period_end=pd.to_datetime(obs["period_end"]).dt.strftime("%Y-%m-%d"),
                       citation=_row_citations(db, obs, lang))
    return figure, frame, _source_panel(db, r, obs[obs.geo_code == geo], lang)


def _open_sources(db) -> pd.DataFrame:
    return common.sources(db).set_index("source_id")


def _source_ids(obs: pd.DataFrame) -> list[str]:
    """The manifest sources of the observations ('reference:joint_procurement_adoption' → 'reference'), in order."""
    return list(dict.fromkeys(obs["source_id"].str.split(":").str[0])) if len(obs) else []


def _indicator_source(db, r, lang: str) -> str:
    """The indicator's own source: the document and section it is transcribed from, or its open-data source."""
    cited = r.citation_en if lang == "en" else r.citation_ja
    if isinstance(cited, str) and cited:
        return cited
    src = _open_sources(db)
    return citations.open_data(src.loc[r.source_id], lang) if r.source_id in src.index else ""


def _chart_source(db, r, obs: pd.DataFrame, lang: str) -> str:
    """The chart's source: the documents and sections its figures come from, the open data's publisher, title and
    required credit, and the survey a document quotes; the indicator's own source when nothing is drawn."""
    src = _open_sources(db)
    transcribed = obs[obs["source_doc"].notna()] if len(obs) else obs
    parts = [citations.cite_rows(transcribed, lang)] if len(transcribed) else []
    parts += [citations.open_data(src.loc[s], lang) for s in _source_ids(obs) if s != "reference" and s in src.index]
    text = tr("；", "; ", lang).join(p for p in parts if p) or _indicator_source(db, r, lang)
    origin = r.origin_en if lang == "en" else r.origin_ja
    if isinstance(origin, str) and origin:
        text += tr(f"（原典：{origin}）", f" (original survey: {origin})", lang)
    return text


def _publisher(src, lang: str) -> str:
    """An open-data row's source in a table cell: its publisher alone (the full credit is under the chart)."""
    return str(src["publisher_en" if lang == "en" else "publisher_ja"]).split(";")[0].strip()


def _row_citations(db, obs: pd.DataFrame, lang: str) -> list[str]:
    """Each observation's source for the table: its document and section, or its open-data source's title."""
    src = _open_sources(db)
    cited = obs["citation_en" if lang == "en" else "citation_ja"] if len(obs) else []
    out = []
    for sid, text in zip(obs["source_id"].str.split(":").str[0] if len(obs) else [], cited):
        if isinstance(text, str):
            out.append(text)
        else:
            out.append(_publisher(src.loc[sid], lang) if sid in src.index else sid)
    return out


@dash.callback(
    Output(f"{CHART}-graph", "figure"), Output(grid_id(CHART), "rowData"), Output(f"{PREFIX}-assessment", "children"),
    Output(f"{PREFIX}-target", "children"), Output(f"{PREFIX}-obs-sources", "children"),
    Output(meta_id(CHART), "data"), Output(f"{CHART}-asof", "children"), Output(f"{CHART}-source", "children"),
    Input(f"{PREFIX}-geo", "value"), State(f"{PREFIX}-indicator", "data"), State(f"{PREFIX}-lang", "data"),
    prevent_initial_call=True)
@callback_per_build  # the same choice on the same build gives the same answer: made once
def update_geography(geo, indicator_id, lang):
    """A new geography: redraw the chart, its table twin, the status and the sources."""
    lang = lang_of(lang)
    db = db_path()
    ind = kpi.indicator(db, indicator_id or "")
    if ind.empty:
        return (dash.no_update,) * 8
    r = ind.iloc[0]
    geos = kpi.geographies(db, r.indicator_id)
    if geo not in set(geos["geo_code"]):
        return (dash.no_update,) * 8
    figure, frame, sources = _chart_parts(db, r, geo, lang)
    src_ja, src_en = _chart_source(db, r, frame, "ja"), _chart_source(db, r, frame, "en")
    meta = twin_meta(CHART, *TITLE, src_ja, src_en, lang, _latest(frame, geo), f"{r.indicator_id}_{geo}", True,
                     PRINT_ROWS)
    return (figure, rows(frame, columns(r.unit, r.unit_ja)), _assessment_panel(db, r, geo, lang),
            _target_panel(db, r, geo, lang), sources, meta, meta["as_of_text"],
            [html.Strong(tr("出典：", "Source: ", lang)), tr(src_ja, src_en, lang)])


def _latest(frame: pd.DataFrame, geo: str):
    """The date of the chosen area's newest observation (None without one)."""
    dates = frame.loc[frame["geo_code"] == geo, "period_end"] if len(frame) else []
    return max(dates) if len(dates) else None


urlstate.sync_url(PREFIX, {"geo": (f"{PREFIX}-geo", "value")})


def _suffix(lang: str) -> str:
    return "?lang=en" if lang == "en" else ""


def _card(cid: str, ja: str, en: str, body, lang: str) -> dbc.Card:
    body = html.Div(body) if isinstance(body, list) else body  # Dash children never nest a list in a list
    return dbc.Card(dbc.CardBody([html.H2(bi(ja, en, lang), className="h6 card-title"), body]), className="mb-3",
                    id=cid)


def _nowrap_dates(value):
    """Text with its ISO dates kept on one line."""
    if not isinstance(value, str) or not DATE.search(value):
        return value
    parts, last = [], 0
    for m in DATE.finditer(value):
        parts += [value[last:m.start()], html.Span(m.group(0), className="text-nowrap")]
        last = m.end()
    return [p for p in parts + [value[last:]] if p != ""]


def _dl(pairs: list[tuple[str, object]]) -> html.Dl:
    items = []
    for label, value in pairs:
        value = _nowrap_dates(value)
        items += [html.Dt(label, className="col-sm-5 small"), html.Dd(value, className="col-sm-7 small mb-1")]
    return html.Dl(items, className="row mb-0")


def _as_of(a, frequency: str, lang: str) -> html.Div:
    """The data's as-of date in words and, when out of date, a visible mark with its reason (as on the tiles)."""
    when, reason = as_of_words(a.latest_period_end, frequency, a.is_stale, lang)
    if reason is None:
        return html.Div(when, className="small mb-1", id=f"{PREFIX}-asof")
    return html.Div([html.Span(when, className="me-1"),
                     html.Span(["⚠ ", tr(*STALE, lang)], className="badge text-bg-warning border border-dark",
                               id=f"{PREFIX}-stale"),
                     html.Div(reason, className="text-body-secondary", id=f"{PREFIX}-stale-reason")],
                    className="small mb-1", id=f"{PREFIX}-asof")


def _assessment_panel(db, r, geo: str, lang: str) -> list:
    a = kpi.assessment(db, r.indicator_id, geo)
    if a.empty:
        return [html.P(tr("この地域の評価はありません。", "No assessment for this area.", lang))]
    a = a.iloc[0]
    geo_name = a.geo_name_en if lang == "en" else a.geo_name_ja
    return [
        html.Div([html.Span(geo_name, className="me-2"), status_badge(a.status, lang)], className="fs-5 mb-1",
                 id=f"{PREFIX}-status"),
        _as_of(a, r.frequency, lang),
        html.P([html.Strong(tr("判定理由：", "Why: ", lang)), a.reason_en if lang == "en" else a.reason_ja],
               className="small mb-2", id=f"{PREFIX}-reason"),
        _dl(assessment_facts(a, r.unit, r.unit_ja, lang)),
        html.P(tr("判定：直近2年の観測値の最小二乗法の傾きを最新値から目標期日まで延ばした予測（指標の範囲内）と、"
                  "基準値から目標への直線経路とを比べます（達成 → 後退 → 目標期日後の観測値が未達なら遅れ → 順調 → 注意 → "
                  "それ以外は遅れ の順に判定。データが古いか目標期日後の観測値がないときは、順調・注意とはせず"
                  "データ更新待ちとします）。",
                  "Rule: the least-squares slope of the last two years of observations, extended from the latest value "
                  "to the target date within the indicator's range, is compared with the straight path from baseline "
                  "to target (checked in the order achieved, regressing, off track if an observation after the target "
                  "date misses it, on track, at risk, otherwise off track; when the data are out of date or the "
                  "target date has passed without an observation, what would be on track or at risk is "
                  "awaiting new data).", lang), className="small text-body-secondary mt-2 mb-0"),
    ]


def _target_panel(db, r, geo: str, lang: str) -> list:
    t = kpi.target(db, r.indicator_id, geo)
    if t.empty:
        return [html.P(tr("目標は設定されていません（戦略文書に数値目標がなく、仮定も置いていません）。",
                          "No target is set (the strategy documents give no figure and none is assumed).", lang),
                       className="small mb-0")]
    t = t.iloc[0]
    when = target_date_words(t.target_date, t.date_basis, lang)
    head = html.P([html.Strong(value_text(t.target_value, r.unit, r.unit_ja, lang)),
                   tr(f"　期日 {when}", f" by {when}", lang)], className="mb-1", id=f"{PREFIX}-target-head")
    if t.basis == "quotation":
        parts = [head, _badge("bi-quote", tr("戦略文書からの引用", "Quoted from the strategy documents", lang), "light"),
                 html.Blockquote(html.P(f"「{t.quote_ja}」", lang="ja", className="mb-1"),
                                 className="border-start border-3 ps-2 mb-1", id=f"{PREFIX}-quote"),
                 html.P(citations.source_line(t.citation_en if lang == "en" else t.citation_ja, lang),
                        className="small text-body-secondary mb-1", id=f"{PREFIX}-target-source")]
        if t.date_basis == "assumption":
            parts.append(_reason("期日の仮定：", "Assumed date: ", t.date_assumption_ja, t.date_assumption_en, lang,
                                 f"{PREFIX}-date-assumption"))
        return parts
    return [head, _badge("bi-exclamation-diamond", tr("仮定（戦略文書に数値目標なし）",
                                                      "Assumption (no figure in the strategy documents)", lang),
                         "warning"),
            _reason("理由：", "Reason: ", t.assumption_reason_ja, t.assumption_reason_en, lang, f"{PREFIX}-assumption")]


def _badge(icon: str, text: str, colour: str) -> html.Div:
    cls = "badge text-bg-light border" if colour == "light" else f"badge text-bg-{colour}"
    return html.Div(html.Span([html.I(className=f"bi {icon} me-1", **{"aria-hidden": "true"}), text], className=cls),
                    className="mb-1")


def _reason(label_ja: str, label_en: str, ja, en, lang: str, cid: str) -> html.P:
    return html.P([html.Strong(tr(label_ja, label_en, lang)), tr(ja, en, lang)], className="small mb-0", id=cid)


def _definition(r, lang: str) -> html.Dl:
    def text(value) -> str:
        return "—" if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "" else value

    unit = r.unit_ja if lang == "ja" else unit_label(r.unit, r.unit_ja, "en")
    freq, direction = FREQUENCY.get(r.frequency, (r.frequency, r.frequency)), DIRECTION.get(r.direction)
    return _dl([
        (tr("定義", "Definition", lang), r.definition_en if lang == "en" else r.definition_ja),
        (tr("分子", "Numerator", lang), text(r.numerator_en if lang == "en" else r.numerator_ja)),
        (tr("分母", "Denominator", lang), text(r.denominator_en if lang == "en" else r.denominator_ja)),
        (tr("単位", "Unit", lang), unit),
        (tr("望ましい方向", "Direction", lang), tr(*direction, lang) if direction else r.direction),
        (tr("更新頻度", "Frequency", lang), tr(*freq, lang)),
        (tr("基本方針（2030年計画）", "Basic policy (2030 plan)", lang), r.policy_en if lang == "en" else r.policy_ja),
        (tr("取組分野", "Field", lang), r.field_en if lang == "en" else r.field_ja),
        (tr("指標ID", "Indicator id", lang), html.Code(r.indicator_id)),
    ])


def _source_panel(db, r, obs: pd.DataFrame, lang: str) -> list:
    """The indicator's source and the sources of the observations drawn for the chosen geography (each row's own
    source is in the table)."""
    parts = [html.P([html.Strong(tr("指標の出典：", "Indicator source: ", lang)), _indicator_source(db, r, lang)],
                    className="small mb-1")]
    if obs.empty:
        parts.append(html.P(tr("観測値の出典：観測値がまだありません。", "Observation sources: no observation yet.", lang),
                            className="small mb-0"))
        return parts
    parts.append(html.P([html.Strong(tr("この地域の観測値の出典：", "Sources of this area's observations: ", lang)),
                         _chart_source(db, r, obs, lang)], className="small mb-1"))
    parts += _update_lines(db, _source_ids(obs), lang)
    parts.append(html.P(tr(f"観測値 {len(obs)} 件それぞれの出典は「推移と目標」の表に記載しています。",
                           f"Each of the {len(obs)} observations has its source in the table under “Trend and "
                           "target”.", lang), className="small text-body-secondary mb-0"))
    return parts


def _update_lines(db, source_ids: list[str], lang: str) -> list[html.P]:
    """「最終更新 … / 次回更新予定 …」 for each source drawn, marked when the next data are overdue."""
    as_of = common.build_info(db).iloc[0]["as_of"]
    updates = common.source_updates(db).set_index("source_id")
    out = []
    for sid in (s for s in source_ids if s in updates.index):
        u = updates.loc[sid]
        expected, overdue = next_update(u.latest, u.update_frequency, as_of, lang)
        out.append(html.P([html.Strong(tr(u.title_ja, u.title_en, lang)), tr("：最終更新 ", ": latest data ", lang),
                           citations.date_words(u.latest, lang), tr("／次回更新予定 ", " / next expected ", lang),
                           expected, html.Span(["⚠ ", tr("予定を過ぎています", "overdue", lang)],
                                               className="badge text-bg-warning border border-dark ms-1")
                           if overdue else None], className="small mb-1", id=f"{PREFIX}-update-{sid}"))
    return out


def _not_found(db, indicator_id: str | None, lang: str) -> html.Div:
    ids = kpi.indicators(db)
    return html.Div([
        page_header("指標が見つかりません", "Indicator not found",
                    f"「{indicator_id}」という指標はありません。次の {len(ids)} 指標から選んでください。",
                    f"There is no indicator '{indicator_id}'. Choose one of these {len(ids)} indicators.", lang),
        html.Ul([html.Li([dcc.Link(r.name_en if lang == "en" else r.name_ja,
                                   href=f"/kpi/{r.indicator_id}" + _suffix(lang)),
                          " ", html.Code(r.indicator_id, className="small")]) for r in ids.itertuples()],
                id=f"{PREFIX}-valid-list"),
        dcc.Link(tr("← 概要へ戻る", "← Back to the overview", lang), href="/" + _suffix(lang)),
    ], id=f"{PREFIX}-page")
