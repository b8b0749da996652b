"""Reusable page parts: chart card with its table twin, CSV / Excel / image downloads named for what they hold and a
print-only copy of the table, page header, status badge, the 'no database' page and a radio-button control."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import ALL, MATCH, ClientsideFunction, Input, Output, State, dcc, html

from smartcity.export import file_stem, iso_day, to_csv_bytes, to_xlsx_bytes
from smartcity.format import STATUS, day_words
from smartcity.i18n import bi, grid_locale, tr
from smartcity.queries.common import build_info
from smartcity.settings import db_path

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
              "wordBreak": "normal", "overflowWrap": "anywhere"}  # break at spaces; split only a word past the cap
# a column's least width (px), a cell's and a header's room beside its text; a word wider than the cap may split
DEFAULT_MIN_PX, CELL_PADDING_PX, HEADER_ICONS_PX, WORD_PX_CAP, LINE_PX_CAP = 90, 40, 64, 180, 240
LATIN_WORD = re.compile(r"[\x21-\x7e\u00a0-\u024f\u2010-\u2027]+")  # a run of Latin letters, digits, signs
# Tab leaves a table twin (arrow keys move inside): a twin of 129 rows must not cost hundreds of Tab stops.
LEAVE_ON_TAB = {"tabToNextCell": {"function": "false"}, "tabToNextHeader": {"function": "false"}}
FIXED = re.compile(r"^,?(?:\.(\d+))?~?([fd%])$")  # d3-formats whose precision the stored values are rounded to
DOWNLOADS = {"utf-8-sig": ("", ".csv"), "cp932": ("_cp932", ".csv"), "xlsx": ("", ".xlsx")}  # button -> name suffix


@dataclass(frozen=True)
class Col:
    """A table column: field in the DataFrame, header in both languages, and whether it is a number.

    Layout in the table twin (every column shares the width equally unless told): `flex` its share of the width
    (1 unless given), `min_width` in pixels (90 unless given; never less than the longest word), `wrap` long text
    onto more lines (the row grows; text columns always wrap),
    `number_format` a d3-format for the numbers shown; for fixed-point formats (",.1f", ".2~f", ",d", ".1%") the
    twin's values are rounded to the precision shown, so the downloads hold exactly the numbers on screen."""

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


def plotly_config(lang: str, extra: dict | None = None, filename: str | None = None) -> dict:
    """The config of every dcc.Graph: the toolbar and its tooltips in the page's language, dates in Japanese order in
    Japanese, and no action that could send the data out (no cloud, no Chart Studio, no logo link). `extra` adds
    settings (e.g. scrollZoom) and may remove more buttons; it cannot bring a cloud action back. `filename` names
    the toolbar camera's PNG (drawn at twice the size, for slides)."""
    extra = dict(extra or {})
    remove = [*CLOUD_BUTTONS, *(b for b in extra.pop("modeBarButtonsToRemove", []) if b not in CLOUD_BUTTONS)]
    image = {"format": "png", "scale": 2, **({"filename": filename} if filename else {})}
    config = {"displaylogo": False, "responsive": True, "toImageButtonOptions": image, **extra,
              "locale": "ja" if lang == "ja" else "en-US",
              "modeBarButtonsToRemove": remove, "showSendToCloud": False, "showEditInChartStudio": False,
              "showLink": False, "sendData": False, "plotlyServerURL": ""}
    if lang == "ja":
        config["locales"] = {"ja": {"format": PLOTLY_JA_DATES, "dictionary": PLOTLY_JA_FIXES}}
    return config


def grid_id(key: str) -> dict:
    """Pattern-matching id of a chart's table twin (key carries the page prefix)."""
    return {"type": "twin-grid", "chart": key}


def meta_id(key: str) -> dict:
    """Pattern-matching id of the store describing a twin's downloads (a callback that changes the data's date
    updates it with `twin_meta(...)`)."""
    return {"type": "twin-meta", "chart": key}


def twin_meta(key: str, title_ja: str | None, title_en: str | None, source_ja: str | None, source_en: str | None,
              lang: str, as_of=None, filename: str | None = None, graph: bool = False,
              print_rows: dict | None = None) -> dict:
    """What the downloads of a twin say about themselves: titles, source, the data's date, the file-name stem (from
    `filename`, else the English title, else the key; plus the date), the graph to draw for the PNG and, for a long
    series, which rows its printed copy keeps (`year_ends(...)`)."""
    day = iso_day(as_of)
    return {"title_ja": title_ja or "", "title_en": title_en or "", "source_ja": source_ja or "",
            "source_en": source_en or "", "as_of": day, "as_of_text": _as_of_text(day, lang) if day else "",
            "lang": lang, "filename": file_stem(title_en, day, filename, fallback=key),
            "graph": f"{key}-graph" if graph else None, "print_rows": print_rows}


def year_ends(date_field: str, group_field: str | None = None, omit: tuple[str, ...] = (),
              pivot: tuple[str, str] | None = None) -> dict:
    """A long series prints as a summary (assets/26_print.js): per `group_field`, the newest row of each fiscal year
    by `date_field` (ISO dates), without the columns `omit`, which the printed table says; the screen and the
    downloads keep every row. With `pivot` (value field, label field) it prints one row per date and the value of
    each group in its own column, headed by its label."""
    out = {"date": date_field, "group": group_field, "omit": list(omit)}
    return out | ({"pivot": pivot[0], "label": pivot[1]} if pivot else {})


def around_mark(field: str, rows: int) -> dict:
    """A long ranking prints its first row and the `rows` rows either side of the one marked in `field` (this
    municipality), which the printed table says; the screen and the downloads keep every row."""
    return {"near": field, "rows": rows, "omit": []}


def with_values(field: str, omit: tuple[str, ...] = ()) -> dict:
    """A long table prints only its rows with a value in `field` (and without the columns `omit`), which the printed
    table says; the screen and the downloads keep every row."""
    return {"present": field, "omit": list(omit)}


def _as_of_text(day: str, lang: str) -> str:
    return tr("データ時点：", "Data as of ", lang) + day_words(day, lang)


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
    if c.wrap or not c.numeric:  # a name or a date is never cut to "…": it wraps and the row grows
        out |= {"wrapText": True, "autoHeight": True, "cellStyle": WRAP_STYLE}
    return out


def column_defs(columns: list[Col], lang: str, frame: pd.DataFrame | None = None) -> list[dict]:
    """AG Grid column definitions (sortable and filterable through the table twin's defaults); with the `frame`
    shown, no column is narrower than its longest word (a narrow card scrolls sideways instead of splitting
    "municipalities" or "Holding" in two)."""
    out = [column_def(c, lang) for c in columns]
    if frame is not None:
        for c, d in zip(columns, out):
            values = [str(v) for v in frame[c.field].dropna().unique()[:500]] if c.field in frame else []
            need = max([HEADER_ICONS_PX + longest_word_px(c.header(lang))]
                       + [CELL_PADDING_PX + longest_word_px(v) for v in values])
            if not c.wrap and not c.numeric:  # a short text (a name, a date) on one line up to the cap, then wraps
                need = max([need] + [min(LINE_PX_CAP, CELL_PADDING_PX + text_px(v)) for v in values])
            d["minWidth"] = max(d.get("minWidth", DEFAULT_MIN_PX), min(max(WORD_PX_CAP, LINE_PX_CAP), need))
    return out


def text_px(text: str) -> int:
    """About how wide a text is in the grid's 14px font (a CJK character 14px, others 8px)."""
    return sum(14 if ord(ch) > 0x2E80 else 8 for ch in text)


def longest_word_px(text: str) -> int:
    """About how wide the longest unbreakable run of a text is in the grid's 14px font: a Latin word or number at
    8px a character; Japanese breaks between any two characters, so a run of four (56px) is kept together."""
    latin = [8 * len(word) for word in LATIN_WORD.findall(text)]
    return max(latin + ([56] if any(ord(ch) > 0x2E80 for ch in text) else []), default=0)



def rows(frame: pd.DataFrame, columns: list[Col]) -> list[dict]:
    """Records for the grid: exactly the columns shown, numbers rounded to the precision shown (so the downloads equal
    the screen); codes stay text, missing values become None."""
    subset = frame[[c.field for c in columns]].astype(object)
    for c in columns:
        digits = shown_digits(c.number_format)
        if digits is not None:
            subset[c.field] = subset[c.field].map(lambda v, d=digits: _rounded(v, d)).astype(object)
    return subset.where(subset.notna(), None).to_dict("records")


def shown_digits(number_format: str | None) -> int | None:
    """Decimal places of the stored value that a d3-format shows (".1%" shows 3 of a fraction); None when the format
    does not fix them (the value is shown as it is)."""
    match = FIXED.match(number_format or "")
    if not match:
        return None
    digits = 0 if match.group(2) == "d" else int(match.group(1) or 6)  # d3's default precision is 6
    return digits + 2 if match.group(2) == "%" else digits


def _rounded(value, digits: int):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or pd.isna(value):
        return value
    out = round(float(value), digits)
    return int(out) if digits == 0 else out


def table_twin(key: str, frame: pd.DataFrame, columns: list[Col], lang: str, page_size: int = 12, *,
               filename: str | None = None, as_of=None, title: tuple[str, str] | None = None,
               source: tuple[str, str] | None = None) -> html.Div:
    """The data behind a chart as a sortable table, with downloads (CSV UTF-8 with BOM or CP932, Excel) named
    `filename` (a stem; default the English `title`, else the key) plus the data's date `as_of`, and every row again
    in a print-only table. `title` and `source` are (Japanese, English) for the Excel file's source sheet."""
    title_ja, title_en = title or (None, None)
    source_ja, source_en = source or (None, None)
    meta = twin_meta(key, title_ja, title_en, source_ja, source_en, lang, as_of, filename)
    return _twin(key, frame, columns, lang, page_size, meta)


def _twin(key: str, frame: pd.DataFrame, columns: list[Col], lang: str, page_size: int, meta: dict,
          rows_in_browser: bool = False) -> html.Div:
    """The grid (screen), its print-only copy (filled in the browser from the grid's rows), downloads and their meta;
    with `rows_in_browser` the grid starts without rows (a clientside callback of the page fills them)."""
    paginate = len(frame) > page_size
    grid = dag.AgGrid(
        id=grid_id(key), rowData=None if rows_in_browser else rows(frame, columns),
        columnDefs=column_defs(columns, lang, frame),
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": DEFAULT_MIN_PX, "flex": 1,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={"domLayout": "autoHeight", "pagination": paginate, "paginationPageSize": page_size,
                         "paginationPageSizeSelector": False, "enableCellTextSelection": True,
                         **LEAVE_ON_TAB, **grid_locale(lang)},
        style={"height": None}, className="twin-grid",
    )
    printed = html.Div(id={"type": "twin-print", "chart": key}, className="twin-print")
    return html.Div([grid, printed, _buttons(key, lang, image=bool(meta.get("graph"))),
                     dcc.Store(id=meta_id(key), data=meta)], className="mt-2")


def _button(label, cid: dict, icon: str = "bi-download") -> dbc.Button:
    return dbc.Button([html.I(className=f"bi {icon} me-1", **{"aria-hidden": "true"}), label], id=cid, size="sm",
                      color="secondary", outline=True, className="me-2 mb-1")


def _buttons(key: str, lang: str, image: bool) -> html.Div:
    """CSV (UTF-8 for Excel, CP932), Excel and, beside a chart, its picture with title and source."""
    dl = {"type": "twin-dl", "chart": key}
    return html.Div([
        _button(tr("CSV（UTF-8, Excel 用）", "CSV (UTF-8, for Excel)", lang), {**dl, "enc": "utf-8-sig"}),
        _button("CSV (Shift_JIS / CP932)", {**dl, "enc": "cp932"}),
        _button(tr("Excel（.xlsx）", "Excel (.xlsx)", lang), {**dl, "enc": "xlsx"}, "bi-file-earmark-spreadsheet"),
        _button(tr("画像（PNG）", "Image (PNG)", lang), {"type": "chart-img", "chart": key}, "bi-image")
        if image else None,
        dcc.Download(id={"type": "twin-download", "chart": key}),
    ], className="mt-2 twin-buttons")


def chart_card(key: str, title_ja: str, title_en: str, figure: go.Figure, frame: pd.DataFrame, columns: list[Col],
               source_ja: str, source_en: str, lang: str, note=None, graph_config: dict | None = None, *,
               filename: str | None = None, as_of=None, print_rows: dict | None = None,
               print_mm: int | None = None, print_chart: bool = True, rows_in_browser: bool = False) -> dbc.Card:
    """A chart, its source and the data's date `as_of` (when given; `{key}-asof`, always there), a note (text or
    components; its element `{key}-note` is always there, empty without a note, so a callback can change it) and its
    table twin with downloads of exactly the rows shown, named `filename` (a stem; default from the English title)
    plus the date, and a PNG of the chart with its title, source and date in the picture. On paper the chart is at
    most `print_mm` millimetres tall (or left off with `print_chart=False`, when its table reads better on paper),
    and a long table prints the part `print_rows` (`year_ends(...)`, `with_values(...)`). With `rows_in_browser` the
    table's rows are not sent with it: a clientside callback of the page makes them from data the page holds (the
    `frame` then only sizes the columns and the pages)."""
    meta = twin_meta(key, title_ja, title_en, source_ja, source_en, lang, as_of, filename, graph=True,
                     print_rows=print_rows)
    return dbc.Card(dbc.CardBody([
        html.Div([  # title, chart, source and date print together on one sheet
            html.H3(bi(title_ja, title_en, lang), className="h6 card-title"),
            dcc.Graph(id=f"{key}-graph", figure=figure, config=plotly_config(lang, graph_config, meta["filename"]),
                      className="chart-graph"),
            html.P([html.Strong(tr("出典：", "Source: ", lang)), tr(source_ja, source_en, lang)],
                   className="small text-body-secondary mb-1", id=f"{key}-source"),
            html.P(meta["as_of_text"], className="small text-body-secondary mb-1", id=f"{key}-asof"),
        ], className="chart-figure", **({"data-print-mm": str(print_mm)} if print_mm else {})),
        html.P(note, className="small mb-1", id=f"{key}-note", **{"aria-live": "polite"}),
        html.Details([html.Summary(tr("表とダウンロード（グラフと同じデータ）", "Table and download (the data in the chart)",
                                      lang)),
                      _twin(key, frame, columns, lang, 12, meta, rows_in_browser)], open=True, className="small"),
    ]), className="mb-4 chart-card" + ("" if print_chart else " print-table-only"), id=f"{key}-card")


def register_callbacks(app: dash.Dash) -> None:
    """Callbacks shared by every page (registered on each app, not at import): downloads, the chart picture and the
    print-only copy of each table twin (assets/25_chart_image.js, assets/26_print.js)."""
    app.callback(
        Output({"type": "twin-download", "chart": MATCH}, "data"),
        Input({"type": "twin-dl", "chart": MATCH, "enc": ALL}, "n_clicks"),
        State({"type": "twin-grid", "chart": MATCH}, "rowData"),
        State({"type": "twin-grid", "chart": MATCH}, "columnDefs"),
        State({"type": "twin-meta", "chart": MATCH}, "data"),
        prevent_initial_call=True,
    )(download_twin)
    app.clientside_callback(ClientsideFunction("smartcity", "downloadChartImage"),
                            Input({"type": "chart-img", "chart": MATCH}, "n_clicks"),
                            State({"type": "twin-meta", "chart": MATCH}, "data"), prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction("smartcity", "printTable"),
                            Output({"type": "twin-print", "chart": MATCH}, "children"),
                            Input({"type": "twin-grid", "chart": MATCH}, "rowData"),
                            Input({"type": "twin-grid", "chart": MATCH}, "columnDefs"),
                            State({"type": "twin-meta", "chart": MATCH}, "data"))


def download_twin(_clicks, row_data, col_defs, meta=None):
    """Callback of a twin's download buttons: the file of the button pressed (see `twin_file`)."""
    trigger = dash.ctx.triggered_id
    if not trigger or not any(_clicks or []):
        return dash.no_update
    return twin_file(trigger["enc"], row_data, col_defs, meta or {}, trigger["chart"])


def twin_file(kind: str, row_data: list[dict] | None, col_defs: list[dict], meta: dict, key: str = "table") -> dict:
    """The rows the table twin holds, headers as shown, as CSV (`utf-8-sig` or `cp932`) or Excel (`xlsx`, with a
    source sheet), named for what they hold: `{stem}.csv`, `{stem}_cp932.csv`, `{stem}.xlsx`."""
    frame = pd.DataFrame(row_data or [], columns=[c["field"] for c in col_defs])
    frame.columns = [c.get("headerName", c["field"]) for c in col_defs]
    suffix, ext = DOWNLOADS[kind]
    name = f"{meta.get('filename') or file_stem(None, fallback=key)}{suffix}{ext}"
    if kind == "xlsx":
        return dcc.send_bytes(to_xlsx_bytes(frame, "データ・Data", source_rows(meta)), name)
    return dcc.send_bytes(to_csv_bytes(frame, kind), name)


def source_rows(meta: dict, built: str | None = None, today: dt.date | None = None) -> list[tuple[str, object]]:
    """The Excel file's 「出典・Source」 sheet: titles, source, the data's date, the database's build date and the day of
    the download, each label in Japanese and English."""
    built = built if built is not None else _build_day()
    pairs = [("タイトル / Title", meta.get("title_ja")), ("タイトル（英語） / Title (English)", meta.get("title_en")),
             ("出典 / Source", meta.get("source_ja")), ("出典（英語） / Source (English)", meta.get("source_en")),
             ("データ時点 / Data as of", meta.get("as_of")), ("データ構築日 / Database built", built),
             ("ダウンロード日 / Downloaded", (today or dt.date.today()).isoformat())]
    return [(label, value) for label, value in pairs if value]


def _build_day() -> str | None:
    """The database's build date (None when there is no database: a download never fails for want of it)."""
    try:
        db = db_path()
        return iso_day(build_info(db).iloc[0]["built_at"]) if db.is_file() else None
    except Exception:  # noqa: BLE001 - the source sheet is extra information
        return None


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
