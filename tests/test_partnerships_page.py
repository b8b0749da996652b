"""The partnerships page (/partnerships): figure builders on hand-made frames, queries on the session database,
the layout in Japanese and English, the callbacks, and the period / programme controls in Chromium."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers import find, full_data, layout_of, network, page_text, scroll_click, wait_rendered
from smartcity.figures import partnerships as fig

DOC = "002_dccbf011ea76040a.txt"
SOURCE = {"source_doc": DOC, "source_section": "３ 大阪スマートシティパートナーズフォーラム（OSPF）", "source_line": 2114,
          "doc_title_ja": "大阪府のスマートシティ戦略について", "doc_title_en": "On Osaka Prefecture's smart-city strategy",
          "doc_citation_ja": "大阪府スマートシティ戦略部「大阪府のスマートシティ戦略について」（2024年3月）",
          "doc_citation_en": "Osaka Prefectural Government, Smart City Strategy Department, “On Osaka Prefecture's "
                             "smart-city strategy” (March 2024)",
          "citation_ja": "大阪府スマートシティ戦略部「大阪府のスマートシティ戦略について」（2024年3月）"
                         "「３ 大阪スマートシティパートナーズフォーラム（OSPF）」",
          "citation_en": "Osaka Prefectural Government, Smart City Strategy Department, “On Osaka Prefecture's "
                         "smart-city strategy” (March 2024), section 「３ 大阪スマートシティパートナーズフォーラム（OSPF）」"}


def square(x: float, y: float, size: float = 0.05) -> str:
    return json.dumps({"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size],
                                                          [x, y + size], [x, y]]]})


def boundaries(rows: list[tuple[str, str, str, str | None]]) -> pd.DataFrame:
    """Boundary rows (geo_code, name_ja, name_en, parent_code) with small squares as geometry."""
    return pd.DataFrame([{"geo_code": code, "name_ja": ja, "name_en": en, "parent_code": parent,
                          "geometry_geojson": square(135 + i * 0.05, 34.5), "centroid_lon": 135.025 + i * 0.05,
                          "centroid_lat": 34.525} for i, (code, ja, en, parent) in enumerate(rows)])


# ---------------------------------------------------------------- figure builders (no database)

def membership_frame() -> pd.DataFrame:
    return pd.DataFrame([
        {"date_text": "2020-08", "date_precision": "month", "date": pd.Timestamp("2020-08-01"), "members_total": 245,
         **SOURCE, "source_line": 94},
        {"date_text": "2023-12-31", "date_precision": "day", "date": pd.Timestamp("2023-12-31"), "members_total": 457,
         **SOURCE},
    ])


def test_membership_figure_labels_values_and_marks_month_only_dates():
    figure = fig.membership_figure(membership_frame(), "ja")
    trace = figure.data[0]
    assert list(trace.y) == [245, 457] and trace.mode == "lines+markers+text"
    assert trace.text[0].startswith("245団体") and "2020年8月（日は不明）" in trace.text[0]
    assert trace.text[1] == "457団体"
    assert list(trace.marker.symbol) == ["circle-open", "circle"]
    assert "月のみ判明" in figure.layout.annotations[0].text
    en = fig.membership_figure(membership_frame(), "en")
    assert "Aug 2020 (day not given)" in en.data[0].text[0] and "Members" in en.layout.yaxis.title.text


def test_membership_without_rows_says_so():
    figure = fig.membership_figure(membership_frame().iloc[0:0], "en")
    assert figure.data == () and "No membership figures" in figure.layout.annotations[0].text


def test_date_labels_say_the_precision():
    assert fig.date_label("2020-08", "ja") == "2020年8月（日は不明）"
    assert fig.date_label("2023-04-20", "en") == "20 Apr 2023"
    assert fig.date_label(None, "en") == "date not given"


def event_frame() -> pd.DataFrame:
    base = {"period_id": "2023-12-31", "as_of_date": "2023-12-31", "event_key": "k", "is_partial": False, **SOURCE}
    return pd.DataFrame([
        {**base, "event_id": "a", "event_no": 1, "event_ja": "設立式典・総会", "event_en": "Founding ceremony",
         "events_held": 4, "participants": 853, "participants_is_cumulative": True, "participants_is_approx": False},
        {**base, "event_id": "b", "event_no": 2, "event_ja": "オンライン意見交換会", "event_en": "Online exchange",
         "events_held": 17, "participants": 100, "participants_is_cumulative": True, "participants_is_approx": True},
        {**base, "event_id": "c", "event_no": 3, "event_ja": "セミナー", "event_en": "Seminar", "events_held": 1,
         "participants": None, "participants_is_cumulative": False, "participants_is_approx": False},
    ])


def test_events_figure_marks_cumulative_and_approximate_figures():
    figure = fig.events_figure(event_frame(), "2023年12月31日時点の累計", "ja")
    exact, approx = figure.data
    assert list(exact.x) == [853, None]  # a missing count is not drawn as zero
    assert exact.text[0] == "延べ853人・4回"
    assert approx.text[0] == "延べ約100人・17回" and approx.marker.pattern.shape == "/"
    assert "約＝概数" in approx.name
    assert any("参加者数の記載なし" in a.text for a in figure.layout.annotations)
    assert "2023年12月31日時点の累計" in figure.layout.xaxis.title.text
    en = fig.events_figure(event_frame(), "Totals as of 31 Dec 2023", "en")
    assert en.data[1].text[0] == "approx. 100 (cumulative); 17 events"
    assert "Online exchange" in en.data[1].y[0]


def test_event_rows_for_the_table():
    rows = fig.event_rows(event_frame(), "ja")
    assert list(rows["marks"]) == ["延べ", "延べ・約", "—"]
    assert rows["participants_label"].iloc[2] == "参加者数の記載なし"
    assert fig.event_rows(event_frame(), "en")["marks"].iloc[1] == "cumulative, approximate"


def test_period_text_names_partial_undated_tables():
    dated = {"as_of_date": "2023-12-31", "source_doc": DOC, "is_partial": False, "document_date": "2024-03"}
    undated = {"as_of_date": None, "source_doc": "000_abffb16396ac2a77.txt", "is_partial": True,
               "document_date": "2022-08"}
    assert fig.period_text(dated, "ja") == "2023年12月31日時点の累計（2024年3月の資料）"
    assert fig.period_text(undated, "ja") == "2022年8月の資料（時点の記載なし・一部のみ掲載）"
    assert "partial list" in fig.period_text(undated, "en")


def test_pitch_figure_says_when_figures_are_missing():
    frame = pd.DataFrame([
        {"pitch_id": "p1", "date_text": "2021-07-19", "fiscal_year": 2021, "title_ja": "ピッチ", "title_en": "Pitch",
         "presenters": None, "applicants": None, **SOURCE},
        {"pitch_id": "p2", "date_text": "2023-06-22", "fiscal_year": 2023, "title_ja": "ピッチ", "title_en": "Pitch",
         "presenters": 14, "applicants": 56, **SOURCE},
    ])
    figure = fig.pitch_figure(frame, "ja")
    presenters, applicants = figure.data
    assert list(presenters.y) == [None, 14] and list(applicants.y) == [None, 56]
    assert list(applicants.text) == ["", "56社"] and applicants.marker.pattern.shape == "/"
    assert "記載なし" in figure.layout.annotations[0].text


def test_field_stage_figure_names_the_stage_in_words_and_patterns():
    frame = pd.DataFrame([
        {"field_id": "a", "field_ja": "①スマートヘルスシティ", "field_en": "Smart health city", "stage": "pilot",
         "start_fiscal_year": 2020, "n_municipalities": 4, "working_group": False, "named_projects": 1, **SOURCE},
        {"field_id": "b", "field_ja": "②高齢者", "field_en": "Elderly", "stage": "pilot_and_implemented",
         "start_fiscal_year": 2020, "n_municipalities": 7, "working_group": True, "named_projects": 2, **SOURCE},
        {"field_id": "c", "field_ja": "⑨不明", "field_en": "Unknown", "stage": None,
         "start_fiscal_year": None, "n_municipalities": 2, "working_group": None, "named_projects": 0, **SOURCE},
    ])
    figure = fig.field_stage_figure(frame, "ja")
    by_name = {t.name: t for t in figure.data}
    assert set(by_name) == {"実証", "実証・実装", "段階の記載なし"}
    assert by_name["実証"].marker.pattern.shape == "/" and by_name["実証・実装"].marker.pattern.shape == "x"
    assert by_name["実証・実装"].text[0] == "7市町村・実証・実装"
    assert fig.field_rows(frame, "en")["stage_label"].tolist() == ["Pilot", "Pilot and implemented",
                                                                   "Stage not stated"]


def test_project_counts_figure_marks_cumulative_counts():
    frame = pd.DataFrame([
        {"count_id": "a", "as_of_date": "2022-03-24", "scope_ja": "府市の事業", "scope_en": "Projects", "projects": 48,
         "implemented": 23, "municipalities": None, "fields": None, "is_cumulative": False, **SOURCE},
        {"count_id": "b", "as_of_date": "2023-12", "scope_ja": "OSPF（延べ）", "scope_en": "OSPF", "projects": 24,
         "implemented": None, "municipalities": None, "fields": 8, "is_cumulative": True, **SOURCE},
    ])
    figure = fig.project_counts_figure(frame, "ja")
    assert list(figure.data[0].x) == [48, 24] and list(figure.data[1].x) == [23, None]
    assert figure.data[0].text[1] == "延べ24件（8分野）" and figure.data[1].text[0] == "うち社会実装 23件"


def project_frame() -> pd.DataFrame:
    base = {"field_id": "f", "field_ja": "③子育て", "field_en": "Child-rearing", "start_fiscal_year": None,
            "note": "", **SOURCE}
    return pd.DataFrame([
        {**base, "project_id": "p1", "title_ja": "アプリ", "title_en": "App", "muni_code": "27321",
         "muni_name_ja": "豊能町", "muni_ja": "豊能町", "muni_en": "Toyono Town", "area_ja": None, "stage": "pilot"},
        {**base, "project_id": "p2", "title_ja": "地域通貨", "title_en": "Currency", "muni_code": None,
         "muni_name_ja": None, "muni_ja": None, "muni_en": None, "area_ja": "金剛地区", "stage": None},
    ])


def test_project_map_lists_projects_with_stage_in_words():
    bounds = boundaries([("27321", "豊能町", "Toyono Town", None), ("27322", "能勢町", "Nose Town", None)])
    values = fig.project_map_values(bounds, project_frame(), "ja")
    assert values["value"].tolist() == [1, 0]  # 0 = none named (said in the legend and the hover), not 'no project'
    assert "アプリ" in values["label"].iloc[0] and "実証" in values["label"].iloc[0]
    assert "記載なし" in values["label"].iloc[1]
    figure = fig.project_map(bounds, values, "en")
    trace = figure.data[0]
    assert list(trace.z) == [1, 0] and len(trace.geojson["features"]) == 2
    assert list(trace.colorbar.ticktext) == ["None named", "1 project", "2 or more"]
    rows = fig.project_rows(project_frame(), "ja")
    assert rows["place"].tolist() == ["豊能町", "市町村名の記載なし（金剛地区）"]
    assert rows["on_map"].tolist() == ["地図に表示", "地図外（市町村名なし）"]


def area_frame() -> pd.DataFrame:
    base = {"end_date": None, "title_en": None, "operator_ja": None, "tablets_lent": None, "source_doc": DOC,
            "source_section": "s", "source_line": 1, "doc_title_ja": "t", "doc_title_en": "t"}
    return pd.DataFrame([
        {**base, "programme": "ai_ondemand", "entry_id": "a1", "kind": "city_service", "fiscal_year": 2021,
         "phase_ja": None, "start_date": None, "title_ja": "大阪メトロ", "title_en": "Osaka Metro", "area_ja": "生野区",
         "muni_code": "27100", "ward_code": "27116", "geo_code": "27116", "muni_ja": "大阪市", "muni_en": "Osaka City",
         "ward_ja": "生野区", "ward_en": "Ikuno Ward"},
        {**base, "programme": "smart_senior_life", "entry_id": "s2", "kind": "phase_area", "fiscal_year": 2022,
         "phase_ja": "第2期", "start_date": "2022-12", "end_date": "2023-05", "title_ja": None, "area_ja": "生野区",
         "tablets_lent": 852, "muni_code": "27100", "ward_code": "27116", "geo_code": "27116", "muni_ja": "大阪市",
         "muni_en": "Osaka City", "ward_ja": "生野区", "ward_en": "Ikuno Ward"},
        {**base, "programme": "ai_ondemand", "entry_id": "a2", "kind": "model_project", "fiscal_year": 2023,
         "phase_ja": None, "start_date": "2023-10-01", "end_date": "2024-01-31", "title_ja": "南海 × 堺市",
         "area_ja": "泉北", "muni_code": "27140", "ward_code": None, "geo_code": "27140", "muni_ja": "堺市",
         "muni_en": "Sakai City", "ward_ja": None, "ward_en": None},
        {**base, "programme": "smart_senior_life", "entry_id": "s1", "kind": "phase_area", "fiscal_year": 2021,
         "phase_ja": "第1期", "start_date": "2022-02", "end_date": "2022-09", "title_ja": None, "area_ja": "堺市南区",
         "tablets_lent": 858, "muni_code": "27140", "ward_code": "27145", "geo_code": "27145", "muni_ja": "堺市",
         "muni_en": "Sakai City", "ward_ja": "南区", "ward_en": "Minami Ward"},
    ])


AREA_BOUNDS = [("27116", "大阪市生野区", "Ikuno Ward, Osaka City", "27100"),
               ("27145", "堺市南区", "Minami Ward, Sakai City", "27140"),
               ("27141", "堺市堺区", "Sakai Ward, Sakai City", "27140"),
               ("27206", "泉大津市", "Izumiotsu City", None)]


def test_area_values_by_programme_at_ward_level():
    bounds = boundaries(AREA_BOUNDS)
    both = fig.area_values(bounds, area_frame(), "all", "ja")
    # Ikuno: both programmes; Sakai Minami: smart senior life (and the city-wide AI entry in the hover);
    # Sakai Ward: only the city-wide entry; Izumiotsu: none
    assert both["value"].tolist() == [3, 2, 4, 0]
    assert "第2期" in both["label"].iloc[0] and "2022年度開始" in both["label"].iloc[0]
    assert "852台" in both["label"].iloc[0]
    assert "市内（区の記載なし）" in both["label"].iloc[1]
    ai = fig.area_values(bounds, area_frame(), "ai_ondemand", "en")
    assert ai["value"].tolist() == [1, 4, 4, 0]
    assert "FY2021" in ai["label"].iloc[0] and "Ikuno Ward, Osaka City" in ai["label"].iloc[0]
    ssl = fig.area_values(bounds, area_frame(), "smart_senior_life", "ja")
    assert ssl["value"].tolist() == [2, 2, 0, 0]


def test_area_map_legend_uses_words_and_table_says_how_each_entry_is_shown():
    bounds = boundaries(AREA_BOUNDS)
    values = fig.area_values(bounds, area_frame(), "all", "ja")
    trace = fig.area_map(bounds, values, "ja").data[0]
    assert list(trace.colorbar.ticktext) == ["該当なし", "AIオンデマンド交通", "スマートシニアライフ", "両方",
                                             "市内（区の記載なし）"]
    assert trace.zmin == -0.5 and trace.zmax == len(fig.AREA_CATEGORIES) - 0.5
    rows = fig.area_rows(area_frame(), bounds, "all", "ja")
    assert rows.set_index("entry_id")["map_category"].to_dict() == {
        "a1": "両方", "s2": "両方", "a2": "市内（区の記載なし）", "s1": "スマートシニアライフ"}
    assert rows.set_index("entry_id")["place"]["a2"] == "堺市（区の記載なし）"
    assert rows.set_index("entry_id")["fy"]["s1"] == "2021年度"
    en = fig.area_rows(area_frame(), bounds, "smart_senior_life", "en")
    assert en["entry_id"].tolist() == ["s2", "s1"] and en["detail"].tolist() == ["phase 2", "phase 1"]


def test_source_texts_cite_document_and_section_without_file_or_lines():
    frame = pd.DataFrame([{**SOURCE, "source_line": line} for line in (2175, 2177, 2179, 2181, 2183)])
    ja, en = fig.source_texts(frame)
    assert ja == "大阪府スマートシティ戦略部「大阪府のスマートシティ戦略について」（2024年3月）「３ 大阪スマートシティパートナーズ" \
                 "フォーラム（OSPF）」"
    assert en.startswith("Osaka Prefectural Government, Smart City Strategy Department, “On Osaka Prefecture's")
    assert ".txt" not in ja + en and "2175" not in ja + en


def test_fund_facts_in_both_languages():
    frame = pd.DataFrame([
        {"item_id": "fund_registration", "date": "2023-04-20", "date_as_written": "2023年4月20日",
         "item_ja": "ファンド登記", "item_en": "Fund registration", "value": None, "unit": None, **SOURCE},
        {"item_id": "fund_size", "date": None, "date_as_written": None, "item_ja": "規模", "item_en": "Fund size",
         "value": 22.5, "unit": "100M JPY (億円)", **SOURCE},
        {"item_id": "round_table", "date": None, "date_as_written": None, "item_ja": "ラウンドテーブル",
         "item_en": "Round table", "value": None, "unit": None, **SOURCE},
    ])
    ja = fig.fund_facts(frame, "ja")
    assert [(f["item"], f["value"]) for f in ja] == [("規模", "22.5億円"), ("ファンド登記", "2023年4月20日"),
                                                    ("ラウンドテーブル", "数値・日付の記載なし")]
    en = fig.fund_facts(frame, "en")
    assert en[0]["value"].startswith("¥2.25 billion") and en[1]["value"] == "20 Apr 2023"


# ---------------------------------------------------------------- queries (session database)

def test_membership_query(db):
    from smartcity.queries import partnerships as q
    frame = q.membership(db).set_index("date_text")
    assert frame.loc["2023-12-31", "members_total"] == 457 and frame.loc["2022-07-31", "members_total"] == 443
    assert frame.loc["2020-08", "members_total"] == 245 and frame.loc["2020-08", "date_precision"] == "month"
    assert frame.loc["2023-12-31", "source_doc"] == DOC


def test_event_queries(db):
    from smartcity.queries import partnerships as q
    periods = q.event_periods(db)
    assert periods["period_id"].tolist() == ["doc000", "2023-12-31"]  # oldest first: the default is the last
    assert periods.set_index("period_id")["is_partial"].to_dict() == {"doc000": True, "2023-12-31": False}
    latest = q.events(db, "2023-12-31").set_index("event_key")
    assert len(latest) == 16 and latest["event_no"].tolist() == list(range(1, 17))
    assert latest.loc["founding_ceremony_general_meeting", ["events_held", "participants"]].tolist() == [4, 853]
    assert latest.loc["online_exchange_of_views", "participants_is_approx"]
    old = q.events(db, "doc000").set_index("event_key")
    assert len(old) == 15 and old.loc["ospf_external_presentation", "participants"] == 2252
    assert old.loc["osaka_smart_city_meetup", "participants_is_approx"]
    assert q.events(db, "1999-01-01").empty


def test_pitch_and_project_queries(db):
    from smartcity.queries import partnerships as q
    pitches = q.pitches(db).set_index("date_text")
    assert pitches.loc["2023-06-22", ["presenters", "applicants"]].tolist() == [14, 56]
    assert pd.isna(pitches.loc["2021-07-19", "presenters"])
    counts = q.project_counts(db).set_index("count_id")
    assert counts.loc["ver1_projects_2022_03", ["projects", "implemented"]].tolist() == [48, 23]
    assert counts.loc["ospf_projects_2022_03", ["projects", "municipalities", "fields"]].tolist() == [27, 16, 7]
    assert counts.loc["ospf_projects_cumulative_2023_12", "is_cumulative"]
    projects = q.projects(db)
    assert len(projects) == 9 and projects["muni_code"].isna().sum() == 4
    assert projects.set_index("project_id").loc["toyono_smart_city_app", ["muni_en", "stage"]].tolist() == [
        "Toyono Town", "pilot"]
    fields = q.project_fields(db).set_index("field_id")
    assert len(fields) == 8 and fields.loc["data_utilisation", "n_municipalities"] == 9
    assert fields.loc["elderly_friendly", "stage"] == "pilot_and_implemented"


def test_area_queries(db):
    from smartcity.queries import partnerships as q
    phases = q.ssl_phases(db)
    assert phases["tablets_lent"].tolist() == [858, 852, 814]
    assert phases["fiscal_year"].tolist() == [2021, 2022, 2023] and phases["n_areas"].tolist() == [3, 3, 2]
    areas = q.areas(db)
    ikuno = areas[areas["geo_code"] == "27116"]
    assert set(ikuno["programme"]) == {"ai_ondemand", "smart_senior_life"}
    sakai_ai = areas[(areas["muni_code"] == "27140") & (areas["programme"] == "ai_ondemand")]
    assert len(sakai_ai) == 1 and pd.isna(sakai_ai["ward_code"].iloc[0])
    bounds = q.area_boundaries(db)
    assert len(bounds) == 72 and not {"27100", "27140"} & set(bounds["geo_code"])  # 41 municipalities + 31 wards
    assert bounds.set_index("geo_code").loc["27127", "name_ja"] == "大阪市北区"
    assert bounds.set_index("geo_code").loc["27146", "name_en"] == "Kita Ward, Sakai City"
    values = fig.area_values(bounds, areas, "all", "ja").set_index("geo_code")["value"]
    assert values["27116"] == 3 and values["27216"] == 3 and values["27145"] == 2 and values["27141"] == 4


def test_fund_query(db):
    from smartcity.queries import partnerships as q
    fund = q.fund(db).set_index("item_id")
    assert fund.loc["fund_size", "value"] == 22.5 and fund.loc["fund_term", "value"] == 12
    assert fund.loc["fund_investors", "value"] == 9 and fund.loc["fund_registration", "date"] == "2023-04-20"


# ---------------------------------------------------------------- layout and callbacks

def test_layout_in_japanese(dash_app):
    with dash_app.server.test_request_context("/partnerships"):
        page = layout_of("partnerships")
    text = page_text(page)
    assert page.id == "pp-page"
    assert "公民連携とプロジェクト" in text and "457 企業・団体" in text
    assert "大阪府スマートシティ戦略部「大阪府のスマートシティ戦略について」（2024年3月）" in text
    assert "大阪府「大阪府におけるスマートシティの取組み ～第1ステージから第3ステージに向けて～」（2022年8月）" in text
    assert ".txt" not in text
    assert "22.5億円" in text and "12年" in text and "9者" in text and "2023年4月20日" in text
    assert "市町村名の記載がないプロジェクト 4 件" in text
    assert find(page, "pp-period").value == "2023-12-31" and find(page, "pp-programme").value == "all"
    events = find(page, "pp-events-graph").figure
    assert len([y for t in events.data for y in t.y]) == 16


def test_layout_in_english_with_url_state(dash_app):
    with dash_app.server.test_request_context("/partnerships?lang=en&period=doc000&programme=smart_senior_life"):
        page = layout_of("partnerships", lang="en", period="doc000", programme="smart_senior_life")
    text = page_text(page)
    assert "Partnerships and projects" in text and "457 member companies" in text
    assert "¥2.25 billion" in text and "20 Apr 2023" in text and "partial list" in text
    assert "公民連携とプロジェクト" in text  # the title's Japanese second line only
    assert "企業・団体" not in text and "記載なし" not in text
    assert find(page, "pp-period").value == "doc000"
    assert find(page, "pp-programme").value == "smart_senior_life"
    events = find(page, "pp-events-graph").figure
    assert sum(len(t.y) for t in events.data) == 15
    z = list(find(page, "pp-areas-graph").figure.data[0].z)
    assert set(z) == {0, 2}  # smart senior life only


def test_layout_ignores_unknown_url_values(dash_app):
    with dash_app.server.test_request_context("/partnerships?period=x&programme=y"):
        page = layout_of("partnerships", period="x'; DROP TABLE ospf_events; --", programme="y")
    assert find(page, "pp-period").value == "2023-12-31" and find(page, "pp-programme").value == "all"


def test_callbacks_update_values_only(dash_app):
    from pages import partnerships as page
    with dash_app.server.test_request_context("/_dash-update-component"):
        figure, row_data, source, note = page.update_events("doc000", "en")
        assert sum(len(t.y) for t in figure.data) == 15 and len(row_data) == 15
        assert "Osaka Prefecture, “Osaka Prefecture's smart-city work" in source[1] and "partial" in note
        patch, area_rows = page.update_areas("ai_ondemand", "ja")
    operations = patch.to_plotly_json()["operations"]
    assert [op["location"] for op in operations] == [["data", 0, "z"], ["data", 0, "text"]]  # never the geometry
    assert set(operations[0]["params"]["value"]) == {0, 1, 4}
    assert {r["programme_label"] for r in area_rows} == {"AIオンデマンド交通"} and len(area_rows) == 9


# ---------------------------------------------------------------- browser

@pytest.mark.browser
def test_period_and_programme_controls_update_url_and_values(chrome, server_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    chrome.get(server_url + "/partnerships")
    wait_rendered(chrome, "pp-page")
    before = full_data(chrome, "pp-events-graph")
    assert sum(len(t["y"]) for t in before) == 16 and 3699 in before[0]["x"]
    scroll_click(chrome, chrome.find_element(By.XPATH, "//*[@id='pp-period']//label[contains(., '2022年8月の資料')]"))
    WebDriverWait(chrome, 20).until(lambda d: "period=doc000" in d.current_url)
    WebDriverWait(chrome, 20).until(lambda d: sum(len(t["y"]) for t in full_data(d, "pp-events-graph")) == 15)
    after = full_data(chrome, "pp-events-graph")
    assert 2252 in after[0]["x"] and 3699 not in after[0]["x"]
    assert "2022年8月の資料" in chrome.find_element(By.ID, "pp-events-note").text

    z_before = full_data(chrome, "pp-areas-graph")[0]["z"]
    programme = "//*[@id='pp-programme']//label[contains(., 'スマートシニアライフ')]"
    scroll_click(chrome, chrome.find_element(By.XPATH, programme))
    WebDriverWait(chrome, 20).until(lambda d: "programme=smart_senior_life" in d.current_url)
    WebDriverWait(chrome, 20).until(lambda d: full_data(d, "pp-areas-graph")[0]["z"] != z_before)
    z_after = full_data(chrome, "pp-areas-graph")[0]["z"]
    assert 3 in z_before and set(z_after) == {0, 2} and len(z_after) == len(z_before) == 72
    assert "period=doc000" in chrome.current_url  # both controls stay in the URL

    chrome.get(chrome.current_url)  # a shared address opens the same state
    wait_rendered(chrome, "pp-page")
    assert sum(len(t["y"]) for t in full_data(chrome, "pp-events-graph")) == 15
    assert set(full_data(chrome, "pp-areas-graph")[0]["z"]) == {0, 2}
    assert [e for e in chrome.get_log("browser") if e["level"] == "SEVERE"] == []
    assert network(chrome)[1] == []
