"""The whole ETL on the open-data mirror: real figures, reconciliation, new snapshots, bad input, atomic swap."""
from __future__ import annotations

import shutil
import subprocess
import sys

import duckdb
import pytest
from conftest import add_snapshot, copy_mirror, settings_for

from etl.build import build
from etl.errors import EtlError
from common.settings import PROJECT_ROOT
from etl.sources import sha256_of

pytestmark = pytest.mark.integration


def one(full_db, sql, params=()):
    with duckdb.connect(str(full_db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def test_every_snapshot_and_municipality_is_accounted_for(full_db):
    (snaps, rows), = one(full_db, """SELECT count(DISTINCT snapshot_date), count(*) FROM mynumber_issuance
                               WHERE level = 'municipality'""")
    (quarantined,), = one(full_db, "SELECT count(*) FROM rejected_row WHERE file LIKE 'mynumbercard/%all_localgovs.csv'")
    assert snaps == 43
    assert rows + quarantined == 43 * 1741
    assert one(full_db, "SELECT count(*) FROM source_file WHERE rows_read <> rows_loaded + rows_quarantined") == [(0,)]


def test_missing_codes_are_resolved_by_name(full_db):
    rows = one(full_db, """SELECT DISTINCT geo_code, name_as_written FROM mynumber_issuance
                      WHERE code_resolved_by = 'name' AND level = 'municipality' ORDER BY 1""")
    assert rows == [("13381", "三宅村"), ("13401", "八丈町")]


def test_osaka_rate_equals_sum_of_its_43_municipalities(full_db):
    (pref_rate, pref_num, pref_den), = one(full_db, """SELECT value, numerator, denominator FROM observation
        WHERE indicator_id = 'mynumber_card_issuance_rate' AND geo_code = '27000' AND period_end = DATE '2022-09-30'""")
    (n, cards, pop), = one(full_db, """SELECT count(*), sum(cards_issued), sum(population) FROM mynumber_issuance i
        JOIN municipality m USING (geo_code)
        WHERE m.pref_code = '27' AND i.level = 'municipality' AND snapshot_date = DATE '2022-09-30'""")
    assert n == 43
    assert (pref_num, pref_den) == (cards, pop) == (4377050, 8800753)
    assert pref_rate == pytest.approx(100 * cards / pop) == pytest.approx(49.73, abs=0.01)


def test_comparators_are_ordinary_observation_rows(full_db):
    rows = dict(one(full_db, """SELECT geo_code, round(value, 1) FROM observation
        WHERE indicator_id = 'mynumber_card_issuance_rate' AND period_end = DATE '2022-09-30'
          AND geo_code IN ('00000', '13000', '27000')"""))
    assert rows == {"00000": 49.0, "13000": 52.1, "27000": 49.7}


def test_e_application_42_of_43_in_2023(full_db):
    rows = one(full_db, """SELECT period_end, value, numerator, denominator FROM observation
                      WHERE indicator_id = 'muni_e_application_adoption' ORDER BY period_end""")
    assert [r[1] for r in rows] == [8, 18, 32, 42]
    assert rows[-1][0].isoformat() == "2024-03-31" and rows[-1][3] == 43  # fiscal 2023 ends 2024-03-31


def test_master_codes_names_and_kinds(full_db):
    rows = {r[0]: r[1:] for r in one(full_db, """SELECT geo_code, lg_code, name_ja, name_en, kind FROM municipality
                                          WHERE geo_code IN ('27100', '27301', '01100', '27000', '00000', '27127')""")}
    assert rows["27100"] == ("271004", "大阪市", "Osaka City", "designated_city")
    assert rows["27301"] == ("273015", "島本町", "Shimamoto Town", "town")
    assert rows["01100"][0] == "011002"
    assert rows["27127"][3] == "ward"
    counts = dict(one(full_db, "SELECT level, count(*) FROM municipality GROUP BY level"))
    assert counts == {"nation": 1, "prefecture": 47, "municipality": 1741, "ward": 31}
    names = one(full_db, "SELECT name_ja FROM municipality_name WHERE geo_code = '27321' ORDER BY name_ja")
    assert ("豊能町",) in names and ("豊能郡豊能町",) in names


def test_boundaries(full_db):
    counts = dict(one(full_db, "SELECT layer, count(*) FROM boundary GROUP BY layer"))
    assert counts == {"osaka_municipality": 43, "osaka_ward": 31, "japan_municipality": 1741}
    (geom,), = one(full_db, "SELECT geometry_geojson FROM boundary WHERE layer = 'osaka_municipality' AND geo_code = '27100'")
    assert '"type":"Polygon"' in geom.replace(" ", "") or "MultiPolygon" in geom
    reasons = one(full_db, "SELECT count(*) FROM rejected_row WHERE source_id = 'boundaries_japan'")
    assert reasons == [(10,)]  # 6 Northern Territories villages + 4 areas without a code


def test_shared_borders_survive_simplification(full_db):
    import shapely
    rows = one(full_db, "SELECT geometry_geojson FROM boundary WHERE layer = 'osaka_municipality'")
    geoms = [shapely.from_geojson(g) for (g,) in rows]
    union = shapely.union_all(geoms)
    overlap = sum(g.area for g in geoms) - union.area
    assert overlap < 1e-9  # a coverage: no overlaps after simplifying


def test_kpi_model(full_db):
    ids = {r[0] for r in one(full_db, "SELECT indicator_id FROM indicator")}
    required = {"muni_e_application_adoption", "muni_e_application_population_coverage", "muni_chat_tool_adoption",
                "muni_document_system_adoption", "muni_e_contract_adoption", "muni_line_extension_adoption",
                "muni_online_system_adoption_rate", "muni_convenience_store_certificate_rate", "muni_e_payment_rate",
                "mynumber_card_issuance_rate", "pref_online_applications", "ospf_members",
                "strategy_projects_implemented", "smart_senior_tablets_lent", "orden_municipalities",
                "core_system_standardization"}
    assert required <= ids
    status = dict(one(full_db, """SELECT a.indicator_id, a.status FROM assessment a JOIN indicator i
                             ON i.indicator_id = a.indicator_id AND i.headline_geo_code = a.geo_code"""))
    assert status["orden_municipalities"] == status["core_system_standardization"] == "not_assessable"
    assert status["mynumber_card_issuance_rate"] == "off_track"  # 49.7 % in 2022-09, goal ~100 % by 2023-03
    (n,), = one(full_db, """SELECT count(DISTINCT geo_code) FROM assessment
                      WHERE indicator_id = 'mynumber_card_issuance_rate'""")
    assert n == 1741 + 47 + 1
    assert one(full_db, "SELECT count(*) FROM target WHERE basis = 'assumption' AND (assumption_reason_ja IS NULL OR "
                        "assumption_reason_en IS NULL)") == [(0,)]


def test_status_command_reports_everything(built):
    settings = built[0]
    env = {"SMARTCITY_DB": str(settings.db_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "etl", "status"], cwd=PROJECT_ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout
    assert "My Number snapshots: 43 (2017-03-08 .. 2022-09-30)" in out
    assert "74863 loaded + 0 quarantined = 74863 (= 43 snapshots x 1741)" in out
    assert "japan_municipality    1741" in out and "osaka_municipality      43" in out
    # the publisher's own slips: kept and listed (four type totals whose rate disagrees with their counts)
    assert "published rates that differ from the rate computed from their row's counts (kept, flagged): 4" in out
    assert ("mynumbercard/20210101/summary_by_types.csv, row 6, 人口に対する交付枚数率 (町村): published 24.2, "
            "computed 20.657") in out
    for source in ("boundaries_japan", "boundaries_osaka", "mynumbercard", "reference"):
        assert source in out


# --- a new snapshot, bad input and the atomic swap (on copies of the mirror) ---

@pytest.fixture
def workspace(tmp_path, mirror, built):
    """A database from the session build, and a linked copy of the mirror to break."""
    shutil.copy(built[0].db_path, tmp_path / "smartcity.duckdb")
    return tmp_path, copy_mirror(mirror, tmp_path / "mirror")


def test_new_snapshot_is_picked_up_without_code_change(workspace, mirror):
    tmp, mirror_copy = workspace
    add_snapshot(mirror_copy, mirror, "20221031")
    settings = settings_for(tmp, mirror_copy)
    build(settings, log=lambda _: None)
    (snaps, last), = one(settings.db_path, "SELECT snapshots, last_snapshot FROM build_info")
    assert (snaps, last.isoformat()) == (44, "2022-10-31")
    # its checksum was recorded on first load and is enforced from then on
    seen = (tmp / "raw" / "checksums.seen.toml").read_text()
    assert "mynumbercard/20221031/all_localgovs.csv" in seen


def _break(folder, name, transform):
    path = folder / name
    text = path.read_text(encoding="utf-8-sig")
    path.unlink()
    result = transform(text)
    path.write_bytes(result if isinstance(result, bytes) else result.encode("utf-8"))


FATAL = {
    "wrong encoding": (lambda t: t.encode("utf-8")[:200] + b"\x80\x81\xfc\xfc" + t.encode("utf-8")[200:],
                       "row 2: cannot decode: neither UTF-8 nor CP932"),
    "missing column": (lambda t: t.replace('"交付枚数",', "", 1), "column '交付枚数': required column is missing"),
    "empty file": (lambda t: b"", "the file is empty"),
    "299 of 1,741 municipalities": (
        lambda t: "\n".join(t.splitlines()[:300]) + "\n",
        "incomplete: has rows for 299 of the 1741 municipalities of the master; 1442 missing"),
    "garbage with a valid header": (lambda t: t.splitlines()[0] + "\n" + "".join(
        f"{i:07d},#@!%&,{'x' * (i % 37)}\n" for i in range(20000)),
        "20000 of 20000 rows quarantined (100.0%, 0 loaded), more than the 1.0% allowed (max_quarantined_share)"),
}


@pytest.mark.parametrize("case", sorted(FATAL))
def test_fatal_bad_input_stops_the_build_and_keeps_the_database(workspace, mirror, case):
    tmp, mirror_copy = workspace
    folder = add_snapshot(mirror_copy, mirror, "20221031")
    transform, message = FATAL[case]
    _break(folder, "all_localgovs.csv", transform)
    before = sha256_of(tmp / "smartcity.duckdb")
    with pytest.raises(EtlError) as err:
        build(settings_for(tmp, mirror_copy), log=lambda _: None)
    assert "mynumbercard/20221031/all_localgovs.csv" in str(err.value)
    assert message in str(err.value)
    assert sha256_of(tmp / "smartcity.duckdb") == before
    assert not list(tmp.glob(".build-*"))
    seen = tmp / "raw" / "checksums.seen.toml"
    assert not seen.is_file() or "20221031" not in seen.read_text()  # a file that failed is never trusted


def test_cli_failure_exit_code_and_message(workspace, mirror):
    tmp, mirror_copy = workspace
    folder = add_snapshot(mirror_copy, mirror, "20221031")
    _break(folder, "all_localgovs.csv", FATAL["missing column"][0])
    env = {"SMARTCITY_DB": str(tmp / "smartcity.duckdb"), "SMARTCITY_DATA_MIRROR": str(mirror_copy),
           "SMARTCITY_RAW_CACHE": str(tmp / "raw"), "SMARTCITY_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "etl", "build"], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True)
    assert proc.returncode == 1
    assert "ETL build failed; the previous database (if any) is unchanged" in proc.stderr
    assert "mynumbercard/20221031/all_localgovs.csv, row 1, column '交付枚数': required column is missing" in proc.stderr


def test_truncated_geojson_keeps_the_database(workspace):
    tmp, mirror_copy = workspace
    target = mirror_copy / "boundaries" / "N03-21_27_210101.json"
    data = target.read_bytes()
    target.unlink()
    target.write_bytes(data[: len(data) // 2])
    before = sha256_of(tmp / "smartcity.duckdb")
    with pytest.raises(EtlError, match="N03-21_27_210101.json: checksum mismatch"):
        build(settings_for(tmp, mirror_copy), log=lambda _: None)
    assert sha256_of(tmp / "smartcity.duckdb") == before


ROW_LEVEL = {
    "extra footer lines": (lambda t: t + '"※出典：総務省「マイナンバーカード交付状況について」"\n"（注）交付率は人口比"\n',
                           2, "has 1 fields but the header has 9"),
    "duplicated rows": (lambda t: t + t.splitlines()[1] + "\n", 1, "duplicate: code 01100 already loaded from row 2"),
    "negative counts": (lambda t: t.replace(",1960668,967872,", ",1960668,-967872,", 1), 1, "negative count: -967872"),
    "number written as －": (lambda t: t.replace(",1960668,967872,", ",1960668,－,", 1), 1, "is a dash"),
    "unknown code": (lambda t: t.replace(",11002\n", ",279994\n", 1), 1, "unknown code 279994"),
}


@pytest.mark.parametrize("case", sorted(ROW_LEVEL))
def test_bad_rows_are_quarantined_and_nothing_is_lost(workspace, mirror, case):
    tmp, mirror_copy = workspace
    folder = add_snapshot(mirror_copy, mirror, "20221031")
    transform, n_bad, reason = ROW_LEVEL[case]
    _break(folder, "all_localgovs.csv", transform)
    settings = settings_for(tmp, mirror_copy)
    lines = []
    build(settings, log=lines.append)
    file = "mynumbercard/20221031/all_localgovs.csv"
    (read, loaded, quarantined), = one(settings.db_path, """SELECT rows_read, rows_loaded, rows_quarantined
                                                            FROM source_file WHERE file = ?""", [file])
    assert read == loaded + quarantined and quarantined == n_bad
    assert read == 1741 + (n_bad if case in ("extra footer lines", "duplicated rows") else 0)
    rejected = one(settings.db_path, "SELECT row_number, reason, raw FROM rejected_row WHERE file = ?", [file])
    assert len(rejected) == n_bad and all(reason in r[1] for r in rejected)
    assert any(line.startswith(f"quarantined: {file}, row ") and reason in line for line in lines)


def test_strict_build_fails_on_a_bad_row_and_keeps_the_database(workspace, mirror):
    tmp, mirror_copy = workspace
    folder = add_snapshot(mirror_copy, mirror, "20221031")
    _break(folder, "all_localgovs.csv", ROW_LEVEL["negative counts"][0])
    before = sha256_of(tmp / "smartcity.duckdb")
    with pytest.raises(EtlError, match=r"all_localgovs.csv, row 2, column '交付枚数': rejected \(strict build\): "
                                       r"negative count"):
        build(settings_for(tmp, mirror_copy), log=lambda _: None, strict=True)
    assert sha256_of(tmp / "smartcity.duckdb") == before


def test_no_mirror_and_no_network_names_the_missing_sources(tmp_path):
    settings = settings_for(tmp_path, tmp_path / "nowhere")
    with pytest.raises(EtlError) as err:
        build(settings, log=lambda _: None)
    message = str(err.value)
    assert "boundaries/N03-21_27_210101.json: source 'boundaries_osaka' is missing" in message
    assert "mynumbercard/20220930/all_localgovs.csv: source 'mynumbercard' is missing" in message
    assert not settings.db_path.exists()


def test_bad_reference_transcription_fails_with_row_and_column(workspace, mirror, project_copy):
    tmp, mirror_copy = workspace
    path = project_copy / "data/reference/joint_procurement_adoption.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("e_application,電子申請システム,E-application system,2020,joint,0,",
                                "e_application,電子申請システム,E-application system,2020,joint,-1,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = sha256_of(tmp / "smartcity.duckdb")
    settings = settings_for(tmp, mirror_copy, SMARTCITY_PROJECT_ROOT=str(project_copy))
    with pytest.raises(EtlError, match=r"data/reference/joint_procurement_adoption.csv, row 2, column "
                                       r"'municipalities': -1 is below the minimum 0"):
        build(settings, log=lambda _: None)
    assert sha256_of(tmp / "smartcity.duckdb") == before


def test_checksum_recorded_on_first_load_is_enforced_later(workspace, mirror):
    tmp, mirror_copy = workspace
    folder = add_snapshot(mirror_copy, mirror, "20221031")
    settings = settings_for(tmp, mirror_copy)
    build(settings, log=lambda _: None)
    before = sha256_of(settings.db_path)
    _break(folder, "all_prefectures.csv", lambda t: t.replace("4377050", "4377051"))
    with pytest.raises(EtlError, match=r"20221031/all_prefectures.csv: checksum mismatch: .* but the checksum "
                                       r"recorded on first load"):
        build(settings, log=lambda _: None)
    assert sha256_of(settings.db_path) == before
