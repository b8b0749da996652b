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


def _sql_files(folder: Path, **texts: str) -> list[Path]:
    folder.mkdir()
    for name, text in texts.items():
        (folder / f"{name}.sql").write_text(text, encoding="utf-8")
    return [folder / f"{name}.sql" for name in texts]


@pytest.fixture
def small_db():
    """Tables a, b, c and observation, a view on b and a table macro on c, as etl/sql/kpi_views.sql makes them."""
    con = duckdb.connect()
    for table in ("a", "b", "c"):
        con.execute(f"CREATE TABLE {table} (source_file VARCHAR, x DOUBLE)")
        con.execute(f"INSERT INTO {table} VALUES ('f', 1)")
    con.execute("CREATE TABLE observation (indicator_id VARCHAR, value DOUBLE)")
    con.execute("CREATE VIEW v AS SELECT * FROM b")
    con.execute("CREATE TEMP MACRO m(k) AS TABLE SELECT * FROM c WHERE x = k")
    con.execute("CREATE TEMP MACRO n() AS (SELECT max(x) FROM a)")
    yield con
    con.close()


def _rerun(con, files: list[Path], changed: set[str]) -> list[Path]:
    """The files an incremental build runs again when these tables changed."""
    from etl.incremental import _affected, _Inputs
    reads = _Inputs(con).of([p.read_text(encoding="utf-8") for p in files])
    return [path for path, _ in _affected([(p, *r) for p, r in zip(files, reads)], changed)]


def test_only_the_observation_files_reading_a_changed_table_run_again(small_db, tmp_path):
    files = _sql_files(tmp_path / "obs",
                       reads_a="INSERT INTO observation SELECT 'reads_a', x FROM a;",
                       reads_b="-- through a view\nINSERT INTO observation SELECT 'reads_b', x FROM v;",
                       reads_c="INSERT INTO observation SELECT 'reads_c', x FROM m(1);",
                       scalar="INSERT INTO observation SELECT 'scalar', n();",
                       subquery="INSERT INTO observation WITH t AS (SELECT 1 AS k) "
                                "SELECT 'subquery', k FROM t WHERE k IN (SELECT x FROM c);")
    names = (lambda changed: [p.stem for p in _rerun(small_db, files, changed)])
    assert names({"b"}) == ["reads_b"]
    assert names({"c"}) == ["reads_c", "subquery"]
    assert names({"a"}) == ["reads_a", "scalar"]
    assert names({"source_file"}) == []  # a column of that name is not the table
    assert names(set()) == []


@pytest.mark.parametrize("text", ["INSERT INTO observation SELECT 'x', random();",
                                  "INSERT INTO observation SELECT 'x', CAST(year(current_date) AS DOUBLE);",
                                  "INSERT INTO observation SELECT 'x', count(*) FROM read_csv('elsewhere.csv');",
                                  "INSERT INTO observation SELECT 'x', value FROM observation;",
                                  "INSERT INTO a SELECT 'x', 1;"])
def test_every_file_runs_again_when_one_files_inputs_cannot_be_told(small_db, tmp_path, text):
    files = _sql_files(tmp_path / "obs", reads_a="INSERT INTO observation SELECT 'reads_a', x FROM a;", other=text)
    assert _rerun(small_db, files, {"b"}) == files


def test_an_observation_file_writes_its_own_indicator_only(small_db, tmp_path):
    from etl.build import run_observation_file
    (own, other, update) = _sql_files(tmp_path / "obs", own="INSERT INTO observation SELECT 'own', x FROM a;",
                                      other="INSERT INTO observation SELECT 'other', x FROM a;\n"
                                            "INSERT INTO observation SELECT 'someone_else', x FROM b;",
                                      update="UPDATE observation SET value = 0;")
    run_observation_file(small_db, own)
    assert small_db.execute("SELECT * FROM observation").fetchall() == [("own", 1.0)]
    with pytest.raises(EtlError, match=r"other\.sql.*1 of the 2 rows it inserted are not observations of 'other'"):
        run_observation_file(small_db, other)
    with pytest.raises(EtlError, match=r"update\.sql.*UPDATE statement"):
        run_observation_file(small_db, update)


def test_history_reuses_what_was_measured_only_against_the_build_it_was_measured_on(first_build, tmp_path):
    from etl import history
    _, settings = first_build
    for base_is_current, expected in ((False, set()), (True, {"municipality", "observation"})):
        copy = tmp_path / f"copy-{base_is_current}.duckdb"
        shutil.copy(settings.db_path, copy)  # the same content as the current build
        with duckdb.connect(str(copy)) as con:
            tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
            prints = history.fingerprints(con, "main", tables)
            bogus = {t: (n + (t in ("municipality", "observation")), h) for t, (n, h) in prints.items()}  # a row more
            base = history.identity(con) if base_is_current else (("another build",),)
            built_at = dt.datetime(2030, 1, 1)
            history.record(con, settings.db_path, built_at, history.Known(base, bogus, {}, {"observation": (0, 1, 0)}))
            rows = con.execute("""SELECT table_name, rows_removed FROM build_change
                                  WHERE built_at = ? AND table_name <> '*'""", [built_at]).fetchall()
        assert {t for t, _ in rows} == expected  # with another base, measured afresh: nothing changed
        assert all(removed == 1 for t, removed in rows if t == "observation")  # the counts given are used


@pytest.mark.parametrize("select, source", [
    ("SELECT 'x', x * 2 FROM a WHERE x > 0", "a"),
    ("SELECT 'x', coalesce(x, 0) FROM main.a", "a"),
    ("SELECT 'x', sum(x) FROM a", None),                      # an aggregate: one row from many
    ("SELECT 'x', x FROM a GROUP BY ALL", None),
    ("SELECT DISTINCT 'x', x FROM a", None),
    ("SELECT 'x', x FROM a LIMIT 3", None),
    ("SELECT 'x', x FROM a ORDER BY x", None),
    ("SELECT 'x', row_number() OVER () FROM a", None),        # a window
    ("SELECT 'x', x FROM a JOIN b USING (x)", None),
    ("SELECT 'x', x FROM a WHERE x IN (SELECT x FROM b)", None),
    ("SELECT 'x', n() FROM a", None),                         # a macro
    ("SELECT 'x', random() FROM a", None),
    ("SELECT 'x', x FROM v", "v"),                            # a view: of the table the file names
    ("WITH t AS (SELECT * FROM a) SELECT 'x', x FROM t", None),
])
def test_a_file_reading_one_table_row_by_row_is_told_apart(small_db, select, source):
    from etl.incremental import _Inputs
    assert _Inputs(small_db).of([f"INSERT INTO observation {select};"])[0][1] == source


def test_a_row_by_row_file_runs_on_the_appended_rows_alone(small_db, tmp_path):
    from etl.incremental import _run_on_tail
    (path,) = _sql_files(tmp_path / "obs", rows="INSERT INTO observation SELECT 'rows', x * 10 FROM a;")
    last = small_db.execute("SELECT max(rowid) FROM a").fetchone()[0]
    small_db.execute("INSERT INTO a VALUES ('g', 2), ('h', 3)")
    _run_on_tail(small_db, path, "memory.main.a", "a", last)
    assert sorted(small_db.execute("SELECT * FROM observation").fetchall()) == [("rows", 20.0), ("rows", 30.0)]
    assert small_db.execute("SELECT count(*) FROM a").fetchone()[0] == 3  # the table itself, unshadowed again
