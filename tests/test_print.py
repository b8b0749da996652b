"""Printing for meeting material: the overview on at most two A4 sheets, a short report for a municipality and an
indicator, no navigation, buttons, toolbars or toggles on paper, nothing cut at the right edge, the rows of each
table twin in the print-only table, the build date in the shell's footer (and so in every sheet's margin), chart
pictures for slides, and Tab leaving a table twin.

The browser tests print with Chromium's own PDF printer (CDP Page.printToPDF, A4, the page's @page size) and save the
PDFs under artifacts/print/fixture/ for review. `python tests/test_print.py http://127.0.0.1:8050` prints the pages of
a running app (e.g. on the full database) to artifacts/print/.

Sheets: the overview, a municipality and an indicator each fit two (checked for all 43 Osaka municipalities in both
languages on the full database). On paper a long table prints the part its twin's meta names, and says so: a series
its newest value of each fiscal year (a municipality's three areas side by side), a ranking its first row and the
rows around this municipality, the 52 procedures those with a value here (their table instead of the dot chart);
every row stays in the grid and the downloads."""
from __future__ import annotations

import base64
import json
import re
import struct
import sys
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from helpers import find, layout_of, page_text, scroll_click, wait_rendered

ROOT = Path(__file__).resolve().parent.parent
PDFS = ROOT / "artifacts" / "print"
A4 = {"paperWidth": 8.27, "paperHeight": 11.69}
REPORTS = {  # path -> (page marker, most sheets on the fixture database)
    "/": ("ov-page", 2),
    "/?lang=en": ("ov-page", 2),
    "/municipality/27100": ("mp-page", 2),
    "/municipality/27100?lang=en": ("mp-page", 2),
    "/kpi/mynumber_card_issuance_rate": ("kpi-page", 2),
    "/kpi/muni_e_application_adoption?lang=en": ("kpi-page", 2),
}
HIDDEN_ON_PAPER = [".navbar", "#nav-lang", "button", "details > summary", ".modebar-container", ".twin-grid",
                   ".twin-buttons", "footer"]


# --- PDF and print media helpers --------------------------------------------------------------------------------------


def print_pdf(driver) -> bytes:
    """The page printed by Chromium as an A4 PDF (the page's @page rules apply; beforeprint runs)."""
    out = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True, **A4})
    return base64.b64decode(out["data"])


def pdf_pages(pdf: bytes) -> int:
    """Number of pages of a PDF (Chromium writes one uncompressed /Type /Page dictionary a page)."""
    found = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    assert found, "no page objects found: the PDF writer changed, count another way"
    return found


def pdf_name(path: str) -> str:
    return (path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "overview") + ".pdf"


def save_pdfs(driver, base_url: str, paths: dict[str, str], folder: Path) -> dict[str, int]:
    """Print each page (path -> marker id) to folder/<name>.pdf; the number of sheets of each."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for path, marker in paths.items():
        driver.get(base_url + path)
        wait_rendered(driver, marker, 60)
        pdf = print_pdf(driver)
        (folder / pdf_name(path)).write_bytes(pdf)
        counts[path] = pdf_pages(pdf)
    return counts


PAPER_LAYOUT = """
window.dispatchEvent(new Event('beforeprint'));
const body = document.body.getBoundingClientRect();
const cut = [];
for (const el of document.body.querySelectorAll('*')) {
  const style = getComputedStyle(el);
  if (style.display === 'none' || style.visibility === 'hidden' || el.closest('[style*="display: none"]')) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  if (r.right > body.right + 1) cut.push((el.id || el.getAttribute('class') || el.tagName).slice(0, 60) + ' ' +
                                         Math.round(r.right - body.right) + 'px');
}
return {width: body.width, cut: cut.slice(0, 10), printing: document.documentElement.classList.contains('printing')};
"""


def paper_layout(driver) -> dict:
    """Print media with the paper's layout (beforeprint): the body's width and the elements past its right edge."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        return driver.execute_script(PAPER_LAYOUT)
    finally:
        driver.execute_script("window.dispatchEvent(new Event('afterprint'))")


def printed_tables(driver) -> dict[str, list[list[str]]]:
    """The print-only tables: chart key -> rows of cell texts (textContent: they are hidden on screen)."""
    return driver.execute_script("""
        const out = {};
        document.querySelectorAll('.twin-print').forEach(div => {
          const key = JSON.parse(div.id).chart;
          out[key] = Array.from(div.querySelectorAll('tr:not(.group)')).map(tr =>
            Array.from(tr.children).map(c => c.textContent));
        });
        return out;""")


# --- unit: the shell's build date, the twin's print copy --------------------------------------------------------------


def test_footer_shows_the_build_date(dash_app, db):
    import duckdb

    from app import navigation
    from smartcity.format import day_words
    with duckdb.connect(str(db), read_only=True) as con:
        built = con.execute("SELECT built_at FROM build_info").fetchone()[0]
    with dash_app.server.test_request_context("/"):
        footer = navigation("/", "")[3]
        english = navigation("/", "?lang=en")[3]
    assert footer[0].id == "nav-build"
    assert page_text(footer[0]) == f"データ構築日 {day_words(built, 'ja')} / Data built {day_words(built, 'en')}"
    assert page_text(english[0]).startswith("データ構築日 ")  # Japanese first, English second, in both languages


def test_footer_without_a_database_falls_back_silently(dash_app, tmp_path):
    from app import navigation
    from helpers import without_database
    with without_database(dash_app, tmp_path), dash_app.server.test_request_context("/"):
        footer = navigation("/", "")[3]
    assert footer[0] is None and "公開データと戦略文書" in page_text(footer[2])
    broken = tmp_path / "broken.duckdb"
    broken.write_text("not a database")
    saved = dash_app.server.config["SMARTCITY_DB"]
    dash_app.server.config["SMARTCITY_DB"] = str(broken)
    try:
        with dash_app.server.test_request_context("/"):
            assert navigation("/", "")[3][0] is None
    finally:
        dash_app.server.config["SMARTCITY_DB"] = saved


def test_every_twin_has_a_print_copy(dash_app):
    with dash_app.server.test_request_context("/municipality/27100"):
        page = layout_of("municipality", code="27100")
    for key in ("mp-series", "mp-procs", "mp-holding"):
        assert find(page, {"type": "twin-print", "chart": key}).className == "twin-print"
        assert find(page, {"type": "twin-meta", "chart": key}) is not None
    rules = {key: find(page, {"type": "twin-meta", "chart": key}).data["print_rows"]
             for key in ("mp-series", "mp-peers", "mp-procs", "mp-holding")}
    assert rules["mp-series"] == {"date": "snapshot", "group": "geo_code", "omit": [], "pivot": "rate", "label": "name"}
    assert rules["mp-peers"] == {"near": "self", "rows": 4, "omit": []}
    assert rules["mp-procs"] == {"present": "rate", "omit": ["shown"]} and rules["mp-holding"] is None
    for key, on_paper in (("mp-series", True), ("mp-peers", False), ("mp-procs", False)):
        assert ("print-table-only" not in find(page, f"{key}-card").className) == on_paper  # the chart or its table


# --- browser ----------------------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("path", list(REPORTS))
def test_printed_report(chrome, server_url, dash_app, path):
    marker, most = REPORTS[path]
    chrome.get(server_url + path)
    wait_rendered(chrome, marker, 60)
    layout = paper_layout(chrome)
    assert layout["printing"] and abs(layout["width"] - 186 * 96 / 25.4) < 1  # A4 less the side margins
    assert layout["cut"] == [], f"cut at the right edge of the paper on {path}: {layout['cut']}"
    chrome.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    shown = chrome.execute_script(
        "return arguments[0].filter(s => Array.from(document.querySelectorAll(s)).some("
        "e => getComputedStyle(e).display !== 'none' && e.getClientRects().length));", HIDDEN_ON_PAPER)
    assert shown == [], f"on paper on {path}: {shown}"
    chrome.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = print_pdf(chrome)
    (PDFS / "fixture").mkdir(parents=True, exist_ok=True)
    (PDFS / "fixture" / pdf_name(path)).write_bytes(pdf)
    assert pdf_pages(pdf) <= most, f"{path} prints on {pdf_pages(pdf)} A4 sheets"
    boxes = chrome.execute_script("return document.getElementById('print-page-boxes').textContent")
    assert "データ構築日" in boxes and "@top-left" in boxes and "@bottom-left" in boxes  # title, build date, address


@pytest.mark.browser
@pytest.mark.parametrize(("path", "module", "query"), [
    ("/municipality/27100", "municipality", {"code": "27100"}),
    ("/kpi/mynumber_card_issuance_rate", "kpi", {"indicator_id": "mynumber_card_issuance_rate"}),
])
def test_every_row_is_printed_as_shown(chrome, server_url, dash_app, path, module, query):
    """Each print-only table holds the rows its rule keeps (every row, or the summary its meta names), formatted as
    the grid shows them."""
    with dash_app.server.test_request_context(path):
        page = layout_of(module, **query)
    chrome.get(server_url + path)
    wait_rendered(chrome, f"{'mp' if module == 'municipality' else 'kpi'}-page", 60)
    tables = printed_tables(chrome)
    assert tables, "no print-only table"
    for key, printed in tables.items():
        rows = find(page, {"type": "twin-grid", "chart": key}).rowData
        rule = find(page, {"type": "twin-meta", "chart": key}).data.get("print_rows")
        kept = expected_printed(rows, rule)
        expected = len({r[rule["date"]] for r in kept}) if rule and rule.get("pivot") else min(len(kept), 300)
        assert len(printed) - 1 == expected, key  # the header, then the rows kept
    if module == "kpi":  # the numbers printed (areas side by side) are the numbers the grid shows on its first page
        rows = find(page, {"type": "twin-grid", "chart": "kpi-ts"}).rowData
        rule = find(page, {"type": "twin-meta", "chart": "kpi-ts"}).data["print_rows"]
        kept = expected_printed(rows, rule)
        head, *body = tables["kpi-ts"]
        cell = {(line[0], area): text for line in body for area, text in zip(head[1:], line[1:])}
        grid_text = chrome.execute_script(
            "return Array.from(document.querySelectorAll('.twin-grid .ag-center-cols-container .ag-row'))"
            ".sort((a, b) => a.getAttribute('row-index') - b.getAttribute('row-index'))"
            ".map(r => r.querySelector('[col-id=\"value\"]').textContent);")
        pairs = [(cell[(r[rule["date"]], r[rule["label"]])], grid_text[i]) for i, r in enumerate(rows)
                 if i < len(grid_text) and r in kept]
        assert pairs and all(a == b for a, b in pairs), pairs


def expected_printed(rows: list[dict], rule: dict | None) -> list[dict]:
    """The rows a twin's print copy keeps, by the rules of assets/26_print.js written again here to check them."""
    if not rule:
        return rows
    if rule.get("present"):
        return [r for r in rows if r.get(rule["present"]) not in (None, "")]
    if rule.get("near"):
        at = next((i for i, r in enumerate(rows) if r.get(rule["near"]) not in (None, "")), None)
        return rows if at is None else [r for i, r in enumerate(rows) if i == 0 or abs(i - at) <= rule["rows"]]
    newest: dict = {}
    for i, r in enumerate(rows):
        day = str(r[rule["date"]])
        year, month = int(day[:4]), int(day[5:7])
        key = (str(r.get(rule["group"])) if rule["group"] else "", year if month >= 4 else year - 1)
        if key not in newest or day > str(rows[newest[key]][rule["date"]]):
            newest[key] = i
    keep = set(newest.values())
    return [r for i, r in enumerate(rows) if i in keep]


@pytest.fixture
def overview(chrome, server_url):
    """Chromium on the overview, where the print script (assets/26_print.js) is loaded."""
    chrome.get(server_url + "/")
    wait_rendered(chrome, "ov-page")
    return chrome


@pytest.mark.browser
def test_a_long_table_prints_the_part_its_rule_names(overview):
    """Fiscal years run April to March; each area keeps its newest row a year; a pivot puts areas side by side;
    a ranking keeps its first row and the rows around the marked one; a value-less row can be left off."""
    chrome = overview
    series = [{"a": a, "n": n, "d": d, "v": v} for a, n in (("27100", "大阪市"), ("00000", "全国"))
              for d, v in (("2022-03-01", 1.0), ("2022-03-31", 2.0), ("2022-04-01", 3.0), ("2023-03-31", 4.0),
                           ("2023-09-30", 5.0))]
    cols = ("[{field: 'a', headerName: 'コード'}, {field: 'n', headerName: '地域'}, {field: 'd', headerName: '時点'},"
            " {field: 'v', headerName: '率（%）', type: 'numericColumn',"
            " valueFormatter: {function: \"params.value == null ? '' : d3.format('.1f')(params.value)\"}}]")
    run = "return window.dash_clientside.smartcity.printTable(arguments[0], " + cols + ", arguments[1]);"

    def body(out):
        table = next(p for p in out if p["type"] == "Table")
        return [[c["props"]["children"] for c in tr["props"]["children"]] for tr in
                table["props"]["children"][1]["props"]["children"] if tr["props"].get("className") != "group"]

    out = chrome.execute_script(run, series, {"lang": "ja", "print_rows": {"date": "d", "group": "a", "omit": ["a"]}})
    assert [r[1] for r in body(out)] == ["2022-03-31", "2023-03-31", "2023-09-30"] * 2  # FY2021, FY2022, FY2023
    assert "全 10 行のうち 6 行" in out[0]["props"]["children"]
    pivot = chrome.execute_script(run, series, {"lang": "en", "print_rows": {"date": "d", "group": "a", "omit": [],
                                                                          "pivot": "v", "label": "n"}})
    assert body(pivot) == [["2022-03-31", "2.0", "2.0"], ["2023-03-31", "4.0", "4.0"], ["2023-09-30", "5.0", "5.0"]]
    head = next(p for p in pivot if p["type"] == "Table")["props"]["children"][0]["props"]["children"]["props"]
    assert [th["props"]["children"] for th in head["children"]] == ["時点", "大阪市", "全国"]
    ranks = [{"a": f"{i:05d}", "n": "" if i != 10 else "●", "d": "2022-09-30", "v": i} for i in range(1, 21)]
    near = chrome.execute_script(run, ranks, {"lang": "ja", "print_rows": {"near": "n", "rows": 2, "omit": []}})
    assert [r[0] for r in body(near)] == ["00001", "00008", "00009", "00010", "00011", "00012"]
    holes = [{**r, "v": None if i % 2 else r["v"]} for i, r in enumerate(series)]
    present = chrome.execute_script(run, holes, {"lang": "ja", "print_rows": {"present": "v", "omit": ["a"]}})
    assert len(body(present)) == 5 and "値のある行" in present[0]["props"]["children"]


@pytest.mark.browser
def test_a_huge_twin_prints_its_first_rows_and_says_so(overview):
    chrome = overview
    out = chrome.execute_script(
        "const rows = Array.from({length: 320}, (_, i) => ({code: String(i).padStart(5, '0'), v: i / 3}));"
        "const cols = [{field: 'code', headerName: 'コード'}, {field: 'v', headerName: '値', type: 'numericColumn',"
        " valueFormatter: {function: \"params.value == null ? '' : d3.format(',.2f')(params.value)\"}}];"
        "return window.dash_clientside.smartcity.printTable(rows, cols, {lang: 'ja'});")
    table = next(part for part in out if part["type"] in ("Table", "Div"))
    table = table if table["type"] == "Table" else table["props"]["children"]
    body = table["props"]["children"][1]["props"]["children"]
    assert len(body) == 300 and body[1]["props"]["children"][1]["props"]["children"] == "0.33"
    assert "全 320 行は CSV / Excel" in out[-1]["props"]["children"]
    small = chrome.execute_script("return window.dash_clientside.smartcity.printTable("
                                  "[{a: 1234.5}], [{field: 'a', headerName: 'A'}], {lang: 'en'});")
    assert len(small) == 1 and small[0]["type"] == "Table"  # no cap note under 300 rows


@pytest.mark.browser
def test_print_table_says_a_constant_once_and_heads_groups(overview):
    chrome = overview
    out = chrome.execute_script(
        "const rows = Array.from({length: 30}, (_, i) => ({g: i < 20 ? '32手続' : '26手続', p: '手続' + i + '：' +"
        " 'とても長い名前'.repeat(4), id: 'muni_e', v: i}));"
        "const cols = [{field: 'g', headerName: '区分'}, {field: 'p', headerName: '手続'},"
        " {field: 'id', headerName: '指標ID'}, {field: 'v', headerName: '値', type: 'numericColumn'}];"
        "return window.dash_clientside.smartcity.printTable(rows, cols, {lang: 'ja'});")
    assert out[0]["props"]["children"] == "全行共通：指標ID：muni_e"  # said once, not on 30 rows
    table = out[1]
    head = [th["props"]["children"] for th in table["props"]["children"][0]["props"]["children"]["props"]["children"]]
    assert head == ["手続", "値"]  # the group and the constant are not columns
    body = table["props"]["children"][1]["props"]["children"]
    groups = [r["props"]["children"]["props"]["children"] for r in body if r["props"].get("className") == "group"]
    assert groups == ["区分：32手続", "区分：26手続"] and len(body) == 32


@pytest.mark.browser
def test_number_formats_print_like_the_grid(overview):
    chrome = overview
    got = chrome.execute_script(
        "const f = window.dash_clientside.smartcity._formatted;"
        "return [f(1234.56789, ',.4~f'), f(12, '.1f'), f(0.1234, '.1%'), f(-1234, ','), f(3.7, ',d'),"
        " f(1234567, null), f(null, ',.1f'), f('27100', ',.1f')];")
    assert got == ["1,234.5679", "12.0", "12.3%", "\u22121,234", "4", "1234567", "", "27100"]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def wait_file(folder: Path, name: str, timeout: float = 40) -> Path:
    end = time.time() + timeout
    while time.time() < end:
        path = folder / name
        if path.is_file() and path.stat().st_size and not list(folder.glob("*.crdownload")):
            return path
        time.sleep(0.2)
    raise AssertionError(f"{name} not downloaded; folder has {[p.name for p in folder.iterdir()]}")


@pytest.mark.browser
@pytest.mark.parametrize(("path", "marker", "card", "stem"), [
    # the file names say what, where and as of when (the fixture's newest snapshot is 2022-09-30)
    ("/kpi/mynumber_card_issuance_rate", "kpi-page", "kpi-ts-card", "mynumber_card_issuance_rate_27000_2022-09-30"),
    ("/mynumber", "mn-page", "mn-map-card", "mynumber_issuance_osaka_2022-09-30"),  # a MapLibre map (WebGL)
])
def test_chart_picture_and_named_downloads(chrome, server_url, path, marker, card, stem):
    chrome.get(server_url + path)
    wait_rendered(chrome, marker, 60)
    meta = json.loads(chrome.execute_script(
        "return JSON.stringify(Array.from(document.querySelectorAll('.twin-print')).length)"))
    assert meta >= 1
    buttons = {b.text: b for b in chrome.find_element(By.ID, card).find_elements(By.TAG_NAME, "button")}
    scroll_click(chrome, next(b for t, b in buttons.items() if "PNG" in t))
    picture = wait_file(chrome.download_dir, f"{stem}.png").read_bytes()
    assert png_size(picture) == (1600, 900)
    for label, name in (("UTF-8", f"{stem}.csv"), ("CP932", f"{stem}_cp932.csv"), (".xlsx", f"{stem}.xlsx")):
        scroll_click(chrome, next(b for t, b in buttons.items() if label in t))
        assert wait_file(chrome.download_dir, name).stat().st_size > 0
    errors = [e["message"] for e in chrome.get_log("browser")
              if e["level"] == "SEVERE" and "chart image failed" in e["message"]]
    assert errors == []


@pytest.mark.browser
def test_tab_leaves_the_table_twin(chrome, server_url):
    chrome.get(server_url + "/kpi/mynumber_card_issuance_rate")
    wait_rendered(chrome, "kpi-page", 60)
    cell = chrome.find_element(By.CSS_SELECTOR, ".twin-grid .ag-center-cols-container .ag-row[row-index='0'] .ag-cell")
    scroll_click(chrome, cell)
    inside = "return Boolean(document.activeElement.closest('.ag-center-cols-container'))"
    assert chrome.execute_script(inside)
    chrome.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert chrome.execute_script("return document.activeElement.closest('.ag-row').getAttribute('row-index')") == "1"
    chrome.switch_to.active_element.send_keys(Keys.TAB)
    assert not chrome.execute_script(inside), "Tab moved to another cell of the grid"


# --- the full database (by hand) --------------------------------------------------------------------------------------


def main(base_url: str) -> None:
    """Print the report pages of a running app (e.g. on the full database) to artifacts/print/ and list the sheets."""
    from selenium import webdriver
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,768"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options)
    try:
        for path, sheets in save_pdfs(driver, base_url.rstrip("/"), {p: m for p, (m, _) in REPORTS.items()},
                                      PDFS).items():
            print(f"{sheets} A4 sheets  {path}  -> artifacts/print/{pdf_name(path)}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8050")
