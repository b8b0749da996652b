"""The open-data catalog page: paging, sorting and filtering done by the database, and downloads of the view."""
from __future__ import annotations

import csv
import io
import sys

import duckdb
import pytest
from openpyxl import load_workbook

from helpers import layout_of, page_text, scroll_click



def page():
    return sys.modules["pages.data"]


def test_layout_lists_every_dataset_with_metadata(dash_app):
    with dash_app.server.test_request_context("/data"):
        text = page_text(layout_of("data", dataset="procedures"))
    assert "行政手続きオンライン化の導入率とオンライン手続き率" in text and "出典：総務省" in text
    assert "データセット一覧" in text and "mynumber_issuance" in text
    with dash_app.server.test_request_context("/data?lang=en"):
        assert "All datasets" in page_text(layout_of("data", lang="en"))


def test_rows_are_sorted_filtered_and_paged_by_the_database(dash_app, db):
    request = {"startRow": 50, "endRow": 100, "sortModel": [{"colId": "population", "sort": "desc"}],
               "filterModel": {"snapshot_date": {"filterType": "date", "type": "equals",
                                                 "dateFrom": "2022-09-30 00:00:00"},
                               "level": {"filterType": "text", "type": "equals", "filter": "municipality"}}}
    with dash_app.server.test_request_context("/data"):
        response, view, count, message = page().page_rows(request, "mynumber_issuance", "ja")
    with duckdb.connect(str(db), read_only=True) as con:
        expected = con.execute("""SELECT geo_code FROM mynumber_issuance WHERE snapshot_date = '2022-09-30'
                                  AND level = 'municipality' ORDER BY population DESC, geo_code LIMIT 50 OFFSET 50""")\
            .fetchall()
    assert response["rowCount"] == 54 and count == "54 行"  # the fixture's municipalities
    assert [r["geo_code"] for r in response["rowData"]] == [e[0] for e in expected]
    assert view["filterModel"]["level"]["filter"] == "municipality" and message is None


def test_unknown_column_in_a_grid_request_is_refused(dash_app):
    with dash_app.server.test_request_context("/data"):
        response, _, _, message = page().page_rows({"startRow": 0, "endRow": 50, "filterModel": {
            "x; DROP TABLE source": {"filterType": "text", "type": "equals", "filter": "1"}}}, "source", "en")
    assert response == {"rowData": [], "rowCount": 0} and "unknown column" in page_text(message)


@pytest.mark.parametrize("kind", ["utf8", "cp932", "xlsx"])
def test_download_of_the_filtered_view(db, kind):
    view = {"dataset": "municipality", "filterModel": {"pref_code": {"filterType": "text", "type": "equals",
                                                                     "filter": "27"}},
            "sortModel": [{"colId": "geo_code", "sort": "asc"}]}
    data, name, note = page().export_view(db, kind, view, "municipality")
    assert note is None  # every character of these rows exists in CP932
    if kind == "xlsx":
        rows = list(load_workbook(io.BytesIO(data)).active.values)[1:]
        header = list(load_workbook(io.BytesIO(data)).active.values)[0]
        rows = [dict(zip(header, r)) for r in rows]
    else:
        assert data.startswith(b"\xef\xbb\xbf") == (kind == "utf8")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig" if kind == "utf8" else "cp932"))))
    assert name.startswith("municipality")
    assert len(rows) == 1 + 43 + 31  # the prefecture, its municipalities and the wards of Osaka and Sakai
    assert rows[0]["geo_code"] == "27000" and rows[1]["name_ja"] == "大阪市" and rows[1]["lg_code"] == "271004"


# ---------------------------------------------------------------- browser

GRID_API = "const done = arguments[arguments.length - 1]; dash_ag_grid.getApiAsync('data-grid').then(api => {%s});"


def grid_count(driver) -> str:
    from selenium.webdriver.common.by import By
    return driver.find_element(By.ID, "data-count").text


@pytest.mark.browser
def test_grid_offers_only_server_filters_and_each_works_in_the_browser(chrome, server_url, db):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from helpers import wait_rendered
    from smartcity import gridquery
    chrome.get(server_url + "/data?dataset=municipality&lang=en")
    wait_rendered(chrome, "data-page")
    WebDriverWait(chrome, 30).until(lambda d: grid_count(d) == "133 rows")
    # the filter menu of a text column lists exactly the types the server implements
    chrome.execute_async_script(GRID_API % "api.showColumnFilter('name_ja'); setTimeout(done, 500);")
    scroll_click(chrome, chrome.find_element(By.CSS_SELECTOR, ".ag-filter .ag-picker-field-wrapper"))
    WebDriverWait(chrome, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".ag-select-list .ag-list-item"))
    labels = [e.text for e in chrome.find_elements(By.CSS_SELECTOR, ".ag-select-list .ag-list-item")]
    assert labels == ["Contains", "Does not contain", "Equals", "Does not equal", "Begins with", "Ends with",
                      "Blank", "Not blank"]
    assert len(labels) == len(gridquery.FILTER_OPTIONS["text"])
    # a type the server used to ignore now filters: "ends with 区" leaves the wards
    chrome.execute_async_script(GRID_API % "api.setColumnFilterModel('name_ja', {filterType: 'text', "
                                "type: 'endsWith', filter: '区'}).then(() => {api.onFilterChanged(); done();});")
    with duckdb.connect(str(db), read_only=True) as con:
        wards = con.execute("SELECT count(*) FROM municipality WHERE name_ja LIKE '%区'").fetchone()[0]
    WebDriverWait(chrome, 30).until(lambda d: grid_count(d) == f"{wards} rows")
    assert 0 < wards < 133
    severe = [e["message"] for e in chrome.get_log("browser") if e["level"] == "SEVERE" or "AG Grid" in e["message"]]
    assert severe == []  # AG Grid accepted every filter option name


def test_a_build_that_changed_no_file_is_described(dash_app):
    """A publication's build changes tables only: its files_changed is NULL (NaN in the frame)."""
    import math

    from pages.data import build_words
    assert build_words({"note": None, "files_changed": math.nan}, 2, "ja") == "表の内容が変わりました"
