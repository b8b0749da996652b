"""Phones and keyboards (issue 8 §7). In headless Chromium on the fixture database: every page at 390 px wide has no
sideways scroll of its own and no map key over a map, legends clear of the chart toolbars; Tab from the top of a
chart page reaches the chart's table downloads in a few stops (the toolbar is one stop, the map canvas none); the
focus ring shows on the dark navigation bar. And the figure builders' choices that make charts fit a phone: labels
and sources in lines that fit, names across the chart rather than beside it."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from helpers import wait_rendered
from smartcity.figures import common
from smartcity.figures import dx as fdx
from smartcity.figures import municipal as fm

PHONE = (390, 844)
PAGES = {  # the pages of the issue, each with the id that shows it has rendered
    "/": "ov-page", "/kpi/mynumber_card_issuance_rate": "kpi-page", "/municipalities": "muni-page",
    "/municipality/27100": "mp-page", "/procedures": "proc-page", "/compare?codes=27100,13101": "cmp-page",
    "/mynumber": "mn-page", "/partnerships": "pp-page", "/strategy": "st-page", "/data": "data-page",
}

# The page's own width against the window's, and what sticks out (elements not inside a box that scrolls or clips).
SIDEWAYS = """
const width = document.documentElement.clientWidth, out = [];
for (const e of document.querySelectorAll('body *')) {
  const r = e.getBoundingClientRect();
  if (!r.width || r.right <= width + 1) continue;
  let p = e.parentElement, boxed = false;
  for (; p && p !== document.body; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') { boxed = true; break; }
  }
  if (!boxed) out.push(`${e.tagName}#${e.id}.${String(e.className).slice(0, 40)} right=${Math.round(r.right)}`);
}
return {scroll: document.documentElement.scrollWidth, width: width, out: out.slice(0, 6)};"""

# Every overlap, in pixels, between a map and its colour bar or legend, and between a chart's toolbar and its legend.
OVERLAPS = """
const area = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
                       Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
const out = [];
for (const gd of document.querySelectorAll('.js-plotly-plot')) {
  const id = (gd.closest('[id]') || {}).id;
  const keys = [...gd.querySelectorAll('g.colorbar, g.legend')].map(k => [k.getAttribute('class'),
                                                                          k.getBoundingClientRect()]);
  const map = gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
  if (map) {
    const r = map.div.getBoundingClientRect();
    for (const [name, k] of keys) if (area(r, k) > 4) out.push(`${id}: ${name} over the map (${area(r, k)} px²)`);
  }
  const bar = gd.querySelector('.modebar');
  if (bar) {
    const r = bar.getBoundingClientRect();
    for (const [name, k] of keys) if (area(r, k) > 4) out.push(`${id}: ${name} under the toolbar`);
  }
}
return out;"""


def open_page(driver, url: str, marker: str, size=PHONE) -> None:
    driver.set_window_size(*size)
    driver.get(url)
    wait_rendered(driver, marker, 60)


@pytest.mark.parametrize("path", list(PAGES))
@pytest.mark.browser
def test_every_page_is_readable_at_390_px(chrome, server_url, path):
    open_page(chrome, server_url + path, PAGES[path])
    sideways = chrome.execute_script(SIDEWAYS)
    assert sideways["scroll"] <= sideways["width"] <= PHONE[0], f"{path} scrolls sideways: {sideways}"
    assert chrome.execute_script(OVERLAPS) == [], path


@pytest.mark.parametrize("path", ["/mynumber?lang=en", "/municipalities?measure=ai_ondemand",
                                  "/municipalities?measure=dx:mynumber_card_holding_rate&lang=en"])
@pytest.mark.parametrize("size", [PHONE, (1366, 900)])
@pytest.mark.browser
def test_the_map_key_is_below_the_map_on_a_phone_and_a_laptop(chrome, server_url, path, size):
    open_page(chrome, server_url + path, "mn-page" if path.startswith("/mynumber") else "muni-page", size)
    assert chrome.execute_script(OVERLAPS) == []
    below = chrome.execute_script(
        "const gd = document.querySelector('[id$=\"-map-graph\"] .js-plotly-plot');"
        "const map = gd._fullLayout.map._subplot.div.getBoundingClientRect();"
        "return [...gd.querySelectorAll('g.colorbar, g.legend')].map(k => k.getBoundingClientRect().top - map.bottom);")
    assert below and all(gap >= -1 for gap in below)  # every key starts under the map's bottom edge


def active(driver) -> dict:
    """The focused element: tag, id, classes, and the nearest chart card."""
    return driver.execute_script(
        "const e = document.activeElement; const card = e.closest('[id$=\"-card\"]');"
        "return {tag: e.tagName, id: e.id, cls: String(e.className), card: card ? card.id : null};")


def tab_until(driver, found, limit: int = 60) -> list[dict]:
    """Press Tab from the top of the page until `found(element)` holds; the elements passed on the way."""
    driver.execute_script("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur();")
    stops = []
    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        stops.append(active(driver))
        if found(stops[-1]):
            break
    return stops


@pytest.mark.browser
def test_tab_reaches_the_first_charts_downloads_in_few_stops(chrome, server_url):
    open_page(chrome, server_url + "/mynumber", "mn-page", (1366, 900))
    stops = tab_until(chrome, lambda e: "twin-dl" in e["id"])
    assert "twin-dl" in stops[-1]["id"] and stops[-1]["card"] == "mn-map-card"
    assert len(stops) < 30, [s["cls"][:30] or s["tag"] for s in stops]
    toolbar = [s for s in stops if "modebar-btn" in s["cls"]]
    assert len(toolbar) == 1  # one stop for the map's toolbar, not one per button
    assert not any(s["tag"] == "CANVAS" for s in stops)  # the map canvas is not a stop: its twin is


@pytest.mark.browser
def test_a_toolbar_is_one_stop_and_the_arrow_keys_move_along_it(chrome, server_url):
    open_page(chrome, server_url + "/mynumber", "mn-page", (1366, 900))
    per_bar = chrome.execute_script(
        "return [...document.querySelectorAll('.modebar')].map(b => [...b.querySelectorAll('.modebar-btn')]"
        ".filter(x => x.tabIndex >= 0).length);")
    assert per_bar and set(per_bar) == {1}
    first = chrome.find_element(By.CSS_SELECTOR, "#mn-trend-graph .modebar-btn[tabindex='0']")
    chrome.execute_script("arguments[0].focus();", first)
    ActionChains(chrome).send_keys(Keys.ARROW_RIGHT).perform()
    moved = chrome.execute_script(
        "const e = document.activeElement; return [e.classList.contains('modebar-btn'), e.tabIndex,"
        " arguments[0].tabIndex, e === arguments[0], e.closest('.modebar').getAttribute('role')];", first)
    assert moved == [True, 0, -1, False, "toolbar"]


def luminance(css: str) -> float:
    """Relative luminance of a CSS rgb()/rgba() colour."""
    r, g, b = (float(v) for v in css[css.index("(") + 1:css.index(")")].split(",")[:3])
    lin = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.mark.browser
def test_the_focus_ring_shows_on_the_dark_navigation_bar(chrome, server_url):
    open_page(chrome, server_url + "/", "ov-page", (1366, 900))
    stops = tab_until(chrome, lambda e: "nav-link" in e["cls"])
    assert "nav-link" in stops[-1]["cls"]
    ring = chrome.execute_script(
        "const e = document.activeElement, s = getComputedStyle(e);"
        "const bar = getComputedStyle(e.closest('.navbar')).backgroundColor;"
        "return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor, bar, parseFloat(s.outlineOffset)];")
    style, width, colour, bar, offset = ring
    assert style == "solid" and width >= 3 and offset >= 2
    light, dark = sorted([luminance(colour), luminance(bar)], reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 3  # WCAG non-text contrast against the bar
    lang = tab_until(chrome, lambda e: e["id"] == "nav-lang")[-1]
    assert lang["id"] == "nav-lang"
    assert chrome.execute_script("return getComputedStyle(document.activeElement).outlineStyle") == "solid"


# --- figure builders: what fits a phone -------------------------------------------------------------------------------


def test_sources_and_messages_come_in_lines_that_fit_a_phone():
    source = ("出典：大阪府スマートシティ戦略部「大阪のスマートシティ戦略について」（2024年3月）「１．システム別の導入推移"
              "（「共同調達」及び「独自導入」）」")
    lines = common.wrap_source(source).split("<br>")
    assert len(lines) > 1 and "".join(lines) == source
    assert all(sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) <= 62 for line in lines)
    english = common.wrap_source("Source: Osaka Prefectural Government, Smart City Strategy Department (Mar 2024)")
    assert all(len(line) <= 62 for line in english.split("<br>")) and " Smart" not in english.split("<br>")[0][-7:]
    fig = common.with_source(common.base_layout(go.Figure()), source)
    assert fig.layout.margin.b >= 40 + 13 * (fig.layout.annotations[-1].text.count("<br>") + 1)
    message = common.empty_figure("この指標は府内のみの値のため、全国との分布の比較はありません。DXの指標を選ぶと表示します。")
    assert all(len(line) <= 18 for line in message.layout.annotations[0].text.split("<br>"))


def adoption() -> pd.DataFrame:
    rows = [("e_application", "電子申請システム", "E-application system", 2022, 25, 7, 32, None),
            ("e_application", "電子申請システム", "E-application system", 2023, 35, 7, 42, None),
            ("documents", "文書管理・電子決裁システム", "Document management and electronic approval system", 2023,
             6, 30, 36, None)]
    return pd.DataFrame(rows, columns=["system_id", "system_ja", "system_en", "fiscal_year", "joint", "own", "total",
                                       "missing_reason"])


def test_joint_procurement_bars_are_horizontal_with_the_names_across_the_chart():
    fig = fm.adoption_figure(adoption(), pd.DataFrame(), "en")
    bars = [t for t in fig.data if t.type == "bar"]
    assert all(t.orientation == "h" for t in bars) and list(bars[0].x) == [25, 35, 6]
    headings = [a.text for a in fig.layout.annotations if a.xref == "x"]
    assert headings == ["<b>E-application system</b>", "<b>Document management and<br>electronic approval system</b>"]
    assert list(fig.layout.yaxis.ticktext) == ["", "2022", "2023", "", "", "2023"]  # years only beside the bars
    assert all(t.textangle == 0 for t in bars)  # numbers never turned on their side


def test_procedure_names_are_short_and_never_merged():
    part = pd.DataFrame({"name_ja": ["受給資格者の申出による学校給食費等の徴収等の申出",
                                     "受給資格者の申出による学校給食費等の徴収等の変更の申出", "転出届"],
                         "name_en": ["Claim for child allowance (recognition of eligibility)",
                                     "Claim for child allowance that remained unpaid", "Notice of moving out"],
                         "reported": [True, True, False]})
    ja = fdx._axis_labels(part, 12, 1, "ja")
    assert len(set(ja)) == 3 and ja[2] == "転出届 ⊘"
    assert all(len(line) <= 13 for label in ja for line in label.replace(" ⊘", "").split("<br>"))
    en = fdx._axis_labels(part, 22, 2, "en")
    assert len(set(en)) == 3 and all(len(line) <= 23 for label in en for line in label.split("<br>"))
