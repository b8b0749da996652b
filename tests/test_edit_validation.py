"""The validation report of an upload (smartcity.edit.validation): every rule, each problem with its row and column
as in the file and a reason in Japanese; the whole file checked at once; the canonical CSV the ETL reads back."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from common.settings import PROJECT_ROOT
from etl.reference import load_table
from smartcity.edit import template, validation
from smartcity.edit.diff import diff
from smartcity.edit.tables import editable_tables, typed
from smartcity.edit.upload import read
from smartcity.edit.validation import Context, Indicator, canonical_csv, fiscal_year, validate

FIXTURES = Path(__file__).with_name("fixtures") / "edit"
JAPANESE = re.compile(r"[ぁ-んァ-ン一-龥]")
TODAY = dt.date(2025, 6, 1)  # fiscal year 2025
SOURCE = {"source_doc": "002_dccbf011ea76040a.txt", "source_section": "節", "source_line": "1"}
GEO = {"00000": ("日本", None), "13000": ("東京都", "00000"), "27000": ("大阪府", "00000"),
       "27100": ("大阪市", "27000"), "27102": ("都島区", "27100"), "27140": ("堺市", "27000"),
       "27226": ("藤井寺市", "27000"), "01100": ("札幌市", "01000")}


@pytest.fixture(scope="module")
def tables():
    return editable_tables(PROJECT_ROOT / "data" / "reference", PROJECT_ROOT / "data" / "kpi")


@pytest.fixture(scope="module")
def indicators():
    rows = csv.DictReader(open(PROJECT_ROOT / "data" / "kpi" / "indicators.csv", encoding="utf-8"))
    return {r["indicator_id"]: Indicator(float(r["lower_bound"]) if r["lower_bound"] else None,
                                         float(r["upper_bound"]) if r["upper_bound"] else None, r["name_ja"])
            for r in rows}


@pytest.fixture
def ctx(indicators):
    return Context(GEO, indicators, None, TODAY)


def upload_csv(table, rows: list[dict], header: list[str] | None = None, name: str = "upload.csv"):
    """An upload of `rows` (dicts of text; missing columns empty) as a UTF-8 CSV."""
    header = header or table.columns
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in header])
    return read(name, out.getvalue().encode("utf-8"))


def check(table, rows, ctx, **kw):
    """The problems of an upload as (row, column, code); every one with a Japanese and an English reason."""
    report = validate(table, upload_csv(table, rows, **kw), ctx)
    for p in report.problems:
        assert JAPANESE.search(p.reason_ja) and p.reason_en, p
    return report, [(p.row, p.column, p.code) for p in report.problems]


def joint(system="e_application", year="2024", procurement="joint", n="1", **extra):
    return {"system_id": system, "year": year, "procurement": procurement, "municipalities": n, **SOURCE, **extra}


def target(**extra):
    return {"indicator_id": "muni_e_application_adoption", "geo_code": "*", "target_value": "43",
            "target_date": "2026-03-31", "basis": "assumption", "date_basis": "assumption", **extra}


# --- the whole file at once ---------------------------------------------------------------------------------------


def test_every_problem_of_a_file_is_reported_at_once(tables, ctx):
    up = read("joint_procurement_errors.csv", (FIXTURES / "joint_procurement_errors.csv").read_bytes())
    report = validate(tables["joint_procurement_adoption"], up, ctx)
    assert not report.ok and report.frame is None and report.rows == 12
    assert [(p.row, p.column, p.code) for p in report.problems] == [
        (5, "municipalities", "count_decreased"),
        (6, "municipalities", "not_integer"),
        (7, "municipalities", "out_of_bounds"),
        (8, "source_doc", "missing_source"),
        (8, "source_section", "missing_source"),  # a line number is asked of transcribed files only
        (10, "municipalities", "sum_mismatch"),
        (11, "year", "future_period"),
        (12, "system_id,year,procurement", "duplicate_key"),
        (13, "municipalities", "formula"),
    ]
    reasons = {p.code: p.reason_ja for p in report.problems}
    assert "35 から" in reasons["count_decreased"] and "30" in reasons["count_decreased"]
    assert "44" in reasons["out_of_bounds"] and "0〜43" in reasons["out_of_bounds"]
    assert "2 行目" in reasons["duplicate_key"]
    assert "=SUM(F2:F3)" in reasons["formula"]
    assert "37" in reasons["sum_mismatch"] and "36" in reasons["sum_mismatch"]


def test_problems_download_as_csv_with_bom(tables, ctx):
    up = read("joint_procurement_errors.csv", (FIXTURES / "joint_procurement_errors.csv").read_bytes())
    report = validate(tables["joint_procurement_adoption"], up, ctx)
    data = report.to_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"))))
    assert list(rows[0]) == ["sheet", "row", "column", "code", "reason_ja", "reason_en"]
    assert rows[0]["row"] == "5" and "累計" in rows[0]["reason_ja"] and len(rows) == len(report.problems)
    assert report.to_csv("cp932").decode("cp932").startswith("sheet,row")
    assert report.as_dict()["problems"][0]["code"] == "count_decreased"


def test_a_good_upload_gives_the_typed_table(tables, ctx):
    table = tables["joint_procurement_adoption"]
    report, problems = check(table, [joint("e_application", "2024", p, n) for p, n in
                                     (("joint", "36"), ("own", "6"), ("total", "42"))], ctx)
    assert problems == [] and report.ok
    assert list(report.frame.columns) == table.columns
    assert report.frame["municipalities"].tolist() == [36, 6, 42] and str(report.frame["year"].dtype) == "Int64"


def test_no_rows(tables, ctx):
    assert check(tables["joint_procurement_adoption"], [], ctx)[1] == [(2, None, "no_rows")]


# --- columns ------------------------------------------------------------------------------------------------------


def test_missing_extra_renamed_and_repeated_columns(tables, ctx):
    table = tables["joint_procurement_adoption"]
    header = [c for c in table.columns if c not in ("note", "municipalities")] + ["市町村数", "comment", "year"]
    _, problems = check(table, [joint()], ctx, header=header)
    assert problems == [(1, "year", "duplicate_column"), (1, "municipalities", "renamed_column"),
                        (1, "note", "missing_column"), (1, "comment", "extra_column")]


def test_a_header_renamed_in_place_is_named(tables, ctx):
    table = tables["joint_procurement_adoption"]
    header = ["system" if c == "system_id" else c for c in table.columns]
    report, problems = check(table, [joint()], ctx, header=header)
    assert problems == [(1, "system_id", "renamed_column")]
    assert "system" in report.problems[0].reason_ja


# --- cells --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, row, column, code, words", [
    ("joint_procurement_adoption", joint(n="abc"), "municipalities", "not_integer", "整数"),
    ("joint_procurement_adoption", joint(n="－"), "municipalities", "dash", "ダッシュ"),
    ("joint_procurement_adoption", joint(n="-1"), "municipalities", "below_minimum", "最小"),
    ("joint_procurement_adoption", joint(year="24"), "year", "bad_year", "年"),
    ("joint_procurement_adoption", joint(system=""), "system_id", "missing_value", "必須"),
    ("target", target(basis="guess"), "basis", "not_allowed", "quotation"),
    ("target", target(target_date="2026/03/31"), "target_date", "bad_date", "YYYY-MM-DD"),
    ("ospf_membership", {"date": "2024-02-30", "members_total": "500", **SOURCE}, "date", "no_such_date",
     "存在しない"),
    ("ospf_membership", {"date": "2024-13", "members_total": "500", **SOURCE}, "date", "no_such_date", "存在しない"),
    ("ospf_projects", {"project_id": "p", "muni_code": "99999", **SOURCE}, "muni_code", "unknown_code", "マスタ"),
    ("procedures", {"procedure_id": "p", "geo_code": "27000", "adoption_rate_pct": "101", **SOURCE},
     "adoption_rate_pct", "above_maximum", "最大"),
    *[("procedures", {"procedure_id": "p", "geo_code": "27000", "adoption_rate_pct": text, **SOURCE},
       "adoption_rate_pct", "not_finite", "有限") for text in ("inf", "-Infinity", "nan", "1e309")],
    ("joint_procurement_adoption", joint(n="9" * 23), "municipalities", "out_of_range", "大きすぎ"),
    ("joint_procurement_adoption", joint(n="9,223,372,036,854,775,808"), "municipalities", "out_of_range", "桁"),
    ("joint_procurement_adoption", joint(n="9" * 1500), "municipalities", "out_of_range", "大きすぎ"),
    ("joint_procurement_adoption", joint(note="長" * 2001), "note", "too_long", "2,001 文字"),
])
def test_cells_that_do_not_fit(tables, ctx, name, row, column, code, words):
    report, problems = check(tables[name], [row], ctx)
    assert problems == [(2, column, code)]
    assert words in report.problems[0].reason_ja


def test_the_largest_integer_and_a_cell_at_the_length_limit_pass(tables, ctx):
    row = {"meeting_no": str(2**63 - 1), "date": "2019-08-05", "note": "長" * validation.MAX_CELL_CHARS, **SOURCE}
    report, problems = check(tables["strategy_council_meetings"], [row], ctx)
    assert problems == [] and report.frame["meeting_no"].iloc[0] == 2**63 - 1


def test_a_long_cell_is_quoted_short_in_its_reason(tables, ctx):
    report, problems = check(tables["joint_procurement_adoption"], [joint(n="x" * 1500)], ctx)
    assert problems == [(2, "municipalities", "not_integer")]
    (problem,) = report.problems
    assert len(problem.reason_ja) < 150 and len(problem.reason_en) < 150 and "…" in problem.reason_en


def test_a_report_lists_the_first_problems_then_how_many_more(tables, ctx):
    rows = [joint(system=f"s{i}", n="abc") for i in range(validation.MAX_PROBLEMS + 500)]
    report, problems = check(tables["joint_procurement_adoption"], rows, ctx)
    assert len(problems) == validation.MAX_PROBLEMS + 1 and not report.ok and report.frame is None
    assert [row for row, _, _ in problems[:-1]] == list(range(2, validation.MAX_PROBLEMS + 2))  # in file order
    more = report.problems[-1]
    assert (more.row, more.column, more.code) == (None, None, "more_problems")
    assert "ほか 500 件の問題" in more.reason_ja and "and 500 more problems" in more.reason_en
    assert len(report.to_csv()) < 200_000


def test_a_value_past_the_header(tables, ctx):
    table = tables["strategy_council_meetings"]
    line = ",".join({"meeting_no": "1", "date": "2019-08-05", **SOURCE}.get(c, "") for c in table.columns)
    data = f"{','.join(table.columns)}\n{line},,1\n".encode()
    report = validate(table, read("u.csv", data), ctx)
    assert [(p.row, p.column, p.code) for p in report.problems] == [(2, "列 10", "outside_header")]
    assert "見出し" in report.problems[0].reason_ja


def test_a_code_that_lost_its_leading_zero_says_so(tables, ctx):
    report, problems = check(tables["ospf_projects"], [{"project_id": "p", "muni_code": "1100", **SOURCE}], ctx)
    assert problems == [(2, "muni_code", "unknown_code")]
    assert "01100" in report.problems[0].reason_ja and "先頭の 0" in report.problems[0].reason_ja


def test_target_geography_is_star_or_a_master_code(tables, ctx):
    _, problems = check(tables["target"], [target(), target(geo_code="27100"), target(geo_code="99999")], ctx)
    assert problems == [(4, "geo_code", "unknown_code")]


# --- indicators and bounds ----------------------------------------------------------------------------------------


def test_unknown_indicator(tables, ctx):
    report, problems = check(tables["target"], [target(indicator_id="no_such_kpi")], ctx)
    assert problems == [(2, "indicator_id", "unknown_indicator")] and "no_such_kpi" in report.problems[0].reason_ja


def test_target_and_baseline_within_the_indicator_bounds(tables, ctx):
    rows = [target(target_value="50"), target(geo_code="27100", baseline_value="-1", baseline_date="2023-03-31"),
            target(geo_code="27140", indicator_id="muni_e_application_population_coverage", target_value="100.5")]
    report, problems = check(tables["target"], rows, ctx)
    assert problems == [(2, "target_value", "out_of_bounds"), (3, "baseline_value", "out_of_bounds"),
                        (4, "target_value", "out_of_bounds")]
    assert "電子申請システムを導入した市町村数" in report.problems[0].reason_ja


def test_reference_values_tied_to_an_indicator(tables, ctx):
    rows = [{"service_id": "e_payment", "year": "2022", "geo_code": "27000", "rate_pct": "120", **SOURCE},
            {"service_id": "other", "year": "2022", "geo_code": "27000", "rate_pct": "120", **SOURCE}]
    assert check(tables["municipal_service_adoption"], rows, ctx)[1] == [(2, "rate_pct", "out_of_bounds")]


def test_numerator_above_denominator(tables, ctx):
    rows = [{"count_id": "a", "projects": "20", "implemented": "30", **SOURCE},
            {"count_id": "b", "projects": "20", "implemented": "20", **SOURCE}]
    report, problems = check(tables["strategy_project_counts"], rows, ctx)
    assert problems == [(2, "implemented", "above_whole")] and "分母" in report.problems[0].reason_ja


# --- periods ------------------------------------------------------------------------------------------------------


def test_fiscal_years_of_actual_figures_cannot_lie_ahead(tables, ctx):
    assert fiscal_year(TODAY) == 2025 and fiscal_year(dt.date(2026, 3, 31)) == 2025
    rows = [joint(year="2025"), joint(year="2026", procurement="own")]
    report, problems = check(tables["joint_procurement_adoption"], rows, ctx)
    assert problems == [(3, "year", "future_period")] and "2026年度" in report.problems[0].reason_ja


def test_calendar_years_and_dates_of_actual_figures(tables, ctx):
    rows = [{"service_id": "e_payment", "year": y, "geo_code": "27000", "rate_pct": "50", **SOURCE}
            for y in ("2025", "2026")]
    assert check(tables["municipal_service_adoption"], rows, ctx)[1] == [(3, "year", "future_period")]
    rows = [{"date": d, "members_total": "500", **SOURCE} for d in ("2025-06", "2025-06-01", "2025-06-02", "2026")]
    assert check(tables["ospf_membership"], rows, ctx)[1] == [(4, "date", "future_period"),
                                                               (5, "date", "future_period")]


def test_plans_may_lie_ahead_but_not_end_before_they_start(tables, ctx):
    rows = [{"roadmap_id": "a", "start_fiscal_year": "2027", "end_fiscal_year": "2028", **SOURCE},
            {"roadmap_id": "b", "start_fiscal_year": "2028", "end_fiscal_year": "2027", **SOURCE}]
    assert check(tables["orden_roadmap"], rows, ctx)[1] == [(3, "end_fiscal_year", "period_order")]


def test_a_target_date_before_its_baseline(tables, ctx):
    rows = [target(baseline_value="10", baseline_date="2024-03-31", target_date="2023-03-31"),
            target(geo_code="27100", baseline_value="10", baseline_date="2024-03", target_date="2024-03-31")]
    report, problems = check(tables["target"], rows, ctx)
    assert problems == [(2, "target_date", "period_order")] and "より前" in report.problems[0].reason_ja


def test_a_baseline_is_measured_so_not_ahead(tables, ctx):
    rows = [target(baseline_value="10", baseline_date="2025-07-01", target_date="2026-03-31")]
    assert check(tables["target"], rows, ctx)[1] == [(2, "baseline_date", "future_period")]


# --- counts over time and sums ------------------------------------------------------------------------------------


def test_cumulative_counts_cannot_fall_but_own_procurement_may(tables, ctx):
    rows = [joint(year="2022", n="25"), joint(year="2023", n="35"), joint(year="2024", n="34"),
            joint(year="2022", procurement="own", n="7"), joint(year="2023", procurement="own", n="5"),
            joint(system="chat_tool", year="2023", n="10")]
    assert check(tables["joint_procurement_adoption"], rows, ctx)[1] == [(4, "municipalities", "count_decreased")]


def test_cumulative_event_totals_by_date(tables, ctx):
    def event(i, key, as_of, held, people, kind="period_total"):
        return {"event_id": i, "event_key": key, "row_kind": kind, "as_of_date": as_of, "events_held": held,
                "participants": people, **SOURCE}
    rows = [event("a", "meetup", "2023-12-31", "5", "1505"), event("b", "meetup", "2024-12-31", "6", "1400"),
            event("c", "meetup", "2024-06-30", "4", "1600"), event("d", "other", "2024-12-31", "1", "10"),
            event("e", "meetup", "2025-03-31", "1", "1", kind="occurrence")]
    report, problems = check(tables["ospf_events"], rows, ctx)
    assert problems == [(3, "participants", "count_decreased"), (4, "events_held", "count_decreased")]


def test_total_is_joint_plus_own_when_all_three_are_given(tables, ctx):
    rows = [joint(n="10"), joint(procurement="own", n="5"), joint(procurement="total", n="16"),
            joint(system="chat_tool", n="10"), joint(system="chat_tool", procurement="total", n="20")]
    report, problems = check(tables["joint_procurement_adoption"], rows, ctx)
    assert problems == [(4, "municipalities", "sum_mismatch")]
    assert "joint + own" in report.problems[0].reason_ja


def test_duplicate_key(tables, ctx):
    report, problems = check(tables["joint_procurement_adoption"], [joint(), joint(n="2")], ctx)
    assert problems == [(3, "system_id,year,procurement", "duplicate_key")]
    assert "2 行目" in report.problems[0].reason_ja


# --- sources ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("doc, section, expected", [
    ("002_dccbf011ea76040a.txt", "節", []),
    ("令和6年度 スマートシティ戦略部 資料", "表2", []),
    ("https://www.pref.osaka.lg.jp/smartcity/", "共同調達", []),
    ("", "節", [(2, "source_doc", "missing_source")]),
    ("https://www.pref.osaka.lg.jp/smartcity/", "", [(2, "source_section", "missing_source")]),
    ("javascript:alert(1)", "節", [(2, "source_doc", "bad_source")]),
    ("file:///etc/passwd", "節", [(2, "source_doc", "bad_source")]),
])
def test_every_reference_row_cites_its_source(tables, ctx, doc, section, expected):
    row = joint(source_doc=doc, source_section=section)
    assert check(tables["joint_procurement_adoption"], [row], ctx)[1] == expected


def test_quoted_targets_cite_a_source_and_assumptions_need_not(tables, ctx):
    rows = [target(), target(geo_code="27100", basis="quotation"),
            target(geo_code="27140", basis="quotation", source_doc="https://www.pref.osaka.lg.jp/x.pdf")]
    report, problems = check(tables["target"], rows, ctx)
    assert problems == [(3, "source_doc", "missing_source"), (3, "source_section", "missing_source")]


# --- formulas -----------------------------------------------------------------------------------------------------


def test_a_formula_in_a_workbook_is_reported_at_its_cell(tables, ctx):
    table = tables["joint_procurement_adoption"]
    empty = dict.fromkeys(table.columns)
    frame = typed(table, pd.DataFrame([{**empty, **joint(n=36, year=2024, source_line=1)},
                                       {**empty, **joint(n=7, year=2024, procurement="own", source_line=1)}]))
    book = openpyxl.load_workbook(io.BytesIO(template.xlsx(table, frame)))
    book["データ"]["F3"] = "=F2-29"
    out = io.BytesIO()
    book.save(out)
    report = validate(table, read("edited.xlsx", out.getvalue()), ctx)
    assert [(p.sheet, p.row, p.column, p.code) for p in report.problems] == [("データ", 3, "municipalities", "formula")]
    assert "=F2-29" in report.problems[0].reason_ja


# --- an editor limited to one municipality ------------------------------------------------------------------------


def project(pid, code, **extra):
    return {"project_id": pid, "muni_code": code, "title_ja": "事業", **SOURCE, **extra}


@pytest.fixture
def projects(tables, ctx):
    table = tables["ospf_projects"]
    published = validate(table, upload_csv(table, [project("osaka", "27100"), project("sakai", "27140")]), ctx)
    assert published.ok
    return table, Context(GEO, ctx.indicators, published.frame, TODAY, municipality="27100")


def test_an_editor_changes_own_rows_and_wards(projects):
    table, limited = projects
    rows = [project("osaka", "27100", title_ja="変更"), project("sakai", "27140"), project("ward", "27102")]
    assert validate(table, upload_csv(table, rows), limited).ok


@pytest.mark.parametrize("rows, expected", [
    ([project("osaka", "27100"), project("sakai", "27140", title_ja="変更")], [(3, "muni_code", "other_municipality")]),
    ([project("osaka", "27100")], [(None, "muni_code", "other_municipality")]),  # Sakai's row removed
    ([project("osaka", "27100"), project("sakai", "27140"), project("new", "27226")],
     [(4, "muni_code", "other_municipality")]),
    ([project("osaka", "27140"), project("sakai", "27140")], [(2, "muni_code", "other_municipality")]),  # given away
    ([project("osaka", "27100"), project("sakai", "27100")], [(3, "muni_code", "other_municipality")]),  # taken
    ([project("osaka", "27100"), project("sakai", "27140"), project("none", "")],
     [(4, "muni_code", "other_municipality")]),
])
def test_an_editor_cannot_touch_other_areas_rows(projects, rows, expected):
    table, limited = projects
    report = validate(table, upload_csv(table, rows), limited)
    assert [(p.row, p.column, p.code) for p in report.problems] == expected
    assert "大阪市（27100）の編集者" in report.problems[0].reason_ja


def test_a_table_without_municipality_columns_is_closed_to_a_limited_editor(tables, ctx):
    table = tables["joint_procurement_adoption"]
    rows = [joint(n="10")]
    published = validate(table, upload_csv(table, rows), ctx).frame
    limited = Context(GEO, ctx.indicators, published, TODAY, municipality="27100")
    assert validate(table, upload_csv(table, rows), limited).ok  # nothing changed: nothing to refuse
    report = validate(table, upload_csv(table, [joint(n="11")]), limited)
    assert [(p.row, p.code) for p in report.problems] == [(2, "other_municipality")]
    assert "市町村の列がありません" in report.problems[0].reason_ja


# --- the canonical CSV the ETL reads ------------------------------------------------------------------------------


def test_canonical_csv_reads_back_identically_in_the_etl(tables, ctx, tmp_path):
    table = tables["ospf_projects"]
    rows = [project("a", "27100", title_en='Quotes "and", commas', note="+81 is text\nsecond line",
                    start_fiscal_year="2021", n_municipalities="3", working_group="true"),
            project("b", "27140", source_doc="https://www.pref.osaka.lg.jp/x.pdf", working_group="false"),
            project("c", "27102", area_ja=" 前後の空白 ")]
    report = validate(table, upload_csv(table, rows), ctx)
    assert report.ok, report.problems
    text = canonical_csv(table, report.frame)
    assert text.startswith(",".join(table.columns) + "\n") and "'" not in text
    (tmp_path / table.spec.file).write_text(text, encoding="utf-8")
    loaded, file_report = load_table(table.spec, tmp_path, set(GEO), "0" * 64, seed_documents=False)
    assert file_report.rows_loaded == 3
    pd.testing.assert_frame_equal(typed(table, loaded), report.frame)
    assert diff(report.frame, typed(table, loaded), table.key).empty
    assert report.frame.loc[2, "area_ja"] == "前後の空白"  # cells are stripped, as the ETL strips them


def test_committed_reference_file_round_trips_through_canonical_csv(tables, tmp_path):
    osaka = {r["geo_code"] for r in csv.DictReader(open(PROJECT_ROOT / "data/names/osaka_municipalities.csv"))}
    geo = osaka | {"00000", "13000", "27000"}
    for name in ("joint_procurement_adoption", "municipal_service_adoption", "target"):
        table = tables[name]
        frame = typed(table, load_table(table.spec, table.folder, geo, "0" * 64)[0])
        (tmp_path / table.spec.file).write_text(canonical_csv(table, frame), encoding="utf-8")
        again = typed(table, load_table(table.spec, tmp_path, geo, "0" * 64)[0])
        pd.testing.assert_frame_equal(again, frame)
