"""Probe (issue 10 security review): "inf", "1e309" and "nan" pass the upload check in a number column. inf is
kept (report JSON gets the non-standard token Infinity: PostgreSQL's JSON type refuses it, so the upload answers
500 on a PostgreSQL state database; published, it reaches the public figures); nan silently becomes an empty cell
(so a required number can be emptied and the build fails only at publish)."""
from __future__ import annotations

import dataclasses
import shutil

import pytest

from conftest import fixture_settings
from pg import postgres_server, state_url  # noqa: F401 (fixtures: SQLite and PostgreSQL)
from smartcity.auth import accounts
from smartcity.edit import service
from smartcity.state import store, workflow

TABLE = "ai_ondemand_transport"


@pytest.fixture
def setup(tmp_path, fixture_db, state_url):
    settings = dataclasses.replace(fixture_settings(tmp_path), state_url=state_url)
    shutil.copyfile(fixture_db, settings.db_path)
    with store.engine(state_url).begin() as conn:
        editor = accounts.create_account(conn, "editor", "E", "大阪府", "editor", "correct horse battery")
    return settings, editor


@pytest.mark.parametrize("text", ["inf", "1e309", "-inf", "nan"])
def test_non_finite_numbers_are_refused_with_a_reason(setup, text):
    settings, editor = setup
    lines = (settings.reference_dir / f"{TABLE}.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    edited = [line.replace(",4,meetings,", f",{text},meetings,") for line in lines]
    assert edited != lines
    result = service.check_upload(settings, editor, TABLE, "x.csv", "".join(edited).encode("utf-8"))
    if result.ok:  # accepted: show what happens when it is kept (PostgreSQL: DataError -> 500)
        with store.engine(settings.state_url).begin() as conn:
            workflow.create(conn, editor, result.table, result.file_name, result.sha256, result.content_csv,
                            result.row_count, result.stored_report())
    assert not result.ok, f"{text!r} accepted as a number: {result.report['diff']['changed']}"
