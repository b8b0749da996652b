"""The officials' whole flow in headless Chromium, with two accounts: an editor downloads the joint-procurement
template, adds fiscal 2024 for two systems, uploads it, reads the report and the KPI preview, submits; the approver
publishes; the overview shows the new value; the approver rolls back; the old value is back; the audit log lists
every action. No request leaves the app, no console error, no CSP violation (the chrome fixture)."""
from __future__ import annotations

import shutil
import threading
import time

import openpyxl
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import fixture_settings
from helpers import network, scroll_click, wait_rendered

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"
TABLE = "joint_procurement_adoption"


@pytest.fixture
def site(tmp_path, fixture_db):
    """The app on a copy of the fixture database, with its own state database and the two officials."""
    from werkzeug.serving import make_server

    from app import create_app
    from smartcity.auth import accounts
    from smartcity.state import store
    settings = fixture_settings(tmp_path / "build")
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(fixture_db, settings.db_path)
    env = {"SMARTCITY_MANIFEST": str(settings.manifest), "SMARTCITY_DATA_MIRROR": str(settings.mirror),
           "SMARTCITY_RAW_CACHE": str(settings.raw_cache), "SMARTCITY_OFFLINE": "1",
           "SMARTCITY_AS_OF": settings.as_of.isoformat()}
    app = create_app(settings.db_path, state_url=settings.state_url)
    app.server.config["SMARTCITY_ETL_ENV"] = env
    with store.engine(settings.state_url).begin() as conn:
        accounts.create_account(conn, "sato", "佐藤 花子", "大阪府スマートシティ戦略部", "editor", PASSWORD)
        accounts.create_account(conn, "suzuki", "鈴木 一郎", "大阪府スマートシティ戦略部", "approver", PASSWORD)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _sign_in(driver, base: str, username: str) -> None:
    driver.get(f"{base}/auth/sign-in")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit], form button").click()
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "signed-in-as"))


def _sign_out(driver) -> None:
    scroll_click(driver, driver.find_element(By.ID, "sign-out"))
    WebDriverWait(driver, 20).until(lambda d: not d.find_elements(By.ID, "signed-in-as"))


def _downloaded(folder, suffix: str, timeout: float = 20):
    end = time.time() + timeout
    while time.time() < end:
        found = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} downloaded into {folder}")


def _add_fiscal_2024(path) -> None:
    """Two systems, fiscal 2024: joint + own = total, with the source of each row."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    figures = {("e_application", "電子申請システム", "E-application system"): (38, 5),
               ("chat_tool", "自治体専用チャットツール", "Chat tool for local governments"): (36, 2)}
    for (system, ja, en), (joint, own) in figures.items():
        for procurement, count in (("joint", joint), ("own", own), ("total", joint + own)):
            row = {"system_id": system, "system_ja": ja, "system_en": en, "year": 2024, "procurement": procurement,
                   "municipalities": count, "note": "令和6年度実績",
                   "source_doc": "https://www.pref.osaka.lg.jp/smartcity/r6-adoption",
                   "source_section": "システム別の導入状況（令和6年度）", "source_line": 1}
            sheet.append([row.get(h) for h in header])
    book.save(path)


def _tile_text(driver, base: str) -> str:
    driver.get(f"{base}/")
    wait_rendered(driver, "ov-page")
    return driver.find_element(By.ID, "ov-tile-muni_e_application_adoption").text


def test_editor_and_approver_flow(site, chrome):
    base = site
    before = _tile_text(chrome, base)
    assert "43" not in before.split("\n")[1:3]  # the fixture's latest adoption is not yet all 43

    # editor: template, edit, upload, report and preview, submit
    _sign_in(chrome, base, "sato")
    chrome.get(f"{base}/edit")
    scroll_click(chrome, chrome.find_element(By.ID, f"template-{TABLE}-xlsx"))
    template = _downloaded(chrome.download_dir, ".xlsx")
    edited = chrome.download_dir / "edited.xlsx"
    shutil.copyfile(template, edited)
    _add_fiscal_2024(edited)
    Select(chrome.find_element(By.ID, "upload-table")).select_by_value(TABLE)
    chrome.find_element(By.ID, "upload-file").send_keys(str(edited))
    scroll_click(chrome, chrome.find_element(By.ID, "upload-submit"))
    WebDriverWait(chrome, 60).until(lambda d: d.find_elements(By.ID, "kpi-effect"))
    assert "6" in chrome.find_element(By.ID, "diff-summary").text
    effect = chrome.find_element(By.CSS_SELECTOR, "#kpi-effect tr[data-indicator=muni_e_application_adoption]")
    status = effect.find_element(By.CLASS_NAME, "kpi-status").text
    assert "→" in status and status.split("→")[0].strip() != status.split("→")[1].strip()
    assert "43" in effect.text
    chrome.find_element(By.ID, "comment-submit").send_keys("令和6年度の実績を追加")
    scroll_click(chrome, chrome.find_element(By.ID, "do-submit"))
    WebDriverWait(chrome, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".status-submitted"))
    assert not chrome.find_elements(By.ID, "do-publish")  # an editor cannot publish
    submission_url = chrome.current_url
    _sign_out(chrome)

    # approver: the same report and preview, publish
    _sign_in(chrome, base, "suzuki")
    chrome.get(submission_url)
    assert chrome.find_elements(By.CSS_SELECTOR, "#kpi-effect tr[data-indicator=muni_e_application_adoption]")
    chrome.find_element(By.ID, "comment-publish").send_keys("確認しました")
    scroll_click(chrome, chrome.find_element(By.ID, "do-publish"))
    WebDriverWait(chrome, 120).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".status-published"))
    after = _tile_text(chrome, base)
    assert after != before and "43" in after
    assert "最終更新" in chrome.find_element(By.ID, "nav-updated").text

    # roll back to the repository's figures: the old value is back
    chrome.get(f"{base}/edit/publications")
    scroll_click(chrome, chrome.find_element(By.ID, "rollback-0"))
    WebDriverWait(chrome, 120).until(lambda d: "rollback" in d.page_source or "戻" in d.page_source)
    assert _tile_text(chrome, base) == before

    chrome.get(f"{base}/edit/audit")
    actions = [e.text for e in chrome.find_elements(By.CSS_SELECTOR, "#audit-log td code")]
    for action in ("upload", "submit", "approve", "publish", "rollback"):
        assert action in actions, actions
    urls, failed = network(chrome)
    assert failed == [] and all(u.startswith(base) or u.startswith(("data:", "blob:")) for u in urls), urls
    errors = [e for e in chrome.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
