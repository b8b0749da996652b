"""The data-access gateway (smartcity.db): one connection per process and build, one build per request, results
cached per build, and a swapped-in build seen by the next request (never by half of one)."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import duckdb
import flask
import pytest

from smartcity import db as gateway


def built_at(path: Path) -> str:
    return str(gateway.query(path, "build_info").iloc[0]["built_at"])


def new_build(src: Path, dest: Path, when: str) -> None:
    """Swap a copy of `src` with another build time into `dest`, as the ETL does (a new file, os.replace)."""
    tmp = dest.with_name(".next-" + dest.name)
    shutil.copy(src, tmp)
    with duckdb.connect(str(tmp)) as con:
        con.execute("UPDATE build_info SET built_at = CAST($t AS TIMESTAMP)", {"t": when})
    os.replace(tmp, dest)


@pytest.fixture
def live(fixture_db, tmp_path) -> Path:
    path = tmp_path / "smartcity.duckdb"
    shutil.copy(fixture_db, path)
    return path


def test_a_swap_is_seen_by_the_next_query_outside_a_request(live, fixture_db):
    first = built_at(live)
    new_build(fixture_db, live, "2030-01-02 03:04:05")
    assert built_at(live) == "2030-01-02 03:04:05" != first  # not DuckDB's cached instance of the old file


def test_one_request_reads_one_build_even_across_a_swap(live, fixture_db):
    app = flask.Flask(__name__)
    gateway.init_app(app)
    with app.app_context():
        before = built_at(live)
        new_build(fixture_db, live, "2031-01-01 00:00:00")
        assert built_at(live) == before  # the same render goes on with the build it started on
    with app.app_context():
        assert built_at(live) == "2031-01-01 00:00:00"  # the next request reads the new one


def test_one_connection_per_build_and_a_cursor_per_request(live):
    app = flask.Flask(__name__)
    gateway.init_app(app)
    cursors = []
    for _ in range(3):
        with app.app_context():
            with gateway.connect(live) as a, gateway.connect(live) as b:
                assert a is b  # every query of a request on one cursor
                cursors.append(a)
    assert len({id(c) for c in cursors}) == 3
    assert len({gateway._build(live).con for _ in range(3)}) == 1  # the build opened once
    with pytest.raises(duckdb.ConnectionException):
        cursors[0].execute("SELECT 1")  # closed when its request ended


def test_results_are_cached_per_build_and_handed_out_as_copies(live, fixture_db):
    frame = gateway.query(live, "sources")
    frame.loc[:, frame.columns[0]] = "changed"
    again = gateway.query(live, "sources")
    assert "changed" not in set(again[again.columns[0]])
    key_count = len(gateway._CACHE.items)
    gateway.query(live, "sources")
    assert len(gateway._CACHE.items) == key_count  # a hit, not a second entry
    new_build(fixture_db, live, "2032-01-01 00:00:00")
    assert built_at(live) == "2032-01-01 00:00:00"


def test_the_app_sql_cannot_reach_other_files(live, tmp_path):
    (tmp_path / "secret.csv").write_text("a\n1\n")
    with gateway.connect(live) as con, pytest.raises(duckdb.Error, match="disabled|external"):
        con.execute(f"SELECT * FROM read_csv('{tmp_path / 'secret.csv'}')").fetchall()


def test_parallel_requests_share_the_build(live):
    app = flask.Flask(__name__)
    gateway.init_app(app)
    seen, errors = [], []

    def visit():
        try:
            with app.app_context():
                seen.append(len(gateway.query(live, "sources")))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=visit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(seen)) == 1 and seen[0] > 0
