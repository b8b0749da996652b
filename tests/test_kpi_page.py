"""The indicator page (/kpi/<indicator_id>): figure builders on hand-made frames, queries against the session
database, layouts in Japanese and English, the geography callback, and one browser interaction."""
from __future__ import annotations

import datetime as dt
import time

import dash
import numpy as np
import pandas as pd
import pytest

from helpers import graphs, layout_of, network, page_text, trace_names, wait_rendered, without_database
from smartcity.figures import kpi as fig
from smartcity.figures.common import GEO_STYLE

D = pd.Timestamp


def obs_frame(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    """(geo_code, period_end, value) rows with names, as the page's query returns them."""
    names = {"27000": ("大阪府", "Osaka"), "00000": ("日本", "Japan"), "13000": ("東京都", "Tokyo"),
             "27100": ("大阪市", "Osaka City")}
    return pd.DataFrame([{"geo_code": g, "geo_name_ja": names[g][0], "geo_name_en": names[g][1],
                          "period_end": D(d), "value": v} for g, d, v in rows])


def assessment_frame(**values) -> pd.DataFrame:
    base = {"baseline_value": None, "baseline_date": None, "target_value": None, "target_date": None,
            "slope_per_year": None, "projected_value": None}
    return pd.DataFrame([{**base, **values}])


E_APP = obs_frame([("27000", "2021-03-31", 8), ("27000", "2022-03-31", 18), ("27000", "2023-03-31", 32),
                   ("27000", "2024-03-31", 42)])


# --- pure figure builders ------------------------------------------------------------------------------------------


def test_projection_of_is_the_etl_rule():
    proj = fig.projection_of(E_APP, lower_bound=0, upper_bound=43)
    recent = E_APP.iloc[1:]  # the last two years: fiscal 2021–2023
    xs = np.array([fig.years_between(D("2022-03-31"), d) for d in recent.period_end])
    assert proj.slope_per_year == pytest.approx(np.polyfit(xs, recent.value, 1)[0])
    assert proj.slope_per_year == pytest.approx(11.990873, abs=1e-5)  # the assessment table's slope_per_year
    assert (proj.anchor_date, proj.anchor_value) == (dt.date(2024, 3, 31), 42)  # through the latest observation
    assert proj.value_at(dt.date(2026, 3, 31)) == 43  # never past the 43 municipalities


def test_projection_of_a_separate_baseline_and_a_single_point():
    one = obs_frame([("27000", "2022-01-01", 20)])
    assert fig.projection_of(one) is None  # one observation, no baseline: no line
    proj = fig.projection_of(one, baseline_value=10, baseline_date="2021-01-01")
    assert proj.anchor_value == 20 and proj.slope_per_year == pytest.approx(10 / (365 / 365.25))


def test_projection_points_start_at_the_fit_window_and_stop_at_the_bound():
    a = {"baseline_value": None, "baseline_date": None, "target_value": 43, "target_date": "2026-03-31",
         "slope_per_year": None, "projected_value": None}
    proj = fig.projection_points(a, E_APP, 0, 43)
    assert proj.period_end.iloc[0] == D("2022-03-31")
    assert proj.value.iloc[-1] == 43 and proj.period_end.iloc[-1] < D("2024-06-01")  # 43 reached in FY2024
    assert proj.value.max() <= 43
    unbounded = fig.projection_points(a, E_APP)
    assert unbounded.period_end.iloc[-1] == D("2026-03-31")  # no bound: it ends at the target date
    assert fig.projection_points({"target_date": None}, E_APP).empty


def test_e_payment_chart_stays_within_100_percent():
    frame = obs_frame([("27000", "2018-12-31", 46.5), ("27000", "2022-12-31", 93.0)])
    a = assessment_frame(baseline_value=46.5, baseline_date=dt.date(2018, 12, 31), target_value=100.0,
                         target_date=dt.date(2030, 12, 31), slope_per_year=11.625, projected_value=100.0)
    figure = fig.timeseries(frame, a, "27000", "percent", "％", "ja", lower_bound=0, upper_bound=100)
    projection = [t for t in figure.data if t.meta["role"] == "projection"][0]
    assert max(projection.y) == pytest.approx(100) and pd.Timestamp(projection.x[-1]) < D("2024-01-01")
    low, high = figure.layout.yaxis.range
    assert low >= -3 and high <= 103  # within 0–100 % with a small margin, never 200 %
    assert fig.y_range([0, 186.0], 0, 100) == [-3.0, 103.0]


def test_timeseries_draws_observations_baseline_target_path_and_projection():
    a = assessment_frame(baseline_value=8.0, baseline_date=dt.date(2021, 3, 31), target_value=43.0,
                         target_date=dt.date(2026, 3, 31), slope_per_year=11.990873, projected_value=43.0)
    figure = fig.timeseries(E_APP, a, "27000", "municipalities", "市町村", "ja", source="出典：テスト", lower_bound=0,
                            upper_bound=43)
    roles = [t.meta["role"] for t in figure.data]
    assert roles == ["observed", "path", "baseline", "target", "projection"]
    names = [t.name for t in figure.data]
    assert names == ["大阪府", "目標への直線経路", "基準値", "目標", "予測（直近2年の最小二乗法）"]
    observed, path, baseline, target, projection = figure.data
    assert list(observed.y) == [8, 18, 32, 42] and observed.mode == "lines+markers"
    assert (observed.line.dash, observed.marker.symbol) == (GEO_STYLE["27000"]["dash"], GEO_STYLE["27000"]["symbol"])
    assert list(path.y) == [8, 43] and pd.Timestamp(path.x[-1]) == D("2026-03-31")
    assert list(baseline.y) == [8] and list(target.y) == [43] and target.marker.symbol == "star"
    assert pd.Timestamp(projection.x[0]) == D("2022-03-31")  # from the start of its two-year window
    assert pd.Timestamp(projection.x[-1]) < D("2026-03-31")  # it stops at the bound, before the target date
    assert projection.y[-1] == pytest.approx(43) and projection.text[-1] == "予測 43.0 市町村"
    assert max(figure.layout.yaxis.range) <= 43 * 1.03 + 1e-9
    assert target.text[0] == "目標 43 市町村"
    assert figure.layout.yaxis.title.text == "市町村" and figure.layout.xaxis.title.text == "時点"
    assert figure.layout.annotations[-1].text == "出典：テスト"


def test_timeseries_in_english_with_comparators_distinguished_by_dash_and_symbol():
    frame = obs_frame([("27100", "2022-08-31", 48.8), ("27100", "2022-09-30", 50.3), ("00000", "2022-08-31", 47.4),
                       ("00000", "2022-09-30", 49.0), ("13000", "2022-08-31", 50.8), ("13000", "2022-09-30", 52.1)])
    a = assessment_frame(baseline_value=10.1, baseline_date=dt.date(2017, 3, 8), target_value=100.0,
                         target_date=dt.date(2023, 3, 31), slope_per_year=7.84, projected_value=48.67)
    figure = fig.timeseries(frame, a, "27100", "percent", "％", "en", lower_bound=0, upper_bound=100)
    observed = [t for t in figure.data if t.meta["role"] == "observed"]
    assert [t.name for t in observed] == ["Osaka City", "Japan (comparison)", "Tokyo (comparison)"]
    assert len({t.line.dash for t in observed}) == 3 and len({t.marker.symbol for t in observed}) == 3
    assert len({t.line.color for t in observed}) == 3
    assert [t.name for t in figure.data][3:] == ["Straight path to target", "Baseline", "Target",
                                                  "Projection (least squares, last two years)"]
    assert figure.layout.yaxis.title.text == "%" and figure.layout.xaxis.title.text == "Date"
    assert "Projection" in figure.data[-1].hovertemplate and figure.data[-1].customdata[-1] == "59.4 %"
    assert figure.data[-1].y[-1] >= 50.3  # never below the latest observation after a rise


def test_timeseries_without_target_draws_observations_only():
    frame = obs_frame([("27000", "2020-08-31", 245), ("27000", "2023-12-31", 457)])
    figure = fig.timeseries(frame, assessment_frame(), "27000", "members", "団体", "ja")
    assert len(figure.data) == 1 and list(figure.data[0].y) == [245, 457]
    assert len(fig.timeseries(frame, pd.DataFrame(), "27000", "members", "団体", "en").data) == 1


def test_timeseries_without_observations_says_so():
    empty = obs_frame([]).reindex(columns=["geo_code", "geo_name_ja", "geo_name_en", "period_end", "value"])
    figure = fig.timeseries(empty, assessment_frame(target_value=43, target_date="2029-03-31"), "27000",
                            "municipalities", "市町村", "ja")
    assert len(figure.data) == 0 and figure.layout.annotations[0].text == "観測値がまだありません"
    assert fig.timeseries(empty, pd.DataFrame(), "27000", "municipalities", "市町村", "en") \
        .layout.annotations[0].text == "No observation yet"


def test_assessment_facts_in_both_languages():
    a = {"latest_value": 36.0, "latest_period_end": dt.date(2024, 3, 31), "baseline_value": 26.0,
         "baseline_date": dt.date(2021, 3, 31), "target_value": 43.0, "target_date": dt.date(2026, 3, 31),
         "path_value_at_latest": 36.2, "projected_value": 42.99712, "slope_per_year": 3.4995,
         "progress_ratio": 0.98, "is_stale": True, "as_of": dt.date(2026, 11, 22)}
    ja = dict(fig.assessment_facts(a, "municipalities", "市町村", "ja"))
    assert ja["最新値"] == "36 市町村（2024-03-31）" and ja["目標期日での予測値"] == "43.0 市町村"
    assert ja["進捗比"].startswith("0.98") and ja["鮮度"].startswith("古い")
    en = dict(fig.assessment_facts(a, "municipalities", "市町村", "en"))
    assert en["Latest value"] == "36 municipalities (2024-03-31)" and en["Trend slope"] == "+3.50 municipalities a year"
    none = dict(fig.assessment_facts({"target_value": 43, "target_date": "2029-03-31", "is_stale": False},
                                     "municipalities", "市町村", "ja"))
    assert none["最新値"] == "—" and none["鮮度"] == "—" and none["目標"] == "43 市町村（2029-03-31）"


def test_unit_labels():
    assert fig.unit_label("percent", "％", "en") == "%" and fig.unit_label("members", "団体", "ja") == "団体"
    assert fig.unit_label("members", "団体", "en") == "members"


def test_geo_options_order_headings_and_search():
    geos = pd.DataFrame([
        ("27000", "大阪府", "Osaka", "prefecture", "27", "大阪府", "Osaka", True),
        ("00000", "日本", "Japan", "nation", None, "", "", False),
        ("13000", "東京都", "Tokyo", "prefecture", "13", "東京都", "Tokyo", False),
        ("27100", "大阪市", "Osaka City", "municipality", "27", "大阪府", "Osaka", True),
        ("01000", "北海道", "Hokkaido", "prefecture", "01", "北海道", "Hokkaido", False),
        ("01100", "札幌市", "札幌市", "municipality", "01", "北海道", "Hokkaido", False),
    ], columns=["geo_code", "name_ja", "name_en", "level", "pref_code", "pref_name_ja", "pref_name_en", "is_osaka"])
    options = fig.geo_options(geos, "ja")
    assert [o["value"] for o in options] == ["27000", "00000", "13000", "__osaka", "27100", "__other", "01000",
                                             "01100"]
    assert options[3]["disabled"] and options[7]["label"] == "北海道 札幌市（01100）"
    assert options[1]["label"] == "全国（00000）"
    assert fig.geo_options(geos, "en")[7]["label"] == "札幌市 (Hokkaido) (01100)"
    found = fig.geo_options(geos, "ja", "札幌", keep="27000")
    assert [o["value"] for o in found] == ["27000", "__other", "01100"]
    nothing = fig.geo_options(geos, "en", "zzz", keep="27000")
    assert nothing[-1]["disabled"] and "no area matches" in nothing[-1]["label"]


# --- queries on the session database --------------------------------------------------------------------------------


def test_e_application_observations_and_assessment(db):
    from smartcity.queries import kpi
    obs = kpi.observations(db, "muni_e_application_adoption", ["27000", "00000", "13000"])
    assert list(obs.value) == [8, 18, 32, 42]  # fiscal 2020–2023
    assert [pd.Timestamp(d).date().isoformat() for d in obs.period_end] == [
        "2021-03-31", "2022-03-31", "2023-03-31", "2024-03-31"]
    assert set(obs.geo_code) == {"27000"} and obs.source_ref.str.startswith("002_dccbf011ea76040a.txt").all()
    a = kpi.assessment(db, "muni_e_application_adoption", "27000").iloc[0]
    # assessed on 2026-11-22: the target date 2026-03-31 has passed with no observation since 2024-03-31
    assert a.status == "awaiting_data" and a.reason_ja.startswith("データ更新待ち")
    assert a.latest_value == 42 and a.target_value == 43 and a.projected_value == pytest.approx(43)
    proj = fig.projection_of(obs, a.baseline_value, a.baseline_date, 0, 43)  # recomputed like the ETL
    assert proj.slope_per_year == pytest.approx(a.slope_per_year)
    assert proj.value_at(pd.Timestamp(a.target_date).date()) == pytest.approx(a.projected_value)
    contract = kpi.assessment(db, "muni_e_contract_adoption", "27000").iloc[0]  # 15 of 43: short even on old data
    assert contract.status == "off_track" and "15市町村" in contract.reason_ja and "43市町村" in contract.reason_ja


def test_my_number_projection_is_not_below_the_latest_observation(db):
    from smartcity.queries import kpi
    a = kpi.assessment(db, "mynumber_card_issuance_rate", "27000").iloc[0]
    assert a.trend == "up" and a.projected_value >= a.latest_value and a.projected_value <= 100
    assert a.status == "off_track" and "49.7 %" in a.reason_ja and "100.0 %" in a.reason_en


def test_my_number_osaka_and_geographies(db):
    from smartcity.queries import kpi
    obs = kpi.observations(db, "mynumber_card_issuance_rate", ["27000"])
    last = obs.sort_values("period_end").iloc[-1]
    assert pd.Timestamp(last.period_end).date() == dt.date(2022, 9, 30) and round(last.value, 2) == 49.73
    geos = kpi.geographies(db, "mynumber_card_issuance_rate")
    assert list(geos.geo_code[:4]) == ["27000", "00000", "13000", "27100"]
    assert geos.iloc[3:46].is_osaka.all() and len(geos.iloc[3:46]) == 43 and not geos.iloc[46].is_osaka
    assert geos.iloc[46].geo_code == "01000" and geos.geo_code.is_unique
    assert set(kpi.geographies(db, "muni_e_payment_rate").geo_code) == {"27000", "00000", "13000"}
    assert kpi.geographies(db, "orden_municipalities").empty


def test_targets_indicators_and_unknown_ids(db):
    from smartcity.queries import kpi
    orden = kpi.target(db, "orden_municipalities", "27000").iloc[0]
    assert (orden.basis, orden.quote_ja, orden.source_line, orden.target_value) == ("quotation", "全市町村の参画が目標",
                                                                                   1538, 43)
    assert orden.citation_ja == ("大阪府スマートシティ戦略部「大阪府のスマートシティ戦略について」（2024年3月）"
                                 "「③-6 ORDENのロードマップ」")
    assert orden.date_basis == "assumption" and "2029年3月31日" in orden.date_assumption_ja  # not in the document
    mn = kpi.target(db, "mynumber_card_issuance_rate", "27100").iloc[0]
    assert mn.basis == "assumption" and "FY2022" in mn.assumption_reason_en and "2022年度末" in mn.assumption_reason_ja
    assert kpi.target(db, "ospf_members", "27000").empty
    assert kpi.indicator(db, "nope").empty and kpi.indicator(db, "ospf_members").iloc[0].unit == "members"
    assert len(kpi.indicators(db)) == 23  # 16 from the strategy documents, 7 from the DX release


# --- layouts and callbacks ----------------------------------------------------------------------------------------


def test_layout_in_japanese_and_english(dash_app):
    with dash_app.server.test_request_context("/kpi/muni_e_application_adoption"):
        ja = layout_of("kpi", indicator_id="muni_e_application_adoption")
    with dash_app.server.test_request_context("/kpi/muni_e_application_adoption?lang=en"):
        en = layout_of("kpi", indicator_id="muni_e_application_adoption", lang="en")
    assert ja.id == en.id == "kpi-page"
    tj, te = page_text(ja), page_text(en)
    assert "データ更新待ち" in tj and "最新値" in tj and "42 市町村" in tj and "仮定（戦略文書に数値目標なし）" in tj
    assert "データ更新待ち：目標期日 2026-03-31 以降の観測値がなく（最新は 2024-03-31 の 42市町村）" in tj
    assert "増えるほど良い" in tj and "年次" in tj and "65.59" not in tj and "65.6" not in tj
    assert "awaiting new data" in te and "Latest value" in te and "42 municipalities" in te and "最新値" not in te
    assert "awaiting new data: there is no observation since the target date 2026-03-31" in te
    assert "higher is better" in te and "annual" in te
    assert "→ 遅れ → 順調 → 注意 → 遅れ" not in tj and "それ以外は遅れ" in tj  # each status once in the order
    figure = graphs(ja)[0].figure
    assert figure.data[0].name == "大阪府" and list(figure.data[0].y) == [8, 18, 32, 42]
    assert graphs(en)[0].figure.data[1].name == "Straight path to target"


def test_my_number_geography_from_the_url_and_the_callback(dash_app):
    import pages.kpi as page
    from smartcity.components import Col
    with dash_app.server.test_request_context("/kpi/mynumber_card_issuance_rate?geo=27100"):
        osaka_city = layout_of("kpi", indicator_id="mynumber_card_issuance_rate", geo="27100")
        bad = layout_of("kpi", indicator_id="mynumber_card_issuance_rate", geo="99999")
        figure, rows, status, target, sources, meta, as_of, _ = page.update_geography("27140",
                                                                                     "mynumber_card_issuance_rate", "en")
        options = page.filter_geographies("堺", "27100", "mynumber_card_issuance_rate", "ja")
        unknown = page.update_geography("99999", "mynumber_card_issuance_rate", "ja")
    assert "総務省「マイナンバーカード交付状況について」" in page_text(osaka_city)  # the open data's required credit
    names = [t.name for t in graphs(osaka_city)[0].figure.data]
    assert names[:3] == ["大阪市", "日本（比較）", "東京都（比較）"] and "目標" in names
    assert graphs(bad)[0].figure.data[0].name == "大阪府"  # unknown geography: the headline one
    assert figure.data[0].name == "Sakai City" and figure.layout.meta["geo_code"] == "27140"
    assert meta["filename"] == "mynumber_card_issuance_rate_27140_2022-09-30" and as_of == "Data as of 30 Sep 2022"
    assert {r["geo_code"] for r in rows} == {"27140", "00000", "13000"} and len(rows) == 3 * 3  # the fixture's three snapshots
    assert all(isinstance(r["geo_code"], str) and isinstance(r["period_end"], str) for r in rows)
    assert set(rows[0]) == {c.field for c in page.columns("percent", "％")} and isinstance(page.columns(
        "percent", "％")[0], Col)
    assert [o["value"] for o in options if not o.get("disabled")] == ["27100", "27140"]
    assert unknown == (dash.no_update,) * 8
    geos = pd.DataFrame({"geo_code": ["27000", "27100"]})
    assert page.valid_geo("27100", geos, "27000") == "27100" and page.valid_geo("99999", geos, "27000") == "27000"
    assert page.valid_geo(None, geos, "27000") == "27000"


def test_no_observation_shows_target_and_definition_without_a_chart(dash_app):
    with dash_app.server.test_request_context("/kpi/orden_municipalities"):
        page = layout_of("kpi", indicator_id="orden_municipalities")
    with dash_app.server.test_request_context("/kpi/core_system_standardization?lang=en"):
        en = layout_of("kpi", indicator_id="core_system_standardization", lang="en")
    text = page_text(page)
    assert graphs(page) == [] and graphs(en) == []
    assert "観測値がまだありません" in text and "全市町村の参画が目標" in text and "1538" not in text
    assert "「③-6 ORDENのロードマップ」" in text and "002_dccbf011ea76040a" not in text
    assert "43 市町村" in text and "期日 2029年3月31日（期日は仮定）" in text and "期日の仮定：" in text
    assert "判定不可" in text and "定義" in text
    assert "No observation yet" in page_text(en) and "Quoted from the strategy documents" in page_text(en)


def test_unknown_indicator_lists_the_valid_ones(dash_app):
    with dash_app.server.test_request_context("/kpi/nope"):
        page = layout_of("kpi", indicator_id="nope")
    with dash_app.server.test_request_context("/kpi/nope?lang=en"):
        en = layout_of("kpi", indicator_id="nope", lang="en")
    assert page.id == "kpi-page" and "指標が見つかりません" in page_text(page)
    assert "mynumber_card_issuance_rate" in page_text(page) and "orden_municipalities" in page_text(page)
    assert "There is no indicator 'nope'" in page_text(en)


# --- browser -------------------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_changing_the_geography_updates_chart_table_and_url(chrome, server_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
    chrome.get(server_url + "/kpi/mynumber_card_issuance_rate")
    wait_rendered(chrome, "kpi-page")
    WebDriverWait(chrome, 20).until(lambda d: trace_names(d, "kpi-ts-graph")[:1] == ["大阪府"])  # drawn, not only laid out
    Select(chrome.find_element(By.ID, "kpi-geo")).select_by_value("27140")
    WebDriverWait(chrome, 20).until(lambda d: "geo=27140" in d.current_url)
    WebDriverWait(chrome, 20).until(lambda d: trace_names(d, "kpi-ts-graph")[:1] == ["堺市"])
    wait_rendered(chrome, "kpi-page")
    assert "堺市" in chrome.find_element(By.ID, "kpi-status").text
    cell = "#kpi-ts-card .ag-cell[col-id='geo_code']"
    WebDriverWait(chrome, 20).until(lambda d: [c.text for c in d.find_elements(By.CSS_SELECTOR, cell)][:1] == ["27140"])
    time.sleep(0.3)
    assert network(chrome)[1] == []
    chrome.get(server_url + "/kpi/mynumber_card_issuance_rate?geo=27140&lang=en")  # the address restores the choice
    wait_rendered(chrome, "kpi-page")
    WebDriverWait(chrome, 20).until(lambda d: trace_names(d, "kpi-ts-graph")[:1] == ["Sakai City"])


def test_missing_database_says_so_inside_the_page(dash_app, tmp_path):
    with without_database(dash_app, tmp_path), dash_app.server.test_request_context("/kpi/ospf_members"):
        page = layout_of("kpi", indicator_id="ospf_members")
    assert page.id == "kpi-page" and "データベースがありません" in page_text(page)
