"""Open data catalog (/data): every dataset with its metadata, a table browser paged and filtered by the
database, and downloads of the filtered view (CSV UTF-8 with BOM, CP932, Excel) and of the whole catalog."""
from __future__ import annotations

import dash
import pandas as pd
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from smartcity import catalog, citations, gridquery
from smartcity.components import no_database, page_header
from smartcity.db import connect
from smartcity.export import XLSX_MAX_ROWS, ExcelLimit, cp932_note, csv_stream, xlsx_bytes
from smartcity.format import next_update
from smartcity.i18n import bi, grid_locale, lang_of, split_bilingual, tr
from smartcity.queries import common
from smartcity.settings import db_path
from smartcity.tablequery import QueryError, arrow_reader, count, execute, select
from smartcity.urlstate import sync_url, url_sink

dash.register_page(__name__, path="/data", name="データ / Data", title="オープンデータ / Open data")

PREFIX = "data"
KIND = {"open_data": ("オープンデータ", "Open data"), "kpi": ("KPI", "KPIs"),
        "reference": ("戦略文書の数値", "Figures from the strategy documents"),
        "provenance": ("来歴", "Provenance")}
PAGE_ROWS = 50


def layout(lang: str | None = None, dataset: str | None = None, **_query) -> html.Div:
    """Catalog list and, for the selected dataset, its dictionary, table browser and downloads."""
    lang = lang_of(lang)
    db = db_path()
    if not db.is_file():
        return no_database(lang, PREFIX)
    sets = catalog.datasets(db)
    chosen = catalog.dataset(db, dataset or "") or catalog.dataset(db, "mynumber_issuance")
    facts = catalog.facts(db)
    return html.Div([
        url_sink(PREFIX),
        dcc.Store(id=f"{PREFIX}-lang", data=lang),
        dcc.Store(id=f"{PREFIX}-view"),
        page_header("オープンデータ", "Open data",
                    "ダッシュボードのすべての数値を、出典・ライセンス・列の説明とともに公開しています。API でも取得できます。",
                    "Every figure of the dashboard, with its source, licence and column dictionary; also via the API.",
                    lang),
        html.P([tr("構築 ", "Build ", lang), f"{facts['built_at']:%Y-%m-%d %H:%M} UTC, sha256 ",
                html.Code(facts["content_sha256"][:16]), " · ",
                html.A(tr("全データ一式（zip、datapackage.json と README 付き）", "The whole catalog (zip with "
                          "datapackage.json and README)", lang), href="/api/v1/catalog.zip", id=f"{PREFIX}-zip"),
                " · ", html.A("API (OpenAPI)", href="/api/v1/openapi.json")], className="small"),
        dbc.Row([
            dbc.Col([html.Label(tr("データセット", "Dataset", lang), htmlFor=f"{PREFIX}-dataset", className="form-label"),
                     dbc.Select(id=f"{PREFIX}-dataset", value=chosen.id,
                                options=[{"label": f"{tr(*KIND[d.kind], lang)}: {tr(d.title_ja, d.title_en, lang)}"
                                            f" ({d.id})", "value": d.id} for d in sets])], md=8),
        ], className="mb-3"),
        html.Div(detail(db, chosen, lang), id=f"{PREFIX}-detail"),
        html.H2(tr("データセット一覧", "All datasets", lang), className="h5 mt-4"),
        catalog_table(db, sets, lang),
        html.H2(tr("出典ごとの最終更新と次回更新予定", "Latest data and next expected update, by source", lang),
                className="h5 mt-4"),
        updates_table(db, lang),
        html.H2(tr("更新履歴（構築ごとの変更）", "Update history (what each build changed)", lang), className="h5 mt-4"),
        history(db, {d.id: d for d in sets}, lang),
        html.H2(tr("職員による数値の更新（公開の記録）", "Figures updated by officials (publications)", lang),
                className="h5 mt-4"),
        publication_log(db, lang),
    ], id=f"{PREFIX}-page")


def _pick(text, lang: str) -> str:
    """One language of a catalog text written '日本語 / English' (a licence, what a dataset describes); '—' if none."""
    if not text:
        return "—"
    return tr(*split_bilingual(text), lang)


def _licences(e: dict, lang: str) -> str:
    """Each source's licence once, in the page's language."""
    texts = [s["licence"] for s in e["sources"] if s.get("licence")] or [e["licence"]]
    return tr("；", "; ", lang).join(dict.fromkeys(_pick(t, lang) for t in texts))


def updates_table(db, lang: str) -> dbc.Table:
    """Per source: the date of its newest data loaded and when the next are expected (marked when overdue)."""
    as_of = common.build_info(db).iloc[0]["as_of"]
    head = html.Thead(html.Tr([html.Th(tr(ja, en, lang)) for ja, en in (
        ("出典", "Source"), ("最終更新（読み込んだ最新データの時点）", "Latest data loaded"),
        ("次回更新予定", "Next update expected"))]))
    body = []
    for r in common.source_updates(db).itertuples():
        expected, overdue = next_update(r.latest, r.update_frequency, as_of, lang)
        late = html.Span(["⚠ ", tr("予定を過ぎています（新しいデータは未読込）", "overdue: no newer data loaded yet", lang)],
                         className="badge text-bg-warning border border-dark ms-1") if overdue else None
        body.append(html.Tr([html.Td(tr(r.title_ja, r.title_en, lang)), html.Td(citations.date_words(r.latest, lang)),
                             html.Td([expected, late])]))
    return dbc.Table([head, html.Tbody(body)], size="sm", striped=True, responsive=True, className="small",
                     id=f"{PREFIX}-updates")


def history(db, datasets: dict, lang: str, builds: int = 10) -> html.Div:
    """The last builds, newest first: files added or dropped, and per table rows added, removed and changed."""
    frame = common.build_history(db)
    if frame.empty:
        return html.P(tr("更新履歴はまだありません。", "No update history yet.", lang), className="small",
                      id=f"{PREFIX}-history")
    items = []
    for built_at, rows in list(frame.groupby("built_at", sort=False))[:builds]:
        build = rows[rows["table_name"] == "*"].iloc[0] if (rows["table_name"] == "*").any() else None
        tables = rows[rows["table_name"] != "*"]
        items.append(html.Li([html.Strong(f"{built_at:%Y-%m-%d %H:%M} UTC"), "　",
                              build_words(build, len(tables), lang),
                              _changes_table(tables, datasets, lang) if len(tables) else None], className="mb-2"))
    return html.Div(html.Ul(items, className="small list-unstyled"), id=f"{PREFIX}-history")


def publication_log(db, lang: str) -> html.Div:
    """Each publication of the strategy's figures by officials: when, publish or roll back, and what it changed."""
    frame = common.publication_log(db)
    if frame.empty:
        return html.P(tr("職員による更新はまだありません（数値は戦略文書から転記したものです）。",
                         "No figures updated by officials yet (the figures are transcribed from the strategy "
                         "documents).", lang), className="small", id=f"{PREFIX}-publications")
    kinds = {"publish": ("公開", "Published"), "rollback": ("以前の状態に戻す", "Rolled back")}
    items = [html.Li([html.Strong(f"{r.published_at:%Y-%m-%d %H:%M} UTC"), "　",
                      f"#{r.publication_id} {tr(*kinds.get(r.kind, (r.kind, r.kind)), lang)}：",
                      tr(r.summary_ja, r.summary_en, lang)]) for r in frame.itertuples()]
    return html.Div(html.Ul(items, className="small list-unstyled"), id=f"{PREFIX}-publications")


def build_words(build, n_tables: int, lang: str) -> str:
    """One build in words: the first build, new files (snapshots, releases), or no change."""
    note = None if build is None else build["note"]
    if note == "first build":
        return tr("初回の構築（すべてのデータを新たに読み込み）", "First build (every figure loaded anew)", lang)
    if note == "previous build not comparable":
        return tr("前回の構築とは形式が異なるため比較できません", "Not comparable with the previous build (another "
                  "layout)", lang)
    files = _folders(build["files_changed"] if build is not None else None)
    parts = ([tr("新しいファイル：", "New files: ", lang) + "、".join(files["+"])] if files["+"] else []) + \
            ([tr("削除されたファイル：", "Dropped files: ", lang) + "、".join(files["-"])] if files["-"] else [])
    if not parts and not n_tables:
        return tr("前回の構築から変更なし", "No change from the previous build", lang)
    return tr("。", ". ", lang).join(parts) or tr("表の内容が変わりました", "Table contents changed", lang)


def _folders(files) -> dict[str, list[str]]:
    """'+mynumbercard/20221031/a.csv, …' → {'+': ['mynumbercard/20221031'], '-': []}: a snapshot once, not per file."""
    out: dict[str, list[str]] = {"+": [], "-": []}
    for item in (files if isinstance(files, str) else "").split(", "):  # NULL arrives as NaN in a frame
        if item:
            folder = item[1:].rsplit("/", 1)[0] if "/" in item else item[1:]
            if folder not in out[item[0]]:
                out[item[0]].append(folder)
    return out


def _changes_table(tables, datasets: dict, lang: str) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th(tr(ja, en, lang)) for ja, en in (
        ("データセット", "Dataset"), ("前回 → 今回の行数", "Rows before → after"), ("追加", "Added"),
        ("削除", "Removed"), ("値の変更", "Changed"))]))
    body = []
    for r in tables.itertuples():
        d = datasets.get(r.table_name)
        name = tr(d.title_ja, d.title_en, lang) if d else r.table_name
        note = {"new table": tr("新しい表", "new table", lang), "columns changed": tr("列の構成が変更", "columns "
                "changed", lang)}.get(r.note, "")
        body.append(html.Tr([html.Td([name, html.Br(), html.Code(r.table_name)]),
                             html.Td(f"{_count(r.rows_before)} → {_count(r.rows_after)}" + (f"（{note}）" if note and
                                     lang == "ja" else f" ({note})" if note else "")),
                             html.Td(_count(r.rows_added)), html.Td(_count(r.rows_removed)),
                             html.Td(_count(r.rows_changed))]))
    return dbc.Table([head, html.Tbody(body)], size="sm", className="small mt-1 mb-0")


def _count(value) -> str:
    """A row count, '—' when it was not counted (NULL)."""
    return "—" if value is None or pd.isna(value) else f"{int(value):,}"


def catalog_table(db, sets, lang: str) -> dbc.Table:
    """Every dataset with its metadata."""
    head = html.Thead(html.Tr([html.Th(tr(ja, en, lang)) for ja, en in (
        ("データセット", "Dataset"), ("説明", "Description"), ("行数", "Rows"), ("時点", "Describes"),
        ("出典・ライセンス", "Source and licence"), ("クレジット", "Required credit"))]))
    body = []
    for d in sets:
        e = catalog.describe(db, d)
        link = dcc.Link(tr(d.title_ja, d.title_en, lang), href=f"/data?dataset={d.id}" + ("&lang=en" if lang == "en" else ""))
        body.append(html.Tr([html.Td([link, html.Br(), html.Code(d.id)]), html.Td(tr(d.description_ja, d.description_en, lang)),
                             html.Td(f"{e['rows']:,}", className="text-end"), html.Td(_pick(e["describes"], lang)),
                             html.Td(_licences(e, lang)), html.Td(e["credit"] or "—")]))
    return dbc.Table([head, html.Tbody(body)], size="sm", striped=True, responsive=True, className="small",
                     id=f"{PREFIX}-catalog")


def detail(db, d: catalog.Dataset, lang: str) -> html.Div:
    """One dataset: description, licence, dictionary, browser, downloads."""
    e = catalog.describe(db, d)
    api = f"/api/v1/datasets/{d.id}"
    dictionary = dbc.Table([html.Thead(html.Tr([html.Th(h) for h in (tr("列", "Column", lang), tr("型", "Type", lang),
                                                                    tr("単位", "Unit", lang), tr("意味", "Meaning", lang))])),
                            html.Tbody([html.Tr([html.Td(html.Code(c.name)), html.Td(c.type), html.Td(c.unit or ""),
                                                 html.Td(tr(c.ja, c.en, lang))]) for c in d.columns])],
                           size="sm", className="small", id=f"{PREFIX}-dictionary")
    grid = dag.AgGrid(
        id=f"{PREFIX}-grid", rowModelType="infinite",
        columnDefs=column_defs(d, lang),
        defaultColDef={"sortable": True, "resizable": True, "minWidth": 110},
        dashGridOptions={"pagination": True, "paginationPageSize": PAGE_ROWS, "cacheBlockSize": PAGE_ROWS,
                         "paginationPageSizeSelector": False, "enableCellTextSelection": True, **grid_locale(lang)},
        style={"height": "520px"},
    )
    return html.Div([
        html.H2(bi(d.title_ja, d.title_en, lang), className="h5"),
        html.P(tr(d.description_ja, d.description_en, lang)),
        html.Ul([html.Li([html.Strong(tr("行数：", "Rows: ", lang)), f"{e['rows']:,}"]),
                 html.Li([html.Strong(tr("時点：", "Describes: ", lang)), _pick(e["describes"], lang)]),
                 html.Li([html.Strong(tr("出典：", "Source: ", lang)),
                          "; ".join(tr(s["title_ja"], s["title_en"], lang) for s in e["sources"]) or "—"]),
                 html.Li([html.Strong(tr("ライセンス：", "Licence: ", lang)), _licences(e, lang)]),
                 html.Li([html.Strong(tr("クレジット：", "Required credit: ", lang)), e["credit"] or "—"]),
                 html.Li([html.Strong("API: "), *[html.A(f".{f}", href=f"{api}.{f}", className="me-2")
                                                   for f in ("csv", "json", "parquet")]])], className="small"),
        html.Details([html.Summary(tr("列の説明（データ辞書）", "Column dictionary", lang)), dictionary], open=False),
        html.P(tr(f"列見出しで並べ替え、メニューで絞り込めます（処理はデータベースで行います）。ダウンロードは絞り込んだ結果の全行です"
                  f"（Excel は {XLSX_MAX_ROWS:,} 行まで。CP932 にない文字は CP932 の文字に置き換え、その旨を表示します）。",
                  f"Sort by a column header and filter from its menu (done by the database). Downloads hold every row "
                  f"of the filtered view (Excel: at most {XLSX_MAX_ROWS:,} rows; characters CP932 lacks are written "
                  f"in their CP932 forms, and the page says which).", lang), className="small mt-2"),
        html.Div(id=f"{PREFIX}-message"),  # a refused grid request (dbc.Alert: role="alert")
        grid,
        html.Div([dbc.Button(label, id=f"{PREFIX}-dl-{kind}", size="sm", color="secondary", outline=True, className="me-2")
                  for kind, label in (("utf8", tr("CSV（UTF-8, Excel 用）", "CSV (UTF-8, for Excel)", lang)),
                                      ("cp932", "CSV (Shift_JIS / CP932)"), ("xlsx", "Excel (.xlsx)"))]
                 + [html.Span(id=f"{PREFIX}-count", className="small ms-2")], className="mt-2"),
        html.Div(id=f"{PREFIX}-dl-message", className="mt-2"),
        dcc.Download(id=f"{PREFIX}-download"),
    ])


def column_defs(d: catalog.Dataset, lang: str) -> list[dict]:
    """The grid's columns: each with its filter, offering only the filter types the server implements."""
    return [{"field": c.name, "headerName": c.name, "headerTooltip": tr(c.ja, c.en, lang),
             **gridquery.column_filter(c)} for c in d.columns]


def message(err: QueryError | tuple[str, str], lang: str, color: str = "danger") -> dbc.Alert:
    """A refused request or a download note, in the page's language first (bi)."""
    ja, en = (err.ja, err.en) if isinstance(err, QueryError) else err
    return dbc.Alert(bi(ja, en, lang), color=color, className="small py-2 mb-2")


@dash.callback(Output(f"{PREFIX}-detail", "children"), Input(f"{PREFIX}-dataset", "value"), State(f"{PREFIX}-lang", "data"),
               prevent_initial_call=True)
def choose(dataset_id: str, lang: str):
    """Show another dataset."""
    db = db_path()
    d = catalog.dataset(db, dataset_id)
    return detail(db, d, lang) if d else dash.no_update


@dash.callback(Output(f"{PREFIX}-grid", "getRowsResponse"), Output(f"{PREFIX}-view", "data"),
               Output(f"{PREFIX}-count", "children"), Output(f"{PREFIX}-message", "children"),
               Input(f"{PREFIX}-grid", "getRowsRequest"), State(f"{PREFIX}-dataset", "value"),
               State(f"{PREFIX}-lang", "data"), prevent_initial_call=True)
def page_rows(req: dict | None, dataset_id: str, lang: str):
    """One block of rows, sorted and filtered by the database; a bad request gets no rows and a message saying
    why (the view keeps it, so a download of it says the same)."""
    if not req:
        return dash.no_update, dash.no_update, dash.no_update, dash.no_update
    view = {"dataset": dataset_id, "filterModel": req.get("filterModel"), "sortModel": req.get("sortModel")} \
        if isinstance(req, dict) else None
    try:
        block, total = rows_block(db_path(), req, dataset_id)
    except QueryError as err:
        return {"rowData": [], "rowCount": 0}, view, "", message(err, lang)
    return {"rowData": block, "rowCount": total}, view, tr(f"{total:,} 行", f"{total:,} rows", lang), None


def rows_block(db, req: dict, dataset_id: str) -> tuple[list[dict], int]:
    """(rows of the requested block, total rows of the filtered view); QueryError for anything invalid."""
    if not isinstance(req, dict):
        raise QueryError("the grid request must be an object", [], ja="表の要求の形式が正しくありません")
    d = _dataset(db, dataset_id)
    start, end = gridquery.rows_of(req)
    filters, sort = gridquery.filters_of(d, req.get("filterModel")), gridquery.sort_of(d, req.get("sortModel"))
    with connect(db) as con:
        cur = execute(con, *select(d, filters, sort, end - start, start))
        names = [c[0] for c in cur.description]
        block = [dict(zip(names, _plain(r))) for r in cur.fetchall()]
        total = execute(con, *count(d, filters)).fetchall()[0][0]
    return block, total


def _dataset(db, dataset_id) -> catalog.Dataset:
    d = catalog.dataset(db, dataset_id) if isinstance(dataset_id, str) else None
    if d is None:
        raise QueryError(f"unknown dataset {str(dataset_id)[:40]!r}", [x.id for x in catalog.datasets(db)],
                         ja=f"データセット {str(dataset_id)[:40]!r} はありません")
    return d


def _plain(row) -> list:
    return [v.isoformat() if hasattr(v, "isoformat") else v for v in row]


@dash.callback(Output(f"{PREFIX}-download", "data"), Output(f"{PREFIX}-dl-message", "children"),
               Input(f"{PREFIX}-dl-utf8", "n_clicks"), Input(f"{PREFIX}-dl-cp932", "n_clicks"),
               Input(f"{PREFIX}-dl-xlsx", "n_clicks"), State(f"{PREFIX}-view", "data"),
               State(f"{PREFIX}-dataset", "value"), State(f"{PREFIX}-lang", "data"), prevent_initial_call=True)
def download(_u, _c, _x, view: dict | None, dataset_id: str, lang: str | None = None):
    """Every row of the filtered, sorted view in the chosen format; a bad view or one over the Excel limit gets a
    message instead, and a CP932 file that needed replacements a note saying which."""
    try:
        data, filename, note = export_view(db_path(), dash.ctx.triggered_id.rsplit("-", 1)[-1], view, dataset_id)
    except QueryError as err:
        return dash.no_update, message(err, lang)
    return dcc.send_bytes(data, filename), message(note, lang, "warning") if note else None


def export_view(db, kind: str, view: dict | None, dataset_id: str) -> tuple[bytes, str, tuple[str, str] | None]:
    """(bytes, file name, note or None) of the view as utf8 / cp932 CSV or xlsx; QueryError for a bad view (the
    same checks as the grid) or more than XLSX_MAX_ROWS rows for Excel."""
    view = view if isinstance(view, dict) else {}
    d = _dataset(db, view.get("dataset") or dataset_id)
    filters = gridquery.filters_of(d, view.get("filterModel"))
    sort = gridquery.sort_of(d, view.get("sortModel"))
    with connect(db) as con:
        if kind == "xlsx":
            return _xlsx(con, d, filters, sort), f"{d.id}.xlsx", None
        replaced: dict = {}
        reader = arrow_reader(con, *select(d, filters, sort), 65_536)
        data = b"".join(csv_stream(reader, reader.schema.names, "cp932" if kind == "cp932" else "utf-8-sig",
                                   replaced))
    return data, f"{d.id}_{kind}.csv", cp932_note(replaced)


def _xlsx(con, d: catalog.Dataset, filters, sort) -> bytes:
    """The view as an Excel workbook, refused above XLSX_MAX_ROWS rows (counted before anything is built) or with a
    cell longer than Excel holds."""
    total = execute(con, *count(d, filters)).fetchall()[0][0]
    if total > XLSX_MAX_ROWS:
        raise QueryError(f"{total:,} rows: an Excel download holds at most {XLSX_MAX_ROWS:,}. Filter the table "
                         "further, or download CSV (no limit)", [f"≤ {XLSX_MAX_ROWS}"],
                         ja=f"{total:,} 行あります。Excel のダウンロードは {XLSX_MAX_ROWS:,} 行までです。さらに絞り込むか、"
                            "CSV（上限なし）をダウンロードしてください")
    reader = arrow_reader(con, *select(d, filters, sort), 65_536)
    try:
        return xlsx_bytes(reader, reader.schema.names, d.id)
    except ExcelLimit as err:
        raise QueryError(f"{err.en}: download CSV instead", [], ja=f"{err.ja}。CSV をダウンロードしてください") from err


sync_url(PREFIX, {"dataset": (f"{PREFIX}-dataset", "value")})
