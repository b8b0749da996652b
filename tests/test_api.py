"""The read-only API on the real database: every dataset in every format, filters, paging, caching, errors,
formula neutralisation, the Frictionless data package, and a property-based run against the OpenAPI document."""
from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile

import duckdb
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from smartcity import catalog
from smartcity.export import to_csv_bytes, to_xlsx_bytes



@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


def db_count(db, table: str, where: str = "", params=()) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f'SELECT count(*) FROM "{table}" {where}', params).fetchone()[0]


def test_catalog_lists_every_table_with_metadata(client, db):
    body = client.get("/api/v1/datasets").get_json()
    ids = {d["id"] for d in body["datasets"]}
    assert {"mynumber_issuance", "municipality", "boundary", "observation", "assessment", "indicator", "target",
            "joint_procurement_adoption", "procedures", "ospf_membership", "milestones"} <= ids
    for d in body["datasets"]:
        assert d["title"]["ja"] and d["title"]["en"] and d["description"]["ja"] and d["description"]["en"]
        assert d["columns"] and all(c["description"]["ja"] and c["description"]["en"] for c in d["columns"])
        assert d["rows"] == db_count(db, d["id"])
        assert d["licence"] and d["describes"] and len(d["build"]["content_sha256"]) == 64
    mn = next(d for d in body["datasets"] if d["id"] == "mynumber_issuance")
    assert "総務省" in mn["credit"] and mn["describes"] == "2021-01-01 – 2022-09-30"  # the fixture's three snapshots


def test_every_dataset_in_every_format_has_the_database_row_count(client, db):
    for d in catalog.datasets(db):
        n = db_count(db, d.id)
        text = client.get(f"/api/v1/datasets/{d.id}.csv").data.decode("utf-8-sig")
        assert len(list(csv.reader(io.StringIO(text)))) - 1 == n, d.id
        body = client.get(f"/api/v1/datasets/{d.id}.json?limit=10000").get_json()
        assert body["total"] == n and len(body["rows"]) == min(n, 10000), d.id
        table = pq.read_table(io.BytesIO(client.get(f"/api/v1/datasets/{d.id}.parquet").data))
        assert table.num_rows == n, d.id


def test_csv_defaults_to_utf8_bom_and_cp932_round_trips_japanese(client):
    utf8 = client.get("/api/v1/datasets/municipality.csv?pref_code=27&level=municipality").data
    assert utf8.startswith(b"\xef\xbb\xbf")
    resp = client.get("/api/v1/datasets/municipality.csv?pref_code=27&level=municipality&encoding=cp932")
    assert "shift_jis" in resp.headers["Content-Type"]
    rows = list(csv.DictReader(io.StringIO(resp.data.decode("cp932"))))
    assert len(rows) == 43
    assert {"千早赤阪村", "大阪市", "四條畷市"} <= {r["name_ja"] for r in rows}
    assert next(r for r in rows if r["geo_code"] == "27383")["lg_code"] == "273830"  # zero-padded text


def test_filters_sort_and_paging(client, db):
    url = "/api/v1/datasets/mynumber_issuance.json?geo_code=27100&geo_code=27140&snapshot_date__gte=2022-01-01" \
          "&sort=-snapshot_date,geo_code&limit=3&offset=2"
    body = client.get(url).get_json()
    expected = db_count(db, "mynumber_issuance", "WHERE geo_code IN ('27100','27140') AND snapshot_date >= '2022-01-01'")
    assert body["total"] == expected == 4  # the fixture's 2 snapshots in 2022 x 2 cities
    assert [(r["snapshot_date"], r["geo_code"]) for r in body["rows"]] == [("2022-01-01", "27100"),
                                                                            ("2022-01-01", "27140")]
    assert body["next"] is None
    paged = client.get(url.replace("limit=3&offset=2", "limit=1&offset=1")).get_json()
    assert [(r["snapshot_date"], r["geo_code"]) for r in paged["rows"]] == [("2022-09-30", "27140")]
    assert "offset=2" in paged["next"]
    osaka = client.get("/api/v1/datasets/mynumber_issuance.json?geo_code=27100&snapshot_date=2022-09-30").get_json()
    assert osaka["rows"][0]["cards_issued"] == 1373229 and osaka["rows"][0]["population"] == 2732197
    contains = client.get("/api/v1/datasets/municipality.json?name_ja__contains=千早").get_json()
    assert [r["geo_code"] for r in contains["rows"]] == ["27383"]


def test_json_has_a_hard_row_cap(client):
    resp = client.get("/api/v1/datasets/mynumber_issuance.json?limit=10001")
    assert resp.status_code == 400 and "cap of 10000" in resp.get_json()["error"]
    assert client.get("/api/v1/datasets/mynumber_issuance.json").get_json()["limit"] == 1000


def test_etag_last_modified_and_304(client):
    first = client.get("/api/v1/datasets/procedures.json")
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    assert "max-age" in first.headers["Cache-Control"]
    again = client.get("/api/v1/datasets/procedures.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/api/v1/datasets/procedures.json?geo_code=27000", headers={"If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200


@pytest.mark.parametrize("url, status, message, valid", [
    ("/api/v1/datasets/nope.csv", 404, "unknown dataset 'nope'", "mynumber_issuance"),
    ("/api/v1/datasets/municipality.xml", 404, "unknown format 'xml'", "parquet"),
    ("/api/v1/datasets/municipality.csv?bogus=1", 400, "unknown parameter or column 'bogus'", "geo_code"),
    ("/api/v1/datasets/municipality.json?sort=nope", 400, "unknown column 'nope'", "name_ja"),
    ("/api/v1/datasets/municipality.json?geo_code__like=1", 400, "unknown operator 'like'", "contains"),
    ("/api/v1/datasets/municipality.csv?encoding=latin-1", 400, "unknown encoding 'latin-1'", "cp932"),
    ("/api/v1/datasets/municipality.json?limit=-1", 400, "limit must be a whole number", "limit=0"),
    ("/api/v1/datasets/mynumber_issuance.json?snapshot_date=yesterday", 400,
     "'yesterday' does not fit column 'snapshot_date', which holds dates (YYYY-MM-DD)", "2022-09-30"),
    ("/api/v1/datasets/municipality.json?geo_code=1';DROP TABLE municipality;--", 200, None, None),
])
def test_bad_requests_say_what_is_valid(client, url, status, message, valid):
    resp = client.get(url)
    assert resp.status_code == status
    if message:
        body = resp.get_json()
        assert message in body["error"]
        if valid:
            assert valid in body["valid"]


def test_injection_attempt_is_just_a_value(client, db):
    assert client.get("/api/v1/datasets/municipality.json?geo_code=1' OR '1'='1").get_json()["total"] == 0
    assert db_count(db, "municipality") == 1 + 47 + 54 + 31  # the fixture: Japan, prefectures, 54 municipalities, wards


def test_formula_like_text_is_neutralised_in_csv_and_excel(dash_app, db, tmp_path):
    copy = tmp_path / "formula.duckdb"
    shutil.copy(db, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("UPDATE municipality SET name_en = '=HYPERLINK(\"http://x\",\"y\")' WHERE geo_code = '27100'")
        con.execute("UPDATE municipality SET county_ja = '@SUM(1)' WHERE geo_code = '27140'")
    saved = dash_app.server.config["SMARTCITY_DB"]
    dash_app.server.config["SMARTCITY_DB"] = str(copy)
    try:
        text = dash_app.server.test_client().get("/api/v1/datasets/municipality.csv?geo_code=27100&geo_code=27140") \
            .data.decode("utf-8-sig")
    finally:
        dash_app.server.config["SMARTCITY_DB"] = saved
    rows = {r["geo_code"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["27100"]["name_en"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert rows["27140"]["county_ja"] == "'@SUM(1)"


def test_export_helpers_keep_numbers_and_neutralise_text():
    import pandas as pd
    from openpyxl import load_workbook
    frame = pd.DataFrame({"geo_code": ["01100", "27100"], "note": ["-5 is text", "+81"], "value": [-5, 12.5]})
    text = to_csv_bytes(frame).decode("utf-8-sig")
    assert "01100,'-5 is text,-5" in text and "27100,'+81,12.5" in text
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active
    assert [c.value for c in sheet[2]] == ["01100", "-5 is text", -5]  # text as text, no quote added
    assert [c.data_type for c in sheet[2]] == ["s", "s", "n"]
    assert sheet["B2"].quotePrefix and not sheet["A2"].quotePrefix
    assert to_csv_bytes(frame, "cp932").decode("cp932").startswith("geo_code")


def test_datapackage_validates_the_downloaded_data(client, tmp_path):
    from frictionless import validate
    zipfile.ZipFile(io.BytesIO(client.get("/api/v1/catalog.zip").data)).extractall(tmp_path)
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    served = client.get("/api/v1/datapackage.json").get_json()
    assert served == package
    assert len(package["resources"]) == len(client.get("/api/v1/datasets").get_json()["datasets"])
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, [(t.name, [e.note for e in t.errors[:2]]) for t in report.tasks if not t.valid]
    assert "## mynumber_issuance" in (tmp_path / "README.md").read_text(encoding="utf-8")


def test_openapi_document_lists_the_endpoints(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.") and "/api/v1/datasets/{name}" in doc["paths"]


@pytest.fixture
def api_schema(dash_app):
    """The served OpenAPI document, loaded through the WSGI app (no server needed)."""
    import schemathesis
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", dash_app.server)


def test_property_based_run_finds_no_server_error(api_schema):
    # schemathesis' pytest plugin does not work with this pytest; its Hypothesis strategies are used directly
    failures, statuses = [], []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def check(case):
            try:
                statuses.append(case.call_and_validate(checks=[not_a_server_error]).status_code)
            except Exception as exc:  # noqa: BLE001 - collect every failure with its request
                failures.append((case.method, case.formatted_path, case.query, str(exc)[:300]))
        check()
    assert failures == []
    assert len(statuses) > 100 and {200, 400} <= set(statuses)  # the run reached real answers and errors
