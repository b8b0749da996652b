"""Municipal DX (/municipalities): a map of Osaka's 43 or Japan's 1,741 municipalities with a selectable measure
(`?measure=` one of the strategy measures, `dx:<indicator_key>` or `proc:<procedure_key>`; `?area=osaka|japan`; click
one for its profile), the distribution of the selected DX measure in Osaka, Tokyo and Japan, the matrix of who has
what among Osaka's 43, the adoption of the jointly procured systems, and the prefecture's support programmes."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html

from smartcity import citations, urlstate
from smartcity.components import (Col, chart_card, grid_id, missing, no_database, page_header, radio_group, rows,
                                  table_twin)
from smartcity.figures import dx as fdx
from smartcity.figures import municipal as fm
from smartcity.figures.common import Scale, empty_figure
from smartcity.figures.maps import choropleth, drawn_z, key_traces, legend_title, trace_colours
from smartcity.i18n import lang_of, tr
from smartcity.queries import common, dx, municipal
from smartcity.settings import db_path
from smartcity.layouts import callback_per_build

dash.register_page(__name__, path="/municipalities", name="市町村DX / Municipal DX",
                   title="市町村DX / Municipal DX")

PREFIX = "muni"
MAP_KEY, ADOPTION_KEY, SUPPORT_KEY = f"{PREFIX}-map", f"{PREFIX}-adoption", f"{PREFIX}-support"
DIST_KEY, MATRIX_KEY = f"{PREFIX}-dist", f"{PREFIX}-matrix"
AREAS = ("osaka", "japan")
MAP_SIZE = {"osaka": (680, 650), "japan": (680, 660)}  # the figure's pixel size the view is fitted to (card at
# 1366 px), the key below the map included
PROC = "proc"  # the measure radio's value for "a procedure, chosen in the list below"
JAPAN_DEFAULT = "dx:mynumber_card_holding_rate"
MAP_COLUMNS = [Col("geo_code", "団体コード", "Code", min_width=80), Col("pref", "都道府県", "Prefecture", min_width=80),
               Col("name", "市町村", "Municipality", flex=2, wrap=True), Col("value", "値", "Value", True, min_width=80),
               Col("shown", "表示（ことば）", "Shown as", flex=2, wrap=True),
               Col("measure", "指標", "Measure", flex=2, min_width=120), Col("unit", "単位", "Unit", min_width=70),
               Col("basis", "時点・根拠", "As of / basis", flex=2, min_width=120)]
DIST_COLUMNS = [Col("area", "地域", "Area", flex=2, wrap=True), Col("n", "市町村数", "Municipalities", True),
                Col("n_reported", "報告あり（取扱いあり）", "Reporting (handling it)", True, wrap=True),
                Col("n_true", "実施", "In place", True), Col("n_false", "未実施", "Not in place", True),
                Col("min", "最小", "Min", True), Col("q1", "第1四分位", "Q1", True), Col("median", "中央値", "Median", True),
                Col("q3", "第3四分位", "Q3", True), Col("max", "最大", "Max", True)]
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
                   Col("source", "出典（文書・節）", "Source (document, section)", flex=4, wrap=True)]


def resolve(db, measure: str | None, area: str | None) -> tuple[str, str, object, list[tuple[str, str]]]:
    """(measure, area, DX measure info or None, messages) from address values: an unknown measure or area falls back
    to the default with a message; the strategy-document measures and the MIC issuance rate exist for Osaka only."""
    messages = []
    if area is not None and area not in AREAS:
        messages.append((f"地域「{str(area)[:20]}」はありません。府内43市町村を表示します。",
                         f"There is no area '{str(area)[:20]}'; Osaka's 43 municipalities are shown."))
    area = area if area in AREAS else "osaka"
    info = None
    if measure in fm.MEASURES:
        pass
    elif isinstance(measure, str) and measure:
        info = dx.measure_info(db, measure)
        if info is None:
            messages.append((f"指標「{measure[:40]}」はありません。既定の指標を表示します。",
                             f"There is no measure '{measure[:40]}'; the default measure is shown."))
            measure = None
    if info is None and measure not in fm.MEASURES:
        measure = fm.DEFAULT_MEASURE if area == "osaka" else JAPAN_DEFAULT
    if area == "japan" and info is None:
        messages.append(("この指標は府内43市町村のみの値です。全国ではマイナンバーカード保有率を表示します。",
                         "This measure exists for Osaka's 43 municipalities only; for Japan the My Number card "
                         "holding rate is shown."))
        measure = JAPAN_DEFAULT
    if info is None and measure.startswith("dx:"):
        info = dx.measure_info(db, measure)
    return measure, area, info, messages


def layout(lang: str | None = None, measure: str | None = None, area: str | None = None, **_query) -> html.Div:
    """The page, built per request from the current database."""
    lang = lang_of(lang)
    db = db_path()
    if not db.is_file():
        return no_database(lang, PREFIX)
    measure, area, info, messages = resolve(db, measure, area)
    return html.Div([
        page_header("市町村のDX", "Municipal DX",
                    "府内43市町村（または全国1,741市区町村）の自治体DXの進み具合（デジタル庁）、マイナンバーカード交付率と、"
                    "戦略文書に記載された事業の数を地図で示します。市町村をクリックするとその市町村のページを開きます。"
                    "あわせて府内43市町村の取組状況の一覧、共同調達システムの導入推移と府の支援事業を示します。",
                    "Osaka's 43 municipalities (or Japan's 1,741) on a map: the Digital Agency's municipal DX progress "
                    "(set-up, AI, RPA, telework, card holding, online application rate of 52 procedures), My Number "
                    "card issuance, or the number of projects the strategy documents name. Click a municipality to "
                    "open its page. Below: who has what among Osaka's 43, the jointly procured systems and the "
                    "prefecture's support programmes.", lang),
        dcc.Store(id=f"{PREFIX}-lang", data=lang),
        dcc.Store(id=f"{PREFIX}-view", data={"area": area, "measure": measure,
                                             "keys": len(key_traces(map_scale(measure, info), lang, "", 1))}),
        dcc.Store(id=f"{PREFIX}-measure-key", data=measure),
        dcc.Location(id=f"{PREFIX}-nav", refresh="callback-nav"),
        urlstate.url_sink(PREFIX),
        html.Div([dbc.Alert(tr(ja, en, lang), color="warning", className="border py-2 small")
                  for ja, en in messages], id=f"{PREFIX}-message"),
        _map_section(db, measure, area, info, lang),
        _matrix_card(db, lang),
        _adoption_card(db, lang),
        _support_card(db, lang),
    ], id=f"{PREFIX}-page")


# --- map -------------------------------------------------------------------------------------------------------


def dx_source(db, lang: str) -> str:
    """The DX release's source line with its date, and the note that the date is the publication date."""
    return citations.dx_credit(dx.release_date(db), lang)


def map_source(db, measure: str, lang: str, area: str = "osaka") -> str:
    """Where the map's values come from (the boundary credit is also written on the map)."""
    if measure == "mynumber":
        text = citations.open_data(common.sources(db).set_index("source_id").loc["mynumbercard"], lang)
    elif measure in fm.MEASURES:
        docs = municipal.map_sources(db)
        text = tr("戦略文書に記載された事業のうち市町村名（区名）があるものを数えた件数：",
                  "Count of the entries in the strategy documents that name the municipality (or a ward): ", lang) \
            + fm.document_sources(docs[docs["measure"] == measure], lang)
    else:
        text = dx_source(db, lang).rstrip("。. ")
    return text + tr("。", ". ", lang) + citations.boundaries_text(lang) + tr("。", ".", lang)


def map_frame(db, measure: str, area: str, info, lang: str) -> pd.DataFrame:
    """The map's values and table twin for a measure and area (query → pure builder)."""
    if info is None:
        return fm.map_values(municipal.map_measures(db), measure, lang)
    return fdx.map_values(dx.area_values(db, info, area), info, dx.release_date(db), lang, with_pref=area == "japan")


def map_scale(measure: str, info) -> Scale:
    """The one colour scale of the measure shown (the same wherever the measure is coloured)."""
    return fm.map_scale(measure) if info is None else fdx.scale(info)


def map_figure(db, frame: pd.DataFrame, measure: str, area: str, info, lang: str):
    boundaries = common.boundaries(db, municipal.MAP_LAYERS[area])
    width, height = MAP_SIZE[area]
    if info is None:
        return choropleth(boundaries, frame, fm.colorbar_title(measure, lang), width=width, height=height,
                          lang=lang, scale=fm.map_scale(measure))
    return fdx.dx_map(boundaries, frame, info, lang, width=width, height=height)


def patch_key(figure: dash.Patch, scale: Scale, lang: str, area: str, old_keys: int) -> int:
    """Give the map a new measure's colours and key without its geometry: trace 0's colour settings, the key traces
    after it replaced (the old ones deleted), the legend's title. Returns the number of key traces."""
    for name, value in trace_colours(scale).items():
        figure["data"][0][name] = value
    for _ in range(old_keys):
        del figure["data"][1]
    title = legend_title(scale.title(lang), lang)
    keys = key_traces(scale, lang, title, MAP_SIZE[area][1])
    figure["data"].extend([k.to_plotly_json() for k in keys])
    figure["layout"]["legend"]["title"]["text"] = title if scale.categorical else ""
    return len(keys)


def map_note(db, frame: pd.DataFrame, area: str, info, lang: str) -> list:
    """What the colours mean, that a click opens the profile, and the municipalities the map cannot draw."""
    parts = [tr("市町村をクリックすると、その市町村のページを開きます。", "Click a municipality to open its page.", lang)]
    if info is not None:
        missing_word = fdx.classes(info, lang)[0][0]
        parts.append(tr(f"灰色は「{missing_word}」で、0 % とは別の区分です（0 % は色の区分「0 %」）。",
                        f"Grey is '{missing_word}', a class of its own, not 0 % (0 % has its own class).", lang)
                     if info.value_type != "boolean" else
                     tr("青＝実施、橙＝未実施、灰色＝調査無し（表の「表示」列にことばで記載）。",
                        "Blue = in place, orange = not in place, grey = not surveyed (in words in the table's "
                        "'Shown as' column).", lang))
    if area == "japan":
        drawn = set(municipal.map_codes(db, "japan"))
        gaps = frame[~frame["geo_code"].isin(drawn)]
        if not gaps.empty:
            names = tr("、", ", ", lang).join(f"{r.name}（{r.pref}）" if lang == "ja" else f"{r.name} ({r.pref})"
                                               for r in gaps.itertuples())
            parts.append(tr(f"境界データに形状がないため地図に描けない市町村（{len(gaps)}）：{names}。表には含まれます。",
                            f"Not drawn ({len(gaps)}, no geometry in the boundary source): {names}. They are in the "
                            "table.", lang))
        parts.append(tr("英語名は大阪府内の市町村のみです。", "English names exist for Osaka's municipalities only.", lang))
    return [" ".join(parts)]


def measure_options(db, area: str, lang: str) -> list[dict]:
    """The measure radio: the Osaka-only measures (disabled for Japan), the 15 DX indicators, 'a procedure'."""
    osaka_only = tr("（府内のみ）", " (Osaka only)", lang)
    out = [{"label": tr(m[0], m[1], lang) + osaka_only, "value": key, "disabled": area != "osaka"}
           for key, m in fm.MEASURES.items()]
    out += [{"label": tr("【DX】", "[DX] ", lang) + fdx.name(r, lang), "value": r.measure}
            for r in dx.measures(db).itertuples() if r.kind == "indicator"]
    out.append({"label": tr("【DX】行政手続のオンライン申請率（下の一覧で手続を選ぶ）",
                            "[DX] Online application rate of a procedure (choose it in the list below)", lang),
                "value": PROC})
    return out


def procedure_options(db, lang: str) -> list[dict]:
    short = {"most_used_32": ("32手続", "32 most-used"), "childcare_elderly_26": ("子育て・介護26手続",
                                                                                "26 child/elderly care")}
    return [{"label": f"{tr(*short.get(r.group_key, (r.group_ja, r.group_en)), lang)}: {fdx.name(r, lang)}",
             "value": r.key} for r in dx.measures(db).itertuples() if r.kind == "procedure"]


def _map_section(db, measure: str, area: str, info, lang: str) -> html.Section:
    frame = map_frame(db, measure, area, info, lang)
    figure = map_figure(db, frame, measure, area, info, lang)
    procs = procedure_options(db, lang)
    chosen_proc = info.key if info is not None and info.kind == "procedure" else (procs[0]["value"] if procs else None)
    control = html.Div([
        radio_group(f"{PREFIX}-area", tr("地域", "Area", lang), area, [
            {"label": tr("府内43市町村", "Osaka's 43", lang), "value": "osaka"},
            {"label": tr("全国1,741市区町村", "Japan's 1,741", lang), "value": "japan"}], class_name="mb-2"),
        html.Fieldset([
            html.Legend(tr("地図に表示する指標", "Measure shown on the map", lang), className="fs-6 fw-semibold mb-1"),
            html.Div(dbc.RadioItems(id=f"{PREFIX}-measure", className="small",
                                    value=PROC if info is not None and info.kind == "procedure" else measure,
                                    options=measure_options(db, area, lang)),
                     style={"maxHeight": "440px", "overflowY": "auto"}, className="border rounded p-1"),
        ], className="mb-2"),
        html.Label(tr("手続（オンライン申請率）", "Procedure (online application rate)", lang),
                   htmlFor=f"{PREFIX}-procedure", className="form-label small fw-semibold mb-1"),
        dbc.Select(id=f"{PREFIX}-procedure", value=chosen_proc, options=procs, size="sm"),
        html.P(tr("事業数は戦略文書に名前が記載された事業・エリアの数で、市町村の全事業ではありません。0 は「記載がない」ことを示します。"
                  "オンライン申請率が空欄の手続は「取扱いなし・報告なし」で、0 % ではありません。",
                  "Project counts are the projects and areas the strategy documents name; they are not every project a "
                  "municipality runs. 0 means none is named. A procedure without an online application rate is 'not "
                  "handled / not reported', not 0 %.", lang), className="small text-body-secondary mt-2"),
    ], className="mb-2")
    osaka = municipal.map_measures(db)
    links = html.Details([
        html.Summary(tr("府内市町村のページ一覧", "Pages of Osaka's municipalities", lang)),
        html.Ul([html.Li(dcc.Link(fm.name(r, lang), href=f"/municipality/{r.geo_code}" + ("?lang=en" if lang == "en"
                                                                                           else ""),
                                  id=f"{PREFIX}-link-{r.geo_code}"), className="me-3")
                 for r in osaka.itertuples()], className="list-unstyled d-flex flex-wrap small mt-2"),
    ], open=True, className="small mb-3", id=f"{PREFIX}-links")
    card = chart_card(MAP_KEY, "市町村の地図", "Map of municipalities", figure, frame, MAP_COLUMNS,
                      map_source(db, measure, "ja", area), map_source(db, measure, "en", area), lang,
                      note=map_note(db, frame, area, info, lang), graph_config={"scrollZoom": False})
    dist_fig, dist_rows = dist_parts(db, info, lang)
    dist = chart_card(DIST_KEY, "選んだ指標の分布（大阪府内・東京都内・全国）",
                      "Distribution of the selected measure (Osaka, Tokyo, Japan)", dist_fig, dist_rows, DIST_COLUMNS,
                      dx_source(db, "ja"), dx_source(db, "en"), lang, note=dist_note(info, lang))
    return html.Section([dbc.Row([dbc.Col([control, links], lg=4), dbc.Col(card, lg=8)]), dist],
                        id=f"{PREFIX}-map-section")


def dist_parts(db, info, lang: str):
    """The distribution figure and its table for a DX measure; a message for the Osaka-only measures."""
    if info is None:
        empty = pd.DataFrame(columns=[c.field for c in DIST_COLUMNS])
        return empty_figure(tr("この指標は府内のみの値のため、全国との分布の比較はありません。DXの指標を選ぶと表示します。",
                               "This measure exists for Osaka only, so there is no distribution to compare. "
                               "Choose a DX measure.", lang)), empty
    stats = dx.distributions(db)
    return fdx.distribution_figure(stats, info, lang), fdx.distribution_table(stats, info, lang)


def dist_note(info, lang: str) -> str:
    if info is None:
        return ""
    if info.value_type == "boolean":
        return tr("横棒は市町村の割合（実施＝青・塗り、未実施＝橙・斜線、調査無し＝灰色・点）。括弧内は市町村数。",
                  "Bars are shares of municipalities (in place = blue, solid; not in place = orange, hatched; not "
                  "surveyed = grey, dotted). Labels in brackets are the numbers of municipalities.", lang)
    return tr("箱は四分位範囲、線は最小〜最大、太線が中央値（値を記載）。報告のない市町村（取扱いなし・報告なし）は含めず、"
              "その数を「報告 n/N」で示します。",
              "Boxes span the quartiles, whiskers min to max, the thick line is the median (written). "
              "Municipalities without a value (not handled / not reported) are left out and counted in "
              "'n of N reporting'.", lang)


@dash.callback(
    Output(f"{MAP_KEY}-graph", "figure"), Output(grid_id(MAP_KEY), "rowData"), Output(f"{MAP_KEY}-source", "children"),
    Output(f"{MAP_KEY}-note", "children"), Output(f"{PREFIX}-measure-key", "data"), Output(f"{PREFIX}-view", "data"),
    Output(f"{DIST_KEY}-graph", "figure"), Output(grid_id(DIST_KEY), "rowData"), Output(f"{DIST_KEY}-note", "children"),
    Output(f"{PREFIX}-measure", "options"),
    Input(f"{PREFIX}-measure", "value"), Input(f"{PREFIX}-procedure", "value"), Input(f"{PREFIX}-area", "value"),
    State(f"{PREFIX}-lang", "data"), State(f"{PREFIX}-view", "data"),
    prevent_initial_call=True,
)
@callback_per_build  # the same choice on the same build gives the same answer: made once
def change_measure(measure: str, procedure: str | None, area: str | None, lang: str, view: dict | None):
    """A new measure changes only the values, the hover text and the colour legend (never the geometry); a new area
    draws that area's map."""
    lang = lang_of(lang)
    db = db_path()
    view = view or {"area": "osaka", "measure": fm.DEFAULT_MEASURE, "keys": 2}
    wanted = f"proc:{procedure}" if measure == PROC else measure
    measure, area, info, _ = resolve(db, wanted, area)
    frame = map_frame(db, measure, area, info, lang)
    scale = map_scale(measure, info)
    if area != view.get("area"):
        figure = map_figure(db, frame, measure, area, info, lang)
        keys = len(figure.data) - 1
    else:
        figure = dash.Patch()  # values, colours and key only: the geometry stays in the browser
        if info is None:
            z, text = frame["value"].tolist(), frame["label"].tolist()
        else:
            z, text = fdx.patch_lists(municipal.map_codes(db, area), frame)
        figure["data"][0]["z"] = drawn_z(z, scale)
        figure["data"][0]["text"] = text
        keys = patch_key(figure, scale, lang, area, int(view.get("keys", 0)))
    source = [html.Strong(tr("出典：", "Source: ", lang)), map_source(db, measure, lang, area)]
    dist_fig, dist_rows = dist_parts(db, info, lang)
    return (figure, rows(frame, MAP_COLUMNS), source, map_note(db, frame, area, info, lang), measure,
            {"area": area, "measure": measure, "keys": keys}, dist_fig, rows(dist_rows, DIST_COLUMNS), dist_note(info, lang),
            measure_options(db, area, lang))


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


urlstate.sync_url(PREFIX, {"measure": (f"{PREFIX}-measure-key", "data"), "area": (f"{PREFIX}-area", "value")})


# --- who has what among Osaka's 43 --------------------------------------------------------------------------------


MATRIX_TITLE = ("府内43市町村の自治体DXの取組状況（一覧）", "Who has what: municipal DX in Osaka's 43 municipalities")


def _matrix_card(db, lang: str):
    frame, cols = fdx.matrix_table(dx.matrix(db), lang)
    if frame.empty:
        return missing("自治体DXの取組状況のデータがありません。", "No municipal DX figures.", lang, MATRIX_KEY)
    columns = [Col(f, ja, en, numeric, min_width=110 if f == "name" else 92, wrap=True) for f, ja, en, numeric in cols]
    return dbc.Card(dbc.CardBody([
        html.H3(tr(*MATRIX_TITLE, lang), className="h6 card-title"),
        html.P(tr("行が市町村、列が項目です。列見出しをクリックすると並べ替えられます。「○ 実施」「× 未実施」「調査無し」のことばで示し、"
                  "右の3列は割合（％）です。「実施項目数」は10項目のうち実施の数です。",
                  "Rows are municipalities, columns the items; click a header to sort. Cells say '○ in place', "
                  "'× not in place' or 'not surveyed'; the last three columns are percentages. 'Items in place' "
                  "counts the yes/no items in place.", lang), className="small mb-1"),
        table_twin(MATRIX_KEY, frame, columns, lang, page_size=43, filename="municipal_dx_osaka_43",
                   as_of=dx.release_date(db), title=MATRIX_TITLE,
                   source=(dx_source(db, "ja"), dx_source(db, "en"))),
        html.P([html.Strong(tr("出典：", "Source: ", lang)), dx_source(db, lang)],
               className="small text-body-secondary mt-2 mb-0", id=f"{MATRIX_KEY}-source"),
    ]), className="mb-4", id=f"{MATRIX_KEY}-card")


# --- jointly procured systems and support programmes ---------------------------------------------------------------


def _adoption_card(db, lang: str) -> dbc.Card:
    frame, coverage = municipal.adoption(db), municipal.e_application_coverage(db)
    if frame.empty:
        return missing("共同調達システムの導入データがありません。", "No adoption figures.", lang, ADOPTION_KEY)
    both = pd.concat([frame, coverage], ignore_index=True)
    source_ja, source_en = citations.cite_rows(both, "ja"), citations.cite_rows(both, "en")
    figure = fm.adoption_figure(frame, coverage, lang, source=citations.source_line(citations.cite_rows(both, lang),
                                                                                    lang))
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
        table_twin(SUPPORT_KEY, table, SUPPORT_COLUMNS, lang, page_size=25,
                   filename="prefecture_digital_support_programmes",
                   title=("市町村に対するデジタル化支援（府の事業）",
                          "The prefecture's digital support programmes for municipalities"),
                   source=(fm.document_sources(frame, "ja"), fm.document_sources(frame, "en"))),
        html.P([html.Strong(tr("出典：", "Source: ", lang)), fm.document_sources(frame, lang)],
               className="small text-body-secondary mt-2 mb-0", id=f"{SUPPORT_KEY}-source"),
    ]), className="mb-4", id=f"{SUPPORT_KEY}-card")

