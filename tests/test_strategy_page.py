"""The strategy page (/strategy): date placement, timeline and roadmap builders on hand-made frames, queries against
the session database, layouts in Japanese and English, the kind filter callback and its URL in a browser."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers import graphs, layout_of, network, page_text, scroll_click, trace_names, wait_rendered, without_database
from smartcity.figures import strategy as fig

D = pd.Timestamp


def milestones(rows: list[tuple]) -> pd.DataFrame:
    """(milestone_id, date, precision, kind, title_ja, title_en) rows with a source, as the query returns them."""
    frame = pd.DataFrame(rows, columns=["milestone_id", "date", "date_precision", "kind", "title_ja", "title_en"])
    return frame.assign(version_id=None, note=None, source_doc="002_x.txt", source_section="節", source_line=1,
                        citation_ja="大阪府「文書」（2024年3月）「節」", citation_en="Osaka Prefecture, “Document” (March 2024)")


MS = milestones([
    ("a", "2019-05", "month", "event", "会議を設置", "Council set up"),
    ("b", "2019-08-05", "day", "event", "第1回会議", "1st meeting"),
    ("c", "2025", "year", "event", "万博", "Expo 2025"),
    ("d", "2025", "fiscal_year", "deadline", "標準化の期限", "Standardisation deadline"),
    ("e", "2023", "fiscal_year", "plan", "新たなICT環境", "New ICT <environment>"),
    ("f", "2030", "year", "target", "目標年", "Target year"),
])


# --- pure builders -------------------------------------------------------------------------------------------------


def test_place_date_by_precision():
    assert fig.place_date("2019-08-05", "day")["x"] == D("2019-08-05")
    month = fig.place_date("2019-05", "month")
    assert month["x"] == D("2019-05-15") and month["when_ja"] == "2019年5月" and month["when_en"] == "May 2019"
    assert "15" in month["placed_ja"] and "15th" in month["placed_en"]
    year = fig.place_date("2025", "year")
    assert year["x"] == D("2025-07-01") and "7月1日" in year["placed_ja"] and "mid-year" in year["placed_en"]
    fy_plan = fig.place_date("2023", "fiscal_year", "plan")
    assert fy_plan["x"] == D("2023-10-01") and fy_plan["when_ja"] == "2023年度" and fy_plan["when_en"] == "FY2023"
    fy_deadline = fig.place_date("2025", "fiscal_year", "deadline")
    assert fy_deadline["x"] == D("2026-03-31") and fy_deadline["when_ja"] == "2025年度末"
    assert fig.place_date("2019-08-05", "day")["placed_en"] == ""


def test_placed_milestones_are_sorted_and_lanes_spread_close_points():
    placed = fig.placed_milestones(MS)
    assert list(placed.milestone_id) == ["a", "b", "e", "c", "d", "f"]
    assert placed.x.is_monotonic_increasing
    xs = pd.Series([D("2020-01-01"), D("2020-01-10"), D("2020-01-20"), D("2021-01-01")])
    assert fig.lane_offsets(xs) == [0.0, 0.22, -0.22, 0.0]
    assert fig.placed_milestones(MS.iloc[0:0]).empty


def test_timeline_one_trace_per_kind_with_symbols_lane_labels_and_hover():
    placed = fig.placed_milestones(MS)
    highlights = pd.DataFrame({"x": [D("2025-07-01"), D("2030-07-01")], "label_ja": ["万博", "目標年 2030"],
                               "label_en": ["Expo 2025", "Target year 2030"], "anchor": ["right", "left"]})
    ja = fig.timeline(placed, highlights, "ja", source="出典：テスト")
    assert [t.name for t in ja.data] == ["出来事", "予定", "目標", "期限"]
    assert len({t.marker.symbol for t in ja.data}) == 4
    assert list(ja.layout.yaxis.ticktext) == ["出来事", "予定", "目標", "期限"]  # the kind as a text label too
    events = ja.data[0]
    assert [pd.Timestamp(x) for x in events.x] == [D("2019-05-15"), D("2019-08-05"), D("2025-07-01")]
    assert "年のみ（年の中央の7月1日に表示）" in events.customdata[2] and "2019年5月" in events.customdata[0]
    assert [a.text for a in ja.layout.annotations][:2] == ["万博", "目標年 2030"]
    assert len(ja.layout.shapes) == 2 and ja.layout.annotations[-1].text == "出典：テスト"
    en = fig.timeline(placed, highlights, "en")
    assert [t.name for t in en.data] == ["Event", "Plan", "Target", "Deadline"]
    assert "New ICT &lt;environment&gt;" in en.data[1].customdata[0] and "FY2023" in en.data[1].customdata[0]
    assert "fiscal year only" in en.data[1].customdata[0] and en.layout.yaxis.title.text == "Kind"
    deadline = en.data[3]
    assert pd.Timestamp(deadline.x[0]) == D("2026-03-31") and "end of FY2025" in deadline.customdata[0]


def test_timeline_for_some_kinds_and_for_none():
    placed = fig.placed_milestones(MS)
    only = fig.timeline(placed[placed.kind == "target"], pd.DataFrame(columns=["x", "label_ja", "label_en"]), "en")
    assert [t.name for t in only.data] == ["Target"] and list(only.layout.yaxis.ticktext)[2] == "Target"
    none = fig.timeline(placed.iloc[0:0], pd.DataFrame(columns=["x", "label_ja", "label_en"]), "ja")
    assert len(none.data) == 0 and "節目がありません" in none.layout.annotations[0].text


ROAD = pd.DataFrame([
    ("r1", "サービス展開", "Service roll-out", "夢コン", "Yumecon", 2024, 2024, "工事車両", None, None),
    ("r2", "サービス展開", "Service roll-out", "夢コン", "Yumecon", 2025, 2025, "撤去", None, None),
    ("p1", "サービス展開", "Service roll-out", "mydoor（市町村）", "mydoor - municipalities", 2024, 2024, "・２～５市町村参画", 2, 5),
    ("p2", "サービス展開", "Service roll-out", "mydoor（市町村）", "mydoor - municipalities", 2025, 2025, "５～10市町村参画", 5, 10),
    ("p3", "サービス展開", "Service roll-out", "mydoor（市町村）", "mydoor - municipalities", 2026, 2026, "10～15市町村参画", 10, 15),
    ("p4", "サービス展開", "Service roll-out", "mydoor（市町村）", "mydoor - municipalities", 2027, 2028, "全市町村の参画が目標", 43, 43),
    ("u1", "データ活用", "Data utilisation", "大学", "University", 2024, 2025, "シンクタンク", None, None),
    ("u2", "データ活用", "Data utilisation", "大学", "University", 2025, 2028, "データセンター", None, None),
    ("g1", "ガバナンス", "Governance", "ガイドライン", "Guidelines", None, None, "■ ガイドライン", None, None),
], columns=["roadmap_id", "field_ja", "field_en", "item_ja", "item_en", "start_fiscal_year", "end_fiscal_year",
            "description_ja", "municipalities_min", "municipalities_max"]).astype(
    {"start_fiscal_year": "Int32", "end_fiscal_year": "Int32", "municipalities_min": "Int64",
     "municipalities_max": "Int64"})


def test_roadmap_rows_lanes_and_participation_text():
    dated, undated = fig.roadmap_rows(ROAD)
    assert len(dated) == 8 and list(undated.roadmap_id) == ["g1"]
    lanes = fig.roadmap_lanes(dated, "ja")
    assert list(lanes.lane) == ["夢コン", "夢コン", *["mydoor OSAKA 市町村参画目標"] * 4, "大学（1）", "大学（2）"]
    assert fig.participation_text(2, 5, "ja") == "2〜5市町村参画"
    assert fig.participation_text(43, 43, "en") == "goal: all 43 municipalities"
    assert fig.participation_text(None, None, "en") == "" and fig.reiwa(2024) == "R6"


def test_roadmap_bars_span_fiscal_years_and_show_the_participation_targets():
    dated, _ = fig.roadmap_rows(ROAD)
    figure = fig.roadmap(dated, "en", source="Source: test")
    assert [t.name for t in figure.data] == ["Service roll-out", "Data utilisation", "Municipal participation target"]
    part = figure.data[2]
    assert list(part.text) == ["2–5 municipalities", "5–10 municipalities", "10–15 municipalities",
                               "goal: all 43 municipalities"]
    assert list(part.base) == pytest.approx([2023.54, 2024.54, 2025.54, 2026.54])
    assert list(part.x) == pytest.approx([0.92, 0.92, 0.92, 1.92])  # FY2027 to FY2028: two years
    assert list(figure.layout.xaxis.ticktext) == [f"FY{y} (R{y - 2018})" for y in range(2024, 2029)]
    assert figure.data[1].marker.pattern.shape == "/"  # data utilisation also differs by pattern
    ja = fig.roadmap(dated, "ja")
    assert ja.data[2].text[3] == "全43市町村の参画が目標" and ja.layout.xaxis.ticktext[0] == "2024年度（R6）"
    assert len(fig.roadmap(dated.iloc[0:0], "ja").data) == 0


def test_nest_fields_follows_parent_ids_in_order():
    fields = pd.DataFrame([("v1", "g", None, "group"), ("v1", "p1", "g", "principle"), ("v1", "t", None, "theme"),
                           ("v1", "p2", "g", "principle"), ("v2", "x", None, "field")],
                          columns=["version_id", "field_id", "parent_id", "level"])
    tree = fig.nest_fields(fields, "v1")
    assert [(r["field_id"], [c["field_id"] for c, _ in kids]) for r, kids in tree] == [("g", ["p1", "p2"]), ("t", [])]


# --- queries on the session database --------------------------------------------------------------------------------


def test_reference_tables_from_the_database(db):
    from smartcity.queries import strategy
    versions = strategy.versions(db)
    assert list(versions.version_id) == ["v1", "v2", "osaka2030"]
    assert versions.iloc[0].adopted_date == "2020-03" and versions.iloc[2].target_year == 2030
    fields = strategy.fields(db)
    assert len(fields) == 66 and fields.iloc[0].field_id == "v1_basic_approach"
    assert len(fig.nest_fields(fields, "osaka2030")) == 5  # three basic policies, the foundation, the city DX group
    ms = strategy.milestones(db)
    assert len(ms) == 47 and {"m_2025_expo", "m_fy2025_system_standardisation", "m_2030_target_year"} <= set(
        ms.milestone_id)
    placed = fig.placed_milestones(ms)
    assert placed.set_index("milestone_id").loc["m_fy2025_system_standardisation", "x"] == D("2026-03-31")
    road = strategy.orden_roadmap(db)
    dated, undated = fig.roadmap_rows(road)
    assert len(road) == 22 and len(undated) == 2
    assert list(dated.dropna(subset=["municipalities_min"]).municipalities_min) == [2, 5, 10, 43]
    council = strategy.council_meetings(db)
    assert len(council) == 10 and council.iloc[0].date == "2019-08-05" and council.iloc[9].date == "2022-03-24"
    targets = strategy.targets(db).set_index("target_id")
    orden = targets.loc["t_orden_muni_all"]
    assert orden.target_value == 43 and orden.source_line == 1538 and orden.quote_ja.startswith("全市町村")
    assert targets.loc["t_core_system_standardisation", "citation_ja"] == (
        "大阪府スマートシティ戦略部「大阪府のスマートシティ戦略について」（2024年3月）「■情報システム標準化・ガバメントクラウド移行支援」")
    # the document gives no date for the ORDEN goal: the KPI target's assumed date, marked the same way on both pages
    assert (orden.target_date, orden.date_basis) == ("2029-03-31", "assumption") and "2029年3月31日" in orden.date_assumption_ja
    assert targets.loc["t_orden_muni_2_5", "date_basis"] == "quotation" and pd.isna(targets.loc["t_orden_muni_2_5", "target_date"])
    assert targets.loc["t_core_system_standardisation", "topic_ja"] == "全市町村の基幹系システムの標準化"
    assert len(strategy.documents(db)) == 5


# --- layout and callback -------------------------------------------------------------------------------------------


def test_layout_in_japanese_and_english(dash_app):
    with dash_app.server.test_request_context("/strategy"):
        ja = layout_of("strategy")
    with dash_app.server.test_request_context("/strategy?lang=en"):
        en = layout_of("strategy", lang="en")
    assert ja.id == en.id == "st-page"
    tj, te = page_text(ja), page_text(en)
    assert "大阪スマートシティ戦略ver.1.0" in tj and "次世代型スマートシティOSAKA" in tj and "策定 2020年3月" in tj
    assert "表示する種別" in tj and "基本方針" in tj and "市町村参画の目標" in tj
    assert "Osaka Smart City Strategy ver.2.0" in te and "Adopted March 2022" in te and "Kinds shown" in te
    assert "表示する種別" not in te and "策定 2020年3月" not in te
    assert "大阪府スマートシティ戦略部「大阪府のスマートシティ戦略について」（2024年3月）" in tj
    assert "Osaka Prefectural Government, Smart City Strategy Department, “On Osaka Prefecture's smart-city strategy” (March 2024)" in te
    timeline_ja, roadmap_ja = graphs(ja)[::-1] if graphs(ja)[0].id == "st-roadmap-graph" else graphs(ja)
    assert timeline_ja.id == "st-timeline-graph" and [t.name for t in timeline_ja.figure.data] == [
        "出来事", "予定", "目標", "期限"]
    assert {g.id: [t.name for t in g.figure.data] for g in graphs(en)}["st-roadmap-graph"] == [
        "Service roll-out", "Data utilisation", "Municipal participation target"]


def test_kind_filter_from_the_url_and_the_callback(dash_app):
    import pages.strategy as page
    assert page.parse_kinds(None) == ["event", "plan", "target", "deadline"]
    assert page.parse_kinds("target,bogus,event") == ["event", "target"] and page.parse_kinds("") == []
    with dash_app.server.test_request_context("/strategy?kind=target,deadline"):
        chosen = layout_of("strategy", kind="target,deadline")
        figure, rows = page.filter_kinds(["plan"], "en")
        none, no_rows = page.filter_kinds([], "ja")
    timeline = [g for g in graphs(chosen) if g.id == "st-timeline-graph"][0]
    assert [t.name for t in timeline.figure.data] == ["目標", "期限"]
    assert [t.name for t in figure.data] == ["Plan"] and len(rows) == 10 and {r["kind_label"] for r in rows} == {"Plan"}
    assert len(none.data) == 0 and no_rows == []


# --- browser -------------------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_unticking_a_kind_redraws_the_timeline_and_writes_the_url(chrome, server_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    chrome.get(server_url + "/strategy")
    wait_rendered(chrome, "st-page")
    assert trace_names(chrome, "st-timeline-graph") == ["出来事", "予定", "目標", "期限"]
    scroll_click(chrome, chrome.find_element(By.ID, "_dbcprivate_checklist_st-kind_input_event"))
    WebDriverWait(chrome, 20).until(lambda d: "kind=plan%2Ctarget%2Cdeadline" in d.current_url
                                    or "kind=plan,target,deadline" in d.current_url)
    WebDriverWait(chrome, 20).until(lambda d: trace_names(d, "st-timeline-graph") == ["予定", "目標", "期限"])
    assert network(chrome)[1] == []


def test_missing_database_says_so_inside_the_page(dash_app, tmp_path):
    with without_database(dash_app, tmp_path), dash_app.server.test_request_context("/strategy?lang=en"):
        page = layout_of("strategy", lang="en")
    assert page.id == "st-page" and "No database" in page_text(page)
