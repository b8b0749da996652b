"""The app shell and the overview page: figures come from the database; responses are compressed."""
from __future__ import annotations


from helpers import layout_of, page_text, without_database



def test_overview_shows_figures_from_the_database(dash_app):
    with dash_app.server.test_request_context("/"):
        text = page_text(layout_of("overview"))
    assert "電子申請システムを導入した市町村数" in text
    assert "42 市町村" in text and "43市町村中42市町村" in text  # e-application, fiscal 2023
    assert "49.7 %" in text  # My Number card, Osaka, 2022-09-30
    assert "観測値なし" in text  # ORDEN, core-system standardisation
    assert "遅れ" in text


def test_overview_in_english(dash_app):
    with dash_app.server.test_request_context("/?lang=en"):
        text = page_text(layout_of("overview", lang="en"))
    assert "Municipalities with an e-application system" in text and "42 of 43 municipalities" in text
    assert "電子申請システムを導入した市町村数" not in text


def test_missing_database_says_so(dash_app, tmp_path):
    with without_database(dash_app, tmp_path), dash_app.server.test_request_context("/"):
        assert "データベースがありません" in page_text(layout_of("overview"))


def test_navigation_in_both_languages():
    from app import navigation
    links, switch, _, _, brand, home = navigation("/procedures", "?lang=en")
    assert (brand, home) == ("Osaka Smart City KPI", "/?lang=en")
    assert navigation("/", "")[4:] == ("大阪スマートシティ KPI", "/")
    assert [link.children for link in links][:2] == ["Overview", "Municipal DX"]
    assert links[2].href == "/procedures?lang=en" and "active" in links[2].className
    assert switch == "日本語"
    assert navigation("/", "")[1] == "English"


def test_responses_are_compressed(dash_app):
    resp = dash_app.server.test_client().get("/", headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200 and resp.headers.get("Content-Encoding") == "gzip"
