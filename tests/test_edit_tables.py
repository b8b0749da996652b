"""The registry of editable tables, their published content, the download templates and the difference with an
upload (smartcity.edit.tables, template, diff); the template → upload round trip of every table."""
from __future__ import annotations

import csv
import datetime as dt
import io
import math

import duckdb
import openpyxl
import pandas as pd
import pytest

from common.settings import PROJECT_ROOT
from etl.reference import load_specs
from smartcity.edit import template
from smartcity.edit.diff import diff, same
from smartcity.edit.tables import editable_tables, published, typed
from smartcity.edit.upload import read
from smartcity.edit.validation import context_from_db, validate



@pytest.fixture(scope="module")
def tables():
    return editable_tables(PROJECT_ROOT / "data" / "reference", PROJECT_ROOT / "data" / "kpi")


# --- registry -----------------------------------------------------------------------------------------------------


def test_every_reference_table_and_the_targets_are_editable(tables):
    reference = {s.table for s in load_specs(PROJECT_ROOT / "data" / "reference")}
    # documents: declared editable = false; observation_entry: observations of indicators no table derives
    assert set(tables) == (reference - {"documents"}) | {"target", "observation_entry"}
    assert "indicator" not in tables
    target = tables["target"]
    assert target.key == ("indicator_id", "geo_code") and target.code_columns == ("geo_code",)
    assert target.title_ja == "指標の基準値と目標" and target.label == "data/kpi"
    assert tables["ospf_projects"].code_columns == ("muni_code",)
    assert tables["smart_senior_life"].code_columns == ("muni_code", "ward_code")
    assert tables["joint_procurement_adoption"].code_columns == ()
    assert tables["joint_procurement_adoption"].is_fiscal("year")
    assert not tables["municipal_service_adoption"].is_fiscal("year")
    assert tables["procedures"].maximum("adoption_rate_pct") == 100


def test_every_indicator_a_rule_names_exists():
    tables = editable_tables(PROJECT_ROOT / "data" / "reference", PROJECT_ROOT / "data" / "kpi")
    known = {r["indicator_id"] for r in csv.DictReader(open(PROJECT_ROOT / "data/kpi/indicators.csv"))}
    named = {b.indicator for t in tables.values() for b in t.bounds if b.indicator}
    assert named and named <= known


SCHEMA = '''
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

[tables.things.edit]
'''


@pytest.mark.parametrize("edit, message", [
    ('observed = ["when"]', "unknown column(s) when"),
    ("cumulatve = []", "unknown edit key(s) cumulatve"),
    ('bounds = [{ column = "count" }]', "needs `indicator_column`"),
])
def test_a_mistyped_rule_fails_at_once(tmp_path, edit, message):
    for sub, text in (("reference", SCHEMA + edit + "\n"), ("kpi", "[tables]\n")):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "schema.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        editable_tables(tmp_path / "reference", tmp_path / "kpi")


# --- published ----------------------------------------------------------------------------------------------------


def test_published_is_typed_in_schema_order_from_a_path_or_a_connection(tables, fixture_db):
    table = tables["joint_procurement_adoption"]
    frame = published(fixture_db, "joint_procurement_adoption", tables)
    assert list(frame.columns) == table.columns and len(frame) >= 60
    assert str(frame["year"].dtype) == "Int64" and frame["system_id"].dtype == object
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        pd.testing.assert_frame_equal(published(con, table), frame)
    codes = published(fixture_db, tables["municipal_service_adoption"])["geo_code"]
    assert "00000" in set(codes)  # codes stay zero-padded text


@pytest.mark.parametrize("name", ["indicator", "observation", "documents", 'target"; DROP TABLE target; --'])
def test_published_refuses_a_name_not_in_the_registry(tables, name, fixture_db):
    with pytest.raises(KeyError):
        published(fixture_db, name, tables)


# --- templates ----------------------------------------------------------------------------------------------------


def frame_of(table, rows: list[dict]) -> pd.DataFrame:
    return typed(table, pd.DataFrame([{**dict.fromkeys(table.columns), **r} for r in rows], columns=table.columns))


def test_xlsx_template_types_cells_and_has_no_formula(tables):
    table = tables["ospf_projects"]
    frame = frame_of(table, [{"project_id": "p1", "muni_code": "01100", "start_fiscal_year": 2021,
                              "n_municipalities": 3, "working_group": True, "note": "=HYPERLINK(\"x\")",
                              "source_doc": "002_dccbf011ea76040a.txt", "source_section": "節", "source_line": 5}])
    book = openpyxl.load_workbook(io.BytesIO(template.xlsx(table, frame)))
    assert book.sheetnames == ["データ", "説明"]
    data = book["データ"]
    assert [c.value for c in data[1]] == table.columns and data.freeze_panes == "A2"
    row = {h: c for h, c in zip(table.columns, data[2])}
    assert row["muni_code"].value == "01100" and row["muni_code"].data_type == "s"
    assert row["start_fiscal_year"].value == 2021 and row["start_fiscal_year"].data_type == "n"
    assert row["working_group"].value is True
    assert row["note"].value == '=HYPERLINK("x")' and row["note"].data_type == "s"  # text, shown as text
    assert row["note"].quotePrefix
    assert all(c.data_type != "f" for sheet in book.worksheets for r in sheet.iter_rows() for c in r)


def test_xlsx_guide_explains_every_column_and_the_checks(tables):
    table = tables["joint_procurement_adoption"]
    book = openpyxl.load_workbook(io.BytesIO(template.xlsx(table, frame_of(table, []))))
    guide = [[v for v in r] for r in book["説明"].iter_rows(values_only=True)]
    assert guide[2][:5] == ["列名", "項目（日本語）", "項目（英語）", "型", "必須"]
    by_name = {r[0]: r for r in guide[3:3 + len(table.columns)]}
    assert list(by_name) == table.columns
    assert tuple(by_name["municipalities"][1:4]) == ("市町村数", "Municipalities", "整数")
    assert by_name["municipalities"][6] == 0 and "muni_e_application_adoption" in by_name["municipalities"][7]
    assert by_name["year"][3].startswith("年度") and by_name["system_id"][9] == "キー"
    text = "\n".join(str(v) for r in guide for v in r if v)
    assert "累計" in text and "joint + own" in text and "未来にできません" in text and "数式" in text
    english = openpyxl.load_workbook(io.BytesIO(template.xlsx(table, frame_of(table, []), "en")))
    assert english.sheetnames == ["Data", "Guide"]


def test_guide_of_targets_names_the_star_and_the_indicator_column(tables):
    table = tables["target"]
    book = openpyxl.load_workbook(io.BytesIO(template.xlsx(table, frame_of(table, []))))
    rows = {r[0]: r for r in book["説明"].iter_rows(values_only=True) if r[0] in table.columns}
    assert "*" in rows["geo_code"][5] and "indicators.csv" in rows["indicator_id"][5]
    assert "quotation" in rows["basis"][5]


def test_csv_template_bom_or_cp932_codes_as_text(tables):
    table = tables["municipal_service_adoption"]
    frame = frame_of(table, [{"service_id": "e_payment", "year": 2022, "geo_code": "00000", "rate_pct": 12.5,
                              "note": "-5 では", "source_doc": "d", "source_section": "節", "source_line": 1}])
    data = template.csv(table, frame)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    assert rows[0] == table.columns and rows[1][4] == "00000" and rows[1][3] == "2022" and rows[1][6] == "12.5"
    assert rows[1][table.columns.index("note")] == "'-5 では"  # neutralised for Excel; the upload reads it back
    assert template.csv(table, frame, "cp932").decode("cp932").startswith("service_id,")


# --- diff ---------------------------------------------------------------------------------------------------------


def test_diff_added_removed_changed_by_key():
    before = pd.DataFrame({"k": ["a", "b", "c"], "n": [1, 2, None], "x": [1.5, None, 3.0]})
    after = pd.DataFrame({"k": ["a", "c", "d"], "n": [1.0, 5, 7], "x": [float("nan"), 3, 0.0]})
    d = diff(before, after, ["k"])
    assert d.added["k"].tolist() == ["d"] and d.removed["k"].tolist() == ["b"]
    assert d.changed == [(("a",), {"x": (1.5, None)}), (("c",), {"n": (None, 5)})]
    assert d.summary() == {"added": 1, "changed": 2, "removed": 1} and not d.empty


def test_diff_treats_missing_values_as_one_and_compares_typed_values():
    a = pd.DataFrame({"k": [1, 2], "v": [None, "x"], "n": pd.array([3, None], dtype="Int64")})
    b = pd.DataFrame({"k": [1.0, 2.0], "v": [float("nan"), "x"], "n": [3.0, float("nan")]})
    assert diff(a, b, ["k"]).empty
    assert same(None, None) and not same(None, 0) and not same(True, 1) and same(3, 3.0)
    assert not same("01100", "1100")


# --- the round trip -----------------------------------------------------------------------------------------------


def test_every_template_uploaded_unchanged_passes_with_no_difference(tables, fixture_db):
    """Download the template of each table, upload it unchanged: no problem, and nothing differs."""
    today = dt.date(2026, 11, 30)
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        contexts = {name: context_from_db(con, table, today) for name, table in tables.items()}
    for name, table in tables.items():
        ctx = contexts[name]
        if ctx.published.empty:  # observation_entry starts empty: an empty upload is refused (the table would be empty)
            continue
        for kind, data in (("xlsx", template.xlsx(table, ctx.published)), ("csv", template.csv(table, ctx.published))):
            report = validate(table, read(f"{name}.{kind}", data), ctx)
            assert report.ok, (name, kind, report.problems[:3])
            assert diff(ctx.published, report.frame, table.key).empty, (name, kind)
            pd.testing.assert_frame_equal(report.frame, ctx.published)


def test_cp932_template_round_trip(tables, fixture_db):
    table = tables["joint_procurement_adoption"]
    ctx = context_from_db(fixture_db, table, dt.date(2026, 11, 30))
    up = read("joint.csv", template.csv(table, ctx.published, "cp932"))
    assert up.encoding == "cp932"
    report = validate(table, up, ctx)
    assert report.ok and diff(ctx.published, report.frame, table.key).empty


def test_an_edited_template_shows_its_changes(tables, fixture_db):
    """The issue's scenario: fiscal 2024 added for two systems, one figure corrected."""
    table = tables["joint_procurement_adoption"]
    ctx = context_from_db(fixture_db, table, dt.date(2026, 11, 30))
    book = openpyxl.load_workbook(io.BytesIO(template.xlsx(table, ctx.published)))
    sheet = book["データ"]
    last = [c.value for c in sheet[sheet.max_row]]
    for system, counts in (("e_application", (38, 5, 43)), ("chat_tool", (36, 2, 38))):
        for procurement, n in zip(("joint", "own", "total"), counts):
            sheet.append([system, None, None, 2024, procurement, n, None, "https://www.pref.osaka.lg.jp/smartcity/",
                          "令和6年度の導入状況", 1])
    before = sheet.cell(row=2, column=7).value
    sheet.cell(row=2, column=7).value = "訂正 / corrected"  # e_application 2020 joint's note
    out = io.BytesIO()
    book.save(out)
    report = validate(table, read("edited.xlsx", out.getvalue()), ctx)
    assert report.ok, report.problems
    d = diff(ctx.published, report.frame, table.key)
    assert len(d.added) == 6 and d.removed.empty and last[0] is not None
    assert d.changed == [(("e_application", 2020, "joint"), {"note": (before, "訂正 / corrected")})]
    assert not math.isnan(report.frame["municipalities"].astype(float).sum())
