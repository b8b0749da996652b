"""Municipal DX (/municipalities): a map of Osaka's 43 municipalities with a selectable measure (click one for its
profile), the adoption of the jointly procured systems, and the prefecture's support programmes."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html

from smartcity import urlstate
from smartcity.components import Col, chart_card, grid_id, missing, no_database, page_header, rows, table_twin
from smartcity.figures import municipal as fm
from smartcity.figures.maps import BOUNDARY_CREDIT, BOUNDARY_CREDIT_EN, choropleth
from smartcity.i18n import lang_of, tr
from smartcity.queries import common, municipal
from smartcity.settings import db_path

dash.register_page(__name__, path="/municipalities", name="市町村DX / Municipal DX",
                   title="市町村DX / Municipal DX")

PREFIX = "muni"
MAP_KEY, ADOPTION_KEY, SUPPORT_KEY = f"{PREFIX}-map", f"{PREFIX}-adoption", f"{PREFIX}-support"
MAP_SIZE = (680, 560)  # the map's pixel size the view is fitted to (the card's width at 1366 px)
MAP_COLUMNS = [Col("geo_code", "団体コード", "Code", wrap=True), Col("name", "市町村", "Municipality", flex=2, wrap=True),
               Col("measure", "指標", "Measure", flex=3, wrap=True), Col("value", "値", "Value", True, wrap=True),
               Col("unit", "単位", "Unit", wrap=True), Col("basis", "時点・根拠", "As of / basis", flex=2, wrap=True)]
ADOPTION_COLUMNS = [Col("system", "システム", "System", flex=2, wrap=True),
                    Col("fiscal_year", "年度", "Fiscal year", wrap=True),
                    Col("joint", "共同調達", "Joint procurement", True, wrap=True),
                    Col("own", "独自導入", "Own procurement", True, wrap=True), Col("total", "計", "Total", True, wrap=True),
                    Col("shown", "グラフの表示", "Shown on the chart", wrap=True)]
SUPPORT_COLUMNS = [Col("area", "支援分野", "Area", flex=2, wrap=True),
                   Col("programme", "事業", "Programme", flex=3, wrap=True),
                   Col("start", "開始年度", "Start", flex=2, wrap=True),
                   Col("municipalities", "市町村数", "Municipalities", True, wrap=True),
                   Col("municipalities_note", "市町村数の注記", "Note on the count", wrap=True),
                   Col("stage", "段階", "Stage", flex=2, wrap=True),
                   Col("source", "出典（文書・節・行）", "Source (document, section, line)", flex=4, wrap=True)]


def layout(lang: str | None = None, measure: str | None = None, **_query) -> html.Div:
    """The page, built per request from the current database."""
    lang = lang_of(lang)
    measure = measure if measure in fm.MEASURES else fm.DEFAULT_MEASURE
    db = db_path()
    if not db.is_file():
        return no_database(lang, PREFIX)
    measures = municipal.map_measures(db)
    return html.Div([
        page_header("市町村のDX", "Municipal DX",
                    "府内43市町村のマイナンバーカード交付率と、戦略文書に記載された事業の数を地図で示します。"
                    "市町村をクリックするとその市町村のページを開きます。あわせて共同調達システムの導入推移と府の支援事業を示します。",
                    "Osaka's 43 municipalities on a map: My Number card issuance rate, or the number of projects the "
                    "strategy documents name for each. Click a municipality to open its page. Below: adoption of the "
                    "jointly procured systems and the prefecture's support programmes.", lang),
        dcc.Store(id=f"{PREFIX}-lang", data=lang),
        dcc.Location(id=f"{PREFIX}-nav", refresh="callback-nav"),
        urlstate.url_sink(PREFIX),
        _map_section(db, measures, measure, lang),
        _adoption_card(db, lang),
        _support_card(db, lang),
    ], id=f"{PREFIX}-page")


# --- map -------------------------------------------------------------------------------------------------------


def map_source(db, measure: str, lang: str) -> str:
    """Where the map's values come from (the boundary credit is also written on the map)."""
    if measure == "mynumber":
        src = common.sources(db).set_index("source_id").loc["mynumbercard"]
        text = tr(src.attribution.removeprefix("出典："), f"{src.title_en} — {src.publisher_en}", lang)
    else:
        docs = municipal.map_sources(db)
        text = tr("戦略文書に記載された事業のうち市町村名（区名）があるものを数えた件数：",
                  "Count of the entries in the strategy documents that name the municipality (or a ward): ", lang) \
            + fm.document_sources(docs[docs["measure"] == measure], lang)
    return text + tr(f"。境界：{BOUNDARY_CREDIT.removeprefix('出典：')}",
                     f". Boundaries: {BOUNDARY_CREDIT_EN.removeprefix('Source: ')}.", lang)


def _map_section(db, measures: pd.DataFrame, measure: str, lang: str) -> html.Section:
    values = fm.map_values(measures, measure, lang)
    boundaries = common.boundaries(db, "osaka_municipality")
    figure = choropleth(boundaries, values, fm.colorbar_title(measure, lang), width=MAP_SIZE[0], height=MAP_SIZE[1],
                        colorbar={"dtick": fm.colorbar_dtick(measure)}, lang=lang)
    control = html.Fieldset([
        html.Legend(tr("地図に表示する指標", "Measure shown on the map", lang), className="fs-6 fw-semibold mb-1"),
        dbc.RadioItems(id=f"{PREFIX}-measure", value=measure, className="small",
                       options=[{"label": tr(m[0], m[1], lang), "value": key} for key, m in fm.MEASURES.items()]),
        html.P(tr("事業数は戦略文書に名前が記載された事業・エリアの数で、市町村の全事業ではありません。0 は「記載がない」ことを示します。",
                  "Project counts are the projects and areas the strategy documents name; they are not every project a "
                  "municipality runs. 0 means none is named.", lang), className="small text-body-secondary mt-2"),
    ], className="mb-2")
    links = html.Details([
        html.Summary(tr("市町村のページ一覧", "Pages of the municipalities", lang)),
        html.Ul([html.Li(dcc.Link(r.name, href=f"/municipality/{r.geo_code}" + ("?lang=en" if lang == "en" else ""),
                                  id=f"{PREFIX}-link-{r.geo_code}"), className="me-3")
                 for r in values.itertuples()], className="list-unstyled d-flex flex-wrap small mt-2"),
    ], open=True, className="small mb-3", id=f"{PREFIX}-links")
    card = chart_card(MAP_KEY, "府内市町村の地図", "Map of Osaka's municipalities", figure, values, MAP_COLUMNS,
                      map_source(db, measure, "ja"), map_source(db, measure, "en"), lang,
                      note=tr("市町村をクリックすると、その市町村のページを開きます。",
                              "Click a municipality to open its page.", lang),
                      graph_config={"scrollZoom": False})
    return html.Section(dbc.Row([dbc.Col([control, links], lg=4), dbc.Col(card, lg=8)]), id=f"{PREFIX}-map-section")


@dash.callback(
    Output(f"{MAP_KEY}-graph", "figure"), Output(grid_id(MAP_KEY), "rowData"), Output(f"{MAP_KEY}-source", "children"),
    Input(f"{PREFIX}-measure", "value"), State(f"{PREFIX}-lang", "data"),
    prevent_initial_call=True,
)
def change_measure(measure: str, lang: str):
    """A new measure changes only the values, the hover text and the colour bar's title (never the geometry)."""
    lang = lang_of(lang)
    measure = measure if measure in fm.MEASURES else fm.DEFAULT_MEASURE
    db = db_path()
    values = fm.map_values(municipal.map_measures(db), measure, lang)
    patch = dash.Patch()
    patch["data"][0]["z"] = [None if pd.isna(v) else float(v) for v in values["value"]]
    patch["data"][0]["text"] = values["label"].tolist()
    patch["data"][0]["colorbar"]["title"]["text"] = fm.colorbar_title(measure, lang)
    patch["data"][0]["colorbar"]["dtick"] = fm.colorbar_dtick(measure)
    source = [html.Strong(tr("出典：", "Source: ", lang)), map_source(db, measure, lang)]
    return patch, rows(values, MAP_COLUMNS), source


@dash.callback(
    Output(f"{PREFIX}-nav", "href"), Input(f"{MAP_KEY}-graph", "clickData"), State(f"{PREFIX}-lang", "data"),
    prevent_initial_call=True,
)
def open_profile(click: dict | None, lang: str):
    """Clicking a municipality opens its profile (the language is kept)."""
    points = (click or {}).get("points") or []
    code = str(points[0].get("location", "")) if points else ""
    if not municipal.valid_code(code) or len(code) != 5:
        return dash.no_update
    return f"/municipality/{code}" + ("?lang=en" if lang_of(lang) == "en" else "")


urlstate.sync_url(PREFIX, {"measure": (f"{PREFIX}-measure", "value")})


# --- jointly procured systems and support programmes ---------------------------------------------------------------


def _adoption_card(db, lang: str) -> dbc.Card:
    frame, coverage = municipal.adoption(db), municipal.e_application_coverage(db)
    if frame.empty:
        return missing("共同調達システムの導入データがありません。", "No adoption figures.", lang, ADOPTION_KEY)
    both = pd.concat([frame, coverage], ignore_index=True)
    source_ja = "大阪府・大阪市 スマートシティ戦略関係資料：" + fm.document_sources(both, "ja")
    source_en = "Osaka strategy documents: " + fm.document_sources(both, "en")
    figure = fm.adoption_figure(frame, coverage, lang, source=tr("出典：", "Source: ", lang) + _short_source(frame, lang))
    note = tr("棒の色と模様で調達区分を示します（共同調達＝塗りつぶし、独自導入＝斜線）。棒の上は「導入市町村数/43」。"
              "資料の列見出しは年のみ（2020〜2023）で、年度として表示しています。「－ 未提供」は資料が「-」（共同調達の提供前）、"
              "「記載なし」は資料に数値がない年です。",
              "Colour and pattern show the procurement (joint = solid, own = hatched). Above each bar: municipalities "
              "using the system / 43. The source's columns are bare years (2020–2023), shown as fiscal years. "
              "'– not offered': the source shows '-' (before joint procurement began); 'not given': no figure in the "
              "source.", lang)
    return chart_card(ADOPTION_KEY, "共同調達システムの導入推移（年度別・共同調達／独自導入）",
                      "Adoption of the jointly procured systems by fiscal year (joint / own procurement)",
                      figure, fm.adoption_table(frame, lang), ADOPTION_COLUMNS, source_ja, source_en, lang, note=note)


def _short_source(frame: pd.DataFrame, lang: str) -> str:
    r = frame.iloc[0]
    return (f"{fm.name(r, lang, 'doc_title')}（{r.source_doc}）「{r.source_section}」" if lang == "ja"
            else f"{fm.name(r, lang, 'doc_title')} ({r.source_doc}), '{r.source_section}'")


def _support_card(db, lang: str) -> dbc.Card:
    frame = municipal.support_programmes(db)
    if frame.empty:
        return missing("支援事業のデータがありません。", "No support programmes.", lang, SUPPORT_KEY)
    table = fm.support_table(frame, lang)
    return dbc.Card(dbc.CardBody([
        html.H3(tr("市町村に対するデジタル化支援（府の事業）", "The prefecture's digital support programmes for municipalities",
                   lang), className="h6 card-title"),
        html.P(tr("「市町村数」は資料に記載された対象市町村数（「のべ」を含む）です。再掲の行は同じ事業の別分野での記載です。",
                  "'Municipalities' is the number the source gives (some are cumulative). Restated rows are the same "
                  "programme listed under a second area.", lang), className="small mb-1"),
        table_twin(SUPPORT_KEY, table, SUPPORT_COLUMNS, lang, page_size=25),
        html.P([html.Strong(tr("出典：", "Source: ", lang)), fm.document_sources(frame, lang)],
               className="small text-body-secondary mt-2 mb-0", id=f"{SUPPORT_KEY}-source"),
    ]), className="mb-4", id=f"{SUPPORT_KEY}-card")

