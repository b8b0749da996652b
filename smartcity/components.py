"""Reusable page parts: chart card with its table twin and CSV downloads, page header, status badge, the
'no database' page and a radio-button control."""
from __future__ import annotations

from dataclasses import dataclass

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import ALL, MATCH, Input, Output, State, dcc, html

from smartcity.export import to_csv_bytes
from smartcity.format import STATUS
from smartcity.i18n import bi, grid_locale, tr

STATUS_ICON = {"achieved": "bi-trophy", "on_track": "bi-check-circle", "at_risk": "bi-exclamation-triangle",
               "off_track": "bi-x-octagon", "regressing": "bi-arrow-down-circle", "awaiting_data": "bi-hourglass-split",
               "not_assessable": "bi-dash-circle"}
# Plotly toolbar actions that send the chart out of the building (to Plotly's cloud / Chart Studio): never offered.
# "sendChartToCloud" ("Share chart...") is plotly.js 4's name, the others its earlier ones.
CLOUD_BUTTONS = ["sendChartToCloud", "sendDataToCloud", "editInChartStudio"]
# Japanese charts use plotly.js's own `ja` locale (assets/20_plotly-locale-ja.js: toolbar tooltips, month and day
# names) with date ticks and hover labels in Japanese order (2021年1月) and one wrong tooltip corrected.
PLOTLY_JA_FIXES = {"Pan": "移動"}  # the locale file has 拡大 ("zoom in") for Pan
PLOTLY_JA_DATES = {"year": "%Y年", "month": "%Y年%-m月", "dayMonth": "%-m月%-d日", "dayMonthYear": "%Y年%-m月%-d日"}
WRAP_STYLE = {"lineHeight": "1.45", "paddingTop": "6px", "paddingBottom": "6px",  # cells of a Col(wrap=True)
              "wordBreak": "break-word"}


@dataclass(frozen=True)
class Col:
    """A table column: field in the DataFrame, header in both languages, and whether it is a number.

    Layout in the table twin (every column shares the width equally unless told): `flex` its share of the width
    (1 unless given), `min_width` in pixels (90 unless given), `wrap` long text onto more lines (the row grows),
    `number_format` a d3-format for the numbers shown (the data and the CSV download keep the full value)."""

    field: str
    ja: str
    en: str
    numeric: bool = False
    flex: int | None = None
    min_width: int | None = None
    wrap: bool = False
    number_format: str | None = None

    def header(self, lang: str) -> str:
        """Column header in the page's language."""
        return tr(self.ja, self.en, lang)


def plotly_config(lang: str, extra: dict | None = None) -> dict:
    """The config of every dcc.Graph: the toolbar and its tooltips in the page's language, dates in Japanese order in
    Japanese, and no action that could send the data out (no cloud, no Chart Studio, no logo link). `extra` adds
    settings (e.g. scrollZoom) and may remove more buttons; it cannot bring a cloud action back."""
    extra = dict(extra or {})
    remove = [*CLOUD_BUTTONS, *(b for b in extra.pop("modeBarButtonsToRemove", []) if b not in CLOUD_BUTTONS)]
    config = {"displaylogo": False, "responsive": True, **extra,
              "locale": "ja" if lang == "ja" else "en-US",
              "modeBarButtonsToRemove": remove, "showSendToCloud": False, "showEditInChartStudio": False,
              "showLink": False, "sendData": False, "plotlyServerURL": ""}
    if lang == "ja":
        config["locales"] = {"ja": {"format": PLOTLY_JA_DATES, "dictionary": PLOTLY_JA_FIXES}}
    return config


def grid_id(key: str) -> dict:
    """Pattern-matching id of a chart's table twin (key carries the page prefix)."""
    return {"type": "twin-grid", "chart": key}


def column_def(c: Col, lang: str) -> dict:
    """AG Grid definition of one column: numbers right-aligned with a number filter; width and wrapping as the
    column asks."""
    out = {"field": c.field, "headerName": c.header(lang)}
    if c.numeric:
        out |= {"type": "numericColumn", "filter": "agNumberColumnFilter"}
    if c.number_format:
        formatted = f"d3.format('{c.number_format}')(params.value)"
        out["valueFormatter"] = {"function": f"params.value == null ? '' : {formatted}"}
    if c.flex is not None:
        out["flex"] = c.flex
    if c.min_width is not None:
        out["minWidth"] = c.min_width
    if c.wrap:
        out |= {"wrapText": True, "autoHeight": True, "cellStyle": WRAP_STYLE}
    return out


def column_defs(columns: list[Col], lang: str) -> list[dict]:
    """AG Grid column definitions (sortable and filterable through the table twin's defaults)."""
    return [column_def(c, lang) for c in columns]


def rows(frame: pd.DataFrame, columns: list[Col]) -> list[dict]:
    """Records for the grid: exactly the columns shown; codes stay text, missing values become None."""
    subset = frame[[c.field for c in columns]].astype(object)
    return subset.where(subset.notna(), None).to_dict("records")


def table_twin(key: str, frame: pd.DataFrame, columns: list[Col], lang: str, page_size: int = 12) -> html.Div:
    """The data behind a chart as a sortable table, with CSV downloads (UTF-8 with BOM, or CP932)."""
    paginate = len(frame) > page_size
    grid = dag.AgGrid(
        id=grid_id(key), rowData=rows(frame, columns), columnDefs=column_defs(columns, lang),
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90, "flex": 1,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={"domLayout": "autoHeight", "pagination": paginate, "paginationPageSize": page_size,
                         "paginationPageSizeSelector": False, "enableCellTextSelection": True,
                         **grid_locale(lang)},
        style={"height": None}, className="twin-grid",
    )
    buttons = html.Div([
        dbc.Button([html.I(className="bi bi-download me-1", **{"aria-hidden": "true"}),
                    tr("CSV（UTF-8, Excel 用）", "CSV (UTF-8, for Excel)", lang)],
                   id={"type": "twin-dl", "chart": key, "enc": "utf-8-sig"}, size="sm", color="secondary",
                   outline=True, className="me-2"),
        dbc.Button([html.I(className="bi bi-download me-1", **{"aria-hidden": "true"}), "CSV (Shift_JIS / CP932)"],
                   id={"type": "twin-dl", "chart": key, "enc": "cp932"}, size="sm", color="secondary", outline=True),
        dcc.Download(id={"type": "twin-download", "chart": key}),
    ], className="mt-2")
    return html.Div([grid, buttons], className="mt-2")


def chart_card(key: str, title_ja: str, title_en: str, figure: go.Figure, frame: pd.DataFrame, columns: list[Col],
               source_ja: str, source_en: str, lang: str, note=None, graph_config: dict | None = None) -> dbc.Card:
    """A chart, its source, a note (text or components; its element `{key}-note` is always there, empty without a
    note, so a callback can change it) and its table twin with downloads of exactly the rows shown."""
    return dbc.Card(dbc.CardBody([
        html.H3(bi(title_ja, title_en, lang), className="h6 card-title"),
        dcc.Graph(id=f"{key}-graph", figure=figure, config=plotly_config(lang, graph_config)),
        html.P([html.Strong(tr("出典：", "Source: ", lang)), tr(source_ja, source_en, lang)],
               className="small text-body-secondary mb-1", id=f"{key}-source"),
        html.P(note, className="small mb-1", id=f"{key}-note", **{"aria-live": "polite"}),
        html.Details([html.Summary(tr("表とダウンロード（グラフと同じデータ）", "Table and download (the data in the chart)",
                                      lang)),
                      table_twin(key, frame, columns, lang)], open=True, className="small"),
    ]), className="mb-4", id=f"{key}-card")


def register_callbacks(app: dash.Dash) -> None:
    """Callbacks shared by every page (registered on each app, not at import)."""
    app.callback(
        Output({"type": "twin-download", "chart": MATCH}, "data"),
        Input({"type": "twin-dl", "chart": MATCH, "enc": ALL}, "n_clicks"),
        State({"type": "twin-grid", "chart": MATCH}, "rowData"),
        State({"type": "twin-grid", "chart": MATCH}, "columnDefs"),
        prevent_initial_call=True,
    )(download_twin)


def download_twin(_clicks, row_data, col_defs):
    """CSV of the rows the table twin holds, headers as shown, in the encoding of the button pressed."""
    trigger = dash.ctx.triggered_id
    if not trigger or not any(_clicks or []):
        return dash.no_update
    frame = pd.DataFrame(row_data or [], columns=[c["field"] for c in col_defs])
    frame.columns = [c.get("headerName", c["field"]) for c in col_defs]
    suffix = "utf8" if trigger["enc"] == "utf-8-sig" else "cp932"
    return dcc.send_bytes(to_csv_bytes(frame, trigger["enc"]), f"{trigger['chart']}_{suffix}.csv")


def status_badge(status: str, lang: str) -> html.Span:
    """Status as icon and word (colour only repeats them)."""
    _, ja, en = STATUS[status]
    return html.Span([html.I(className=f"bi {STATUS_ICON[status]} me-1", **{"aria-hidden": "true"}), tr(ja, en, lang)],
                     className=f"kpi-status status-{status}")


def page_header(title_ja: str, title_en: str, lead_ja: str, lead_en: str, lang: str) -> html.Div:
    """Page title in both languages and a one-line lead."""
    return html.Div([html.H1(bi(title_ja, title_en, lang), className="h3 mt-3"),
                     html.P(tr(lead_ja, lead_en, lang), className="lead fs-6")])


def missing(message_ja: str, message_en: str, lang: str, key: str) -> dbc.Alert:
    """Say that data is missing (never show an empty chart or a zero)."""
    return dbc.Alert(tr(message_ja, message_en, lang), color="light", className="border", id=f"{key}-missing")


def no_database(lang: str, prefix: str) -> html.Div:
    """A page's whole content when there is no database: say so and how to build one."""
    return html.Div(missing("データベースがありません。python -m etl build を実行してください。",
                            "No database: run python -m etl build.", lang, prefix), id=f"{prefix}-page")


def radio_group(cid: str, legend: str, value, options: list[dict], class_name: str | None = None) -> html.Fieldset:
    """A control: one choice among a few, as native radio buttons in a row, named by the fieldset's legend."""
    return html.Fieldset([html.Legend(legend, className="form-label small fw-semibold mb-1"),
                          dbc.RadioItems(id=cid, value=value, inline=True, options=options)], className=class_name)
