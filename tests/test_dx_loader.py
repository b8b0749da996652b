"""The Digital Agency DX release (kind dx_dashboard): figures against the files, discovery of a new release, and bad
input on hand-made copies of the tiny fixture mirror (each bad file stops the build or is quarantined, and the last
good database stays as it was)."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURE_MIRROR, copy_mirror, fixture_settings
from test_loaders import manifest_with

from etl.build import build
from etl.errors import EtlError
from etl.sources import sha256_of

RELEASE = "20240712"
COMPARISON = "市区町村毎のDX進捗状況_市区町村比較.csv"
RATES = "市区町村毎のDX進捗状況_行政手続のオンライン申請率.csv"


def rows(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def dx_value(db: Path, code: str, key: str, release: str = "2024-07-12"):
    (row,) = rows(db, """SELECT value_pct, numerator, denominator, value_bool, not_reported_reason
                         FROM dx_indicator_value WHERE geo_code = ? AND indicator_key = ?
                           AND release_date = CAST(? AS DATE) AND respondent = 'municipality'""", (code, key, release))
    return row


# --- the real release (full mirror) -----------------------------------------------------------------------------

@pytest.mark.integration
def test_osaka_city_figures_match_the_release(full_db):
    assert dx_value(full_db, "27100", "mynumber_card_holding_rate")[0] == 72
    assert dx_value(full_db, "27100", "childcare_elderly_26_online_share")[0] == 42
    assert dx_value(full_db, "27100", "most_used_32_online_share")[:3] == (68, 17, 25)
    assert dx_value(full_db, "01100", "most_used_32_online_share")[:3] == (58, 14, 24)  # 札幌市, the first column
    (obs,) = rows(full_db, """SELECT value, numerator, denominator FROM observation
                         WHERE indicator_id = 'dx_most_used_32_online_share' AND geo_code = '27100'""")
    assert obs == (68.0, 17, 25)


@pytest.mark.integration
def test_every_value_of_the_release_is_accounted_for(full_db):
    files = dict(rows(full_db, """SELECT split_part(file, '/', 3), rows_read FROM source_file
                             WHERE source_id = 'dx_dashboard' AND rows_read = rows_loaded + rows_quarantined"""))
    assert files[COMPARISON] == 15 * 1741
    assert files[RATES] == 52 * 1741
    assert files["都道府県のDX進捗状況_都道府県比較.csv"] == 13 * 47
    assert files["都道府県のDX進捗状況_行政手続のオンライン申請率.csv"] == 30 * 47
    reasons = dict(rows(full_db, """SELECT not_reported_reason, count(*) FROM dx_indicator_value
                               WHERE NOT reported GROUP BY 1"""))
    assert reasons == {"not_surveyed": 8 * 7, "percent_sign_only": 2}  # eight Ishikawa towns, two bare '%'


@pytest.mark.integration
def test_empty_rate_is_not_handled_never_zero(full_db):
    (empty, zero), = rows(full_db, """SELECT count(*) FILTER (WHERE value_as_written = ''),
                                       count(*) FILTER (WHERE value_as_written = '0%')
                                FROM dx_application_rate WHERE NOT reported""")
    assert empty > 0 and zero == 0
    assert rows(full_db, "SELECT count(*) FROM dx_application_rate WHERE reported AND rate_pct IS NULL") == [(0,)]


@pytest.mark.integration
def test_aggregates_state_their_method(full_db):
    got = dict(rows(full_db, """SELECT geo_code, round(value, 4) FROM observation
                           WHERE indicator_id = 'dx_most_used_32_online_share' AND geo_code IN ('27000', '00000')"""))
    (num, den), = rows(full_db, """SELECT sum(numerator), sum(denominator) FROM dx_indicator_value v
                              JOIN municipality m USING (geo_code)
                              WHERE indicator_key = 'most_used_32_online_share' AND m.pref_code = '27'
                                AND v.respondent = 'municipality'""")
    assert got["27000"] == round(100 * num / den, 4)  # pooled: Σ numerators / Σ denominators
    methods = rows(full_db, "SELECT aggregate_method_en FROM indicator WHERE indicator_id LIKE 'dx_%'")
    assert len(methods) == 7 and all(m and ("pooled" in m or "mean" in m) for (m,) in methods)


# --- the tiny fixture mirror ------------------------------------------------------------------------------------

def test_fixture_database_holds_the_fixture_release(fixture_db):
    assert dx_value(fixture_db, "27100", "most_used_32_online_share")[:3] == (68, 17, 25)
    assert dx_value(fixture_db, "17204", "cio_appointed")[3:] == (None, "not_surveyed")
    assert dx_value(fixture_db, "10426", "most_used_32_online_share")[4] == "percent_sign_only"
    assert rows(fixture_db, "SELECT count(DISTINCT geo_code) FROM dx_indicator_value WHERE respondent = 'municipality'") \
        == [(54,)]


def _release_copy(tmp_path: Path, new: str = "20250101") -> tuple[Path, Path]:
    """A linked copy of the fixture mirror plus a second release folder holding real copies of the four files."""
    mirror = copy_mirror(FIXTURE_MIRROR, tmp_path / "mirror")
    folder = mirror / "dx_dashboard" / new
    shutil.copytree(FIXTURE_MIRROR / "dx_dashboard" / RELEASE, folder)
    for f in folder.iterdir():
        f.chmod(0o644)
    return mirror, folder


def _good_build(tmp_path: Path):
    """A good build of the plain fixture, to check that a failed build leaves it untouched."""
    settings = fixture_settings(tmp_path)
    build(settings, log=lambda _: None)
    return settings, sha256_of(settings.db_path)


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text("\ufeff" + text.replace(old, new, count), encoding="utf-8")


def test_a_second_release_is_picked_up_with_no_code_change(tmp_path):
    mirror, folder = _release_copy(tmp_path)
    _set_cell(folder / COMPARISON, "マイナンバーカードの保有状況", 3, "75%")  # 伊達市 (01233), the second column
    settings = fixture_settings(tmp_path, mirror)
    build(settings, log=lambda _: None)
    db = settings.db_path
    assert rows(db, "SELECT DISTINCT release_date FROM dx_indicator_value ORDER BY 1") == \
        [(__import__("datetime").date(2024, 7, 12),), (__import__("datetime").date(2025, 1, 1),)]
    assert dx_value(db, "01233", "mynumber_card_holding_rate", "2025-01-01")[0] == 75
    assert dx_value(db, "01233", "mynumber_card_holding_rate", "2024-07-12")[0] == 73
    (n,), = rows(db, "SELECT count(*) FROM observation WHERE indicator_id = 'dx_mynumber_card_holding_rate' "
                     "AND geo_code = '01233'")
    assert n == 2


def _set_cell(path: Path, label: str, column: int, value: str) -> None:
    """Change one cell (0-based column) of the row whose name is `label`."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    for i, line in enumerate(lines):
        fields = line.split(",")
        if fields[1].strip() == label:
            fields[column] = value
            lines[i] = ",".join(fields)
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")


def _fails(tmp_path: Path, edit, match: str) -> None:
    settings, before = _good_build(tmp_path / "good")
    mirror, folder = _release_copy(tmp_path)
    edit(folder)
    bad = fixture_settings(tmp_path / "good", mirror)
    with pytest.raises(EtlError, match=match):
        build(bad, log=lambda _: None)
    assert sha256_of(settings.db_path) == before  # the last good database is untouched
    assert not list(settings.db_path.parent.glob(".build-*"))


def test_a_shifted_column_stops_the_build_naming_the_column(tmp_path):
    def shift(folder: Path):
        path = folder / RATES
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        # drop the third municipality's column from every line: the names after it no longer align
        cut = [",".join(f for i, f in enumerate(line.split(",")) if i != 4) + ",x" for line in lines]
        path.write_text("\ufeff" + "\n".join(cut) + "\n", encoding="utf-8")
    _fails(tmp_path, shift, r"column 5.*header '伊達市' does not match the master: expected '森町' \(01345\)")


def test_a_missing_file_in_a_release_stops_the_build(tmp_path):
    _fails(tmp_path, lambda folder: (folder / RATES).unlink(),
           r"dx_dashboard/20250101/市区町村毎のDX進捗状況_行政手続のオンライン申請率.csv: source 'dx_dashboard' is missing")


def test_an_empty_file_stops_the_build(tmp_path):
    _fails(tmp_path, lambda folder: (folder / COMPARISON).write_bytes(b""), r"市区町村比較.csv: the file is empty")


def test_unknown_procedure_and_bad_percentages_are_quarantined(tmp_path):
    mirror, folder = _release_copy(tmp_path)
    path = folder / RATES
    text = path.read_text(encoding="utf-8-sig")
    header = text.splitlines()[0]
    n = len(header.split(",")) - 2
    extra = "よく使う32手続のオンライン申請利用状況,宇宙港の利用申請," + ",".join(["5%"] * n)
    _edit(path, "図書館の図書貸出予約等,88.8%", "図書館の図書貸出予約等,120%")
    _edit(path, "文化・スポーツ施設等の利用予約等,99.9%", "文化・スポーツ施設等の利用予約等,abc")
    path.write_text(path.read_text(encoding="utf-8") + extra + "\n", encoding="utf-8")
    file = f"dx_dashboard/20250101/{RATES}"
    # 56 of 2,862 cells (2.0 %) is more than the default share (1 %): the file is refused ...
    with pytest.raises(EtlError, match=rf"{file}: 56 of 2862 rows quarantined \(2.0%, 2806 loaded\), more than the "
                                       r"1.0% allowed \(max_quarantined_share\)"):
        build(fixture_settings(tmp_path / "default", mirror), log=lambda _: None)
    # ... unless the manifest allows this source more
    lenient = manifest_with(tmp_path, "\n[sources.dx_dashboard.checks]\nmax_quarantined_share = 0.05\n")
    settings = fixture_settings(tmp_path, mirror, SMARTCITY_MANIFEST=str(lenient))
    build(settings, log=lambda _: None)
    db = settings.db_path
    reasons = rows(db, "SELECT row_number, column_name, reason FROM rejected_row WHERE file = ? ORDER BY 1, 2", (file,))
    assert (2, "札幌市 (column 3)", "a percentage above 100: '120%'") in reasons
    assert (3, "札幌市 (column 3)", "not a percentage (a number followed by %): 'abc'") in reasons
    unknown = [r for r in reasons if "宇宙港の利用申請" in r[2]]
    assert len(unknown) == n and "data/names/dx_procedures.csv" in unknown[0][2]
    (read, loaded, quarantined), = rows(db, "SELECT rows_read, rows_loaded, rows_quarantined FROM source_file "
                                            "WHERE file = ?", (file,))
    assert read == 53 * n and quarantined == n + 2 and read == loaded + quarantined
    strict = fixture_settings(tmp_path / "strict", mirror, SMARTCITY_MANIFEST=str(lenient))
    with pytest.raises(EtlError, match="rejected \\(strict build\\)"):
        build(strict, log=lambda _: None, strict=True)


def test_a_cp932_copy_loads_the_same_values(tmp_path):
    mirror, folder = _release_copy(tmp_path)
    for name in (COMPARISON, RATES):
        text = (folder / name).read_text(encoding="utf-8-sig")
        (folder / name).write_bytes(text.encode("cp932"))
    settings = fixture_settings(tmp_path, mirror)
    build(settings, log=lambda _: None)
    same = rows(settings.db_path, """
        SELECT count(*) FROM dx_application_rate a JOIN dx_application_rate b USING (geo_code, procedure_key)
        WHERE a.release_date = DATE '2024-07-12' AND b.release_date = DATE '2025-01-01'
          AND a.respondent = 'municipality' AND a.rate_pct IS NOT DISTINCT FROM b.rate_pct""")
    assert same == [(54 * 52,)]
