"""Osaka Smart City KPI Dashboard: the Dash app shell (pages live in pages/)."""
from __future__ import annotations

import functools
import os
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from smartcity import api, components, db as gateway, geo, layouts, serving, webui
from smartcity.auth import security, views as auth_views
from smartcity.edit import views as edit_views
from smartcity.format import day_words
from smartcity.i18n import BRAND_EN, BRAND_JA, lang_of, request_lang, split_bilingual, tab_title, tr
from smartcity.queries import common, kpi
from smartcity.settings import db_path

ROOT = Path(__file__).resolve().parent
NAV = [  # (path, Japanese, English)
    ("/", "概要", "Overview"),
    ("/municipalities", "市町村DX", "Municipal DX"),
    ("/procedures", "オンライン手続き", "Online procedures"),
    ("/compare", "比較", "Compare"),
    ("/mynumber", "マイナンバーカード", "My Number card"),
    ("/partnerships", "公民連携", "Partnerships"),
    ("/strategy", "戦略", "Strategy"),
    ("/data", "オープンデータ", "Open data"),
]


class SmartCityDash(dash.Dash):
    """Dash with the first answer of every page in the request's language: `<html lang>` and `<title>`."""

    def interpolate_index(self, **kwargs) -> str:
        lang = request_lang()
        kwargs["title"] = tr(BRAND_JA, BRAND_EN, lang)
        return super().interpolate_index(**kwargs).replace('<html lang="ja">', f'<html lang="{lang}">', 1)

    def _config(self) -> dict:
        """Dash's page config without framework versions (serving.public_config)."""
        return serving.public_config(super()._config())


def create_app(db: Path | None = None, state_url: str | None = None) -> dash.Dash:
    """Build the app; `db` overrides the database path (tests use fixture databases), `state_url` the state
    database of officials' accounts and submissions."""
    app = SmartCityDash(
        __name__,
        use_pages=True,
        pages_folder=str(ROOT / "pages"),
        assets_folder=str(ROOT / "assets"),
        serve_locally=True,  # closed networks: every script and stylesheet comes from this app
        suppress_callback_exceptions=True,  # page layouts depend on the database and the query string
        title="大阪スマートシティ KPI ダッシュボード / Osaka Smart City KPI Dashboard",
        update_title=None,
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="ja">')
    if db is not None:
        app.server.config["SMARTCITY_DB"] = str(db)
    if state_url is not None:
        app.server.config["SMARTCITY_STATE_URL"] = state_url
    serving.harden(app)
    gateway.init_app(app.server)
    webui.init_app(app.server)
    security.init_app(app.server)
    app.layout = html.Div([
        html.A("本文へ移動 / Skip to content", href="#main", className="visually-hidden-focusable"),
        dbc.Navbar(dbc.Container([
            dcc.Link("大阪スマートシティ KPI", href="/", className="navbar-brand", id="nav-brand"),
            html.Nav(id="nav-links", className="d-flex flex-wrap gap-1", **{"aria-label": "ページ / Pages"}),
            html.A(id="nav-lang", href="#", className="btn btn-sm btn-outline-light ms-auto", role="button"),
        ], fluid="lg"), color="dark", dark=True, className="mb-2"),
        dbc.Container(html.Main(dash.page_container, id="main"), fluid="lg"),
        html.Footer(dbc.Container(html.Small(id="nav-footer"), fluid="lg"), className="border-top mt-4 py-3"),
        dcc.Store(id="shell-lang"),
    ])
    localise_titles()
    for module, page in dash.page_registry.items():  # each page renders once per build, day and query
        if callable(page.get("layout")):
            page["layout"] = layouts.per_build(module, page["layout"])
    app.server.register_blueprint(api.bp)
    app.server.register_blueprint(geo.bp)
    app.server.register_blueprint(auth_views.bp)
    app.server.register_blueprint(edit_views.bp)
    _register_shell_callbacks(app)
    components.register_callbacks(app)
    return app


def _register_shell_callbacks(app: dash.Dash) -> None:
    """Navigation and the language switch (per app: module-level callbacks go only to the first app)."""
    app.callback(
        Output("nav-links", "children"), Output("nav-lang", "children"), Output("nav-lang", "lang"),
        Output("nav-footer", "children"), Output("nav-brand", "children"), Output("nav-brand", "href"),
        Input("_pages_location", "pathname"), Input("_pages_location", "search"),
    )(navigation)
    app.clientside_callback(LANGUAGE_SWITCH, Output("nav-lang", "title"), Input("nav-lang", "n_clicks"),
                            prevent_initial_call=True)
    app.clientside_callback(HTML_LANG, Output("shell-lang", "data"), Input("_pages_location", "search"))


def _indicator_name(indicator_id: str | None = None, **_path) -> tuple[str, str]:
    """The KPI page's name: the indicator's own name when the id is one (never echo the path), else 指標 / Indicator."""
    try:
        db = db_path()
        found = kpi.indicator(db, indicator_id or "") if db.is_file() else None
    except Exception:  # noqa: BLE001 - a title must never break a page: fall back to the generic name
        found = None
    if found is None or found.empty:
        return "指標", "Indicator"
    return str(found.iloc[0]["name_ja"]), str(found.iloc[0]["name_en"])


PAGE_NAMES = {"pages.kpi": _indicator_name}  # pages whose tab names more than their register_page title


def localise_titles() -> None:
    """Give every page a browser-tab title in the page's language ("概要 | 大阪スマートシティ KPI", "Overview | Osaka
    Smart City KPI"). Pages declare `title="日本語 / English"` (or a function of the path variables returning it);
    Dash Pages calls the title function with the path variables only, so the language comes from the request
    (`i18n.request_lang`: the address on a first load, the router callback's `_pages_location.search` after)."""
    for module, page in dash.page_registry.items():
        if getattr(page["title"], "localised", False):  # create_app runs more than once in a test session
            continue
        page["title"] = _tab_title(PAGE_NAMES.get(module, page["title"]))


def _tab_title(declared):
    def title(**path_variables) -> str:
        name = declared(**path_variables) if callable(declared) else declared
        ja, en = name if isinstance(name, tuple) else split_bilingual(name)
        return tab_title(ja, en, request_lang())
    title.localised = True
    return title


def navigation(pathname: str | None, search: str | None):
    """Navigation links and the language switch for the current page and language."""
    lang = lang_of(dict(p.split("=", 1) for p in (search or "").lstrip("?").split("&") if "=" in p).get("lang"))
    suffix = "?lang=en" if lang == "en" else ""
    links = [dcc.Link(tr(ja, en, lang), href=path + suffix, className="nav-link px-2 text-white"
                      + (" active fw-bold text-decoration-underline" if pathname == path else ""))
             for path, ja, en in NAV]
    switch = "English" if lang == "ja" else "日本語"
    built, updated = build_line(), update_line()
    footer = [built, html.Br() if built else None,
              tr("数値はすべて公開データと戦略文書から作成したデータベースのものです。出典は各グラフ・表の下に記載し、"
                 "データ一式は「オープンデータ」から入手できます。",
                 "Every figure comes from a database built from open data and the strategy documents; each chart and "
                 "table names its source, and everything can be downloaded under Open data.", lang),
              html.Br() if updated else None, updated]
    brand = tr("大阪スマートシティ KPI", "Osaka Smart City KPI", lang)
    return links, switch, "en" if lang == "ja" else "ja", footer, brand, "/" + suffix


def build_line() -> html.Span | None:
    """「データ構築日 2026年11月29日 / Data built 29 Nov 2026」 for the footer (on screen and on every printed sheet);
    None when there is no database or it cannot be read: the shell never fails for it."""
    try:
        db = db_path()
        built = _built_at(str(db), db.stat().st_mtime_ns) if db.is_file() else None
    except Exception:  # noqa: BLE001 - a footer line must never break the shell
        built = None
    if not built:
        return None
    return html.Span(f"データ構築日 {day_words(built, 'ja')} / Data built {day_words(built, 'en')}", id="nav-build")


def update_line() -> html.Span | None:
    """「最終更新 2026-11-30（大阪府スマートシティ戦略部） / Last updated …」: when officials last published the
    strategy's figures; None when nothing was published or the database cannot be read."""
    try:
        db = db_path()
        found = _published(str(db), db.stat().st_mtime_ns) if db.is_file() else None
    except Exception:  # noqa: BLE001 - a footer line must never break the shell
        found = None
    if not found:
        return None
    day, ja, en = found
    return html.Span(f"最終更新 {day}（{ja}） / Last updated {day} ({en})", id="nav-updated")


@functools.lru_cache(maxsize=4)
def _published(db: str, _mtime_ns: int) -> tuple[str, str, str] | None:
    """(YYYY-MM-DD, department ja, department en) of the publication a database file shows (cached per file)."""
    frame = common.publication_info(Path(db))
    if frame.empty:
        return None
    row = frame.iloc[0]
    return str(row["published_at"])[:10], str(row["publisher_ja"]), str(row["publisher_en"])


@functools.lru_cache(maxsize=4)
def _built_at(db: str, _mtime_ns: int) -> str | None:
    """The build time of a database file (cached per file version: the footer is drawn on every navigation)."""
    frame = common.build_info(Path(db))
    return None if frame.empty else str(frame.iloc[0]["built_at"])


HTML_LANG = """function(search) {
        const lang = new URLSearchParams(search || '').get('lang') === 'en' ? 'en' : 'ja';
        document.documentElement.lang = lang;
        return lang;
    }"""
LANGUAGE_SWITCH = """function(n) {
        if (!n) { return window.dash_clientside.no_update; }
        const query = new URLSearchParams(window.location.search);
        if (query.get('lang') === 'en') { query.delete('lang'); } else { query.set('lang', 'en'); }
        const search = query.toString();
        window.location.assign(window.location.pathname + (search ? '?' + search : ''));
        return window.dash_clientside.no_update;
    }"""


def main() -> None:
    """Serve on http://127.0.0.1:8050 (HOST/PORT override)."""
    app = create_app()
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8050")), debug=False)


if __name__ == "__main__":
    main()
