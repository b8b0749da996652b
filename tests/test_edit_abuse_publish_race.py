"""Probe (issue 10 security review): two submissions of one table, both approved before either is published (two
approvers clicking "approve and publish" while the first build runs): the second is published over the first
without ever being checked against it, silently undoing the first (lost update; four-eyes never saw the result)."""
from __future__ import annotations

import dataclasses
import shutil

import duckdb
import pytest

from conftest import fixture_settings
from smartcity.auth import accounts
from smartcity.state import publish, store, workflow

TABLE = "joint_procurement_adoption"
PASSWORD = "correct horse battery"
ROWS = "".join(f"e_application,電子申請システム,E-application system,2024,{p},{n},,https://example.jp/r6,R6実績,1\n"
               for p, n in (("joint", 38), ("own", 5), ("total", 43)))


@pytest.fixture
def setup(tmp_path, fixture_db):
    settings = fixture_settings(tmp_path)
    settings = dataclasses.replace(settings, state_url=f"sqlite:///{tmp_path}/state/state.sqlite3")
    shutil.copyfile(fixture_db, settings.db_path)
    engine = store.engine(settings.state_url)
    with engine.begin() as conn:
        people = {r: accounts.create_account(conn, r, r, "大阪府", "approver" if r != "editor" else "editor",
                                             PASSWORD) for r in ("editor", "approver", "approver2")}
    return settings, engine, people


def _submitted(engine, editor, content: str) -> int:
    with engine.begin() as conn:
        sid = workflow.create(conn, editor, TABLE, "t.csv", "0" * 64, content, 1,
                              {"diff": {"added": [], "changed": [], "removed": []}})
        workflow.submit(conn, editor, sid, "")
    return sid


def test_second_approval_of_the_same_table_is_rechecked_at_publish(setup):
    settings, engine, people = setup
    base = (settings.reference_dir / f"{TABLE}.csv").read_text(encoding="utf-8")
    first = _submitted(engine, people["editor"], base + ROWS)  # adds FY2024
    second = _submitted(engine, people["editor"], base)  # made from the same template, e.g. a typo fix elsewhere
    with engine.begin() as conn:  # request 1 approves, then waits for / runs its build ...
        workflow.approve(conn, people["approver"], first, "")
    with engine.begin() as conn:  # ... request 2 approves meanwhile: nothing is published yet, the check passes
        workflow.approve(conn, people["approver2"], second, "")
    assert publish.publish(engine, settings, people["approver"], first)["status"] == "published"
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        assert con.execute(f"SELECT count(*) FROM {TABLE} WHERE year = 2024").fetchone() == (3,)
    # the second was made against a table the first has since changed: publishing it must be refused
    with pytest.raises(workflow.Conflict):
        result = publish.publish(engine, settings, people["approver2"], second)
        with duckdb.connect(str(settings.db_path), read_only=True) as con:
            lost = con.execute(f"SELECT count(*) FROM {TABLE} WHERE year = 2024").fetchone()
        raise AssertionError(f"published {result['status']}; FY2024 rows left: {lost} (the first change undone)")


def test_upload_checked_against_one_publication_is_not_based_on_a_later_one(setup, monkeypatch):
    """The upload is validated and diffed against the built database, but its base_publication_id is read later
    (workflow.create): a publication finishing in between (the preview takes seconds) becomes its base, so
    approve's "table changed since upload" check passes and publishing it undoes that publication."""
    from smartcity.edit import preview, service
    settings, engine, people = setup
    base = (settings.reference_dir / f"{TABLE}.csv").read_text(encoding="utf-8")
    other = _submitted(engine, people["editor"], base + ROWS)
    real_effect = preview.kpi_effect

    def effect_while_another_publishes(*args, **kwargs):
        out = real_effect(*args, **kwargs)
        with engine.begin() as conn:  # a concurrent request: approve and publish the other submission
            workflow.approve(conn, people["approver"], other, "")
        assert publish.publish(engine, settings, people["approver"], other)["status"] == "published"
        return out

    monkeypatch.setattr(preview, "kpi_effect", effect_while_another_publishes)
    edited = base[: base.rstrip("\n").rfind(",")] + ",289\n"  # the last row's source line, say
    result = service.check_upload(settings, people["editor"], TABLE, "mine.csv", edited.encode("utf-8"))
    assert result.ok, (result.refused, result.problems[:3])
    with engine.begin() as conn:
        sid = workflow.create(conn, people["editor"], result.table, result.file_name, result.sha256,
                              result.content_csv, result.row_count, result.stored_report())
        workflow.submit(conn, people["editor"], sid, "")
    with engine.begin() as conn, pytest.raises(workflow.Conflict):  # it never saw the other publication
        workflow.approve(conn, people["approver2"], sid, "")
