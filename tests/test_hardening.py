"""Hardened data-access edges (issue 9, section 3): the /data grid and its downloads refuse bad filters and rows with
a message in the page (as the API does), offer only the filter types the server implements, and keep to their
limits; the API refuses odd numbers, never builds links from the Host header and answers unknown paths in JSON;
catalog.zip is built once per build; CSV and Excel neutralise formulas after NFKC, keep numbers numbers, write text
as text, and CP932 downloads write the CP932 forms of characters it lacks and say so."""
from __future__ import annotations

import csv
import inspect
import io
import os
import shutil
import sys
import threading
import time
from contextlib import contextmanager

import duckdb
import pyarrow as pa
import pytest
from openpyxl import load_workbook

from helpers import page_text
from smartcity import api, catalog, export, gridquery
from smartcity.tablequery import QueryError

SPECIAL = "2021–2022 • 〜 − — \u00a0x 😀"  # en dash, bullet, wave dash, minus, em dash, no-break space, emoji


def page():
    return sys.modules["pages.data"]


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


@contextmanager
def using(dash_app, path):
    """Point the app at another database for the block."""
    saved = dash_app.server.config["SMARTCITY_DB"]
    dash_app.server.config["SMARTCITY_DB"] = str(path)
    try:
        yield dash_app.server.test_client()
    finally:
        dash_app.server.config["SMARTCITY_DB"] = saved


@pytest.fixture(scope="module")
def special_db(db, tmp_path_factory):
    """The fixture database with characters CP932 lacks, formula-like text and a negative number."""
    path = tmp_path_factory.mktemp("special") / "special.duckdb"
    shutil.copy(db, path)
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE municipality SET name_en = ? WHERE geo_code = '27100'", [SPECIAL])
        con.execute("UPDATE municipality SET county_ja = '＝1+1', name_en = ' \t@SUM(1)' WHERE geo_code = '27140'")
        con.execute("UPDATE observation SET value = -5.5, source_ref = '-5.5' WHERE rowid = 0")
        con.execute("UPDATE municipality SET name_en = ? WHERE geo_code = '01100'", ["x" * 40_000])  # > Excel's cell
    return path


def rows_of(req: dict, dataset: str = "mynumber_issuance", lang: str = "ja"):
    return page().page_rows(req, dataset, lang)


def dispatch(client, kind: str, view, dataset: str = "mynumber_issuance", lang: str = "en") -> dict:
    """The download callback through Dash's HTTP endpoint (what a click sends): status and the response body."""
    ids = ("utf8", "cp932", "xlsx")
    body = {"output": "..data-download.data...data-dl-message.children..",
            "outputs": [{"id": "data-download", "property": "data"}, {"id": "data-dl-message", "property": "children"}],
            "inputs": [{"id": f"data-dl-{k}", "property": "n_clicks", "value": 1 if k == kind else None} for k in ids],
            "state": [{"id": "data-view", "property": "data", "value": view},
                      {"id": "data-dataset", "property": "value", "value": dataset},
                      {"id": "data-lang", "property": "data", "value": lang}],
            "changedPropIds": [f"data-dl-{kind}.n_clicks"]}
    resp = client.post("/_dash-update-component", json=body)
    assert resp.status_code in (200, 204), resp.data[:300]
    return resp.get_json() if resp.status_code == 200 else {}


# --- 1. bad filters and rows: a message in the page, as the API answers ---------------------------------------------

DATE_EQ = {"filterType": "date", "type": "equals", "dateFrom": "2022-09-30 00:00:00"}
BAD_FILTERS = {
    "non-date": ({"snapshot_date": {**DATE_EQ, "dateFrom": "yesterday"}},
                 "'yesterday' does not fit column 'snapshot_date', which holds dates", "日付"),
    "impossible day": ({"snapshot_date": {**DATE_EQ, "dateFrom": "2022-02-30"}}, "'2022-02-30' does not fit", "日付"),
    "date inRange without dateTo": ({"snapshot_date": {**DATE_EQ, "type": "inRange"}}, "needs dateTo",
                                    "絞り込みに dateTo がありません"),
    "number inRange without filterTo": ({"population": {"filterType": "number", "type": "inRange", "filter": 5}},
                                        "needs filterTo", "絞り込みに filterTo がありません"),
    "text on a number column": ({"population": {"filterType": "number", "type": "equals", "filter": "many"}},
                                "'many' does not fit column 'population', which holds numbers", "数値"),
    "superscript digit": ({"population": {"filterType": "number", "type": "greaterThan", "filter": "²"}},
                          "does not fit column 'population'", "数値"),
    "text filter on a number column": ({"population": {"filterType": "text", "type": "contains", "filter": "1"}},
                                       "takes a number filter", "の絞り込みは number 型です"),
    "type not offered": ({"geo_code": {"filterType": "text", "type": "fuzzy", "filter": "27"}},
                         "filter type 'fuzzy' is not available", "絞り込みの種類 'fuzzy' はありません"),
    "two conditions": ({"geo_code": {"filterType": "text", "operator": "OR", "conditions": [
        {"filterType": "text", "type": "equals", "filter": "27100"}]}}, "one condition per column", "1 条件"),
    "unknown column": ({"nope": {"filterType": "text", "type": "equals", "filter": "1"}}, "unknown column 'nope'",
                       "列 'nope' はありません"),
}
BAD_ROWS = {
    "negative start": ({"startRow": -1, "endRow": 50}, "startRow must be a whole number ≥ 0", "0 以上の整数"),
    "text start": ({"startRow": "abc", "endRow": 50}, "startRow must be a whole number", "0 以上の整数"),
    "fraction": ({"startRow": 0, "endRow": 1.5}, "endRow must be a whole number", "0 以上の整数"),
    "missing end": ({"startRow": 0, "endRow": None}, "endRow must be a whole number", "0 以上の整数"),
    "start past BIGINT": ({"startRow": 1e30, "endRow": 1e30}, "startRow must be a whole number", "0 以上の整数"),
    "end before start": ({"startRow": 100, "endRow": 50}, "endRow 50 is before startRow 100", "より前です"),
    "block of 1e9 rows": ({"startRow": 0, "endRow": 1e9}, "at most 1,000 rows, not 1,000,000,000", "1,000 行まで"),
}


@pytest.mark.parametrize("name", BAD_FILTERS)
def test_grid_refuses_a_bad_filter_with_a_message(dash_app, name):
    model, english, japanese = BAD_FILTERS[name]
    with dash_app.server.test_request_context("/data"):
        response, view, count, alert = rows_of({"startRow": 0, "endRow": 50, "filterModel": model})
        en_alert = rows_of({"startRow": 0, "endRow": 50, "filterModel": model}, lang="en")[3]
    assert response == {"rowData": [], "rowCount": 0} and count == ""
    text = page_text(alert)
    assert english in text and japanese in text and text.index(japanese) < text.index(english)  # 日本語 / English
    en_text = page_text(en_alert)
    assert en_text.index(english) < en_text.index(japanese)  # an English page shows English first
    assert view["filterModel"] == model  # kept, so that a download of this view says the same


@pytest.mark.parametrize("name", BAD_ROWS)
def test_grid_refuses_bad_row_numbers(dash_app, name):
    rows, english, japanese = BAD_ROWS[name]
    with dash_app.server.test_request_context("/data"):
        response, _, _, alert = rows_of(rows)
    assert response == {"rowData": [], "rowCount": 0}
    assert english in page_text(alert) and japanese in page_text(alert)


def test_grid_accepts_the_largest_block(dash_app):
    with dash_app.server.test_request_context("/data"):
        response, _, _, alert = rows_of({"startRow": 0, "endRow": gridquery.MAX_BLOCK})
    assert alert is None and len(response["rowData"]) == response["rowCount"] == 186  # the fixture's rows


@pytest.mark.parametrize("name", ["non-date", "number inRange without filterTo", "text on a number column",
                                  "type not offered"])
@pytest.mark.parametrize("kind", ["utf8", "cp932", "xlsx"])
def test_downloads_of_a_bad_view_say_the_same(dash_app, db, client, name, kind):
    model, english, japanese = BAD_FILTERS[name]
    view = {"dataset": "mynumber_issuance", "filterModel": model}
    with pytest.raises(QueryError) as err:
        page().export_view(db, kind, view, "mynumber_issuance")
    assert english in err.value.message and japanese in err.value.message
    answer = dispatch(client, kind, view)["response"]
    assert "data-download" not in answer  # no file
    assert english in str(answer["data-dl-message"]["children"])


def test_download_of_a_forged_view_is_refused(db):
    with pytest.raises(QueryError, match="unknown dataset 'x'"):
        page().export_view(db, "utf8", {"dataset": "x"}, "x")
    with pytest.raises(QueryError, match="cannot sort by 'nope'"):
        page().export_view(db, "utf8", {"dataset": "municipality", "sortModel": [{"colId": "nope", "sort": "asc"}]},
                           "municipality")


# --- 2. only implemented filter types are offered, and each works ---------------------------------------------------


def test_every_column_offers_only_implemented_filter_types(db):
    for d in catalog.datasets(db):
        for col, definition in zip(d.columns, page().column_defs(d, "ja")):
            kind = gridquery.kind_of(col)
            offered = definition["filterParams"]["filterOptions"]
            assert offered == gridquery.FILTER_OPTIONS[kind], (d.id, col.name)
            assert definition["filter"] == gridquery.AG_FILTER[kind]
    assert "notContains" in gridquery.FILTER_OPTIONS["text"] and "blank" in gridquery.FILTER_OPTIONS["date"]


# (dataset, column, filter model of the column, SQL of the same rows written by hand)
OFFERED = [
    ("municipality", "name_ja", {"type": "contains", "filter": "市"}, "name_ja LIKE '%市%'"),
    ("municipality", "name_ja", {"type": "notContains", "filter": "市"}, "name_ja NOT LIKE '%市%'"),
    ("municipality", "name_ja", {"type": "equals", "filter": "大阪市"}, "name_ja = '大阪市'"),
    ("municipality", "name_ja", {"type": "notEqual", "filter": "大阪市"}, "name_ja <> '大阪市'"),
    ("municipality", "name_ja", {"type": "startsWith", "filter": "大阪"}, "name_ja LIKE '大阪%'"),
    ("municipality", "name_ja", {"type": "endsWith", "filter": "区"}, "name_ja LIKE '%区'"),
    ("municipality", "county_ja", {"type": "blank"}, "county_ja IS NULL OR county_ja = ''"),
    ("municipality", "county_ja", {"type": "notBlank"}, "county_ja <> ''"),
    ("dx_application_rate", "rate_pct", {"type": "equals", "filter": 100}, "rate_pct = 100"),
    ("dx_application_rate", "rate_pct", {"type": "notEqual", "filter": 100}, "rate_pct <> 100"),
    ("dx_application_rate", "rate_pct", {"type": "lessThan", "filter": 12.5}, "rate_pct < 12.5"),
    ("dx_application_rate", "rate_pct", {"type": "lessThanOrEqual", "filter": 50}, "rate_pct <= 50"),
    ("dx_application_rate", "rate_pct", {"type": "greaterThan", "filter": 50}, "rate_pct > 50"),
    ("dx_application_rate", "rate_pct", {"type": "greaterThanOrEqual", "filter": 50}, "rate_pct >= 50"),
    ("dx_application_rate", "rate_pct", {"type": "inRange", "filter": 10, "filterTo": 60},
     "rate_pct BETWEEN 10 AND 60"),
    ("dx_application_rate", "rate_pct", {"type": "blank"}, "rate_pct IS NULL"),
    ("dx_application_rate", "rate_pct", {"type": "notBlank"}, "rate_pct IS NOT NULL"),
    ("mynumber_issuance", "snapshot_date", {"type": "equals", "dateFrom": "2022-01-01 00:00:00"},
     "snapshot_date = DATE '2022-01-01'"),
    ("mynumber_issuance", "snapshot_date", {"type": "notEqual", "dateFrom": "2022-01-01 00:00:00"},
     "snapshot_date <> DATE '2022-01-01'"),
    ("mynumber_issuance", "snapshot_date", {"type": "lessThan", "dateFrom": "2022-01-01 00:00:00"},
     "snapshot_date < DATE '2022-01-01'"),
    ("mynumber_issuance", "snapshot_date", {"type": "greaterThan", "dateFrom": "2022-01-01 00:00:00"},
     "snapshot_date > DATE '2022-01-01'"),
    ("mynumber_issuance", "snapshot_date", {"type": "inRange", "dateFrom": "2021-06-01 00:00:00",
                                            "dateTo": "2022-01-01 00:00:00"},
     "snapshot_date BETWEEN DATE '2021-06-01' AND DATE '2022-01-01'"),
    ("mynumber_issuance", "snapshot_date", {"type": "blank"}, "snapshot_date IS NULL"),
    ("mynumber_issuance", "snapshot_date", {"type": "notBlank"}, "snapshot_date IS NOT NULL"),
]


KIND = {"name_ja": "text", "county_ja": "text", "rate_pct": "number", "snapshot_date": "date"}
BLANK_TYPES = ("blank", "notBlank")


def test_the_cases_cover_every_offered_type(db):
    assert {c: gridquery.kind_of(catalog.dataset(db, d).column(c)) for d, c, _, _ in OFFERED} == KIND
    covered = {(KIND[c], m["type"]) for _, c, m, _ in OFFERED}
    assert covered == {(kind, op) for kind, ops in gridquery.FILTER_OPTIONS.items() for op in ops}


@pytest.mark.parametrize("dataset, column, model, sql", OFFERED, ids=[f"{c}-{m['type']}" for _, c, m, _ in OFFERED])
def test_each_offered_filter_type_selects_the_right_rows(dash_app, db, dataset, column, model, sql):
    with dash_app.server.test_request_context("/data"):
        response, _, _, alert = rows_of({"startRow": 0, "endRow": 1000,
                                         "filterModel": {column: {"filterType": KIND[column], **model}}}, dataset)
    with duckdb.connect(str(db), read_only=True) as con:
        expected = con.execute(f'SELECT count(*) FROM "{dataset}" WHERE {sql}').fetchone()[0]
        everything = con.execute(f'SELECT count(*) FROM "{dataset}"').fetchone()[0]
    assert alert is None and response["rowCount"] == expected and len(response["rowData"]) == min(expected, 1000)
    if column == "snapshot_date" and model["type"] in BLANK_TYPES:  # the fixture has no row without a date
        assert expected == (0 if model["type"] == "blank" else everything)
    else:
        assert 0 < expected < everything  # the case selects some rows, not all: it can fail


# --- 3. limits ----------------------------------------------------------------------------------------------------


def test_api_limits_filters_and_values(client):
    many_values = "&".join(f"geo_code={27100 + i}" for i in range(api.MAX_VALUES))
    assert client.get(f"/api/v1/datasets/municipality.json?{many_values}").status_code == 200
    over = client.get(f"/api/v1/datasets/municipality.json?{many_values}&geo_code=1")
    assert over.status_code == 400 and f"at most {api.MAX_VALUES} per filter" in over.get_json()["error"]
    conditions = "&".join(f"population__gte={i}" for i in range(api.MAX_FILTERS))
    assert client.get(f"/api/v1/datasets/mynumber_issuance.json?{conditions}").status_code == 200
    too_many = client.get(f"/api/v1/datasets/mynumber_issuance.json?{conditions}&level=municipality")
    assert too_many.status_code == 400 and f"at most {api.MAX_FILTERS}" in too_many.get_json()["error"]
    assert "条件まで" in too_many.get_json()["error"]


def test_excel_download_is_capped_with_a_message(db, client, dash_app, monkeypatch):
    monkeypatch.setattr(page(), "XLSX_MAX_ROWS", 100)
    # the download callback the app dispatches to may come from another execution of pages/data.py (Dash runs the
    # page modules again for each app): cap that one too
    client.get("/")
    served = inspect.unwrap(dash_app.callback_map["..data-download.data...data-dl-message.children.."]["callback"])
    if served.__globals__ is not vars(page()):  # one patch per module: two on one would restore 100, not the cap
        monkeypatch.setitem(served.__globals__, "XLSX_MAX_ROWS", 100)
    view = {"dataset": "mynumber_issuance"}
    with pytest.raises(QueryError, match="186 rows: an Excel download holds at most 100"):
        page().export_view(db, "xlsx", view, "mynumber_issuance")
    answer = dispatch(client, "xlsx", view, lang="ja")["response"]
    assert "data-download" not in answer and "Excel のダウンロードは 100 行まで" in str(answer["data-dl-message"])
    filtered = {"dataset": "mynumber_issuance", "filterModel": {"snapshot_date": DATE_EQ}}
    data, name, _ = page().export_view(db, "xlsx", filtered, "mynumber_issuance")
    assert name == "mynumber_issuance.xlsx" and load_workbook(io.BytesIO(data)).active.max_row == 1 + 62
    assert data and "CSV" in str(answer["data-dl-message"])  # says what to do instead
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 1)
    with pytest.raises(ValueError, match="at most 1"):
        export.to_xlsx_bytes(__import__("pandas").DataFrame({"a": [1, 2]}))


def test_catalog_zip_is_built_once_per_build(dash_app, db, tmp_path, monkeypatch):
    builds = []
    real = api.build_zip

    def counted(path):
        builds.append(path)
        time.sleep(0.3)  # a slow build: every parallel request arrives while it runs
        return real(path)

    monkeypatch.setattr(api, "build_zip", counted)
    copy = tmp_path / "zip.duckdb"
    shutil.copy(db, copy)
    results = []
    with using(dash_app, copy):
        def fetch():
            resp = dash_app.server.test_client().get("/api/v1/catalog.zip")
            results.append((resp.status_code, resp.data))
        threads = [threading.Thread(target=fetch) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(builds) == 1 and [s for s, _ in results] == [200] * 10
        assert len({d for _, d in results}) == 1 and results[0][1].startswith(b"PK")
        dash_app.server.test_client().get("/api/v1/catalog.zip")
        assert len(builds) == 1  # served from the cache
        stat = copy.stat()
        os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a new build file
        assert dash_app.server.test_client().get("/api/v1/catalog.zip").status_code == 200
        assert len(builds) == 2


# --- 4. API numbers, links, servers and unknown paths -----------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "１０", "1e3", "-1", "", "1.0", " 1", "0x10", "99999999999999999999"])
@pytest.mark.parametrize("name", ["limit", "offset"])
def test_odd_numbers_are_a_json_400(client, name, value):
    from urllib.parse import quote
    resp = client.get(f"/api/v1/datasets/municipality.json?{name}={quote(value)}")
    assert resp.status_code == 400 and resp.is_json
    assert f"{name} must be a whole number" in resp.get_json()["error"] and f"{name}=0" in resp.get_json()["valid"]


def test_limit_zero_has_no_next_link_and_links_are_relative(client):
    zero = client.get("/api/v1/datasets/municipality.json?limit=0", headers={"Host": "evil.example"}).get_json()
    assert zero["rows"] == [] and zero["total"] == 133 and zero["next"] is None and zero["prev"] is None
    url = "/api/v1/datasets/municipality.json?name_ja__contains=市&limit=2&offset=2"
    body = client.get(url, headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"}).get_json()
    assert "evil" not in str(body) and "localhost" not in str(body)
    assert body["next"].startswith("/api/v1/datasets/municipality.json?") and "offset=4" in body["next"]
    assert "offset=0" in body["prev"] and "offset=2" in body["self"]
    following = client.get(body["next"]).get_json()  # the link is a working, properly encoded URL
    assert following["offset"] == 4 and all("市" in r["name_ja"] for r in following["rows"])


def test_openapi_servers_never_come_from_the_host_header(dash_app, client):
    doc = client.get("/api/v1/openapi.json", headers={"Host": "evil.example"}).get_json()
    assert doc["servers"] == [{"url": "/"}] and "evil" not in str(doc)
    dash_app.server.config["SMARTCITY_BASE_URL"] = "https://kpi.example.lg.jp/"
    try:
        doc = client.get("/api/v1/openapi.json?fresh=1", headers={"Host": "evil.example"}).get_json()
    finally:
        del dash_app.server.config["SMARTCITY_BASE_URL"]
    assert doc["servers"] == [{"url": "https://kpi.example.lg.jp"}]


@pytest.mark.parametrize("path", ["/api", "/api/", "/api/v2/datasets", "/api/v1", "/api/v1/nope",
                                  "/api/v1/datasets/municipality/rows", "/api/v1/datasets/"])
def test_unknown_api_paths_answer_json_404(client, path):
    resp = client.get(path)
    assert resp.status_code == 404 and resp.is_json, resp.data[:100]
    assert "unknown API path" in resp.get_json()["error"] and "/api/v1/datasets" in resp.get_json()["valid"]


def test_pages_are_still_pages(client):
    resp = client.get("/data")
    assert resp.status_code == 200 and resp.mimetype == "text/html"


# --- 5. CSV and Excel ---------------------------------------------------------------------------------------------

FORMULA_LIKE = ["=1+1", "+81", "-2+3", "@SUM(1)", "＝1+1", "＋1", "－1", "＠SUM(1)", " =1", "\t=1", "\u3000=1",
                "\u00a0＠x", "\n=1", "\tplain", "\rplain", "﹦1"]
HARMLESS = ["a=b", "大阪市", "01100", "", "x - y", "カ=1", "1-2"]


@pytest.mark.parametrize("value", FORMULA_LIKE + HARMLESS)
def test_formula_neutralisation_after_nfkc(value):
    expected = "'" + value if value in FORMULA_LIKE else value
    assert export.neutralise(value) == expected
    assert export.neutralise_array(pa.array([value, None])).to_pylist() == [expected, None]  # Arrow does the same


def test_api_csv_neutralises_text_and_keeps_negative_numbers(dash_app, special_db):
    with using(dash_app, special_db) as c:
        muni = c.get("/api/v1/datasets/municipality.csv?geo_code=27140").data.decode("utf-8-sig")
        values = c.get("/api/v1/datasets/observation.csv?value__lt=0").data.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(muni)))
    assert row["county_ja"] == "'＝1+1" and row["name_en"] == "' \t@SUM(1)"
    assert ",-5.5," in values  # a number stays a number (unquoted, no apostrophe)
    assert next(csv.DictReader(io.StringIO(values)))["source_ref"] == "'-5.5"  # text that looks like one


def test_xlsx_writes_text_as_text_and_numbers_as_numbers(special_db):
    view = {"dataset": "municipality", "filterModel": {"geo_code": {"filterType": "text", "type": "startsWith",
                                                                      "filter": "271"}}}
    data, _, _ = page().export_view(special_db, "xlsx", view, "municipality")
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    cells = {r[0].value: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2)}
    county = cells["27140"]["county_ja"]
    assert county.value == "＝1+1" and county.data_type == "s" and county.quotePrefix  # text, no quote added
    assert cells["27140"]["name_en"].value == " \t@SUM(1)" and cells["27140"]["name_en"].data_type == "s"
    assert cells["27100"]["geo_code"].data_type == "s" and cells["27100"]["geo_code"].number_format == "@"
    assert not cells["27100"]["name_ja"].quotePrefix and sheet["A1"].font.b and sheet.freeze_panes == "A2"
    values = load_workbook(io.BytesIO(page().export_view(special_db, "xlsx", {"dataset": "observation"},
                                                         "observation")[0])).active
    assert [c.value for c in values[1]][3] == "value" and [c.value for c in values[1]][7] == "source_ref"
    negative = [r for r in values.iter_rows(min_row=2) if r[3].value == -5.5]
    assert negative and negative[0][3].data_type == "n" and negative[0][7].value == "-5.5"
    assert negative[0][7].data_type == "s" and negative[0][7].quotePrefix


def test_xlsx_escapes_text_keeps_mixed_columns_typed_and_refuses_long_cells(special_db):
    import pandas as pd
    frame = pd.DataFrame({"text": ["a & <b>", "bell\x07", "＝1"], "mixed": [1, "x", None], "n": [1.5, float("nan"), -2]})
    sheet = load_workbook(io.BytesIO(export.to_xlsx_bytes(frame))).active
    assert [c.value for c in sheet["A"]][1:] == ["a & <b>", "bell\ufffd", "＝1"]  # escaped; no control character
    assert [(c.value, c.data_type) for c in sheet["B"]][1:] == [(1, "n"), ("x", "s"), (None, "n")]
    assert [c.value for c in sheet["C"]][1:] == [1.5, None, -2]  # NaN is an empty cell
    with pytest.raises(export.ExcelLimit, match="longer than Excel's 32,767 characters"):
        export.to_xlsx_bytes(pd.DataFrame({"t": ["x" * 32_768]}))
    view = {"dataset": "municipality", "filterModel": {"geo_code": {"filterType": "text", "type": "equals",
                                                                      "filter": "01100"}}}
    with pytest.raises(QueryError, match="column 'name_en' holds a cell longer than Excel's") as err:
        page().export_view(special_db, "xlsx", view, "municipality")
    assert "CSV をダウンロードしてください" in err.value.message
    data, _, _ = page().export_view(special_db, "utf8", view, "municipality")
    assert "x" * 40_000 in data.decode("utf-8-sig")  # CSV holds it


# Text XlsxWriter would take for its own rich-string XML (written unescaped): here it would add a formula cell B2.
RICH_XML = ('<r><t>x</t></r></is></c><c r="B2"><f>HYPERLINK("http://x","y")</f></c>'
            '<c r="C2" t="inlineStr"><is><r><t>y</t></r>')


def test_xlsx_text_that_looks_like_cell_xml_stays_text():
    import pandas as pd
    book = load_workbook(io.BytesIO(export.to_xlsx_bytes(pd.DataFrame({RICH_XML: [RICH_XML, "=1"]}),
                                                         about=[("source", RICH_XML)])))
    cells = [(c.coordinate, c.value, c.data_type) for row in book.active.iter_rows() for c in row]
    assert cells == [("A1", RICH_XML, "s"), ("A2", RICH_XML, "s"), ("A3", "=1", "s")]  # no formula, no other cell
    assert book.active["A2"].number_format == "@" and book.active["A3"].quotePrefix
    assert book[export.SOURCE_SHEET]["B1"].value == RICH_XML and book[export.SOURCE_SHEET]["B1"].data_type == "s"


def test_xlsx_cell_limit_counts_utf16_units_and_a_refused_book_leaves_no_files(tmp_path, monkeypatch):
    import tempfile

    import pandas as pd
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the writer's row files go
    fits = load_workbook(io.BytesIO(export.to_xlsx_bytes(pd.DataFrame({"t": ["😀" * 16_383]})))).active
    assert fits["A2"].value == "😀" * 16_383  # 32,766 UTF-16 units: whole, not cut
    for frame in (pd.DataFrame({"t": ["😀" * 16_384]}), pd.DataFrame({"t": ["ok"] * 3 + ["x" * 32_768]})):
        with pytest.raises(export.ExcelLimit, match="column 't' holds a cell longer than Excel's 32,767"):
            export.to_xlsx_bytes(frame)  # 16,384 emoji are 32,768 UTF-16 units: Excel would cut them
    with pytest.raises(export.ExcelLimit, match=f"{export.SOURCE_SHEET}!B2 holds a cell longer"):
        export.to_xlsx_bytes(pd.DataFrame({"t": [1]}), about=[("x", "y"), ("long", "z" * 32_768)])
    assert not list(tmp_path.iterdir())  # the row files of the refused books are gone


def test_cp932_api_csv_writes_cp932_forms_and_says_so(dash_app, special_db):
    with using(dash_app, special_db) as c:
        resp = c.get("/api/v1/datasets/municipality.csv?encoding=cp932&pref_code=27")
        clean = c.get("/api/v1/datasets/municipality.csv?encoding=cp932&geo_code=27140")
        utf8 = c.get("/api/v1/datasets/municipality.csv?pref_code=27")
    rows = list(csv.DictReader(io.StringIO(resp.data.decode("cp932"))))
    assert len(rows) == 1 + 43 + 31  # data rows only: no note row
    assert next(r for r in rows if r["geo_code"] == "27100")["name_en"] == "2021-2022 ・ ～ － ― \u0020x ?"
    assert resp.headers[export.REPLACED_HEADER] == \
        "U+00A0=U+0020, U+2013=U+002D, U+2014=U+2015, U+2022=U+30FB, U+1F600=U+003F"
    assert clean.headers[export.REPLACED_HEADER] == "none"  # the rows sent had nothing to replace
    assert export.REPLACED_HEADER not in utf8.headers and SPECIAL in utf8.data.decode("utf-8-sig")


def test_cp932_page_download_notes_the_replacements(dash_app, special_db):
    view = {"dataset": "municipality", "filterModel": {"geo_code": {"filterType": "text", "type": "equals",
                                                                      "filter": "27100"}}}
    data, name, note = page().export_view(special_db, "cp932", view, "municipality")
    rows = list(csv.DictReader(io.StringIO(data.decode("cp932"))))
    assert name == "municipality_cp932.csv" and len(rows) == 1 and "?" in rows[0]["name_en"]
    assert "– → -" in note[0] and "• → ・" in note[1] and "😀 → ?" in note[1] and "CP932" in note[0]
    utf8, _, none = page().export_view(special_db, "utf8", view, "municipality")
    assert none is None and SPECIAL in utf8.decode("utf-8-sig")
    with using(dash_app, special_db) as c:
        answer = dispatch(c, "cp932", view, dataset="municipality", lang="ja")["response"]
    assert answer["data-download"]["data"]["filename"] == "municipality_cp932.csv"
    assert "CP932（Shift_JIS）にない文字を置き換えました" in str(answer["data-dl-message"])


def test_cp932_forms_of_single_characters():
    assert [export.cp932_form(c) for c in "–—•\u00a0é😀\u200b"] == ["-", "―", "・", " ", "e", "?", ""]
    replaced: dict = {}
    assert export.encode("〜−～", "cp932", replaced).decode("cp932") == "～－～" and replaced == {}  # codec's own
    assert export.replaced_header({"\u200b": ""}) == "U+200B=(removed)"


def test_arrow_csv_matches_the_database_values(dash_app, client, db):
    """The Arrow writer's cells: ISO dates and date-times, true/false, empty for NULL, numbers as DuckDB has them."""
    changes = list(csv.DictReader(io.StringIO(client.get("/api/v1/datasets/build_change.csv").data
                                              .decode("utf-8-sig"))))
    with duckdb.connect(str(db), read_only=True) as con:
        built = {r[0].isoformat() for r in con.execute("SELECT built_at FROM build_change").fetchall()}
        rate = con.execute("SELECT rate_pct, reported FROM dx_application_rate WHERE rate_pct IS NOT NULL "
                           "ORDER BY ALL LIMIT 1").fetchone()
    assert built and {r["built_at"] for r in changes} == built  # date-times in ISO 8601
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/datasets/dx_application_rate.csv?sort=rate_pct,"
                                                      "reported&rate_pct__blank=false").data.decode("utf-8-sig"))))
    assert float(rows[0]["rate_pct"]) == rate[0] and rows[0]["reported"] == str(rate[1]).lower()
    blank = client.get("/api/v1/datasets/dx_application_rate.csv?rate_pct__blank=true&limit=1").data.decode("utf-8-sig")
    assert next(csv.DictReader(io.StringIO(blank)))["rate_pct"] == ""


def test_downloads_work_after_another_query_left_rows_unread(dash_app, db):
    """Inside a request every query shares one cursor: a query that read only its first row must not break the
    streamed reads that follow (DuckDB refuses con.sql() on a cursor holding unread rows)."""
    from smartcity.db import connect
    with dash_app.server.test_request_context("/data"):
        with connect(db) as con:
            assert con.execute("SELECT * FROM range(10)").fetchone() == (0,)
        data, _, _ = page().export_view(db, "utf8", {"dataset": "municipality"}, "municipality")
        with connect(db) as con:
            con.execute("SELECT * FROM range(10)").fetchone()
        xlsx, _, _ = page().export_view(db, "xlsx", {"dataset": "municipality"}, "municipality")
    assert data.count(b"\r\n") == 1 + 133 and load_workbook(io.BytesIO(xlsx)).active.max_row == 1 + 133
