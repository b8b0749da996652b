"""The online-procedures page (/procedures): figure builders on hand-made frames, queries on the session database,
layouts and the sort/measure callback, and a browser check that the controls redraw the chart and write the URL."""
from __future__ import annotations


import pandas as pd
import pytest

from helpers import find, layout_of, network, page_text, scroll_click, wait_rendered
from smartcity.figures import procedures as fig


def rates() -> pd.DataFrame:
    rows = []
    data = {  # procedure: {geo: (adoption, online)}
        ("eltax", "地方税申告手続（eLTAX）", "Local tax filing (eLTAX)", "住民系", "residents"):
            {"00000": (97.9, 59.1), "13000": (100.0, 59.8), "27000": (100.0, 65.0)},
        ("bidding", "入札", "Electronic bidding", "事業者系", "businesses"):
            {"00000": (41.1, 73.5), "13000": (96.2, 91.6), "27000": (39.5, 64.3)},
        ("dog_registration", "犬の登録申請死亡届等", "Dog registration / death notification etc.", "住民系", "residents"):
            {"00000": (21.7, 2.2), "13000": (None, 3.5), "27000": (9.8, 7.2)},
    }
    counts = {"eltax": (43, 0), "bidding": (17, 26), "dog_registration": (4, 37)}
    for (pid, ja, en, uja, uen), geos in data.items():
        for geo, (adoption, online) in geos.items():
            rows.append({"procedure_id": pid, "procedure_ja": ja, "procedure_en": en, "user_type_ja": uja,
                         "user_type_en": uen, "geo_code": geo, "adoption_rate_pct": adoption, "online_rate_pct": online,
                         "osaka_with": counts[pid][0] if geo == "27000" else None,
                         "osaka_without": counts[pid][1] if geo == "27000" else None})
    return pd.DataFrame(rows)


def services() -> pd.DataFrame:
    rows = []
    for sid, ja, en, values in [("online_system", "行政手続きのオンラインシステム化", "Online systems",
                                 {"00000": (64.7, 93.8), "13000": (88.7, 96.8), "27000": (62.8, 97.7)}),
                                ("e_payment", "電子納付の実現", "Electronic payment",
                                 {"00000": (21.7, 61.2), "13000": (48.4, 75.8), "27000": (46.5, 93.0)})]:
        for geo, (y18, y22) in values.items():
            for year, rate in ((2018, y18), (2022, y22)):
                rows.append({"service_id": sid, "service_ja": ja, "service_en": en, "year": year, "geo_code": geo,
                             "rate_pct": rate})
    return pd.DataFrame(rows)


# ---- figure builders ---------------------------------------------------------------------------------------------

def test_table_sorts_by_osaka_japan_gap_and_name():
    frame = rates()
    assert fig.procedure_table(frame, "adoption", "osaka", "ja")["procedure_id"].tolist() == [
        "eltax", "bidding", "dog_registration"]
    assert fig.procedure_table(frame, "online", "osaka", "ja")["procedure_id"].tolist() == [
        "eltax", "bidding", "dog_registration"]
    assert fig.procedure_table(frame, "online", "japan", "ja")["procedure_id"].tolist() == [
        "bidding", "eltax", "dog_registration"]
    gap = fig.procedure_table(frame, "adoption", "gap", "ja")
    assert gap["procedure_id"].tolist() == ["eltax", "bidding", "dog_registration"]
    assert gap["gap"].tolist() == [2.1, -1.6, -11.9]
    assert fig.procedure_table(frame, "adoption", "name", "en")["procedure"].tolist() == [
        "Dog registration / death notification etc.", "Electronic bidding", "Local tax filing (eLTAX)"]
    table = fig.procedure_table(frame, "adoption", "osaka", "ja").set_index("procedure_id")
    assert (table.at["eltax", "osaka_with"], table.at["eltax", "osaka_without"]) == (43, 0)
    assert pd.isna(table.at["dog_registration", "tokyo"])
    assert fig.procedure_table(frame, "adoption", "bogus", "ja")["procedure_id"].iloc[0] == "eltax"


def test_dots_differ_by_symbol_and_say_when_a_value_is_missing():
    table = fig.procedure_table(rates(), "adoption", "osaka", "ja")
    figure = fig.procedure_dots(table, "adoption", "ja")
    markers = [t for t in figure.data if t.mode == "markers"]
    assert [t.name for t in markers] == ["大阪府", "全国", "東京都"]
    assert len({t.marker.symbol for t in markers}) == 3 and len({t.marker.color for t in markers}) == 3
    assert len(markers[2].x) == 2  # Tokyo has no value for dog registration: no marker, and a note instead
    assert any("東京都 データなし" in a.text for a in figure.layout.annotations)
    assert figure.layout.xaxis.title.text == "市町村導入率（%）"
    assert list(figure.layout.yaxis.ticktext)[0] == "地方税申告手続（eLTAX）"
    en = fig.procedure_dots(fig.procedure_table(rates(), "online", "osaka", "en"), "online", "en")
    assert en.layout.xaxis.title.text == "Online-procedure rate (%)"
    assert [t.name for t in en.data if t.mode == "markers"] == ["Osaka Prefecture", "Japan", "Tokyo"]
    assert "No procedure data" in fig.procedure_dots(table.iloc[:0], "online", "en").layout.annotations[0].text


def test_services_dumbbell_labels_both_years():
    table = fig.service_table(services(), "en")
    assert table.columns.tolist() == ["service_id", "service", "geo_code", "geo", "rate_2018", "rate_2022", "change"]
    osaka = table[(table.service_id == "e_payment") & (table.geo_code == "27000")].iloc[0]
    assert (osaka.rate_2018, osaka.rate_2022, osaka.change) == (46.5, 93.0, 46.5)
    figure = fig.service_dumbbell(table, "en")
    assert len(figure.data) == 6
    first = figure.data[0]
    assert list(first.text) == ["62.8", "97.7"] and first.marker.symbol[0].endswith("-open")
    assert [a.text for a in figure.layout.annotations][:2] == ["Online systems", "Electronic payment"]
    assert "○ 2018 → ● 2022" in figure.layout.xaxis2.title.text
    assert len({t.line.dash for t in figure.data[:3]}) == 3


def test_prefecture_bars_say_approximate():
    items = pd.DataFrame({"item": ["A", "B"], "value": [120000, 450000]})
    figure = fig.pref_online_bars(items, "ja")
    assert list(figure.data[0].text) == ["約450,000件", "約120,000件"]
    assert figure.layout.xaxis.title.text == "申請件数（約）"
    assert list(fig.pref_online_bars(items, "en").data[0].text)[0] == "approx. 450,000"
    assert "No figures" in fig.pref_online_bars(items.iloc[:0], "en").layout.annotations[0].text


# ---- queries on the session database -----------------------------------------------------------------------------

def test_queries_match_the_database(db):
    from smartcity.queries import procedures
    frame = procedures.rates(db)
    assert frame["procedure_id"].nunique() == 11 and len(frame) == 33
    eltax = frame[(frame.procedure_id == "eltax") & (frame.geo_code == "27000")].iloc[0]
    assert (eltax.adoption_rate_pct, eltax.online_rate_pct, eltax.osaka_with, eltax.osaka_without) == (100, 65.0, 43, 0)
    assert eltax.doc_title_ja == "大阪府のスマートシティ戦略について"
    s = procedures.services(db)
    assert len(s) == 18 and set(s["year"]) == {2018, 2022}
    osaka = s[(s.service_id == "e_payment") & (s.geo_code == "27000")].set_index("year")["rate_pct"]
    assert (osaka[2018], osaka[2022]) == (46.5, 93.0)
    pref = procedures.pref_online(db).set_index("item_id")
    assert pref.at["procedures_total", "value"] == 160 and pref.at["applications_total", "value"] == 800000
    assert pref.at["applications_total", "as_of_date"] == "2022-08"
    assert (pref["item_type"] == "procedure").sum() == 5


# ---- layout and callback -----------------------------------------------------------------------------------------

def test_layout_shows_the_procedures_services_and_prefectural_figures(dash_app):
    with dash_app.server.test_request_context("/procedures"):
        page = layout_of("procedures", measure="nonsense", sort="nonsense")
    text = page_text(page)
    assert "行政手続きのオンライン化" in text
    assert "令和３年6月更新版" in text and "島しょ部を除く" in text and ".txt" not in text
    assert "大阪府スマートシティ戦略部「大阪府のスマートシティ戦略について」（2024年3月）「スマートシティの推進状況" in text
    assert "1,741" in text and "53団体" in text and "43団体" in text
    assert "約160手続き" in text and "約80万件" in text and "概数" in text
    assert find(page, "proc-measure").value == "adoption" and find(page, "proc-sort").value == "osaka"
    grid = find(page, {"type": "twin-grid", "chart": "proc-rates"})
    first = grid.rowData[0]
    assert first["procedure"] == "地方税申告手続（eLTAX）" and (first["osaka_with"], first["osaka_without"]) == (43, 0)
    assert len(grid.rowData) == 11
    assert len(find(page, {"type": "twin-grid", "chart": "proc-services"}).rowData) == 9


def test_layout_in_english(dash_app):
    with dash_app.server.test_request_context("/procedures?lang=en&measure=online&sort=gap"):
        page = layout_of("procedures", lang="en", measure="online", sort="gap")
    text = page_text(page)
    assert "Online administrative procedures" in text and "about 800,000 applications" in text
    assert "approximate" in text and "Tokyo excludes its island municipalities" in text
    rows = find(page, {"type": "twin-grid", "chart": "proc-rates"}).rowData
    gaps = [r["gap"] for r in rows]
    assert gaps == sorted(gaps, reverse=True)
    assert rows[0]["procedure"] == "Road occupancy permit application etc."  # 91.3 − 49.9
    assert find(page, "proc-rates-graph").figure.layout.xaxis.title.text == "Online-procedure rate (%)"


def test_callback_redraws_chart_and_twin(dash_app):
    import pages.procedures as page
    with dash_app.server.test_request_context("/procedures"):
        figure, rows, columns = page.update("online", "japan", "ja")
    assert rows[0]["procedure"] == "入札参加資格審査申請"  # Japan's highest online rate, 83.9
    assert figure.layout.xaxis.title.text == "オンライン手続き率（%）"
    assert columns[2]["headerName"] == "大阪府 オンライン手続き率（%）"


# ---- browser -----------------------------------------------------------------------------------------------------

@pytest.mark.browser
def test_controls_redraw_and_write_the_url(chrome, server_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    chrome.get(server_url + "/procedures")
    wait_rendered(chrome, "proc-page")
    label = chrome.find_element(By.CSS_SELECTOR, "#proc-measure input[value='online'] + label, "
                                                 "label[for$='online']")
    scroll_click(chrome, label)
    WebDriverWait(chrome, 20).until(lambda d: "measure=online" in d.current_url)
    WebDriverWait(chrome, 20).until(lambda d: "オンライン手続き率" in d.execute_script(
        "return document.querySelector('#proc-rates-graph .js-plotly-plot').layout.xaxis.title.text"))
    wait_rendered(chrome, "proc-page")
    assert network(chrome)[1] == []
    assert [e for e in chrome.get_log("browser") if e["level"] == "SEVERE"] == []


# ---- the Digital Agency's release (2024-07-12): 52 procedures and the slides' eleven, on the fixture database ------

import csv  # noqa: E402

from common.settings import PROJECT_ROOT  # noqa: E402

RATE_CSV = (PROJECT_ROOT / "tests" / "fixtures" / "mirror" / "dx_dashboard" / "20240712" /
            "市区町村毎のDX進捗状況_行政手続のオンライン申請率.csv")


def fixture_rates(db, name_ja: str) -> dict[str, list[float | None]]:
    """By hand from the fixture CSV: the row of a procedure, its cells matched to municipality codes by column order
    (the file's columns follow the code order); per area the list of values, None for an empty cell."""
    import duckdb
    with duckdb.connect(str(db), read_only=True) as con:
        codes = [c for (c,) in con.execute("SELECT geo_code FROM municipality WHERE level = 'municipality' "
                                            "ORDER BY geo_code").fetchall()]
    with open(RATE_CSV, encoding="utf-8-sig", newline="") as f:
        row = next(r for r in csv.reader(f) if len(r) > 1 and r[1] == name_ja)
    cells = dict(zip(codes, row[2:]))
    value = {code: (float(cell.rstrip("%")) if cell.strip() else None) for code, cell in cells.items()}
    return {"27000": [v for c, v in value.items() if c.startswith("27")],
            "00000": list(value.values()),
            "13000": [v for c, v in value.items() if c.startswith("13") and c < "13360"]}


def release(db):
    from smartcity.queries import procedures
    return procedures.dx_release(db).iloc[0]["release_date"]


@pytest.mark.parametrize("key,name_ja", [("library_reservation", "図書館の図書貸出予約等"),
                                         ("dog_registration", "犬の登録申請、死亡届"),
                                         ("road_occupancy_permit", "道路占用許可申請等"),
                                         ("eltax_filing", "地方税申告手続（eLTAX）")])
def test_distribution_equals_a_hand_computation_from_the_fixture_csv(fixture_db, key, name_ja):
    from smartcity.queries import procedures
    stats = procedures.dx_distribution(fixture_db, release(fixture_db), None)
    table = fig.dx_distribution_table(stats, "osaka", "ja")
    by_hand = fixture_rates(fixture_db, name_ja)
    assert len(by_hand["27000"]) == 43 and len(by_hand["13000"]) == 2  # 千代田区, 府中市: islands left out
    for code, values in by_hand.items():
        got = table[(table.procedure_key == key) & (table.area_code == code)].iloc[0]
        reported = pd.Series([v for v in values if v is not None], dtype=float)
        assert (got.n_municipalities, got.n_reported, got.n_not_reported, got.n_missing) == (
            len(values), len(reported), len(values) - len(reported), 0)
        assert got.share_reported == pytest.approx(round(100 * len(reported) / len(values), 1))
        if reported.empty:
            assert all(pd.isna(got[c]) for c in fig.DIST_STATS)
            continue
        expected = {"rate_min": reported.min(), "rate_q1": reported.quantile(0.25),
                    "rate_median": reported.median(), "rate_q3": reported.quantile(0.75),
                    "rate_max": reported.max(), "rate_mean": reported.mean()}
        for column, value in expected.items():
            assert got[column] == pytest.approx(value, abs=0.006), (key, code, column)


def test_not_handled_is_never_counted_as_zero(fixture_db):
    from smartcity.queries import procedures
    stats = procedures.dx_distribution(fixture_db, release(fixture_db), None)
    assert stats["procedure_key"].nunique() == 52 and set(stats["area_code"]) == {"27000", "00000", "13000"}
    assert (stats.n_reported + stats.n_not_reported + stats.n_missing == stats.n_municipalities).all()
    table = fig.dx_distribution_table(stats, "osaka", "ja").set_index(["procedure_key", "area_code"])
    # 道路占用許可申請等 in Osaka: 3.7 %, 0 %, 0 % written, 40 empty cells: the median of the three, not of 43
    road = table.loc[("road_occupancy_permit", "27000")]
    assert (road.n_reported, road.n_not_reported, road.rate_median, road.rate_max) == (3, 40, 0.0, 3.7)
    assert road.rate_mean == pytest.approx(3.7 / 3, abs=0.006)
    # 図書館: Osaka's lowest written value is 1.5 %; its three empty cells do not pull the minimum to 0
    assert table.loc[("library_reservation", "27000")].rate_min == 1.5
    # 建築確認: every cell empty: no statistics at all, and the chart says "報告なし" instead of a marker at 0
    building = table.loc[("building_confirmation", "27000")]
    assert building.n_reported == 0 and pd.isna(building.rate_median) and building.share_reported == 0
    figure = fig.dx_distribution_figure(fig.dx_distribution_table(stats, "osaka", "ja"), "ja")
    texts = [t for t in figure.data if t.mode == "text"]
    assert any("報告なし" in s for t in texts for s in t.text)


def test_distribution_sorts_within_groups_and_stays_in_bounds(fixture_db):
    from smartcity.queries import procedures
    stats = procedures.dx_distribution(fixture_db, release(fixture_db), None)
    table = fig.dx_distribution_table(stats, "gap", "en")
    groups = table.drop_duplicates("procedure_key")["group_key"].tolist()
    assert groups == sorted(groups, key=["most_used_32", "childcare_elderly_26"].index)  # groups stay together
    osaka = table[(table.area_code == "27000") & (table.group_key == "most_used_32")].set_index("procedure_key")
    japan = table[(table.area_code == "00000") & (table.group_key == "most_used_32")].set_index("procedure_key")
    gaps = (osaka.rate_median - japan.rate_median).loc[osaka.index].dropna().tolist()
    assert gaps == sorted(gaps, reverse=True)
    one = procedures.dx_distribution(fixture_db, release(fixture_db), "childcare_elderly_26")
    assert one["procedure_key"].nunique() == 26 and set(one["group_key"]) == {"childcare_elderly_26"}
    figure = fig.dx_distribution_figure(table, "en")
    xs = [x for t in figure.data if t.mode != "text" for x in (() if t.x is None else t.x) if x is not None]
    assert xs and all(0 <= x <= 100 for x in xs)
    assert list(figure.layout.xaxis.range) == [-2, 102] and list(figure.layout.xaxis2.range) == [-2, 102]
    markers = [t for t in figure.data if t.mode == "markers" and t.showlegend is not False]
    assert [t.name.split(" (")[0] for t in markers] == ["Osaka Prefecture", "Japan", "Tokyo"]
    assert len({t.marker.symbol for t in markers}) == 3  # shapes as well as colours
    assert "Tokyo (without its islands) (2 municipalities)" in [t.name for t in markers]
    assert "No data" in fig.dx_distribution_figure(table.iloc[:0], "en").layout.annotations[0].text


def test_slides_2021_beside_2024_has_eleven_procedures_with_match_words(fixture_db):
    from smartcity.queries import procedures
    frame = procedures.dx_slides(fixture_db, release(fixture_db))
    table = fig.dx_slide_table(frame, "ja")
    assert len(table) == 33 and table["procedure_id"].nunique() == 11
    per_procedure = table.drop_duplicates("procedure_id").set_index("procedure_id")
    assert len(per_procedure) == 11 and per_procedure["match_word"].notna().all()
    assert per_procedure.at["absentee_ballot_request", "match_word"].startswith("類似")
    assert per_procedure.at["eltax", "match_word"] == "同じ手続き"
    assert "国政選挙" in per_procedure.at["absentee_ballot_request", "comparability"]
    assert "下限" in per_procedure.at["eltax", "comparability"]
    # the 2024 side equals the distribution's: share reporting and median for the matched procedure, Tokyo sans islands
    stats = fig.dx_distribution_table(procedures.dx_distribution(fixture_db, release(fixture_db), None), "osaka", "ja")
    for code in ("27000", "00000", "13000"):
        dist = stats[(stats.procedure_key == "eltax_filing") & (stats.area_code == code)].iloc[0]
        slide = table[(table.procedure_id == "eltax") & (table.area_code == code)].iloc[0]
        assert (slide.reported_2024, slide.median_2024, slide.n_reported) == (
            dist.share_reported, dist.rate_median, dist.n_reported)
    osaka = table[(table.procedure_id == "eltax") & (table.area_code == "27000")].iloc[0]
    assert (osaka.adoption_2021, osaka.online_2021) == (100.0, 65.0)
    en = fig.dx_slide_table(frame, "en")
    assert set(en["match_word"]) <= {w[1] for w in fig.MATCH_WORDS.values()}
    assert en["area"].iloc[2] == "Tokyo (without its islands)"


def test_slides_figure_hollow_for_similar_and_words_for_no_match(fixture_db):
    from smartcity.queries import procedures
    frame = procedures.dx_slides(fixture_db, release(fixture_db))
    nomatch = frame["procedure_id"] == "bidding"
    frame.loc[nomatch, ["match", "procedure_key"]] = ["none", None]  # as a release without 入札 would give
    frame.loc[nomatch, ["n_municipalities", "n_reported", "rate_median", "rate_mean"]] = None
    table = fig.dx_slide_table(frame, "ja")
    bidding = table[table.procedure_id == "bidding"]
    assert bidding["match_word"].iloc[0].startswith("対応する手続きなし") and bidding["reported_2024"].isna().all()
    figure = fig.dx_slide_figure(table, "ja")
    new = [t for t in figure.data if t.mode == "markers" and t.name and t.name.endswith("2024年")]
    assert len(new) == 6  # 3 areas × 2 panels
    osaka = new[0]
    assert sum(s.endswith("-open") for s in osaka.marker.symbol) == 1  # 不在者投票 (similar) only
    assert any("対応なし" in s for t in figure.data if t.mode == "text" for s in t.text)
    labels = [a.text for a in figure.layout.annotations]
    assert any("不在者投票用紙等の請求 ※" in t for t in labels) and any("入札 ※" in t for t in labels)
    xs = [x for t in figure.data if t.mode != "text" for x in (() if t.x is None else t.x) if x is not None]
    assert all(0 <= x <= 100 for x in xs)
    assert list(figure.layout.xaxis.range) == [-2, 102]
    assert "2021年（スライド）" in [t.name for t in figure.data]


def test_layout_on_the_fixture_database_says_sources_method_and_unknown_values(dash_app, fixture_db):
    saved = dash_app.server.config["SMARTCITY_DB"]
    dash_app.server.config["SMARTCITY_DB"] = str(fixture_db)
    try:
        with dash_app.server.test_request_context("/procedures?group=nonsense"):
            page = layout_of("procedures", group="nonsense")
        with dash_app.server.test_request_context("/procedures?lang=en&group=all&sort=name"):
            en = layout_of("procedures", lang="en", group="all", sort="name")
    finally:
        dash_app.server.config["SMARTCITY_DB"] = saved
    text = page_text(page)
    assert "group=nonsense" in page_text(find(page, "proc-input-message"))
    assert find(page, "proc-group").value == "most_used_32"
    source = page_text(find(page, "proc-dist-source"))
    assert "デジタル庁「自治体DX推進状況ダッシュボード」（2024年7月12日更新）" in source and "調査の基準日" in source
    slides_source = page_text(find(page, "proc-slides-source"))
    assert "政府CIOポータル" in slides_source and "2024年7月12日更新" in slides_source
    assert "下限" in page_text(find(page, "proc-method")) and "島しょ部" in text
    assert len(find(page, {"type": "twin-grid", "chart": "proc-dist"}).rowData) == 26 * 3
    assert len(find(page, {"type": "twin-grid", "chart": "proc-slides"}).rowData) == 33
    assert find(en, "proc-input-message") is None
    assert "updated 12 July 2024" in page_text(find(en, "proc-dist-source"))
    assert "lower bound" in page_text(find(en, "proc-method"))
    assert find(en, "proc-sort").value == "name" and find(en, "proc-dx-sort").value == "name"
    assert len(find(en, {"type": "twin-grid", "chart": "proc-dist"}).rowData) == 52 * 3


def test_distribution_callback_whitelists_the_group(dash_app):
    import pages.procedures as page
    with dash_app.server.test_request_context("/procedures"):
        figure, rows = page.update_distribution("childcare_elderly_26", "name", "en")
        _, fallback = page.update_distribution("'; DROP TABLE x; --", "bogus", "ja")
    assert len(rows) == 26 * 3 and rows[0]["group"] == "26 child-care and elderly-care procedures"
    assert fallback[0]["group"] == "よく使う32手続のオンライン申請利用状況" and len(fallback) == 26 * 3
    assert figure.layout.xaxis.range == (-2, 102)
    assert page.sync_sorts.__doc__


@pytest.mark.integration
def test_full_database_japan_has_1741_and_tokyo_53(full_db):
    db = full_db
    from smartcity.queries import procedures
    stats = procedures.dx_distribution(db, release(db), "most_used_32")
    counts = stats.groupby("area_code")["n_municipalities"].max().to_dict()
    assert counts == {"00000": 1741, "13000": 53, "27000": 43}
    assert (stats.n_reported + stats.n_not_reported + stats.n_missing == stats.n_municipalities).all()
