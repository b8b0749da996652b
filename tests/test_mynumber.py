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
    assert [r["geo_code"] for r in parsed.issuance] == ["27100", "27301"]
    assert parsed.report.rows_read == 2 and parsed.report.rows_loaded == 2


def test_cp932_file_loads(tmp_path, resolver):
    parsed = parse_localgovs(local(tmp_path, [HEADER, row()], encoding="cp932"), resolver)
    assert parsed.issuance[0]["name_as_written"] == "大阪市"


def test_missing_code_resolved_by_name_or_quarantined(tmp_path, resolver):
    lines = [HEADER, row("三宅村", "東京都", code='"<NA>"'), row("八丈町", "東京都", code='"<NA>"')]
    parsed = parse_localgovs(local(tmp_path, lines), resolver)
    assert [(r["geo_code"], r["code_resolved_by"]) for r in parsed.issuance] == [("13381", "name")]
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
    assert [(r["geo_code"], r["cards_issued"]) for r in parsed.issuance] == [("00000", 61657397)]
    assert len(parsed.type_totals) == 2
