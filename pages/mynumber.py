"""My Number card (/mynumber): a map of municipal issuance rates at any snapshot, comparator trends, and the
distribution of municipalities' rates. The map's geometry and the municipalities' names are sent once per area; a
new date sends only the date's numbers: the map's values and hover figures (a Patch) and the table twin's numbers.
The table twin's rows are made in the browser (ROWS_JS) from the names and a date's numbers, each sent once."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html

from smartcity import citations, urlstate
from smartcity.components import (Col, chart_card, grid_id, meta_id, missing, no_database, page_header, radio_group,
                                  rows, twin_meta)
from smartcity.figures import mynumber as fig
from smartcity.i18n import lang_of, tr
from smartcity.queries import common, mynumber
from smartcity.settings import db_path
from smartcity.layouts import callback_per_build

dash.register_page(__name__, path="/mynumber", name="マイナンバーカード / My Number card",
                   title="マイナンバーカード / My Number card")

PREFIX = "mn"
AREAS = ("osaka", "japan")
MAP_HEIGHT = {"osaka": 520, "japan": 600}


def map_columns(lang: str) -> list[Col]:
    """The map's table twin: code, names, population, cards and rates (English adds the English names)."""
    names = [Col("pref_name_ja", "都道府県", "Prefecture"), Col("name_ja", "市区町村", "Municipality")] if lang == "ja" \
        else [Col("pref_name_en", "都道府県", "Prefecture"), Col("name_ja", "市区町村", "Municipality (Japanese)"),
              Col("name_en", "市区町村（英語）", "Municipality (English)")]
    return [Col("geo_code", "市区町村コード", "Code"), *names, Col("population", "人口", "Population", True),
            Col("cards_issued", "交付枚数", "Cards issued", True), Col("rate_pct", "交付率（%）", "Issuance rate (%)", True),
            Col("rate_published_pct", "公表交付率（%）", "Published rate (%)", True)]


def trend_columns(lang: str) -> list[Col]:
    """The trend's table twin: date, area, population, cards, rate."""
    return [Col("snapshot_date", "時点", "Date"), Col("geo_code", "コード", "Code"),
            Col("name_en" if lang == "en" else "name_ja", "地域", "Area"), Col("population", "人口", "Population", True),
            Col("cards_issued", "交付枚数", "Cards issued", True),
            Col("rate_pct", "交付率（%）", "Issuance rate (%)", True)]


HIST_COLUMNS = [Col("bin_start", "交付率 以上（%）", "Rate from (%)", True),
                Col("bin_end", "交付率 未満（%）", "Rate below (%)", True),
                Col("municipalities", "市町村数", "Municipalities", True)]

urlstate.sync_url(PREFIX, {"area": (f"{PREFIX}-area", "value"), "date": (f"{PREFIX}-date", "value")})


def _sources(db) -> dict[str, pd.Series]:
    frame = common.sources(db)
    return {r.source_id: r for _, r in frame.iterrows()}


MAP_TITLE = ("市区町村別の交付率", "Issuance rate by municipality")
HIST_TITLE = ("市町村の交付率の分布（選択時点）", "Distribution of municipal rates (selected date)")


def source_texts(db, area: str) -> tuple[str, str, str, str]:
    """(map source ja, en, trend source ja, en): the My Number source with its required credit, and for the map the
    boundary credit (smartcity.citations)."""
    mn = _sources(db).get("mynumbercard")
    mn_ja, mn_en = (citations.open_data(mn, "ja"), citations.open_data(mn, "en")) if mn is not None else ("", "")
    return (f"{mn_ja}。{citations.boundaries_text('ja')}", f"{mn_en}. {citations.boundaries_text('en')}", mn_ja,
            mn_en)


def _table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["name_en"] = out["name_en"].where(out["name_en"].notna(), None)
    return out


def names_store(names: pd.DataFrame, area: str, lang: str) -> dict:
    """The table twin's text columns (code and names) of every municipality the area has at any date, one list per
    column, once per area and language: a date then sends only its numbers (values_store)."""
    columns = [c for c in map_columns(lang) if not c.numeric]
    records = rows(_table_frame(names), columns)
    return {"key": f"{area}/{lang}", "fields": [c.field for c in columns],
            "columns": [[r[c.field] for r in records] for c in columns]}


def values_store(names: pd.DataFrame, frame: pd.DataFrame, area: str, lang: str, date: str) -> dict:
    """The table twin's numeric columns at `date`, one list per column, in the order of names_store's rows less the
    rows without figures at this date (`absent`, their positions there); ROWS_JS joins the two into the grid's rows."""
    columns = [c for c in map_columns(lang) if c.numeric]
    at = {code: i for i, code in enumerate(frame["geo_code"].tolist())}
    codes = names["geo_code"].tolist()
    records = rows(frame.iloc[[at[c] for c in codes if c in at]], columns)  # numbers only: no names to mend
    return {"key": f"{area}/{lang}", "date": date, "absent": [i for i, c in enumerate(codes) if c not in at],
            "fields": [c.field for c in columns], "columns": [[r[c.field] for r in records] for c in columns]}


# The table twin's rows: the area's names (names_store) beside a date's numbers (values_store), row by row in the
# same order; nothing when the two are for another area or language or do not line up.
ROWS_JS = """function(values, names) {
    const keep = window.dash_clientside.no_update;
    if (!values || !names || values.key !== names.key) { return keep; }
    const absent = new Set(values.absent);
    const count = names.columns[0].length - absent.size;
    if (values.columns.some(column => column.length !== count)) { return keep; }
    const out = [];
    names.columns[0].forEach((_, i) => {
        if (absent.has(i)) { return; }
        const row = {};
        names.fields.forEach((field, j) => { row[field] = names.columns[j][i]; });
        values.fields.forEach((field, j) => { row[field] = values.columns[j][out.length]; });
        out.push(row);
    });
    return out;
}"""


def _trend_table(trend: pd.DataFrame) -> pd.DataFrame:
    out = trend.copy()
    out["snapshot_date"] = [pd.Timestamp(d).date().isoformat() for d in out["snapshot_date"]]
    names = {c: fig.GEO_NAMES[c] for c in fig.GEO_NAMES}
    out["name_ja"] = [names.get(c, (n, n))[0] for c, n in zip(out["geo_code"], out["name_ja"])]
    out["name_en"] = [names.get(c, (n, n))[1] for c, n in zip(out["geo_code"], out["name_en"])]
    return out


def _map_figure(db, area: str, date: str, frame: pd.DataFrame, names: pd.DataFrame, lang: str):
    """The area's map at `date`, its municipalities named from `names` (every municipality with figures at any date)
    or, for one that never had figures, from the boundary data."""
    bounds = common.boundaries(db, mynumber.AREAS[area][0])
    unnamed = bounds.loc[~bounds["geo_code"].isin(names["geo_code"]), ["geo_code", "name_ja", "name_en"]]
    values = fig.map_values(bounds["geo_code"].tolist(), frame, lang, area == "japan", date,
                            pd.concat([names, unnamed], ignore_index=True))
    return fig.issuance_map(bounds, values, lang, height=MAP_HEIGHT[area])


def _missing_note(db, area: str, lang: str) -> str:
    gaps = mynumber.missing_geometry(db, area)
    english = tr("", " English names are available for Osaka Prefecture's municipalities only; others are shown in "
                     "Japanese.", lang) if area == "japan" else ""
    if gaps.empty:
        return tr("すべての市町村に境界があります。", "Every municipality has a boundary.", lang) + english
    names = [tr(f"{r.name_ja}（{r.pref_name_ja}）", f"{r.name_ja} ({r.pref_name_en})", lang) for r in gaps.itertuples()]
    return (tr(f"出典の境界データに形状がないため地図に描けない市町村（{len(gaps)}）：",
               f"Not drawn: {len(gaps)} municipalities have no geometry in the boundary source: ", lang)
            + tr("、", ", ", lang).join(names) + tr("。表には含まれます。", ". They are in the table.", lang) + english)


def _area_label(area: str, lang: str) -> str:
    return tr("大阪府内43市町村", "Osaka's 43 municipalities", lang) if area == "osaka" else \
        tr("全国1,741市区町村", "Japan's 1,741 municipalities", lang)


def _distribution(frame: pd.DataFrame, trend: pd.DataFrame, date: str, area: str, lang: str):
    bins = fig.histogram_bins(frame)
    refs = trend[(trend["snapshot_date"] == pd.Timestamp(date)) & trend["geo_code"].isin(["27000", "00000"])]
    return bins, fig.distribution_figure(bins, refs, lang, _area_label(area, lang))


def layout(lang: str | None = None, area: str | None = None, date: str | None = None, **_query) -> html.Div:
    """The page for an area and a snapshot date (unknown values fall back to Osaka and the latest snapshot)."""
    lang = lang_of(lang)
    db = db_path()
    if not db.is_file():
        return no_database(lang, PREFIX)
    dates = mynumber.snapshots(db)
    if not dates:
        return html.Div(missing("マイナンバーカードの交付状況データがありません。", "No My Number card data.", lang, PREFIX),
                        id=f"{PREFIX}-page")
    area = area if area in AREAS else "osaka"
    date = date if date in dates else dates[-1]
    frame = mynumber.municipalities(db, area, date)
    trend = mynumber.trend(db)
    names = mynumber.names(db, area)
    map_fig = _map_figure(db, area, date, frame, names, lang)
    bins, dist_fig = _distribution(frame, trend, date, area, lang)
    map_src_ja, map_src_en, mn_src_ja, mn_src_en = source_texts(db, area)

    controls = dbc.Row([
        dbc.Col(radio_group(f"{PREFIX}-area", tr("地域", "Area", lang), area, [
            {"label": tr("大阪府（43市町村）", "Osaka Prefecture (43)", lang), "value": "osaka"},
            {"label": tr("全国（1,741市区町村）", "Japan (1,741)", lang), "value": "japan"}]), xs=12, md=5),
        dbc.Col([
            html.Label(tr("時点（算出基準日）", "Snapshot date", lang), htmlFor=f"{PREFIX}-date",
                       id=f"{PREFIX}-date-label", className="form-label small fw-semibold mb-1"),
            html.Div([
                html.Button("◀", id=f"{PREFIX}-prev", type="button", className="btn btn-sm btn-outline-secondary me-1",
                           title=tr("前の時点", "Previous snapshot", lang),
                           **{"aria-label": tr("前の時点", "Previous snapshot", lang)}),
                html.Div(dbc.Select(id=f"{PREFIX}-date", value=date,
                                    options=[{"label": d, "value": d} for d in reversed(dates)]),
                         style={"minWidth": "11rem"}, className="flex-grow-1"),
                html.Button("▶", id=f"{PREFIX}-next", type="button", className="btn btn-sm btn-outline-secondary ms-1",
                           title=tr("次の時点", "Next snapshot", lang),
                           **{"aria-label": tr("次の時点", "Next snapshot", lang)}),
            ], className="d-flex align-items-center"),
            html.Div(tr(f"{len(dates)} 時点（{dates[0]}〜{dates[-1]}）", f"{len(dates)} snapshots ({dates[0]} to "
                                                                        f"{dates[-1]})", lang),
                     className="small text-body-secondary"),
        ], xs=12, md=5),
    ], className="mb-2 g-3")

    return html.Div([
        page_header("マイナンバーカードの交付状況", "My Number card issuance",
                    "市区町村別の交付率（交付枚数÷人口）を時点ごとに地図と分布で示し、大阪府・東京都・全国の推移と比べます。",
                    "Issuance rate (cards issued ÷ population) by municipality at each snapshot, as a map and a "
                    "distribution, with Osaka Prefecture, Tokyo and Japan over time.", lang),
        dcc.Store(id=f"{PREFIX}-lang", data=lang),
        dcc.Store(id=f"{PREFIX}-shown", data=area),  # the area the map and the table hold (update)
        dcc.Store(id=f"{PREFIX}-map-names", data=names_store(names, area, lang)),
        dcc.Store(id=f"{PREFIX}-map-values", data=values_store(names, frame, area, lang, date)),
        urlstate.url_sink(PREFIX),
        controls,
        html.P(fig.summary_text(trend, date, lang), id=f"{PREFIX}-summary", className="small",
               **{"aria-live": "polite"}),
        chart_card(f"{PREFIX}-map", *MAP_TITLE, map_fig,
                   _table_frame(frame), map_columns(lang), map_src_ja, map_src_en, lang,
                   note=_missing_note(db, area, lang),
                   graph_config={"scrollZoom": False}, filename=f"mynumber_issuance_{area}", as_of=date,
                   rows_in_browser=True),  # ROWS_JS: the names and the numbers above, each sent once
        dbc.Row([
            dbc.Col(chart_card(f"{PREFIX}-trend", "交付率の推移（大阪府・東京都・全国）",
                               "Issuance rate over time (Osaka Prefecture, Tokyo, Japan)",
                               fig.trend_figure(trend, date, lang), _trend_table(trend), trend_columns(lang),
                               mn_src_ja, mn_src_en, lang, filename="mynumber_issuance_osaka_tokyo_japan",
                               as_of=dates[-1]), xs=12),
            dbc.Col(chart_card(f"{PREFIX}-hist", *HIST_TITLE, dist_fig, bins, HIST_COLUMNS,
                               mn_src_ja, mn_src_en, lang, filename=f"mynumber_issuance_distribution_{area}",
                               as_of=date,
                               note=tr("縦線：大阪府・全国の交付率（線種で区別）。階級幅 2 ポイント。",
                                       "Vertical lines: Osaka Prefecture's and Japan's rates (told apart by line "
                                       "style). Bins of 2 points.", lang)), xs=12),
        ]),
        html.P(tr("交付率は交付枚数÷人口（住民基本台帳人口）×100 で、表の公表交付率（総務省の公表値）と四捨五入で異なることがあります。",
                  "The rate is cards issued ÷ population (resident register) × 100; it can differ from the published "
                  "rate in the table by rounding.", lang), className="small text-body-secondary"),
    ], id=f"{PREFIX}-page")


@dash.callback(
    Output(f"{PREFIX}-map-graph", "figure"),
    Output(f"{PREFIX}-map-names", "data"),
    Output(f"{PREFIX}-map-values", "data"),
    Output(f"{PREFIX}-shown", "data"),
    Output(f"{PREFIX}-trend-graph", "figure"),
    Output(f"{PREFIX}-hist-graph", "figure"),
    Output(grid_id(f"{PREFIX}-hist"), "rowData"),
    Output(f"{PREFIX}-map-note", "children"),
    Output(f"{PREFIX}-summary", "children"),
    Output(f"{PREFIX}-map-source", "children"),
    Output(meta_id(f"{PREFIX}-map"), "data"),
    Output(meta_id(f"{PREFIX}-hist"), "data"),
    Output(f"{PREFIX}-map-asof", "children"),
    Output(f"{PREFIX}-hist-asof", "children"),
    Input(f"{PREFIX}-area", "value"),
    Input(f"{PREFIX}-date", "value"),
    State(f"{PREFIX}-lang", "data"),
    State(f"{PREFIX}-shown", "data"),
    prevent_initial_call=True,
)
@callback_per_build  # the same choice on the same build gives the same answer: made once
def update(area: str, date: str, lang: str, shown: str | None = None):
    """A new date sends only that date's numbers: the map's values and hover figures (a Patch), the table twin's
    numbers (values_store) and the trend's date mark; a new area, or a date for an area the page does not hold yet
    (`shown`, when a date is picked before a new area has arrived), rebuilds the map and the names."""
    lang = lang_of(lang)
    db = db_path()
    dates = mynumber.snapshots(db)
    area = area if area in AREAS else "osaka"
    date = date if date in dates else dates[-1]
    frame = mynumber.municipalities(db, area, date)
    trend = mynumber.trend(db)
    names = mynumber.names(db, area)
    if dash.ctx.triggered_id == f"{PREFIX}-area" or (isinstance(shown, str) and shown != area):
        map_out = _map_figure(db, area, date, frame, names, lang)
        names_out = names_store(names, area, lang)
        note = _missing_note(db, area, lang)
        src_ja, src_en, _, _ = source_texts(db, area)
        source = [html.Strong(tr("出典：", "Source: ", lang)), tr(src_ja, src_en, lang)]
    else:
        values, text = fig.date_values(mynumber.map_codes(db, area), frame, lang, date)
        map_out = dash.Patch()  # only the values: the geometry, the names and the key stay as they are
        map_out["data"][0]["z"] = fig.map_z(values)
        map_out["data"][0]["text"] = text
        names_out, note, source = dash.no_update, dash.no_update, dash.no_update
    bins, dist_fig = _distribution(frame, trend, date, area, lang)
    metas = _metas(db, area, date, lang)
    return (map_out, names_out, values_store(names, frame, area, lang, date), area, _trend_mark(trend, date, lang),
            dist_fig, rows(bins, HIST_COLUMNS), note, fig.summary_text(trend, date, lang), source, *metas,
            metas[0]["as_of_text"], metas[1]["as_of_text"])


dash.clientside_callback(ROWS_JS, Output(grid_id(f"{PREFIX}-map"), "rowData"),
                         Input(f"{PREFIX}-map-values", "data"), State(f"{PREFIX}-map-names", "data"))


def _trend_mark(trend: pd.DataFrame, date: str, lang: str):
    """The trend's lines are the same at every date: only its date mark moves (nothing when there is no trend)."""
    if trend.empty:
        return dash.no_update
    line, note = fig.selected_marker(date, lang)
    out = dash.Patch()
    out["layout"]["shapes"] = [line]
    out["layout"]["annotations"] = [note]
    return out


def _metas(db, area: str, date: str, lang: str) -> tuple[dict, dict]:
    """What the map's and the distribution's downloads say about themselves at this area and date (file names such
    as mynumber_issuance_osaka_2022-09-30.csv)."""
    map_ja, map_en, mn_ja, mn_en = source_texts(db, area)
    return (twin_meta(f"{PREFIX}-map", *MAP_TITLE, map_ja, map_en, lang, date, f"mynumber_issuance_{area}", True),
            twin_meta(f"{PREFIX}-hist", *HIST_TITLE, mn_ja, mn_en, lang, date,
                      f"mynumber_issuance_distribution_{area}", True))


@dash.callback(
    Output(f"{PREFIX}-date", "value"),
    Input(f"{PREFIX}-prev", "n_clicks"),
    Input(f"{PREFIX}-next", "n_clicks"),
    State(f"{PREFIX}-date", "value"),
    State(f"{PREFIX}-date", "options"),
    prevent_initial_call=True,
)
def step_date(_prev, _next, date: str, options: list[dict]):
    """The previous or next snapshot (the options run newest first)."""
    dates = sorted(o["value"] for o in options or [])
    if not dates:
        return dash.no_update
    i = dates.index(date) if date in dates else len(dates) - 1
    i = i - 1 if dash.ctx.triggered_id == f"{PREFIX}-prev" else i + 1
    return dates[max(0, min(i, len(dates) - 1))]
