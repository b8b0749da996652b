"""My Number parsing on small hand-written files: codes, <NA> resolution and quarantine reasons."""
from pathlib import Path

import pytest

from etl.errors import EtlError
from etl.master import Resolver
from etl.mynumber import LOCALGOV_COLUMNS, parse_localgovs, parse_types
from etl.sources import LocalFile, SourceFile

HEADER = ",".join(f'"{c}"' for c in LOCALGOV_COLUMNS)


def row(name="大阪市", pref="大阪府", pop="2732197", cards="1373229", code="271004", date="2022/09/30"):
    return f'"{date}","{pref}","{name}",{pop},{cards},50.3,"2022/01/01","{date}",{code}'


def local(tmp_path: Path, lines: list[str], encoding="utf-8-sig", name="all_localgovs.csv") -> LocalFile:
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    spec = SourceFile("mynumbercard", f"mynumbercard/20220930/{name}", "", None, "20220930")
    return LocalFile(spec, path, "mirror", "0" * 64)


@pytest.fixture
def resolver():
    r = Resolver(codes={"27100", "27301", "13381"})
    r.add("大阪府", "大阪市", "27100")
    r.add("大阪府", "島本町", "27301")
    r.add("大阪府", "三島郡島本町", "27301")
    r.add("東京都", "三宅村", "13381")
    return r


def test_valid_rows_load_with_zero_padded_codes(tmp_path, resolver):
    parsed = parse_localgovs(local(tmp_path, [HEADER, row(), row("三島郡島本町", code="273015")]), resolver)
    assert list(parsed.issuance["geo_code"]) == ["27100", "27301"]
    assert parsed.report.rows_read == 2 and parsed.report.rows_loaded == 2


def test_cp932_file_loads(tmp_path, resolver):
    parsed = parse_localgovs(local(tmp_path, [HEADER, row()], encoding="cp932"), resolver)
    assert parsed.issuance["name_as_written"][0] == "大阪市"


def test_missing_code_resolved_by_name_or_quarantined(tmp_path, resolver):
    lines = [HEADER, row("三宅村", "東京都", code='"<NA>"'), row("八丈町", "東京都", code='"<NA>"')]
    parsed = parse_localgovs(local(tmp_path, lines), resolver)
    assert list(zip(parsed.issuance["geo_code"], parsed.issuance["code_resolved_by"])) == [("13381", "name")]
    (rej,) = parsed.report.rejected
    assert (rej.problem.row, rej.problem.column) == (3, "団体コード")
    assert "does not resolve" in rej.problem.reason and "八丈町" in rej.raw


@pytest.mark.parametrize("bad_row, column, reason", [
    (row(cards="-5"), "交付枚数", "negative count: -5"),
    (row(cards='"－"'), "交付枚数", "dash"),
    (row(code="271005"), "団体コード", "check digit of 271005 is wrong"),
    (row(code="279994"), "団体コード", "unknown code 279994"),
    (row(date="2022/08/31"), "算出基準日", "does not match the snapshot folder"),
    (row(pop="0"), "総数（人口）", "population is zero"),
    (row(cards="99999999999999999999"), "交付枚数", "count too large: 99999999999999999999"),
    (row(date="2022/9/31"), "算出基準日", "not a date in YYYY/MM/DD form: '2022/9/31'"),
    ('"※出典：総務省"', None, "has 1 fields but the header has 9"),
])
def test_bad_rows_are_quarantined_with_row_column_and_reason(tmp_path, resolver, bad_row, column, reason):
    parsed = parse_localgovs(local(tmp_path, [HEADER, row(), bad_row]), resolver)
    report = parsed.report
    assert report.rows_read == report.rows_loaded + report.rows_quarantined == 2
    (rej,) = report.rejected
    assert rej.problem.file == "mynumbercard/20220930/all_localgovs.csv"
    assert (rej.problem.row, rej.problem.column) == (3, column)
    assert reason in rej.problem.reason
    assert rej.raw == bad_row


def test_duplicated_row_is_quarantined(tmp_path, resolver):
    parsed = parse_localgovs(local(tmp_path, [HEADER, row(), row()]), resolver)
    (rej,) = parsed.report.rejected
    assert "duplicate: code 27100 already loaded from row 2" in rej.problem.reason


def test_missing_column_fails_the_file(tmp_path, resolver):
    header = HEADER.replace(',"交付枚数"', "")
    with pytest.raises(EtlError, match="column '交付枚数': required column is missing"):
        parse_localgovs(local(tmp_path, [header, row()]), resolver)


def test_national_total_comes_from_the_type_summary(tmp_path):
    lines = ['"算出基準日","区分","人口","交付枚数","人口に対する交付枚数率","人口算出基準日","交付枚数算出基準日"',
             '"2022/09/30","全国",125927902,61657397,49.0,"2022/01/01","2022/09/30"',
             '"2022/09/30","町村",10545195,4816741,45.7,"2022/01/01","2022/09/30"']
    parsed = parse_types(local(tmp_path, lines, name="summary_by_types.csv"))
    assert list(zip(parsed.issuance["geo_code"], parsed.issuance["cards_issued"])) == [("00000", 61657397)]
    assert list(parsed.type_totals["category_ja"]) == ["全国", "町村"]


def test_a_quarantined_row_still_counts_as_its_municipality_when_it_can_be_told_whose(tmp_path, resolver):
    lines = [HEADER, row(cards="-5"), row("島本町", code="999999"), '"※出典：総務省"']
    report = parse_localgovs(local(tmp_path, lines), resolver).report
    assert report.rows_quarantined == 3
    # 大阪市 by its valid code, 島本町 by its name (its code is wrong); the footer line belongs to no one
    assert report.coverage.present == {"27100", "27301"}
    assert report.coverage.expected == {"27100", "27301", "13381"}


def test_each_loaded_rate_is_checked_against_its_counts(tmp_path, resolver):
    lines = [HEADER, row(), row("島本町", pop="29000", cards="14500", code="273015").replace(",50.3,", ",99.9,")]
    report = parse_localgovs(local(tmp_path, lines), resolver).report
    assert report.rates_checked == 2
    (flag,) = report.flagged
    assert (flag.subject, flag.published, flag.computed, flag.problem.row) == ("27301", 99.9, 50.0, 3)


def test_a_row_is_quarantined_for_its_first_problem_in_reading_order(tmp_path, resolver):
    bad = row(date="2022/08/31", cards="-5", code="271005")  # wrong date, negative count and check digit
    (rej,) = parse_localgovs(local(tmp_path, [HEADER, bad]), resolver).report.rejected
    assert (rej.problem.column, rej.problem.reason) == ("算出基準日", "date 2022-08-31 does not match the snapshot "
                                                                     "folder 20220930")


def test_counts_beyond_the_plain_digits_take_the_scalar_parser(tmp_path, resolver):
    lines = [HEADER, row(pop='"２，７３２，１９７"'), row("三島郡島本町", cards='"1_000"', code="273015"),
             row("三宅村", "東京都", pop='" 2732197 "', code='"<NA>"')]
    parsed = parse_localgovs(local(tmp_path, lines), resolver)
    assert list(parsed.issuance["population"]) == [2732197, 2732197]  # full-width with separators; padded
    (rej,) = parsed.report.rejected
    assert (rej.problem.row, rej.problem.column, rej.problem.reason) == (3, "交付枚数", "not an integer: '1_000'")


def test_one_date_parser_for_csv_dates_and_release_folders():
    import datetime as dt

    import numpy as np
    import pandas as pd

    from etl.csvio import parse_date, parse_dates
    assert parse_date("2022/09/30") == parse_date("2022-09-30") == parse_date("20220930") == dt.date(2022, 9, 30)
    with pytest.raises(ValueError):
        parse_date("2022/13/01")
    days = parse_dates(pd.Series(["2022/09/30", "x", "2022/09/30"], dtype=object))
    assert days[0] == days[2] == np.datetime64("2022-09-30") and np.isnat(days[1])
