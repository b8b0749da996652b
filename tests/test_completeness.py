"""A build that refuses to be incomplete (etl/completeness.py), on hand-made copies of the tiny fixture mirror: every
municipality (and prefecture, and the national total) in each snapshot and release, less declared exemptions; at most a
small share of a file quarantined; published rates checked against their own counts (flagged, and refused when most of
a file disagrees); a checksum trusted only for a file that passed. Every refusal leaves the last good database byte for
byte as it was, no temporary file, and no trusted checksum for the refused file."""
from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURE_MIRROR, add_snapshot, copy_mirror, fixture_settings
from test_loaders import manifest_with

from etl.build import build
from etl.completeness import DEFAULTS, check_rates
from etl.csvio import rounding_tolerance
from etl.errors import EtlError, FileReport
from etl.master import check_digit
from etl.sources import SEEN_FILE, load_manifest, sha256_of
from common.settings import PROJECT_ROOT

NEW = "20221031"
LOCALGOVS = f"mynumbercard/{NEW}/all_localgovs.csv"
DX_COMPARISON = "市区町村毎のDX進捗状況_市区町村比較.csv"


def rows(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def _rewrite(path: Path, transform) -> None:
    """Replace a file of the new snapshot (a real file, not a link) by its transformed text, with a BOM."""
    text = transform(path.read_text(encoding="utf-8-sig"))
    path.unlink()
    path.write_text("\ufeff" + text, encoding="utf-8")


def _keep_lines(n: int):
    """Keep the header and the first n data rows."""
    return lambda text: "\n".join(text.splitlines()[: n + 1]) + "\n"


def _drop_code(code: str):
    """Drop the row of one municipality (団体コード written as an integer with its check digit)."""
    written = f",{int(code + check_digit(code))}"
    return lambda text: "".join(line for line in text.splitlines(keepends=True) if not line.rstrip().endswith(written))


class Workspace:
    """A good build of the fixture mirror, then a linked copy of the mirror with a new snapshot to break."""

    def __init__(self, tmp_path: Path, manifest: Path | None = None):
        extra = {"SMARTCITY_MANIFEST": str(manifest)} if manifest else {}
        self.mirror = copy_mirror(FIXTURE_MIRROR, tmp_path / "mirror")
        self.settings = fixture_settings(tmp_path / "out", self.mirror, **extra)
        build(self.settings, log=lambda _: None)
        self.before = sha256_of(self.settings.db_path)
        self.folder = add_snapshot(self.mirror, FIXTURE_MIRROR, NEW, "20220930")

    def refused(self, match: str) -> EtlError:
        """Build, expect the refusal, and check that nothing changed: database, temp files, trusted checksums."""
        with pytest.raises(EtlError, match=match) as err:
            build(self.settings, log=lambda _: None)
        assert sha256_of(self.settings.db_path) == self.before
        assert not list(self.settings.db_path.parent.glob(".build-*"))
        assert NEW not in self.seen()
        return err.value

    def seen(self) -> str:
        path = self.settings.raw_cache / SEEN_FILE
        return path.read_text(encoding="utf-8") if path.is_file() else ""


# --- coverage ---------------------------------------------------------------------------------------------------------

def test_a_snapshot_holding_a_few_municipalities_fails_naming_file_count_and_codes(tmp_path):
    ws = Workspace(tmp_path)
    _rewrite(ws.folder / "all_localgovs.csv", _keep_lines(10))
    ws.refused(rf"{LOCALGOVS}: incomplete: has rows for 10 of the 54 municipalities of the master; 44 missing "
               r"\(first: 22461 森町, 27100 大阪市, 27140 堺市, 27202 岸和田市, 27203 豊中市, …\)")


def test_a_header_only_snapshot_fails(tmp_path):
    ws = Workspace(tmp_path)
    _rewrite(ws.folder / "all_localgovs.csv", _keep_lines(0))
    ws.refused(rf"{LOCALGOVS}: incomplete: has rows for 0 of the 54 municipalities")


def test_a_missing_prefecture_or_national_total_fails(tmp_path):
    ws = Workspace(tmp_path)
    _rewrite(ws.folder / "all_prefectures.csv", lambda t: t.replace('"2022/10/31","石川県"', '"2022/10/31","XX県"'))
    _rewrite(ws.folder / "summary_by_types.csv", lambda t: t.replace('"全国"', '"全国計"'))
    err = ws.refused("incomplete")
    text = str(err)
    assert f"mynumbercard/{NEW}/all_prefectures.csv: incomplete: has rows for 6 of the 7 prefectures of the master; " \
           "1 missing (first: 17000 石川県)" in text
    assert f"mynumbercard/{NEW}/summary_by_types.csv: incomplete: has rows for 0 of the 1 national total" in text


def test_a_declared_exemption_lets_a_source_lack_a_code(tmp_path):
    manifest = manifest_with(tmp_path, '\n[sources.mynumbercard.checks.exempt_codes]\n'
                                       '"27366" = "test: declared absent from this source"\n')
    ws = Workspace(tmp_path, manifest)
    _rewrite(ws.folder / "all_localgovs.csv", _drop_code("27366"))
    build(ws.settings, log=lambda _: None)
    assert rows(ws.settings.db_path, "SELECT count(*) FROM mynumber_issuance WHERE snapshot_date = DATE '2022-10-31' "
                                     "AND level = 'municipality'") == [(53,)]
    # without the exemption the same file is refused, naming the code and its name
    plain = Workspace(tmp_path / "plain")
    _rewrite(plain.folder / "all_localgovs.csv", _drop_code("27366"))
    plain.refused(r"has rows for 53 of the 54 municipalities of the master; 1 missing \(first: 27366 岬町\)")


def test_a_dx_file_with_no_data_row_fails(tmp_path):
    ws = Workspace(tmp_path)
    folder = ws.mirror / "dx_dashboard" / "20250101"
    folder.mkdir()
    for f in (FIXTURE_MIRROR / "dx_dashboard" / "20240712").iterdir():
        folder.joinpath(f.name).write_bytes(f.read_bytes())
    _rewrite(folder / DX_COMPARISON, _keep_lines(0))
    ws.refused(rf"dx_dashboard/20250101/{DX_COMPARISON}: incomplete: has rows for 0 of the 54 municipality columns")


# --- quarantine share -------------------------------------------------------------------------------------------------

def test_garbage_with_a_valid_header_fails_instead_of_loading_nothing(tmp_path):
    ws = Workspace(tmp_path)
    rng = random.Random(9)

    def garbage(text: str) -> str:
        header = text.splitlines()[0]
        junk = ["".join(rng.choice("abcxyz0123456789,;\"'") for _ in range(60)) for _ in range(3000)]
        return header + "\n" + "\n".join(j.replace('"', "") for j in junk) + "\n"
    _rewrite(ws.folder / "all_localgovs.csv", garbage)
    err = ws.refused(rf"{LOCALGOVS}: 3000 of 3000 rows quarantined \(100.0%, 0 loaded\), more than the 1.0% allowed "
                     r"\(max_quarantined_share\): the file is broken or its layout changed; first: row 2")
    assert "incomplete: has rows for 0 of the 54 municipalities" in str(err)


def test_one_bad_row_in_54_exceeds_the_default_share_and_a_manifest_may_allow_more(tmp_path):
    negative = lambda t: t.replace(",1960668,967872,", ",1960668,-967872,", 1)  # noqa: E731 (札幌市)
    ws = Workspace(tmp_path)
    _rewrite(ws.folder / "all_localgovs.csv", negative)
    ws.refused(rf"{LOCALGOVS}: 1 of 54 rows quarantined \(1.9%, 53 loaded\), more than the 1.0% allowed "
               r"\(max_quarantined_share\).*first: row 2, column '交付枚数': negative count: -967872")
    manifest = manifest_with(tmp_path, "\n[sources.mynumbercard.checks]\nmax_quarantined_share = 0.02\n")
    lenient = Workspace(tmp_path / "lenient", manifest)
    _rewrite(lenient.folder / "all_localgovs.csv", negative)
    build(lenient.settings, log=lambda _: None)  # the quarantined row still counts as 札幌市's: not incomplete
    assert rows(lenient.settings.db_path, "SELECT row_number, reason FROM rejected_row WHERE file = ?", [LOCALGOVS]) \
        == [(2, "negative count: -967872")]
    assert LOCALGOVS in lenient.seen()


def test_the_default_thresholds_are_small_and_in_one_place():
    assert DEFAULTS == {"max_quarantined_share": 0.01, "max_flagged_share": 0.5}


@pytest.mark.parametrize("checks, key, reason", [
    ("max_quarantined_share = 2", "max_quarantined_share", "2 is not a share in [0, 1]"),
    ("max_flagged_share = 'half'", "max_flagged_share", "'half' is not a share in [0, 1]"),
    ("max_rows = 3", "max_rows", "unknown check (known: max_quarantined_share, max_flagged_share, exempt_codes)"),
    ('exempt_codes = { "2738" = "x" }', "exempt_codes.2738", "a 5-digit code with its reason (non-empty text)"),
    ('exempt_codes = { "27366" = "" }', "exempt_codes.27366", "a 5-digit code with its reason (non-empty text)"),
])
def test_a_malformed_checks_table_stops_the_build_naming_the_key(tmp_path, checks, key, reason):
    manifest = manifest_with(tmp_path, f"\n[sources.mynumbercard.checks]\n{checks}\n")
    with pytest.raises(EtlError) as err:
        load_manifest(manifest)
    assert str(err.value) == f"{manifest}, column 'sources.mynumbercard.checks.{key}': {reason}"


# --- published vs computed --------------------------------------------------------------------------------------------

def test_a_published_rate_far_from_its_counts_is_kept_flagged_and_listed(tmp_path):
    ws = Workspace(tmp_path)
    # 大阪市 publishes 99.9 % beside 1,373,229 cards for 2,732,197 people (50.26 %)
    _rewrite(ws.folder / "all_localgovs.csv", lambda t: t.replace(",2732197,1373229,50.3,", ",2732197,1373229,99.9,"))
    lines: list[str] = []
    build(ws.settings, log=lines.append)
    db = ws.settings.db_path
    assert rows(db, "SELECT rate_published_pct FROM mynumber_issuance WHERE geo_code = '27100' "
                    "AND snapshot_date = DATE '2022-10-31'") == [(99.9,)]  # kept as published
    (flag,), = [rows(db, "SELECT subject, published_pct, round(computed_pct, 3), tolerance_pct, reason FROM rate_flag "
                         "WHERE file = ?", [LOCALGOVS])]
    assert flag[:4] == ("27100", 99.9, 50.261, 0.05)
    assert "differs from 100 × 交付枚数 / 人口 = 50.261 %" in flag[4]
    assert any(line.startswith(f"flagged: {LOCALGOVS}, row ") and "99.9" in line for line in lines)
    out = subprocess.run([sys.executable, "-m", "etl", "status"], env={"SMARTCITY_DB": str(db), "PATH": "/usr/bin"},
                         capture_output=True, text=True, check=True, cwd=PROJECT_ROOT).stdout
    assert "kept, flagged): 1" in out
    assert f"{LOCALGOVS}, row 13, 人口に対する交付枚数率 (27100): published 99.9, computed 50.261" in out


def test_a_file_whose_rates_mostly_disagree_is_refused(tmp_path):
    ws = Workspace(tmp_path)

    def swap_rate(text: str) -> str:  # every rate replaced by 99.9: the column no longer means the issuance rate
        lines = text.splitlines()
        return "\n".join([lines[0]] + [",".join(f[:5] + ["99.9"] + f[6:]) for f in (ln.split(",") for ln in lines[1:])])
    _rewrite(ws.folder / "all_localgovs.csv", swap_rate)
    ws.refused(rf"{LOCALGOVS}, column '人口に対する交付枚数率': 54 of 54 published rates \(100%\) differ from the rate "
               r"computed from the same row's counts, more than the 50% allowed \(max_flagged_share\)")


def test_the_dx_share_is_checked_against_its_numerator_and_denominator(tmp_path):
    ws = Workspace(tmp_path)
    folder = ws.mirror / "dx_dashboard" / "20250101"
    folder.mkdir()
    for f in (FIXTURE_MIRROR / "dx_dashboard" / "20240712").iterdir():
        folder.joinpath(f.name).write_bytes(f.read_bytes())
    # 大阪市 (column 14) publishes 68 % for 17 of 25: make it 90 %
    _rewrite(folder / DX_COMPARISON, lambda t: "\n".join(
        ",".join(f[:13] + ["90%"] + f[14:]) if f[1] == "よく使う32手続のオンライン化状況" else ",".join(f)
        for f in (line.split(",") for line in t.splitlines())) + "\n")
    build(ws.settings, log=lambda _: None)
    flags = rows(ws.settings.db_path, "SELECT file, subject, published_pct, computed_pct, tolerance_pct FROM rate_flag")
    assert flags == [(f"dx_dashboard/20250101/{DX_COMPARISON}", "27100", 90.0, 68.0, 0.5)]


def test_rounding_tolerance_follows_the_published_decimals():
    assert [rounding_tolerance(t) for t in ("49.0", "58%", "88.8%", "１２．３４", "7")] == [0.05, 0.5, 0.05, 0.005, 0.5]


@pytest.mark.parametrize("published, numerator, denominator, flagged", [
    ("12.3", 1235, 10000, False),  # 12.35 rounds to 12.3 or 12.4: within the rounding, despite binary floating point
    ("12.3", 1236, 10000, True),
    ("50.3", 1373229, 2732197, False),
    ("0", 5, 0, True),  # a rate beside a zero denominator cannot be checked: flagged with that reason
])
def test_check_rates_flags_beyond_the_rounding_only(published, numerator, denominator, flagged):
    report = FileReport("s", "f.csv", "0" * 64, "mirror")
    check_rates(report, [2], "rate", ["27100"], [published], [float(published)], [numerator], [denominator],
                "100 × a / b")
    assert report.rates_checked == 1 and bool(report.flagged) == flagged


# --- trusted checksums ------------------------------------------------------------------------------------------------

def test_a_checksum_is_trusted_only_for_a_file_that_passed(tmp_path):
    ws = Workspace(tmp_path)
    path = ws.folder / "all_localgovs.csv"
    good = path.read_bytes()
    _rewrite(path, _keep_lines(10))
    ws.refused("incomplete")  # the refused file's checksum is not recorded ...
    path.unlink()
    path.write_bytes(good)  # ... so the corrected file loads (it would fail a checksum mismatch had it been trusted)
    build(ws.settings, log=lambda _: None)
    seen = ws.seen()
    assert f'"{LOCALGOVS}" = "{sha256_of(path)}"' in seen
    assert all(f"mynumbercard/{NEW}/{name}" in seen for name in ("all_prefectures.csv", "summary_by_types.csv"))
