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

@pytest.mark.integration
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

@pytest.mark.integration
def test_layout_shows_the_procedures_services_and_prefectural_figures(dash_app):
    with dash_app.server.test_request_context("/procedures"):
        page = layout_of("procedures", measure="nonsense", sort="nonsense")
    text = page_text(page)
    assert "行政手続きのオンライン化" in text
    assert "令和３年6月更新版" in text and "002_dccbf011ea76040a.txt" in text and "島しょ部を除く" in text
    assert "1,741" in text and "53団体" in text and "43団体" in text
    assert "約160手続き" in text and "約80万件" in text and "概数" in text
    assert find(page, "proc-measure").value == "adoption" and find(page, "proc-sort").value == "osaka"
    grid = find(page, {"type": "twin-grid", "chart": "proc-rates"})
    first = grid.rowData[0]
    assert first["procedure"] == "地方税申告手続（eLTAX）" and (first["osaka_with"], first["osaka_without"]) == (43, 0)
    assert len(grid.rowData) == 11
    assert len(find(page, {"type": "twin-grid", "chart": "proc-services"}).rowData) == 9


@pytest.mark.integration
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


@pytest.mark.integration
def test_callback_redraws_chart_and_twin(dash_app):
    import pages.procedures as page
    with dash_app.server.test_request_context("/procedures"):
        figure, rows, columns = page.update("online", "japan", "ja")
    assert rows[0]["procedure"] == "入札参加資格審査申請"  # Japan's highest online rate, 83.9
    assert figure.layout.xaxis.title.text == "オンライン手続き率（%）"
    assert columns[2]["headerName"] == "大阪府 オンライン手続き率（%）"


# ---- browser -----------------------------------------------------------------------------------------------------

@pytest.mark.integration
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
