"""Japanese throughout, English throughout, and nothing that can leave the building: the grids' and charts' own texts
(AG Grid localeText, plotly.js's `ja` locale), `<html lang>`, the browser tab's title, the 404 page, and a Plotly
toolbar without any action that sends data to a cloud."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import dash
import pandas as pd
import plotly.graph_objects as go
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PAGES
from helpers import find, graphs, layout_of, network, page_text, wait_rendered
from smartcity import components
from smartcity.i18n import AG_GRID_JA, grid_locale, split_bilingual

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CLOUD = re.compile(r"share|cloud|chart studio|plotly\.com|クラウド|共有", re.I)
ENGLISH_MONTHS = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")
FRAME = pd.DataFrame({"year": [2021, 2022], "value": [1.5, 2.5]})
COLUMNS = [components.Col("year", "年", "Year"), components.Col("value", "値", "Value", numeric=True)]


def _card(lang: str, **kwargs):
    fig = go.Figure()
    return components.chart_card("t-chart", "題", "Title", fig, FRAME, COLUMNS, "出典", "Source", lang, **kwargs)


def _grid(component):
    return find(component, components.grid_id("t-chart"))


# --- unit: AG Grid ----------------------------------------------------------------------------------------------------


def test_table_twin_grid_speaks_japanese_in_japanese_only():
    ja = _grid(_card("ja")).dashGridOptions["localeText"]
    assert ja["page"] == "ページ" and ja["noRowsToShow"] == "表示する行がありません"
    assert ja["contains"] == "含む" and ja["equals"] == "等しい" and ja["filterOoo"] == "フィルター..."
    assert (ja["to"], ja["of"]) == ("～", "/")  # "1 ～ 12 / 129", "ページ 1 / 11"
    assert (ja["thousandSeparator"], ja["decimalSeparator"]) == (",", ".")  # never "1、234"
    assert "localeText" not in _grid(_card("en")).dashGridOptions  # English: AG Grid's own English


def test_grid_locale_is_japanese_text():
    assert grid_locale("en") == {} and grid_locale("ja") == {"localeText": AG_GRID_JA}
    english_words = [k for k, v in AG_GRID_JA.items() if re.search(r"\b(Page|Rows|Filter|Contains|Equals|of|to)\b", v)]
    assert english_words == []


def test_data_page_grid_is_localised(dash_app):
    with dash_app.server.test_request_context("/data"):
        ja = find(layout_of("data"), "data-grid").dashGridOptions
        en = find(layout_of("data", lang="en"), "data-grid").dashGridOptions
    assert ja["localeText"]["pageSizeSelectorLabel"] == "ページサイズ："
    assert "localeText" not in en


# --- unit: Plotly config ----------------------------------------------------------------------------------------------


def _assert_cloud_free(config: dict) -> None:
    assert config["displaylogo"] is False and config["showSendToCloud"] is False
    assert config["showEditInChartStudio"] is False and config["showLink"] is False and config["sendData"] is False
    assert config["plotlyServerURL"] == ""
    assert {"sendChartToCloud", "sendDataToCloud", "editInChartStudio"} <= set(config["modeBarButtonsToRemove"])


def test_chart_config_locale_and_no_cloud():
    ja = graphs(_card("ja"))[0].config
    en = graphs(_card("en"))[0].config
    _assert_cloud_free(ja)
    _assert_cloud_free(en)
    assert ja["locale"] == "ja" and ja["locales"]["ja"]["format"]["month"] == "%Y年%-m月"
    assert en["locale"] == "en-US" and "locales" not in en


def test_page_config_cannot_bring_cloud_back():
    config = graphs(_card("ja", graph_config={"scrollZoom": False, "showSendToCloud": True,
                                             "modeBarButtonsToRemove": ["lasso2d"]}))[0].config
    _assert_cloud_free(config)
    assert config["scrollZoom"] is False and "lasso2d" in config["modeBarButtonsToRemove"]


def _layout_for(path: str, lang: str):
    """The layout of a page address of conftest's list, in a language."""
    parts = urlsplit(path)
    module = {"kpi": "kpi", "municipality": "municipality"}.get(parts.path.strip("/").split("/")[0])
    query = dict(parse_qsl(parts.query)) | {"lang": lang}
    if module == "kpi":
        query["indicator_id"] = parts.path.split("/")[2]
    elif module == "municipality":
        query["code"] = parts.path.split("/")[2]
    else:
        module = next(p["module"] for p in dash.page_registry.values() if p["path"] == parts.path).split(".")[-1]
    return layout_of(module, **query)


@pytest.mark.parametrize("path", list(PAGES))
def test_every_graph_is_localised_and_cloud_free(dash_app, path):
    for lang in ("ja", "en"):
        with dash_app.server.test_request_context(path):
            found = graphs(_layout_for(path, lang))
        for graph in found:
            config = graph.config or {}
            if config.get("staticPlot"):  # no toolbar, no hover: nothing to send, nothing to translate
                continue
            _assert_cloud_free(config)
            assert config["locale"] == ("ja" if lang == "ja" else "en-US"), (path, lang, graph.id)


# --- unit: titles, html lang, 404 -------------------------------------------------------------------------------------


def test_tab_titles_per_page_and_language(dash_app):
    overview = dash.page_registry["pages.overview"]["title"]
    kpi = dash.page_registry["pages.kpi"]["title"]
    municipality = dash.page_registry["pages.municipality"]["title"]
    with dash_app.server.test_request_context("/"):
        assert overview() == "概要 | 大阪スマートシティ KPI"
        assert kpi(indicator_id="mynumber_card_issuance_rate") == "マイナンバーカード交付率 | 大阪スマートシティ KPI"
        assert kpi(indicator_id="<script>") == "指標 | 大阪スマートシティ KPI"  # never echoes the path
        assert municipality(code="27100") == "市町村 27100 | 大阪スマートシティ KPI"
    with dash_app.server.test_request_context("/?lang=en"):
        assert overview() == "Overview | Osaka Smart City KPI"
        assert kpi(indicator_id="mynumber_card_issuance_rate") == "My Number card issuance rate | Osaka Smart City KPI"
    assert split_bilingual("概要 / Overview") == ("概要", "Overview")


def test_first_answer_has_the_language(dash_app):
    client = dash_app.server.test_client()
    ja = client.get("/data").get_data(as_text=True)
    en = client.get("/data?lang=en").get_data(as_text=True)
    assert '<html lang="ja">' in ja and "<title>大阪スマートシティ KPI</title>" in ja
    assert '<html lang="en">' in en and "<title>Osaka Smart City KPI</title>" in en


def test_not_found_page_in_both_languages(dash_app):
    with dash_app.server.test_request_context("/nope"):
        ja = page_text(layout_of("not_found_404"))
        en = page_text(layout_of("not_found_404", lang="en"))
    assert "ページが見つかりません" in ja and "Page not found" not in ja
    assert "Page not found" in en and "ページが見つかりません" not in en


def test_locale_file_is_served_from_assets_with_its_licence():
    locale = (ROOT / "assets" / "20_plotly-locale-ja.js").read_text(encoding="utf-8")
    assert 'name:"ja"' in locale and "MIT" in locale and "http" not in locale
    assert "plotly-locale-ja.js" in (ROOT / "README.md").read_text(encoding="utf-8")


# --- browser ----------------------------------------------------------------------------------------------------------


def _open(chrome, server_url, path: str, marker: str) -> None:
    chrome.get(server_url + path)
    wait_rendered(chrome, marker)


def _assert_clean(chrome, server_url, path: str) -> None:
    """No console error, no request outside the app's origin, no HTTP error."""
    errors = [e for e in chrome.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], f"console errors on {path}: {errors}"
    urls, failed = network(chrome)
    outside = [u for u in urls if not u.startswith((server_url, "data:", "blob:"))]
    assert outside == [], f"requests outside {server_url} on {path}: {outside}"
    assert failed == [], f"HTTP errors on {path}: {failed}"


def _html_lang(chrome) -> str:
    return chrome.execute_script("return document.documentElement.lang")


@pytest.mark.browser
def test_html_lang_and_titles_in_chromium(chrome, server_url):
    titles = {}
    for path, marker in (("/", "ov-page"), ("/?lang=en", "ov-page"), ("/data", "data-page"),
                         ("/data?lang=en", "data-page"), ("/strategy?lang=en", "st-page")):
        _open(chrome, server_url, path, marker)
        assert _html_lang(chrome) == ("en" if "lang=en" in path else "ja"), path
        titles[path] = chrome.title
        _assert_clean(chrome, server_url, path)
    assert titles == {"/": "概要 | 大阪スマートシティ KPI", "/?lang=en": "Overview | Osaka Smart City KPI",
                      "/data": "オープンデータ | 大阪スマートシティ KPI",
                      "/data?lang=en": "Open data | Osaka Smart City KPI",
                      "/strategy?lang=en": "Strategy | Osaka Smart City KPI"}


@pytest.mark.browser
def test_title_and_lang_follow_in_app_navigation(chrome, server_url):
    _open(chrome, server_url, "/?lang=en", "ov-page")
    link = next(a for a in chrome.find_elements(By.CSS_SELECTOR, "#nav-links a") if a.text == "Open data")
    link.click()
    wait_rendered(chrome, "data-page")
    WebDriverWait(chrome, 10).until(lambda d: d.title == "Open data | Osaka Smart City KPI")
    assert _html_lang(chrome) == "en"


@pytest.mark.browser
def test_data_grid_paging_and_filter_menu_in_japanese(chrome, server_url):
    _open(chrome, server_url, "/data", "data-page")
    WebDriverWait(chrome, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#data-grid .ag-row"))
    paging = chrome.find_element(By.CSS_SELECTOR, "#data-grid .ag-paging-panel").text
    assert "ページ 1 /" in paging and "～" in paging, paging
    assert not re.search(r"\b(Page|of|to)\b", paging), paging
    chrome.execute_script("document.querySelector('#data-grid .ag-paging-panel').scrollIntoView({block: 'end', "
                          "behavior: 'instant'});")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chrome.save_screenshot(str(SCREENSHOTS / "localisation_data_ja.png"))
    button = chrome.find_element(By.CSS_SELECTOR, "#data-grid .ag-header-cell[col-id='geo_code'] "
                                                  ".ag-header-cell-filter-button")
    chrome.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", button)
    button.click()
    menu = WebDriverWait(chrome, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, ".ag-filter"))
    assert "含む" in menu.text and "Contains" not in menu.text
    placeholders = [i.get_attribute("placeholder") for i in menu.find_elements(By.CSS_SELECTOR, "input")]
    assert "フィルター..." in placeholders and "Filter..." not in placeholders
    _assert_clean(chrome, server_url, "/data")


@pytest.mark.browser
def test_data_grid_paging_in_english(chrome, server_url):
    _open(chrome, server_url, "/data?lang=en", "data-page")
    WebDriverWait(chrome, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#data-grid .ag-row"))
    paging = chrome.find_element(By.CSS_SELECTOR, "#data-grid .ag-paging-panel").text
    assert "Page 1 of" in paging and "ページ" not in paging, paging


def _modebar(chrome) -> list[dict]:
    """Every Plotly toolbar button on the page: title, attribute, value and the graph it belongs to."""
    return chrome.execute_script(
        "return Array.from(document.querySelectorAll('.modebar-btn')).map(b => ({"
        "title: b.getAttribute('data-title') || '', attr: b.getAttribute('data-attr') || '',"
        "val: b.getAttribute('data-val') || '', href: b.getAttribute('href') || '',"
        "graph: (b.closest('.dash-graph') || {}).id || ''}));")


def _tick_texts(chrome, graph_id: str) -> list[str]:
    return chrome.execute_script(
        f"return Array.from(document.querySelectorAll('#{graph_id} .xtick text')).map(t => t.textContent);")


@pytest.mark.browser
def test_chart_dates_and_toolbar_in_japanese_without_cloud(chrome, server_url):
    path = "/kpi/mynumber_card_issuance_rate"
    _open(chrome, server_url, path, "kpi-page")
    ticks = _tick_texts(chrome, "kpi-ts-graph")
    assert ticks and all("年" in t or "月" in t for t in ticks), ticks
    assert not any(ENGLISH_MONTHS.search(t) for t in ticks), ticks
    buttons = _modebar(chrome)
    assert buttons, "no toolbar on the chart"
    cloud = [b for b in buttons if CLOUD.search(" ".join(b.values())) or "cloud" in b["attr"].lower()]
    assert cloud == [], cloud
    titles = {b["title"] for b in buttons}
    assert "PNGファイルでダウンロード" in titles and "Download plot as a PNG" not in titles, titles
    chrome.execute_script("document.getElementById('kpi-ts-graph').scrollIntoView({block: 'start', "
                          "behavior: 'instant'});")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chrome.save_screenshot(str(SCREENSHOTS / "localisation_kpi_ja.png"))
    _assert_clean(chrome, server_url, path)


@pytest.mark.browser
def test_chart_dates_and_toolbar_in_english(chrome, server_url):
    _open(chrome, server_url, "/kpi/mynumber_card_issuance_rate?lang=en", "kpi-page")
    ticks = _tick_texts(chrome, "kpi-ts-graph")
    assert any(ENGLISH_MONTHS.search(t) for t in ticks) and not any("月" in t for t in ticks), ticks
    titles = {b["title"] for b in _modebar(chrome)}
    assert "Download plot as a PNG" in titles


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/mynumber", "/municipalities", "/partnerships", "/procedures?lang=en"])
def test_no_toolbar_offers_a_cloud_action(chrome, server_url, path):
    _open(chrome, server_url, path, PAGES.get(path) or PAGES[path.split("?")[0]])
    buttons = _modebar(chrome)
    assert buttons, f"no chart toolbar on {path}"
    cloud = [b for b in buttons if CLOUD.search(" ".join(b.values())) or "cloud" in b["attr"].lower()]
    assert cloud == [], cloud
    assert not chrome.find_elements(By.CSS_SELECTOR, ".modebar-btn--logo")
    _assert_clean(chrome, server_url, path)


@pytest.mark.browser
def test_not_found_in_japanese_and_english(chrome, server_url):
    _open(chrome, server_url, "/nope", "nf-page")
    assert chrome.find_element(By.CSS_SELECTOR, "#nf-page h1").text == "ページが見つかりません"
    assert "404 - Page not found" not in chrome.page_source
    assert chrome.title == "ページが見つかりません | 大阪スマートシティ KPI" and _html_lang(chrome) == "ja"
    _assert_clean(chrome, server_url, "/nope")
    _open(chrome, server_url, "/nope?lang=en", "nf-page")
    assert chrome.find_element(By.CSS_SELECTOR, "#nf-page h1").text == "Page not found"
    assert chrome.title == "Page not found | Osaka Smart City KPI" and _html_lang(chrome) == "en"
    assert chrome.find_element(By.ID, "nf-home").get_attribute("href").endswith("/?lang=en")
