"""Partnerships and projects (/partnerships): the Osaka Smart City Partners Forum (members, events, pitches,
projects), the AI on-demand transport and smart senior life areas, and the Digital Health Fund Osaka."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, html

from smartcity import urlstate
from smartcity.components import Col, chart_card, grid_id, missing, no_database, page_header, radio_group, rows
from smartcity.figures import partnerships as fig
from smartcity.i18n import bi, lang_of, tr
from smartcity.queries import common
from smartcity.queries import partnerships as q
from smartcity.settings import db_path

dash.register_page(__name__, path="/partnerships", name="公民連携 / Partnerships", title="公民連携 / Partnerships")

PREFIX = "pp"
PROGRAMMES = list(fig.PROGRAMMES)  # URL values of the area-map control; the first is the default

MEMBERSHIP_COLUMNS = [Col("when", "時点", "Date"), Col("precision", "日付の精度", "Date precision"),
                      Col("members_total", "会員数（企業・団体）", "Members", True), Col("source", "出典", "Source")]
EVENT_COLUMNS = [Col("name", "イベント", "Event"), Col("events_held", "開催数（回）", "Times held", True),
                 Col("participants", "参加者数（人）", "Participants", True),
                 Col("marks", "表記（延べ・約）", "Marks (cumulative, approximate)"),
                 Col("participants_label", "参加者数（資料の表記）", "Participants as stated"),
                 Col("source", "出典", "Source")]
PITCH_COLUMNS = [Col("when", "開催日", "Date"), Col("fy", "年度", "Fiscal year"),
                 Col("presenters", "登壇企業数", "Presenting companies", True),
                 Col("applicants", "応募企業数", "Applying companies", True), Col("source", "出典", "Source")]
COUNT_COLUMNS = [Col("when", "時点", "As of"), Col("scope", "対象", "Scope"),
                 Col("projects", "事業・プロジェクト数", "Projects", True),
                 Col("implemented", "うち社会実装", "Of which implemented", True),
                 Col("municipalities", "市町村数", "Municipalities", True), Col("fields", "分野数", "Fields", True),
                 Col("cumulative", "延べ", "Cumulative"), Col("source", "出典", "Source")]
FIELD_COLUMNS = [Col("field", "分野", "Field"), Col("n_municipalities", "実施市町村数", "Municipalities", True),
                 Col("stage_label", "段階", "Stage"), Col("start", "開始年度", "Since"),
                 Col("wg", "ワーキンググループ（令和4年度）", "Working group (FY2022)"),
                 Col("named_projects", "資料に名前のあるプロジェクト", "Projects named in the sources", True),
                 Col("source", "出典", "Source")]
PROJECT_COLUMNS = [Col("place", "市町村", "Municipality"), Col("title", "プロジェクト", "Project"),
                   Col("field", "分野", "Field"), Col("stage_label", "段階", "Stage"),
                   Col("on_map", "地図", "Map"), Col("source", "出典", "Source")]
AREA_COLUMNS = [Col("place", "区・市町村", "Ward or municipality"), Col("programme_label", "事業", "Programme"),
                Col("detail", "期・種別", "Phase or kind"), Col("fy", "年度", "Fiscal year"),
                Col("dates", "期間", "Dates"), Col("area_ja", "エリア（資料の表記）", "Area as written (Japanese)"),
                Col("operator_ja", "運行事業者", "Operator (Japanese)"),
                Col("tablets_lent", "タブレット貸出数（期の合計）", "Tablets lent (phase total)", True),
                Col("map_category", "地図上の表示", "Shown on the map as"), Col("source", "出典", "Source")]
PHASE_COLUMNS = [Col("phase", "期", "Phase"), Col("dates", "期間", "Dates"), Col("fy", "開始年度", "Starting"),
                 Col("tablets_lent", "タブレット貸出数（台）", "Tablets lent", True),
                 Col("areas_ja", "エリア（資料の表記）", "Areas as written (Japanese)"), Col("source", "出典", "Source")]

urlstate.sync_url(PREFIX, {"period": (f"{PREFIX}-period", "value"), "programme": (f"{PREFIX}-programme", "value")})


def _card(key: str, title_ja: str, title_en: str, figure, frame: pd.DataFrame, columns: list[Col], lang: str,
          note=None, source: pd.DataFrame | None = None, graph_config: dict | None = None):
    """A chart card whose source names the documents, sections and lines of the rows shown."""
    src_ja, src_en = fig.source_texts(frame if source is None else source)
    return chart_card(f"{PREFIX}-{key}", title_ja, title_en, figure, frame, columns, src_ja, src_en, lang, note=note,
                      graph_config=graph_config)


def _section(key: str, title_ja: str, title_en: str, lang: str, *children) -> html.Section:
    return html.Section([html.H2(bi(title_ja, title_en, lang), className="h5 mt-4 border-bottom pb-1"), *children],
                        id=f"{PREFIX}-section-{key}")


def layout(lang: str | None = None, period: str | None = None, programme: str | None = None,
           **_query) -> html.Div:
    """The page for the URL's language, event period and area-map programme (unknown values fall back)."""
    lang = lang_of(lang)
    db = db_path()
    if not db.is_file():
        return no_database(lang, PREFIX)
    periods = q.event_periods(db)
    period = period if period in set(periods["period_id"]) else (
        periods["period_id"].iloc[-1] if len(periods) else None)
    programme = programme if programme in PROGRAMMES else PROGRAMMES[0]
    membership = q.membership(db)
    return html.Div([
        page_header("公民連携とプロジェクト", "Partnerships and projects",
                    "大阪スマートシティパートナーズフォーラム（OSPF）の会員・イベント・プロジェクト、AIオンデマンド交通と"
                    "スマートシニアライフの実施エリア、デジタルヘルスファンド大阪。数値はすべて戦略関係資料からの転記です。",
                    "The Osaka Smart City Partners Forum (OSPF): members, events and projects; where AI on-demand "
                    "transport and the smart senior life pilot run; and the Digital Health Fund Osaka. Every figure is "
                    "transcribed from the strategy documents.", lang),
        html.P(_key_facts(membership, lang), className="small", id=f"{PREFIX}-facts"),
        dash.dcc.Store(id=f"{PREFIX}-lang", data=lang),
        urlstate.url_sink(PREFIX),
        _section("ospf", "大阪スマートシティパートナーズフォーラム（OSPF）", "Osaka Smart City Partners Forum (OSPF)", lang,
                 dbc.Row([
                     dbc.Col(_membership(membership, lang), xs=12, lg=6),
                     dbc.Col(_pitches(db, lang), xs=12, lg=6),
                 ]),
                 _events(db, periods, period, lang)),
        _section("projects", "プロジェクト（分野・市町村・段階）", "Projects by field, municipality and stage", lang,
                 dbc.Row([
                     dbc.Col(_counts(db, lang), xs=12, lg=6),
                     dbc.Col(_fields(db, lang), xs=12, lg=6),
                 ]),
                 _project_map(db, lang)),
        _section("areas", "AIオンデマンド交通とスマートシニアライフの実施エリア",
                 "Where AI on-demand transport and smart senior life run", lang,
                 _areas(db, programme, lang),
                 _phases(db, lang)),
        _section("fund", "デジタルヘルスファンド大阪", "Digital Health Fund Osaka", lang, _fund(db, lang)),
    ], id=f"{PREFIX}-page")


def _key_facts(membership: pd.DataFrame, lang: str) -> str:
    if membership.empty:
        return tr("OSPF会員数の記載がありません。", "No OSPF membership figures in the sources.", lang)
    last = membership.iloc[-1]
    when = fig.date_label(last.date_text, lang)
    return tr(f"OSPF の会員は {int(last.members_total):,} 企業・団体（{when}時点）。",
              f"OSPF has {int(last.members_total):,} member companies and organisations (as of {when}).", lang)


def _membership(membership: pd.DataFrame, lang: str):
    return _card("members", "OSPF会員数の推移", "OSPF membership", fig.membership_figure(membership, lang),
                 fig.membership_rows(membership, lang), MEMBERSHIP_COLUMNS, lang,
                 note=tr("2020年8月は月のみ分かる時点です（日付は資料に記載なし）。内訳（民間企業・公益団体等）の数値は資料にありません。",
                         "Only the month is known for August 2020 (no day in the source). The sources give no "
                         "breakdown into private companies and public-interest organisations.", lang))


def _pitches(db, lang: str):
    frame = q.pitches(db)
    return _card("pitch", "ピッチイベント：登壇・応募企業数", "Pitch events: presenters and applicants",
                 fig.pitch_figure(frame, lang), fig.pitch_rows(frame, lang), PITCH_COLUMNS, lang,
                 note=tr("2021年7月19日の回は登壇・応募企業数の記載がありません。",
                         "The sources give no presenter or applicant numbers for 19 July 2021.", lang)
                 if (frame["presenters"].isna() & frame["applicants"].isna()).any() else None)


def _period_note(periods: pd.DataFrame, period: str | None, lang: str) -> str:
    chosen = periods[periods["period_id"] == period]
    if chosen.empty:
        return tr("イベント実績の記載がありません。", "No event figures in the sources.", lang)
    p = chosen.iloc[0]
    text = tr(f"{fig.period_text(p, 'ja')}：{int(p.n_events)}種類のイベント。",
              f"{fig.period_text(p, 'en')}: {int(p.n_events)} kinds of event. ", lang)
    if p.is_partial:
        text += tr("この表は資料で「※一部」とされた一部の掲載で、時点の記載はありません（2020年8月の設立以降の累計とみられます）。",
                   "The source marks this table as partial (※一部) and gives no as-of date (the counts appear "
                   "cumulative since OSPF was founded in August 2020). ", lang)
    return text + tr("「延べ」は延べ人数、「約」は概数です。", "'Cumulative' counts a person once per event attended; "
                     "'approx.' marks a rounded figure.", lang)


def _events_outputs(db, periods: pd.DataFrame, period: str | None, lang: str):
    frame = q.events(db, period) if period else pd.DataFrame()
    chosen = periods[periods["period_id"] == period]
    label = fig.period_text(chosen.iloc[0], lang) if not chosen.empty else ""
    figure = fig.events_figure(frame, label, lang)
    table = fig.event_rows(frame, lang) if not frame.empty else pd.DataFrame(columns=[c.field for c in EVENT_COLUMNS])
    return figure, table, fig.source_texts(frame) if not frame.empty else ("—", "—")


def _events(db, periods: pd.DataFrame, period: str | None, lang: str):
    if periods.empty:
        return missing("OSPFイベントの記載がありません。", "No OSPF events in the sources.", lang, f"{PREFIX}-events")
    figure, table, (src_ja, src_en) = _events_outputs(db, periods, period, lang)
    control = radio_group(f"{PREFIX}-period", tr("イベント実績の時点（表）", "Event table (period)", lang), period,
                          [{"label": fig.period_text(p, lang), "value": p["period_id"]}
                           for p in periods.to_dict("records")][::-1], class_name="mb-2")
    return html.Div([
        control,
        chart_card(f"{PREFIX}-events", "OSPFのイベント：開催数と参加者数", "OSPF events: times held and participants",
                   figure, table, EVENT_COLUMNS, src_ja, src_en, lang, note=_period_note(periods, period, lang)),
    ])


def _counts(db, lang: str):
    frame = q.project_counts(db)
    return _card("counts", "事業数・社会実装数とOSPFプロジェクト数", "Projects, implementations and OSPF projects",
                 fig.project_counts_figure(frame, lang), fig.count_rows(frame, lang), COUNT_COLUMNS, lang,
                 note=tr("資料ごとに対象と数え方が異なります（「延べ」は延べ件数）。2022-08 は資料の日付からの推定です。",
                         "Scope and counting differ between documents ('cumulative' counts a project each time it "
                         "ran). 2022-08 is inferred from the document's date.", lang))


def _fields(db, lang: str):
    frame = q.project_fields(db)
    return _card("fields", "分野別のOSPFプロジェクト：実施市町村数と段階", "OSPF projects by field: municipalities and stage",
                 fig.field_stage_figure(frame, lang), fig.field_rows(frame, lang), FIELD_COLUMNS, lang,
                 note=tr("段階は棒の文字と模様で示します（／ 実証、× 実証・実装）。",
                         "The stage is written on each bar and repeated by its pattern (/ pilot, × pilot and "
                         "implemented).", lang))


def _project_map(db, lang: str):
    projects = q.projects(db)
    munis = common.boundaries(db, "osaka_municipality")
    table = fig.project_rows(projects, lang)
    unnamed = table[projects["muni_code"].isna().to_numpy()]
    values = fig.project_map_values(munis, projects, lang)
    note = tr(f"地図は市町村名の記載がある {len(table) - len(unnamed)} 件を示します。資料の件数（例：27件・16市町村）より少なく、"
              f"色のない市町村は「記載なし」であり 0件とは限りません。"
              f"市町村名の記載がないプロジェクト {len(unnamed)} 件（地図外、表に掲載）：" + "、".join(unnamed["title"]) + "。",
              f"The map shows the {len(table) - len(unnamed)} projects whose municipality is named. The documents "
              f"count more (e.g. 27 projects in 16 municipalities), so 'none named' does not mean none. "
              f"{len(unnamed)} projects name no municipality (not on the map, listed in the table): "
              + "; ".join(unnamed["title"]) + ".", lang)
    return _card("projects", "市町村別のOSPFプロジェクト（段階つき）", "OSPF projects by municipality, with stage",
                 fig.project_map(munis, values, lang), table, PROJECT_COLUMNS, lang,
                 note=note, graph_config={"scrollZoom": False})


def _areas(db, programme: str, lang: str):
    areas, bounds = q.areas(db), q.area_boundaries(db)
    if areas.empty or bounds.empty:
        return missing("実施エリアの記載がありません。", "No areas in the sources.", lang, f"{PREFIX}-areas")
    values = fig.area_values(bounds, areas, programme, lang)
    control = radio_group(f"{PREFIX}-programme", tr("地図に示す事業", "Programme on the map", lang), programme,
                          [{"label": tr(ja, en, lang), "value": key} for key, (ja, en) in fig.PROGRAMMES.items()],
                          class_name="mb-2")
    note = tr("大阪市・堺市は区ごとに、ほかは市町村ごとに示します。区の記載がない堺市の事業（泉北ニュータウン）は堺市の各区を"
              "「市内（区の記載なし）」として示します。府の補助・ワーキンググループなど市町村が特定されない取組みは含みません。",
              "Osaka City and Sakai City are shown by ward, the other municipalities as a whole. A Sakai project whose "
              "ward is not named (Senboku New Town) marks Sakai's wards as 'in the city (ward not named)'. Prefectural "
              "subsidies and working groups that name no municipality are not included.", lang)
    return html.Div([
        control,
        _card("areas", "事業の実施エリア（区・市町村）", "Programme areas by ward and municipality",
              fig.area_map(bounds, values, lang), fig.area_rows(areas, bounds, programme, lang), AREA_COLUMNS, lang,
              note=note, source=areas, graph_config={"scrollZoom": False}),
    ])


def _phases(db, lang: str):
    frame = q.ssl_phases(db)
    return _card("phases", "スマートシニアライフ：期別のタブレット貸出数", "Smart senior life: tablets lent per phase",
                 fig.phases_figure(frame, lang), fig.phase_rows(frame, lang), PHASE_COLUMNS, lang,
                 note=tr("対象エリアの50歳以上の住民にタブレットを無償で貸出し。貸出数は期の合計で、エリア別の数は資料にありません。",
                         "Tablets lent free of charge to residents aged 50 and over in the target areas. Numbers are "
                         "phase totals; the sources give none per area.", lang))


def _fund(db, lang: str):
    frame = q.fund(db)
    if frame.empty:
        return missing("デジタルヘルスファンド大阪の記載がありません。", "No Digital Health Fund figures in the sources.",
                       lang, f"{PREFIX}-fund")
    facts = fig.fund_facts(frame, lang)
    src_ja, src_en = fig.source_texts(frame)
    cards = [dbc.Col(dbc.Card(dbc.CardBody([
        html.Div(f["item"], className="small fw-semibold"),
        html.Div(f["value"], className="fs-5" if f["rank"] < 2 else "small"),
        html.Div(f["source"], className="small text-body-secondary"),
    ]), className="h-100"), xs=12, md=6, xl=3, className="mb-3", id=f"{PREFIX}-fund-{f['item_id']}")
        for f in facts]
    return html.Div([
        dbc.Row(cards),
        html.P([html.Strong(tr("出典：", "Source: ", lang)), tr(src_ja, src_en, lang)],
               className="small text-body-secondary", id=f"{PREFIX}-fund-source"),
    ], id=f"{PREFIX}-fund")


@dash.callback(
    Output(f"{PREFIX}-events-graph", "figure"),
    Output(grid_id(f"{PREFIX}-events"), "rowData"),
    Output(f"{PREFIX}-events-source", "children"),
    Output(f"{PREFIX}-events-note", "children"),
    Input(f"{PREFIX}-period", "value"),
    State(f"{PREFIX}-lang", "data"),
    prevent_initial_call=True,
)
def update_events(period: str | None, lang: str | None):
    """A new event period: the chart, its table twin, its source and the period's note."""
    lang = lang_of(lang)
    db = db_path()
    periods = q.event_periods(db)
    if period not in set(periods["period_id"]):
        period = periods["period_id"].iloc[-1] if len(periods) else None
    figure, table, (src_ja, src_en) = _events_outputs(db, periods, period, lang)
    return (figure, rows(table, EVENT_COLUMNS), [html.Strong(tr("出典：", "Source: ", lang)), tr(src_ja, src_en, lang)],
            _period_note(periods, period, lang))


@dash.callback(
    Output(f"{PREFIX}-areas-graph", "figure"),
    Output(grid_id(f"{PREFIX}-areas"), "rowData"),
    Input(f"{PREFIX}-programme", "value"),
    State(f"{PREFIX}-lang", "data"),
    prevent_initial_call=True,
)
def update_areas(programme: str | None, lang: str | None):
    """A new programme on the area map: only the values (z, hover text) change, never the geometry."""
    lang = lang_of(lang)
    programme = programme if programme in PROGRAMMES else PROGRAMMES[0]
    db = db_path()
    areas, bounds = q.areas(db), q.area_boundaries(db)
    values = fig.area_values(bounds, areas, programme, lang)
    patch = dash.Patch()
    patch["data"][0]["z"] = values["value"].tolist()
    patch["data"][0]["text"] = values["label"].tolist()
    return patch, rows(fig.area_rows(areas, bounds, programme, lang), AREA_COLUMNS)
