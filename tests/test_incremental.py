"""Incremental build (etl/incremental.py): one new snapshot loaded into a copy of the current build gives the same
database content as a full build; anything else changed falls back to a full build; a bad new snapshot leaves the
current database byte for byte as it was."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import FIXTURE_MIRROR, add_snapshot, copy_mirror, fixture_settings
from etl.build import build
from etl.errors import EtlError

# Columns that legitimately differ between two builds of the same inputs: when and how long each build ran (in
# build_change, the time that names each build's rows). Every other column of every table is compared, the views too.
PER_BUILD_COLUMNS = {"build_info": {"built_at", "duration_seconds"}, "build_change": {"built_at"}}
NEW, BASE = "20221031", "20220930"


def _quiet(_: str) -> None:
    pass


def _tables(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, ordered by all its columns, less the per-build columns."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute("""SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'
                                              ORDER BY table_name""").fetchall()]
        out = {}
        for table in names:
            cols = [r[0] for r in con.execute("""SELECT column_name FROM duckdb_columns() WHERE table_name = ?
                                                 AND schema_name = 'main' ORDER BY column_index""", [table]).fetchall()
                    if r[0] not in PER_BUILD_COLUMNS.get(table, set())]
            listed = ", ".join(f'"{c}"' for c in cols)
            out[table] = con.execute(f'SELECT {listed} FROM "{table}" ORDER BY ALL').fetchall()
        out["(schema)"] = con.execute("""SELECT 'table', table_name, sql FROM duckdb_tables() UNION ALL
                                         SELECT 'view', view_name, sql FROM duckdb_views() WHERE NOT internal
                                         ORDER BY ALL""").fetchall()
    return out


@pytest.fixture
def first_build(tmp_path):
    """A copy of the fixture mirror and a full build of it: (mirror copy, settings)."""
    mirror = copy_mirror(FIXTURE_MIRROR, tmp_path / "mirror")
    settings = fixture_settings(tmp_path / "incr", mirror)
    build(settings, log=_quiet)
    return mirror, settings


@pytest.mark.parametrize("as_of", ["2026-11-22", "2027-06-30"])  # the first build's as-of date, and a later one
def test_incremental_build_equals_full_build(first_build, tmp_path, as_of):
    mirror, first = first_build
    settings = fixture_settings(first.db_path.parent, mirror, SMARTCITY_AS_OF=as_of)
    full_settings = fixture_settings(tmp_path / "full", mirror, SMARTCITY_AS_OF=as_of)
    full_settings.db_path.parent.mkdir()
    shutil.copy(settings.db_path, full_settings.db_path)  # both replace the same build: same history to carry
    add_snapshot(mirror, FIXTURE_MIRROR, NEW, BASE)
    lines: list[str] = []
    assert build(settings, log=lines.append, incremental=True)["incremental"], lines
    assert any("incremental build: 3 new files (20221031)" in line for line in lines), lines
    assert not build(full_settings, log=_quiet)["incremental"]
    incremental, full = _tables(settings.db_path), _tables(full_settings.db_path)
    assert incremental.keys() == full.keys()
    for table in incremental:
        assert incremental[table] == full[table], table
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM mynumber_issuance WHERE snapshot_date = ?", [_date(NEW)]
                           ).fetchone()[0] > 0
        assert con.execute("SELECT snapshots, last_snapshot FROM build_info").fetchone() == (4, _date(NEW))
        files = con.execute("""SELECT files_changed FROM build_change WHERE table_name = '*'
                               AND built_at = (SELECT built_at FROM build_info)""").fetchone()[0]
    assert {r[-1] for r in incremental["assessment"]} == {dt.date.fromisoformat(as_of)}
    assert files == ", ".join(f"+mynumbercard/{NEW}/{n}"
                              for n in ("all_localgovs.csv", "all_prefectures.csv", "summary_by_types.csv"))


def _date(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))


def test_falls_back_to_a_full_build_when_another_source_changed(first_build):
    mirror, settings = first_build
    add_snapshot(mirror, FIXTURE_MIRROR, NEW, BASE)
    shutil.copytree(FIXTURE_MIRROR / "dx_dashboard" / "20240712", mirror / "dx_dashboard" / "20250101")
    lines: list[str] = []
    summary = build(settings, log=lines.append, incremental=True)
    assert not summary["incremental"]
    assert any("incremental build not possible: new file dx_dashboard/20250101/" in line and "building in full" in line
               for line in lines), lines


def test_falls_back_when_a_committed_file_changed(first_build, project_copy):
    mirror, settings = first_build
    add_snapshot(mirror, FIXTURE_MIRROR, NEW, BASE)
    reference = project_copy / "data" / "reference"
    edited = fixture_settings(settings.db_path.parent, mirror, SMARTCITY_REFERENCE_DIR=str(reference))
    first = sorted(reference.glob("*.csv"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # any byte of a committed file
    lines: list[str] = []
    summary = build(edited, log=lines.append, incremental=True)
    assert not summary["incremental"]
    assert any("the ETL code, the manifest or the committed reference, KPI or name files changed" in line
               for line in lines), lines


def test_nothing_new_is_a_full_build(first_build):
    _, settings = first_build
    lines: list[str] = []
    assert not build(settings, log=lines.append, incremental=True)["incremental"]
    assert any("no new file since the current build" in line for line in lines), lines


def test_a_bad_new_snapshot_leaves_the_current_database_untouched(first_build):
    mirror, settings = first_build
    folder = add_snapshot(mirror, FIXTURE_MIRROR, NEW, BASE)
    localgovs = folder / "all_localgovs.csv"
    lines = localgovs.read_text(encoding="utf-8-sig").splitlines()
    localgovs.write_text("\ufeff" + "\n".join(lines[:len(lines) // 2]) + "\n", encoding="utf-8")  # half the rows
    before = settings.db_path.read_bytes()
    log: list[str] = []
    with pytest.raises(EtlError, match="incomplete"):
        build(settings, log=log.append, incremental=True)
    assert any("incremental build: 3 new files" in line for line in log), log  # it failed on the incremental path
    assert settings.db_path.read_bytes() == before
    seen = settings.raw_cache / "checksums.seen.toml"
    assert seen.is_file() and NEW not in seen.read_text(encoding="utf-8")  # a file that failed is never trusted
    assert [p.name for p in settings.db_path.parent.iterdir() if p.name.startswith(".build-")] == []
