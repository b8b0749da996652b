"""The data update history: each build records what changed from the one it replaces (files, rows added, removed and
changed), keeps the earlier history, and the catalog shows it with every source's latest data and next update."""
from __future__ import annotations

import duckdb

from conftest import FIXTURE_MIRROR, add_snapshot, copy_mirror, fixture_settings
from helpers import find, layout_of, page_text


def _changes(db) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("""SELECT built_at, table_name, rows_before, rows_after, rows_added, rows_removed,
                                     rows_changed, files_changed, note
                              FROM build_change ORDER BY built_at, table_name""").fetchall()


def test_each_build_records_what_changed_and_keeps_the_history(tmp_path):
    from etl.build import build
    mirror = copy_mirror(FIXTURE_MIRROR, tmp_path / "mirror")
    settings = fixture_settings(tmp_path / "out", mirror)
    build(settings, log=lambda _: None)
    first = _changes(settings.db_path)
    assert [(r[1], r[8]) for r in first] == [("*", "first build")]

    build(settings, log=lambda _: None)  # the same sources again: nothing changed
    second = _changes(settings.db_path)
    assert second[:1] == first and [(r[1], r[7], r[8]) for r in second[1:]] == [("*", None, None)]

    add_snapshot(mirror, FIXTURE_MIRROR, new="20221031", base="20220930")
    build(settings, log=lambda _: None)
    third = _changes(settings.db_path)
    assert third[:2] == second  # earlier builds kept as they were
    latest = {r[1]: r for r in third[2:]}
    assert latest["*"][7] == ("+mynumbercard/20221031/all_localgovs.csv, +mynumbercard/20221031/all_prefectures.csv, "
                              "+mynumbercard/20221031/summary_by_types.csv")
    issuance = latest["mynumber_issuance"]
    assert issuance[4] == issuance[3] - issuance[2] > 0 and issuance[5] == 0 and issuance[6] == 0
    assert "build_info" not in latest and "build_change" not in latest  # the build's own bookkeeping is not data


def test_a_changed_value_is_counted_as_changed_not_added(tmp_path, db):
    import datetime as dt
    import shutil

    from etl import history
    copy = shutil.copy(db, tmp_path / "new.duckdb")
    with duckdb.connect(str(copy)) as con:
        con.execute("UPDATE dx_application_rate SET rate_pct = rate_pct / 2 WHERE geo_code = '27100'")
        con.execute("DELETE FROM dx_indicator_value WHERE geo_code = '27100'")
        history.record(con, db, dt.datetime(2030, 1, 1))
        rows = {r[0]: r[1:] for r in con.execute("""SELECT table_name, rows_added, rows_removed, rows_changed
                                                    FROM build_change WHERE built_at = '2030-01-01'""").fetchall()}
    assert rows["dx_application_rate"][0] == 0 and rows["dx_application_rate"][2] > 0
    assert rows["dx_indicator_value"][1] > 0 and rows["dx_indicator_value"][2] == 0
    assert set(rows) == {"*", "dx_application_rate", "dx_indicator_value"}


def test_catalog_shows_latest_data_next_update_and_history(dash_app):
    with dash_app.server.test_request_context("/data"):
        ja = layout_of("data")
    with dash_app.server.test_request_context("/data?lang=en"):
        en = layout_of("data", lang="en")
    updates = page_text(find(ja, "data-updates"))
    # the fixture's newest My Number snapshot is 2022-09-30, a monthly source: due about October 2022, overdue
    assert "2022年9月30日" in updates and "2022年10月ごろ（毎月）" in updates and "予定を過ぎています" in updates
    assert "未定（不定期に公表）" in updates
    assert "around Oct 2022 (monthly)" in page_text(find(en, "data-updates"))
    assert "初回の構築" in page_text(find(ja, "data-history"))


def test_kpi_page_says_when_its_source_was_last_updated_and_is_next_due(dash_app):
    with dash_app.server.test_request_context("/kpi/mynumber_card_issuance_rate"):
        page = layout_of("kpi", indicator_id="mynumber_card_issuance_rate")
    line = page_text(find(page, "kpi-update-mynumbercard"))
    assert "最終更新" in line and "2022年9月30日" in line and "次回更新予定" in line and "予定を過ぎています" in line
