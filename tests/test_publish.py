"""Publishing and rolling back officials' submissions (smartcity/state): the ETL layers the publication in force
over the reference files; roles and four-eyes are checked by the state functions; a failed build publishes nothing."""
from __future__ import annotations

import dataclasses
import hashlib
import shutil

import duckdb
import pytest

from conftest import fixture_settings
from pg import postgres_server, state_url  # noqa: F401 (fixtures: every test runs on SQLite and on PostgreSQL)
from smartcity.auth import accounts
from smartcity.state import audit, publications, publish, store, workflow

TABLE = "joint_procurement_adoption"
PASSWORD = "correct horse battery"


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def setup(tmp_path, fixture_db, state_url):
    settings = dataclasses.replace(fixture_settings(tmp_path), state_url=state_url)
    shutil.copyfile(fixture_db, settings.db_path)
    engine = store.engine(settings.state_url)
    with engine.begin() as conn:
        people = {role: accounts.create_account(conn, role, role.title(), "大阪府スマートシティ戦略部", role, PASSWORD)
                  for role in ("editor", "approver")}
        people["other"] = accounts.create_account(conn, "other", "Other", "大阪府", "approver", PASSWORD)
    return settings, engine, people


def _content(settings, extra: str = "") -> str:
    text = (settings.reference_dir / f"{TABLE}.csv").read_text(encoding="utf-8")
    return text + extra


NEW_ROWS = "".join(f"e_application,電子申請システム,E-application system,2024,{p},{n},,https://example.jp/r6,R6実績,1\n"
                   for p, n in (("joint", 38), ("own", 5), ("total", 43)))


KEY = '["e_application", 2024, "total"]'


def _submitted(engine, people, content: str) -> int:
    with engine.begin() as conn:
        sid = workflow.create(conn, people["editor"], TABLE, "t.csv", "0" * 64, content, content.count("\n") - 1,
                              {"provenance": {KEY: [None, None, "大阪府スマートシティ戦略部"]},
                               "diff": {"added": [{}] * 3, "changed": [], "removed": []}})
        workflow.submit(conn, people["editor"], sid, "FY2024")
    return sid


def _adoption(db) -> list:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"SELECT year, municipalities FROM {TABLE} WHERE system_id = 'e_application' "
                           "AND procurement = 'total' ORDER BY year").fetchall()


def test_publish_then_roll_back(setup, dash_app):
    settings, engine, people = setup
    before = _adoption(settings.db_path)
    sid = _submitted(engine, people, _content(settings, NEW_ROWS))
    with engine.begin() as conn:
        workflow.approve(conn, people["approver"], sid, "ok")
    pub = publish.publish(engine, settings, people["approver"], sid, "FY2024 figures")
    assert pub["status"] == "published", pub["error"]
    assert _adoption(settings.db_path) == before + [(2024, 43)]
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        assert con.execute("SELECT publication_id, kind FROM publication_info").fetchall() == [(pub["id"], "publish")]
        assert con.execute("""SELECT latest_value FROM assessment WHERE indicator_id = 'muni_e_application_adoption'
                              AND geo_code = '27000'""").fetchone() == (43.0,)
        assert con.execute("SELECT table_name, row_key, submission_id, organisation FROM row_provenance").fetchall() \
            == [(TABLE, KEY, sid, "大阪府スマートシティ戦略部")]
        assert con.execute("SELECT summary_ja FROM publication_log").fetchall() == [
            (f"{TABLE}：追加 3 行・変更 0 行・削除 0 行",)]
    with engine.connect() as conn:
        assert publications.current_state(conn) == {TABLE: sid}
        assert workflow.get(conn, sid)["status"] == "published"
    back = publish.rollback(engine, settings, people["approver"], 0, "undo")
    assert back["status"] == "published" and back["kind"] == "rollback"
    assert _adoption(settings.db_path) == before
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM row_provenance").fetchone() == (0,)
        log = con.execute("SELECT kind, summary_en FROM publication_log ORDER BY publication_id").fetchall()
    assert [k for k, _ in log] == ["publish", "rollback"] and "repository" in log[1][1]
    from pages.data import publication_log  # the catalog's public change log: what, never who
    shown = str(publication_log(settings.db_path, "ja"))
    assert "追加 3 行" in shown and "リポジトリ" in shown and "editor" not in shown and "Approver" not in shown
    with engine.connect() as conn:
        actions = [e["action"] for e in audit.events(conn)]
    assert actions[:5] == ["rollback", "publish", "approve", "submit", "upload"]


def test_four_eyes_and_roles(setup):
    settings, engine, people = setup
    sid = _submitted(engine, people, _content(settings, NEW_ROWS))
    with engine.begin() as conn:
        for actor in (None, people["editor"], {**people["editor"], "role": "viewer"}):
            with pytest.raises(workflow.Forbidden):
                workflow.approve(conn, actor, sid, "")
    with engine.begin() as conn:  # an approver who uploaded it cannot approve it
        own = workflow.create(conn, people["other"], TABLE, "t.csv", "0" * 64, _content(settings), 1, {})
        workflow.submit(conn, people["other"], own, "")
    with engine.begin() as conn, pytest.raises(workflow.Forbidden):
        workflow.approve(conn, people["other"], own, "")
    with pytest.raises(workflow.Forbidden):
        publish.rollback(engine, settings, people["editor"], 0)
    with pytest.raises(workflow.Conflict):  # not approved yet
        publish.publish(engine, settings, people["approver"], sid)


def test_failed_build_publishes_nothing(setup):
    settings, engine, people = setup
    checksum = _sha(settings.db_path)
    bad = _content(settings, NEW_ROWS.replace(",43,", ",-1,"))  # below the column's minimum: the build refuses it
    sid = _submitted(engine, people, bad)
    with engine.begin() as conn:
        workflow.approve(conn, people["approver"], sid, "")
    pub = publish.publish(engine, settings, people["approver"], sid)
    assert pub["status"] == "failed" and "below the minimum" in pub["error"]
    assert _sha(settings.db_path) == checksum
    with engine.connect() as conn:
        assert publications.current_state(conn) == {}
        assert workflow.get(conn, sid)["status"] == "failed"
        assert audit.events(conn)[0]["action"] == "publish_failed"


def test_an_observation_entered_directly_reaches_the_kpi(setup):
    settings, engine, people = setup
    header = (settings.kpi_dir / "observation_entries.csv").read_text(encoding="utf-8")
    content = header + "orden_municipalities,27000,2025-03-31,12,12,43,,ORDEN 参画状況,令和6年度末,\n"
    with engine.begin() as conn:
        sid = workflow.create(conn, people["editor"], "observation_entry", "o.csv", "0" * 64, content, 1, {})
        workflow.submit(conn, people["editor"], sid, "")
        workflow.approve(conn, people["approver"], sid, "")
    assert publish.publish(engine, settings, people["approver"], sid)["status"] == "published"
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        assert con.execute("""SELECT value, numerator, denominator, source_id FROM observation
                              WHERE indicator_id = 'orden_municipalities'""").fetchall() == [
            (12.0, 12.0, 43.0, "reference:observation_entry")]
        assert con.execute("""SELECT latest_value FROM assessment WHERE indicator_id = 'orden_municipalities'
                              AND geo_code = '27000'""").fetchone() == (12.0,)
