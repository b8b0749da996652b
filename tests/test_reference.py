"""Reference tables: typed loading and the messages for bad transcriptions."""

import pytest

from etl.errors import EtlError
from etl.reference import create_sql, load_specs, load_table
from common.settings import PROJECT_ROOT

GEO = {"27000", "00000", "13000", "27100"}


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "schema.toml").write_text('''
[tables.things]
file = "things.csv"
title_ja = "もの"
title_en = "Things"
description_ja = "説明"
description_en = "Description"
primary_key = ["thing_id"]

[tables.things.columns]
thing_id = { type = "text", required = true, ja = "ID", en = "Id" }
count = { type = "integer", min = 0, ja = "数", en = "Count" }
geo_code = { type = "code", ja = "地域", en = "Geo" }
date = { type = "date", ja = "日付", en = "Date" }
source_doc = { type = "text", required = true, ja = "出典", en = "Source" }
''', encoding="utf-8")
    return tmp_path


def load(folder, body):
    (folder / "things.csv").write_text("thing_id,count,geo_code,date,source_doc\n" + body, encoding="utf-8")
    (spec,) = load_specs(folder)
    return load_table(spec, folder, GEO, "0" * 64)


def test_valid_file_loads_typed(folder):
    frame, report = load(folder, "a,3,27100,2022-03,002_dccbf011ea76040a.txt\n")
    assert frame.loc[0, "count"] == 3 and frame.loc[0, "geo_code"] == "27100"
    assert report.rows_read == report.rows_loaded == 1


@pytest.mark.parametrize("line, where, reason", [
    ("a,-1,27100,2022,002_dccbf011ea76040a.txt", "row 2, column 'count'", "below the minimum"),
    ("a,－,27100,2022,002_dccbf011ea76040a.txt", "row 2, column 'count'", "dash"),
    ("a,1,99999,2022,002_dccbf011ea76040a.txt", "row 2, column 'geo_code'", "unknown geographic code"),
    ("a,1,27100,2022/03/01,002_dccbf011ea76040a.txt", "row 2, column 'date'", "not an ISO date"),
    (",1,27100,2022,002_dccbf011ea76040a.txt", "row 2, column 'thing_id'", "required value is empty"),
    ("a,1,27100,2022,notes.txt", "row 2, column 'source_doc'", "not a seed document"),
])
def test_bad_cells_fail_with_file_row_column_reason(folder, line, where, reason):
    with pytest.raises(EtlError) as err:
        load(folder, line + "\n")
    assert f"data/reference/things.csv, {where}: " in str(err.value)
    assert reason in str(err.value)


def test_duplicate_keys_name_both_rows(folder):
    with pytest.raises(EtlError, match=r"row 3, column 'thing_id': duplicate key \('a',\) \(first at row 2\)"):
        load(folder, "a,1,27100,2022,002_dccbf011ea76040a.txt\na,2,27100,2022,002_dccbf011ea76040a.txt\n")


def test_create_sql_quotes_identifiers(folder):
    (spec,) = load_specs(folder)
    sql = create_sql(spec)
    assert 'CREATE TABLE "things"' in sql and '"count" BIGINT' in sql and 'PRIMARY KEY ("thing_id")' in sql


def test_committed_reference_files_all_load():
    """Every committed reference and KPI file passes its schema (codes checked against the Osaka set)."""
    import csv
    osaka = {r["geo_code"] for r in csv.DictReader(open(PROJECT_ROOT / "data/names/osaka_municipalities.csv"))}
    wards = {r["geo_code"] for r in csv.DictReader(open(PROJECT_ROOT / "data/names/osaka_wards.csv"))}
    geo = osaka | wards | {"00000", "13000", "27000"}
    for sub in ("data/reference", "data/kpi"):
        for spec in load_specs(PROJECT_ROOT / sub):
            frame, report = load_table(spec, PROJECT_ROOT / sub, geo, "0" * 64)
            assert report.rows_loaded == len(frame), spec.file
            # observation_entries.csv starts empty: officials enter those observations through the app
            assert len(frame) > 0 or spec.table == "observation_entry", spec.file
            provenance = {"source_doc", "source_section", "source_line"}
            if provenance <= set(frame.columns) and spec.table != "target":
                assert frame["source_doc"].notna().all() and frame["source_line"].notna().all(), spec.file
