"""Every page in headless Chromium: renders, no console errors, no request outside the app's origin, no critical
or serious axe-core violation, and a 1366x768 screenshot saved under artifacts/screenshots/ for review."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PAGES

pytestmark = [pytest.mark.integration, pytest.mark.browser]
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"


def wait_rendered(driver, element_id: str, timeout: float = 30) -> None:
    """Wait for the page's marker element and for Dash to finish every pending callback."""
    WebDriverWait(driver, timeout).until(lambda d: d.find_elements(By.ID, element_id))
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(
        'return document.querySelectorAll(\'[data-dash-is-loading="true"]\').length === 0'))
    time.sleep(0.5)  # let plotly finish drawing before logs and screenshots are read


def network(driver) -> tuple[list[str], list[tuple[int, str]]]:
    """Every URL the page asked for, and every response with an HTTP error, from Chromium's performance log."""
    urls, failed = [], []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
        elif message["method"] == "Network.responseReceived" and message["params"]["response"]["status"] >= 400:
            failed.append((message["params"]["response"]["status"], message["params"]["response"]["url"]))
    return urls, failed


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
