"""The landing page: figures come from the database; it loads in headless Chromium without console errors."""
from __future__ import annotations

import pytest

from app import ROOT, create_app

SCREENSHOTS = ROOT / "artifacts" / "screenshots"

pytestmark = pytest.mark.integration


def home_layout():
    """The landing page's layout function, as registered by the app."""
    import dash
    return dash.page_registry["pages.home"]["layout"]()


def page_text(component) -> str:
    """All text in a Dash component tree."""
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    if children is None:
        return ""
    if not isinstance(children, list | tuple):
        children = [children]
    return " ".join(page_text(c) for c in children)


def test_layout_shows_figures_from_the_database(db):
    app = create_app(db)
    with app.server.test_request_context("/"):
        text = page_text(home_layout())
    assert "電子申請システムを導入した市町村数" in text and "Municipalities with an e-application system" in text
    assert "42 市町村" in text  # e-application, fiscal 2023
    assert "49.7 ％" in text  # My Number card, Osaka, 2022-09-30
    assert "観測値なし / no observation yet" in text  # ORDEN, core-system standardisation
    assert "▼ 遅れ / off track" in text


def test_layout_without_database_says_so(tmp_path):
    app = create_app(tmp_path / "missing.duckdb")
    with app.server.test_request_context("/"):
        assert "データベースがありません / No database" in page_text(home_layout())


def test_responses_are_compressed(db):
    client = create_app(db).server.test_client()
    resp = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200 and resp.headers.get("Content-Encoding") == "gzip"


@pytest.mark.browser
def test_landing_page_in_chromium(dash_duo, db):
    app = create_app(db)
    dash_duo.start_server(app)
    dash_duo.wait_for_text_to_equal("#home-row-muni_e_application_adoption td:nth-child(2)", "42 市町村 ↗", timeout=15)
    assert "49.7" in dash_duo.find_element("#home-row-mynumber_card_issuance_rate").text
    assert dash_duo.get_logs() == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dash_duo.driver.set_window_size(1366, 768)
    dash_duo.driver.save_screenshot(str(SCREENSHOTS / "home.png"))
