"""Every page in headless Chromium: renders, no console errors, no request outside the app's origin, no critical
or serious axe-core violation, and a 1366x768 screenshot saved under artifacts/screenshots/ for review."""
from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PAGES
from helpers import PROVENANCE, network, wait_rendered

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"


def shot_name(path: str) -> str:
    """File name for a page's screenshot."""
    return (path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "overview") + ".png"


@pytest.mark.parametrize("path", list(PAGES))
def test_page_in_chromium(chrome, server_url, path):
    chrome.get(server_url + path)
    wait_rendered(chrome, PAGES[path])
    errors = [e for e in chrome.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], f"console errors on {path}: {errors}"
    urls, failed = network(chrome)
    outside = [u for u in urls if not u.startswith((server_url, "data:", "blob:"))]
    assert outside == [], f"requests outside {server_url} on {path}: {outside}"
    assert failed == [], f"HTTP errors on {path} (a failing callback?): {failed}"
    if not path.startswith("/data"):  # the catalog alone shows provenance (file names, lines) in its own columns
        shown = PROVENANCE.findall(chrome.find_element(By.TAG_NAME, "body").text)
        assert shown == [], f"{path} shows file names or line numbers: {shown[:5]}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chrome.save_screenshot(str(SCREENSHOTS / shot_name(path)))
    chrome.execute_script(AXE.read_text(encoding="utf-8"))
    result = chrome.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations)).catch(e => done(String(e)));")
    assert isinstance(result, list), result
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result
               if v["impact"] in ("critical", "serious")]
    assert serious == [], f"axe-core on {path}: {serious}"


def test_language_switch_changes_the_labels(chrome, server_url):
    chrome.get(server_url + "/")
    wait_rendered(chrome, "ov-page")
    assert chrome.find_element(By.CSS_SELECTOR, "#ov-page h1").text.startswith("大阪スマートシティ KPI ダッシュボード")
    chrome.find_element(By.ID, "nav-lang").click()
    WebDriverWait(chrome, 20).until(lambda d: "lang=en" in d.current_url)
    wait_rendered(chrome, "ov-page")
    assert chrome.find_element(By.CSS_SELECTOR, "#ov-page h1").text.startswith("Osaka Smart City KPI Dashboard")
    assert "Overview" in chrome.find_element(By.ID, "nav-links").text
    assert network(chrome)[1] == []
    assert "43市町村中" not in chrome.find_element(By.ID, "ov-page").text
    assert "of 43 municipalities" in chrome.find_element(By.ID, "ov-page").text
