"""The overview (/): the summary of statuses with its filter links, freshness in words (build date, newest and oldest
data, stale KPIs), the as-of date of every tile in the user's terms, and the 2030 plan's policies and fields in their
own order, including those without a KPI yet."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from common.duck import connect
from helpers import find, graphs, layout_of, page_text
from smartcity import format as fmt
from smartcity.queries import kpi

HEADLINE = """SELECT i.indicator_id, i.frequency, a.status, a.latest_period_end, a.is_stale
              FROM indicator i JOIN assessment a ON a.indicator_id = i.indicator_id
                                              AND a.geo_code = i.headline_geo_code ORDER BY i.sort_order"""


def headline(db) -> pd.DataFrame:
    with connect(db) as con:
        return con.execute(HEADLINE).fetchdf()


def overview(dash_app, **query):
    search = "&".join(f"{k}={v}" for k, v in query.items())
    with dash_app.server.test_request_context("/?" + search):
        return layout_of("overview", **query)


# --- the date words (smartcity.format) -------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "frequency", "ja", "en"), [
    ("2024-03-31", "annual", "2023年度", "FY2023"),  # fiscal 2023 ends on 31 March 2024
    (dt.date(2021, 3, 31), "irregular", "2020年度", "FY2020"),
    (pd.Timestamp("2022-09-30"), "monthly", "2022年9月30日", "30 Sep 2022"),
    ("2023-03-31", "monthly", "2023年3月31日", "31 Mar 2023"),  # a monthly figure is a day, even at the year's end
    ("2024-07-12", "annual", "2024年7月12日", "12 Jul 2024"),  # annual but not a fiscal year end
    (None, "annual", "—", "—"),
])
def test_period_words(value, frequency, ja, en):
    assert fmt.period_words(value, frequency, "ja") == ja
    assert fmt.period_words(value, frequency, "en") == en


def test_stale_reason_and_as_of_words():
    assert fmt.stale_reason("2022-09-30", "monthly", "ja") == "毎月更新の指標ですが最終データは2022年9月30日"
    assert fmt.stale_reason("2022-09-30", "monthly", "en") == "updated monthly, but the latest data are from 30 Sep 2022"
    assert fmt.stale_reason("2024-03-31", "annual", "en") == "updated every year, but the latest data are for FY2023"
    assert fmt.as_of_words("2024-03-31", "annual", False, "ja") == ("時点 2023年度", None)
    assert fmt.as_of_words("2024-03-31", "annual", True, "en") == (
        "As of FY2023", "updated every year, but the latest data are for FY2023")
    assert fmt.as_of_words(None, "annual", False, "ja") == ("観測値なし", None)
    assert fmt.as_of_words("2022-09-30", "monthly", float("nan"), "ja")[1] is None  # unknown staleness: no mark
    assert fmt.day_words(pd.Timestamp("2026-11-22 10:00"), "ja") == "2026年11月22日"


# --- queries ---------------------------------------------------------------------------------------------------------


def test_fields_in_the_plans_order_with_their_kpi_counts(db):
    fields = kpi.overview_fields(db)
    plan = fields[fields.field_id.str.fullmatch(r"f\d")]
    assert list(plan.field_id) == [f"f{n}" for n in range(1, len(plan) + 1)]  # ①→⑨
    assert [fj[0] for fj in plan.field_ja] == [chr(0x2460 + n) for n in range(len(plan))]
    assert list(dict.fromkeys(fields.policy_ja))[:3] == ["住民QOLの向上", "都市競争力の強化",
                                                        "共創による次世代型スマート社会への加速"]
    counts = headline(db).merge(kpi.overview(db)[["indicator_id", "field_id"]]).groupby("field_id").size()
    assert fields.set_index("field_id").n_indicators.reindex(counts.index).tolist() == counts.tolist()
    assert (fields[fields.policy_ja == "都市競争力の強化"].n_indicators == 0).all()
    assert fields.n_indicators.sum() == len(kpi.overview(db))  # every KPI has its field


def test_status_counts_equal_the_headline_assessments(db):
    counts = kpi.status_counts(db).set_index("status").n
    assert counts.to_dict() == headline(db).status.value_counts().to_dict()


# --- layout ----------------------------------------------------------------------------------------------------------


def test_summary_counts_equal_the_headline_assessments(dash_app, db):
    page = overview(dash_app)
    expected = headline(db).status.value_counts()
    for status, (_, ja, _) in fmt.STATUS.items():
        link = find(page, f"ov-count-{status}")
        assert link is not None and link.href == f"/?status={status}"
        assert page_text(link).split() == [ja, str(int(expected.get(status, 0)))]
    assert find(page, "ov-count-all").href == "/" and str(len(expected.index) and expected.sum()) in page_text(
        find(page, "ov-count-all"))
    assert find(page, "ov-status-message") is None


def test_each_status_link_filters_the_tiles(dash_app, db):
    heads = headline(db)
    for status in fmt.STATUS:
        page = overview(dash_app, status=status)
        shown = {i for i in heads.indicator_id if find(page, f"ov-tile-{i}") is not None}
        assert shown == set(heads[heads.status == status].indicator_id), status
        if shown:
            assert "だけを表示しています" in page_text(find(page, "ov-status-message"))
    assert {i for i in heads.indicator_id if find(overview(dash_app), f"ov-tile-{i}") is not None} == set(
        heads.indicator_id)


def test_links_keep_english(dash_app):
    page = overview(dash_app, lang="en", status="off_track")
    assert find(page, "ov-count-on_track").href == "/?status=on_track&lang=en"
    assert find(page, "ov-count-all").href == "/?lang=en"
    assert "Showing only the" in page_text(find(page, "ov-status-message"))


@pytest.mark.parametrize("value", ["bogus", "<script>", "ON_TRACK"])
def test_unknown_status_says_so_and_filters_nothing(dash_app, db, value):
    page = overview(dash_app, status=value)
    message = page_text(find(page, "ov-status-message"))
    assert value in message and "すべての指標を表示しています" in message
    assert all(find(page, f"ov-tile-{i}") is not None for i in headline(db).indicator_id)


def test_freshness_in_words(dash_app, db):
    page = overview(dash_app)
    heads = headline(db)
    with connect(db) as con:
        built_at = con.execute("SELECT built_at FROM build_info").fetchone()[0]
    assert fmt.day_words(built_at, "ja") in page_text(find(page, "ov-build"))
    observed = heads.dropna(subset=["latest_period_end"])
    ends = pd.to_datetime(observed.latest_period_end)
    newest, oldest = observed.loc[ends.idxmax()], observed.loc[ends.idxmin()]
    text = page_text(find(page, "ov-data-range"))
    assert fmt.period_words(newest.latest_period_end, newest.frequency) in text
    assert fmt.period_words(oldest.latest_period_end, oldest.frequency) in text
    stale = page_text(find(page, "ov-stale"))
    names = kpi.overview(db).set_index("indicator_id").name_ja
    for r in heads[heads.is_stale].itertuples():
        assert names[r.indicator_id] in stale
        assert fmt.stale_reason(r.latest_period_end, r.frequency, "ja") in stale
    for r in heads[~heads.is_stale].itertuples():
        assert names[r.indicator_id] not in stale


def test_tiles_show_the_as_of_date_in_words_and_the_stale_mark(dash_app, db):
    page = overview(dash_app)
    heads = headline(db)
    for r in heads.itertuples():
        text = page_text(find(page, f"ov-asof-{r.indicator_id}"))
        if pd.isna(r.latest_period_end):
            assert text == "観測値なし"
            continue
        assert fmt.period_words(r.latest_period_end, r.frequency, "ja") in text
        assert ("古いデータ" in text) == bool(r.is_stale)
        if r.is_stale:
            assert fmt.stale_reason(r.latest_period_end, r.frequency, "ja") in text
    e_app = page_text(find(page, "ov-asof-muni_e_application_adoption"))
    assert "2023年度" in e_app and "2024-03-31" not in e_app  # fiscal 2023, in words
    mynumber = page_text(find(page, "ov-asof-mynumber_card_issuance_rate"))
    assert "2022年9月30日" in mynumber and "毎月更新の指標ですが最終データは2022年9月30日" in mynumber
    en = page_text(find(overview(dash_app, lang="en"), "ov-asof-muni_e_application_adoption"))
    assert "As of FY2023" in en and "out of date" in en


def test_every_field_of_the_plan_is_shown_in_order_even_without_kpis(dash_app, db):
    page = overview(dash_app)
    fields = kpi.overview_fields(db)
    text = page_text(page)
    positions = [text.index(f) for f in fields.field_ja]
    assert positions == sorted(positions)  # ① before ② … in the plan's order
    for f in fields.itertuples():
        block = find(page, f"ov-field-{f.field_id}")
        assert block is not None, f.field_id
        assert ("この分野の指標はまだありません" in page_text(block)) == (f.n_indicators == 0)
    competitiveness = page_text(find(page, "ov-policy-competitiveness"))
    assert "都市競争力の強化" in competitiveness and "この分野の指標はまだありません" in competitiveness
    en = page_text(find(overview(dash_app, lang="en"), "ov-policy-competitiveness"))
    assert "No indicator for this field yet" in en


def test_kpi_page_shows_the_as_of_date_in_words_and_the_stale_mark(dash_app, db):
    heads = headline(db).set_index("indicator_id")
    for indicator_id in ("muni_e_application_adoption", "mynumber_card_issuance_rate"):
        with dash_app.server.test_request_context(f"/kpi/{indicator_id}"):
            page = layout_of("kpi", indicator_id=indicator_id)
        r = heads.loc[indicator_id]
        text = page_text(find(page, "kpi-asof"))
        assert fmt.period_words(r.latest_period_end, r.frequency, "ja") in text
        assert ("古いデータ" in text) == bool(r.is_stale)
        if r.is_stale:
            assert page_text(find(page, "kpi-stale-reason")) == fmt.stale_reason(r.latest_period_end, r.frequency)


def test_sparkline_is_a_small_svg_of_the_series_with_the_last_point_marked():
    from urllib.parse import unquote

    from smartcity.figures.kpi import SPARK_H, SPARK_PAD, SPARK_W, sparkline
    series = pd.DataFrame({"period_end": pd.to_datetime(["2021-03-31", "2022-03-31", "2023-03-31"]),
                           "value": [10.0, 30.0, 20.0]})
    uri = sparkline(series, "タブレット <累計> & more")
    assert uri.startswith("data:image/svg+xml;charset=utf-8,") and len(uri) < 2_000
    svg = unquote(uri.split(",", 1)[1])
    assert "<title>タブレット &lt;累計&gt; &amp; more</title>" in svg
    points = [tuple(map(float, p.split(","))) for p in svg.split('points="')[1].split('"')[0].split()]
    assert [x for x, _ in points] == sorted(x for x, _ in points) and points[0][0] == SPARK_PAD
    assert points[-1][0] == SPARK_W - SPARK_PAD
    assert points[1][1] == SPARK_PAD and points[0][1] == SPARK_H - SPARK_PAD  # highest value at the top
    assert f'd="M{points[-1][0]:.1f},{points[-1][1]:.1f} l0,0"' in svg  # the last point marked


def test_the_overview_draws_no_plotly_graph(dash_app):
    with dash_app.server.test_request_context("/"):
        page = layout_of("overview")
    assert graphs(page) == []  # sparklines are images: the page needs no Plotly at all
