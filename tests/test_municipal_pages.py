"""Municipal DX (/municipalities) and the municipality profile (/municipality/<code>): figure builders on hand-made
frames, queries on the session database, layouts in both languages, and browser interactions (measure change,
click on the map)."""
from __future__ import annotations

import json

import time

import dash
import pandas as pd
import pytest

from helpers import find, full_data, layout_of, network, page_text, plot, shapes_of, wait_rendered
from smartcity.figures import municipal as fm

# --- helpers ----------------------------------------------------------------------------------------------------------


def figure_texts(fig) -> str:
    """Every text in a figure: trace text, names, annotations, axis titles."""
    parts = []
    for trace in fig.data:
        text = getattr(trace, "text", None)
        parts += [str(t) for t in text] if isinstance(text, list | tuple) else [str(text or "")]
        parts.append(str(trace.name or ""))
    parts += [a.text for a in fig.layout.annotations]
    for axis in ("xaxis", "yaxis"):
        title = getattr(fig.layout, axis).title.text
        parts.append(title or "")
    return " ".join(parts)


# --- hand-made frames -------------------------------------------------------------------------------------------------


def adoption_frame() -> pd.DataFrame:
    rows = [("e_application", "電子申請システム", "E-application system", 2022, 25, 7, 32, None),
            ("e_application", "電子申請システム", "E-application system", 2023, 35, 7, 42, None),
            ("chat_tool", "自治体専用チャットツール", "Chat tool", 2020, None, None, None, "not_offered"),
            ("chat_tool", "自治体専用チャットツール", "Chat tool", 2021, 22, 2, 24, None),
            ("line_extension", "LINE拡張機能", "LINE extension", 2022, None, None, None, "not_given")]
    frame = pd.DataFrame(rows, columns=["system_id", "system_ja", "system_en", "fiscal_year", "joint", "own", "total",
                                        "missing_reason"])
    for col in ("joint", "own", "total"):
        frame[col] = frame[col].astype("Int64")
    return frame


def coverage_frame() -> pd.DataFrame:
    return pd.DataFrame({"year": [2023], "municipalities": [42], "population_coverage_pct": [99.8]})


def measures_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "geo_code": ["27100", "27140", "27383"], "name_ja": ["大阪市", "堺市", "千早赤阪村"],
        "name_en": ["Osaka City", "Sakai City", None], "mynumber": [50.26098, 52.1, None],
        "snapshot_date": pd.to_datetime(["2022-09-30"] * 3), "ospf": [0, 0, 0], "ai_ondemand": [4, 1, 0],
        "smart_senior": [4, 1, 0]})


def peers_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "geo_code": ["28100", "27100", "01100"], "name_ja": ["神戸市", "大阪市", "札幌市"],
        "name_en": [None, "Osaka City", None], "pref_name_ja": ["兵庫県", "大阪府", "北海道"],
        "pref_name_en": ["Hyogo", "Osaka", "Hokkaido"], "population": [1.5e6, 2.7e6, 1.9e6],
        "rate": [56.5, 50.3, 49.4], "rank": [1, 2, 3], "n": [3, 3, 3], "is_self": [False, True, False],
        "snapshot_date": pd.to_datetime(["2022-09-30"] * 3)})


def series_frame() -> pd.DataFrame:
    dates = pd.to_datetime(["2022-08-31", "2022-09-30"])
    rows = []
    for code, role, ja, en, values in (("27100", "municipality", "大阪市", "Osaka City", (48.8, 50.3)),
                                       ("27000", "prefecture", "大阪府", "Osaka", (48.3, 49.7)),
                                       ("00000", "nation", "日本", "Japan", (47.4, 49.0))):
        rows += [(code, role, ja, en, d, v, v * 10, 1000) for d, v in zip(dates, values)]
    return pd.DataFrame(rows, columns=["geo_code", "role", "name_ja", "name_en", "period_end", "value", "numerator",
                                       "denominator"])


# --- figure builders --------------------------------------------------------------------------------------------------


def test_adoption_figure_has_joint_and_own_traces_with_patterns_and_totals():
    fig = fm.adoption_figure(adoption_frame(), coverage_frame(), "ja")
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == ["共同調達", "独自導入"]
    assert fig.layout.barmode == "stack"
    shapes = [t.marker.pattern.shape for t in bars]
    assert shapes[0] != shapes[1] and "/" in shapes  # pattern as well as colour
    assert bars[0].marker.color != bars[1].marker.color
    text = figure_texts(fig)
    assert "42/43" in text and "32/43" in text and "24/43" in text
    assert "未提供" in text and "記載なし" in text
    assert "人口カバー率 99.8 %" in text and "42 市町村" in text
    # a year the source gives as '-' draws no bar (not a zero); bars run sideways, one row per system and year
    assert all(t.orientation == "h" for t in bars)
    assert bars[0].x[2] is None and bars[1].x[2] is None
    assert bars[0].x[1] == 35 and bars[1].x[1] == 7


def test_adoption_figure_in_english():
    fig = fm.adoption_figure(adoption_frame(), coverage_frame(), "en")
    text = figure_texts(fig)
    assert [t.name for t in fig.data if t.type == "bar"] == ["Joint procurement", "Own procurement"]
    assert "42/43" in text and "not offered" in text and "not given" in text
    assert "99.8 % of the population" in text and "42 municipalities" in text
    assert "Municipalities using the system" in text
    assert "共同" not in text


def test_adoption_table_says_why_a_year_has_no_figure():
    table = fm.adoption_table(adoption_frame(), "ja")
    assert table["shown"].tolist() == ["32/43", "42/43", "－ 未提供", "24/43", "記載なし"]
    assert table["fiscal_year"].iloc[0] == "2022年度"
    assert fm.adoption_table(adoption_frame(), "en")["shown"].tolist()[2] == "– not offered"


def test_map_values_labels_and_units():
    ja = fm.map_values(measures_frame(), "mynumber", "ja")
    assert ja["value"].tolist()[:2] == [50.26, 52.1]
    assert "大阪市" in ja["label"][0] and "50.3 %" in ja["label"][0] and "2022-09-30" in ja["label"][0]
    assert "データなし" in ja["label"][2]  # missing is said, never a zero
    assert pd.isna(ja["value"][2])
    en = fm.map_values(measures_frame(), "ai_ondemand", "en")
    assert en["value"].tolist() == [4, 1, 0]
    assert "Osaka City" in en["label"][0] and "4 entries" in en["label"][0]
    assert "named in the strategy documents" in en["label"][0]
    assert en["name"][2] == "千早赤阪村"  # no English name in the frame: Japanese shown
    assert fm.map_values(measures_frame(), "bogus", "ja")["value"].tolist()[0] == 50.26  # unknown → default
    assert fm.colorbar_title("mynumber", "en") == "Issuance rate (%)"
    assert fm.map_scale("ospf").categorical  # counts of 0, 1, 2 … are classes, not a continuous scale


def test_rate_series_styles_distinguish_lines_beyond_colour():
    fig = fm.rate_series_figure(series_frame(), "ja")
    own, pref, nation = fig.data
    assert own.name == "大阪市" and own.line.width >= 4 and own.line.dash == "solid"
    assert pref.line.dash == "solid" and pref.marker.symbol == "circle" and pref.line.width < own.line.width
    assert nation.name == "全国" and nation.line.dash == "dash" and nation.marker.symbol == "square"
    assert len({own.marker.symbol, pref.marker.symbol, nation.marker.symbol}) == 3
    assert fig.layout.yaxis.title.text == "交付率（％）"
    assert "50.3 %" in figure_texts(fig)
    en = fm.rate_series_figure(series_frame(), "en")
    assert [t.name for t in en.data] == ["Osaka City", "Osaka (prefecture)", "Japan"]
    assert en.layout.xaxis.title.text == "Snapshot date"


def test_peers_figure_marks_the_municipality_and_writes_its_rank():
    assert fm.rank_text(peers_frame(), "ja") == "2位 / 3団体（上位 67 %）"
    assert fm.rank_text(peers_frame(), "en") == "rank 2 of 3 (top 67 %)"
    fig = fm.peers_figure(peers_frame(), (0.5, 2.0), "ja")
    assert fig.data[0].type == "box" and list(fig.data[0].x) == [56.5, 50.3, 49.4]
    assert fig.data[1].marker.symbol == "star" and list(fig.data[1].x) == [50.3]
    assert "2位 / 3団体" in figure_texts(fig)
    assert "神戸市（兵庫県）" in fig.data[0].text
    empty = fm.peers_figure(peers_frame().assign(is_self=False), (0.5, 2.0), "en")
    assert "No data" in figure_texts(empty)


def test_involvement_table_formats_kind_period_and_source():
    frame = pd.DataFrame([
        {"kind": "ai_ondemand", "item_id": "x", "title_ja": "大阪市内でAIオンデマンド交通を事業化", "title_en": "Osaka Metro",
         "detail_ja": "大阪メトロ", "detail_en": None, "kind_code": "city_service", "stage_ja": None, "stage_en": None,
         "area_ja": "平野区", "ward_code": "27126", "ward_name_ja": "平野区", "ward_name_en": "Hirano Ward",
         "fiscal_year": 2021, "start_date": None, "end_date": None, "source_doc": "000_abffb16396ac2a77.txt",
         "doc_title_ja": "大阪府におけるスマートシティの取組み", "doc_title_en": "Osaka Prefecture's smart-city work",
         "source_section": "大阪メトロによる先導的取組み", "source_line": 586,
         "citation_ja": "大阪府「大阪府におけるスマートシティの取組み」（2022年8月）「大阪メトロによる先導的取組み」",
         "citation_en": "Osaka Prefecture, “Osaka Prefecture's smart-city work” (August 2022)"},
        {"kind": "support_all", "item_id": "y", "title_ja": "スマートシティ戦略推進アドバイザー", "title_en": "Advisers",
         "detail_ja": "人材的支援", "detail_en": "Human-resource support", "kind_code": None, "stage_ja": "支援",
         "stage_en": "support", "area_ja": None, "ward_code": None, "ward_name_ja": None, "ward_name_en": None,
         "fiscal_year": 2020, "start_date": None, "end_date": None, "source_doc": "002_dccbf011ea76040a.txt",
         "doc_title_ja": "大阪府のスマートシティ戦略について", "doc_title_en": "On Osaka Prefecture's smart-city strategy",
         "source_section": "① 市町村に対するデジタル化支援（一覧）", "source_line": 206,
         "citation_ja": "大阪府スマートシティ戦略部「大阪府のスマートシティ戦略について」（2024年3月）",
         "citation_en": "Osaka Prefectural Government, “On Osaka Prefecture's smart-city strategy” (March 2024)"}])
    ja = fm.involvement_table(frame, "ja")
    assert ja["kind"].tolist() == ["AIオンデマンド交通", "府の支援（全43市町村）"]
    assert ja["area"][0] == "平野区" and ja["period"][0] == "2021年度" and ja["stage"][0] == "事業化（運行）"
    assert ja["period"][1] == "2020年度～" and ja["stage"][1] == "支援"
    assert ja["source"][0] == "大阪府「大阪府におけるスマートシティの取組み」（2022年8月）「大阪メトロによる先導的取組み」"
    assert "source_line" not in ja and "document" not in ja
    en = fm.involvement_table(frame, "en")
    assert en["area"][0] == "Hirano Ward" and en["period"][0] == "FY2021" and en["stage"][1] == "support"


# --- queries on the session database ---------------------------------------------------------------------------------


def test_adoption_query_matches_the_source(db):
    from smartcity.queries import municipal
    frame = municipal.adoption(db)
    e_app = frame[frame.system_id == "e_application"]
    assert e_app["fiscal_year"].tolist() == [2020, 2021, 2022, 2023]
    assert e_app["total"].tolist() == [8, 18, 32, 42]
    assert e_app["joint"].tolist() == [0, 11, 25, 35] and e_app["own"].tolist() == [8, 7, 7, 7]
    assert frame["system_id"].unique().tolist() == ["e_application", "chat_tool", "document_system", "e_contract",
                                                    "line_extension"]
    chat_2020 = frame[(frame.system_id == "chat_tool") & (frame.fiscal_year == 2020)].iloc[0]
    assert pd.isna(chat_2020.total) and chat_2020.missing_reason == "not_offered"
    line = frame[frame.system_id == "line_extension"].set_index("fiscal_year")
    assert line.loc[2023, "total"] == 39 and line.loc[2021, "missing_reason"] == "not_given"
    coverage = municipal.e_application_coverage(db).iloc[-1]
    assert coverage.municipalities == 42 and coverage.population_coverage_pct == pytest.approx(99.8)


def test_map_measures_query(db):
    from smartcity.queries import common, municipal
    frame = municipal.map_measures(db)
    assert len(frame) == 43
    assert frame["geo_code"].tolist() == common.boundaries(db, "osaka_municipality")["geo_code"].tolist()
    osaka = frame.set_index("geo_code").loc["27100"]
    assert osaka.mynumber == pytest.approx(100 * 1373229 / 2732197)
    assert str(osaka.snapshot_date)[:10] == "2022-09-30"
    assert osaka.ai_ondemand == 4 and osaka.smart_senior == 4  # ward-level entries belong to the city
    counts = frame.set_index("geo_code")
    assert counts.loc["27140", "smart_senior"] == 1 and counts.loc["27216", "ai_ondemand"] == 2
    assert counts["ospf"].sum() == 5 and counts.loc["27226", "ospf"] == 1
    assert frame["mynumber"].notna().all()
    assert len(municipal.support_programmes(db)) == 22


def test_profile_queries(db):
    from smartcity.queries import municipal
    p = municipal.profile(db, "27100").iloc[0]
    assert (p.name_ja, p.lg_code, p.kind, p.population, p.cards_issued) == ("大阪市", "271004", "designated_city",
                                                                           2732197, 1373229)
    assert municipal.profile(db, "271004").iloc[0].geo_code == "27100"  # 6-digit code also found
    assert municipal.profile(db, "27383").iloc[0].name_en == "Chihayaakasaka Village"
    assert municipal.profile(db, "1' OR '1'='1").empty and municipal.profile(db, "99999").empty
    series = municipal.rate_series(db, "27100")
    assert series.groupby("role").size().to_dict() == {"municipality": 3, "nation": 3, "prefecture": 3}  # fixture
    assert set(series.geo_code) == {"27100", "27000", "00000"}
    assert set(municipal.rate_series(db, "01100").geo_code) == {"01100", "01000", "00000"}
    peers = municipal.peers(db, "27100")
    me = peers[peers.is_self].iloc[0]
    assert (int(me["rank"]), int(me.n)) == (1, 2)  # the fixture: 大阪市 and 札幌市 are within 0.5-2x
    assert peers.population.between(0.5 * 2732197, 2.0 * 2732197).all()
    assert set(peers.geo_code) == {"27100", "01100"}


def test_involvement_query(db):
    from smartcity.queries import municipal
    osaka = municipal.involvement(db, "27100")
    assert set(osaka.kind) == {"ai_ondemand", "smart_senior", "support_all"}
    assert set(osaka[osaka.kind == "smart_senior"].ward_name_en) == {"Sumiyoshi Ward", "Higashisumiyoshi Ward",
                                                                     "Ikuno Ward", "Abeno Ward"}
    assert osaka.source_doc.notna().all() and osaka.source_section.notna().all()
    chihaya = municipal.involvement(db, "27383")
    assert set(chihaya.kind) == {"support_all"} and len(chihaya) == 3
    assert municipal.involvement(db, "01100").empty  # outside Osaka: nothing
    fujiidera = municipal.involvement(db, "27226")
    assert "fujiidera_hair_health_check" in fujiidera.item_id.tolist()


# --- layouts ---------------------------------------------------------------------------------------------------------


def test_municipalities_layout_in_japanese(dash_app):
    with dash_app.server.test_request_context("/municipalities"):
        page = layout_of("municipalities")
    assert page.id == "muni-page"
    text = page_text(page)
    assert "市町村のDX" in text and "地図に表示する指標" in text and "市町村をクリック" in text
    assert "大阪府スマートシティ戦略部「大阪府のスマートシティ戦略について」（2024年3月）" in text and "１．システム別の導入推移" in text
    assert ".txt" not in text
    assert "マイナンバーカード交付状況" in text and "国土数値情報" in text
    assert find(page, "muni-measure").value == "mynumber"
    fig = find(page, "muni-map-graph").figure
    assert len(fig.data[0].locations) == 43 and len(shapes_of(dash_app.server, fig.data[0])) == 43
    assert "データなし" in [t.name for t in fig.data]  # missing data: grey, with its own legend entry
    adoption = find(page, "muni-adoption-graph").figure
    text = figure_texts(adoption)
    assert "42/43" in text and "18/43" in text and "未提供" in text and "人口カバー率 99.8 %" in text
    assert find(page, "muni-link-27383").href == "/municipality/27383"


def test_municipalities_layout_in_english_with_measure(dash_app):
    with dash_app.server.test_request_context("/municipalities?lang=en&measure=smart_senior"):
        page = layout_of("municipalities", lang="en", measure="smart_senior")
    text = page_text(page)
    assert "Municipal DX" in text and "Measure shown on the map" in text
    assert "地図に表示する指標" not in text
    assert find(page, "muni-measure").value == "smart_senior"
    fig = find(page, "muni-map-graph").figure
    z = dict(zip(fig.data[0].locations, fig.data[0].z))
    assert z["27100"] == 4 and z["27383"] == 0
    assert "Smart Senior" in fig.layout.legend.title.text  # counts are classes with words in the legend
    assert [t.name for t in fig.data][1:] == ["None named", "1 area", "2 or more areas", "No data"]
    assert "Osaka City" in fig.data[0].text[0]
    assert "42/43" in figure_texts(find(page, "muni-adoption-graph").figure)
    assert find(page, "muni-link-27100").href == "/municipality/27100?lang=en"
    with dash_app.server.test_request_context("/municipalities?measure=bogus"):
        assert find(layout_of("municipalities", measure="bogus"), "muni-measure").value == "mynumber"


def test_measure_callback_patches_only_the_values(dash_app):
    from pages.municipalities import change_measure, open_profile
    with dash_app.server.test_request_context("/municipalities"):
        patch, rows, source, *_ = change_measure("ai_ondemand", None, "osaka", "ja",
                                                 {"area": "osaka", "measure": "mynumber"})
    ops = {tuple(op["location"]): op["params"].get("value") for op in patch.to_plotly_json()["operations"]}
    assert {("data", 0, "z"), ("data", 0, "text"), ("data", 0, "colorscale")} <= set(ops)
    assert "coordinates" not in json.dumps(patch.to_plotly_json())  # the boundaries are never resent
    assert len(ops[("data", 0, "z")]) == 43 and sum(ops[("data", 0, "z")]) == 1 + 4 + 2 + 1 + 1
    assert rows[0]["geo_code"] == "27100" and rows[0]["value"] == 4
    assert "大阪府「大阪府におけるスマートシティの取組み" in source[1] and "国土数値情報" in source[1]
    assert open_profile({"points": [{"location": "27100"}]}, "en") == "/municipality/27100?lang=en"
    assert open_profile({"points": [{"location": "27383"}]}, "ja") == "/municipality/27383"
    assert open_profile({"points": [{"location": "<script>"}]}, "ja") is dash.no_update


@pytest.mark.integration
def test_profile_layout_osaka_city(full_app):
    with full_app.server.test_request_context("/municipality/27100"):
        page = layout_of("municipality", code="27100")
    assert page.id == "mp-page"
    text = page_text(page)
    for fact in ("大阪市", "大阪府", "政令指定都市", "27100", "271004", "2,732,197 人", "50.3 %", "5位 / 8団体",
                 "0.5〜2 倍", "平野区", "スマートシニアライフ", "大阪メトロによる先導的取組み", "大阪府「大阪府におけるスマートシティの取組み"):
        assert fact in text, fact
    series = find(page, "mp-series-graph").figure
    assert [t.name for t in series.data] == ["大阪市", "大阪府", "全国"]
    assert "5位 / 8団体" in figure_texts(find(page, "mp-peers-graph").figure)


def test_profile_layout_in_english_and_for_other_municipalities(dash_app):
    with dash_app.server.test_request_context("/municipality/27383?lang=en"):
        text = page_text(layout_of("municipality", code="27383", lang="en"))
    assert "Chihayaakasaka Village" in text and "Population" in text and "4,970" in text
    assert "name no programme, project or pilot" in text and "Prefectural support (all 43 municipalities)" in text
    assert "団体コード" not in text and "マイナンバーカード交付率 " not in text  # titles are bilingual by design
    with dash_app.server.test_request_context("/municipality/01100"):
        page = layout_of("municipality", code="01100")
    text = page_text(page)
    assert "札幌市" in text and "北海道" in text and "府内の市町村の事業のみ" in text
    assert [t.name for t in find(page, "mp-series-graph").figure.data] == ["札幌市", "北海道", "全国"]


@pytest.mark.parametrize("code, lang, expected", [
    ("99999", None, "見つかりません"), ("abc", None, "市区町村コードではありません"), ("", "en", "No municipality code"),
    ("27000", "en", "is not a municipality"), ("27102", None, "大阪市の行政区"), ("2710", "en", "not a municipality code"),
])
def test_profile_layout_for_bad_codes(dash_app, code, lang, expected):
    with dash_app.server.test_request_context(f"/municipality/{code}"):
        page = layout_of("municipality", code=code, lang=lang)
    assert page.id == "mp-page" and expected in page_text(page)
    if code == "27102":
        assert find(page, "mp-parent-link").href == "/municipality/27100"


# --- browser ----------------------------------------------------------------------------------------------------------

GD = plot("muni-map-graph")


def map_state(driver) -> dict:
    """The map's z values, locations and feature count as drawn (Plotly's full data), with the key's title: the
    colour bar's (a continuous measure, drawn on a key trace) or the legend's (categories)."""
    traces = full_data(driver, "muni-map-graph")
    legend = driver.execute_script(f"const l = {GD}._fullLayout.legend; return l && l.title ? l.title.text : null;")
    bars = [t["title"] for t in traces if t["title"]]
    return {**traces[0], "title": (bars[0] if bars else legend or "").replace("<br>", " ")}


@pytest.mark.browser
def test_changing_the_measure_changes_the_map_and_the_url(chrome, server_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    chrome.get(server_url + "/municipalities?lang=en")
    wait_rendered(chrome, "muni-page")
    before = map_state(chrome)
    assert len(before["locations"]) == 43 and before["features"] == 43 and before["title"] == "Issuance rate (%)"
    assert before["z"][0] == pytest.approx(50.26)
    chrome.find_element(By.CSS_SELECTOR, "#muni-measure input[value='ai_ondemand']").click()
    WebDriverWait(chrome, 20).until(lambda d: map_state(d)["z"] != before["z"])
    after = map_state(chrome)
    z = dict(zip(after["locations"], after["z"]))
    assert z["27100"] == 4 and z["27216"] == 2 and z["27383"] == 0 and sum(after["z"]) == 9
    assert after["locations"] == before["locations"] and after["features"] == 43  # geometry untouched
    assert "AI on-demand" in after["title"]
    WebDriverWait(chrome, 10).until(lambda d: "measure=ai_ondemand" in d.current_url)
    assert "lang=en" in chrome.current_url
    grid = chrome.find_element(By.ID, "muni-map-card").text
    assert "AI on-demand transport projects" in grid
    assert network(chrome)[1] == []


@pytest.mark.browser
def test_clicking_a_municipality_opens_its_profile(chrome, server_url):
    """A real click: the mouse is moved and pressed over Osaka City's polygon through Chromium's input events
    (DevTools Input.dispatchMouseEvent at the pixel MapLibre projects the city's coordinates to), so Plotly's own
    hover and click handling produces clickData."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    chrome.get(server_url + "/municipalities?lang=en")
    wait_rendered(chrome, "muni-page")
    chrome.execute_script(f"{GD}.scrollIntoView({{block: 'center'}})")
    time.sleep(0.5)
    x, y = chrome.execute_script(
        f"const m = {GD}._fullLayout.map._subplot.map; const p = m.project([135.50, 34.68]);"
        "const r = m.getCanvas().getBoundingClientRect(); return [r.left + p.x, r.top + p.y];")
    for dx in (0, 1, 2):
        chrome.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x + dx, "y": y})
        time.sleep(0.2)
    WebDriverWait(chrome, 10).until(lambda d: d.execute_script(
        f"const h = {GD}._hoverdata; return h && h.length && h[0].location === '27100';"))
    for kind in ("mousePressed", "mouseReleased"):
        chrome.execute_cdp_cmd("Input.dispatchMouseEvent",
                               {"type": kind, "x": x + 2, "y": y, "button": "left", "clickCount": 1})
    WebDriverWait(chrome, 20).until(lambda d: "/municipality/27100" in d.current_url)
    wait_rendered(chrome, "mp-page")
    assert chrome.current_url.endswith("/municipality/27100?lang=en")
    assert chrome.find_element(By.ID, "mp-name").text.startswith("Osaka City")
    assert "rank 1 of 2" in chrome.find_element(By.ID, "mp-rank").text  # the fixture: 大阪市 and 札幌市
    assert [e for e in chrome.get_log("browser") if e["level"] == "SEVERE"] == []
    assert network(chrome)[1] == []
