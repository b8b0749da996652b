"""Page not found: any address that is no page, in the page's language (Dash Pages shows the module named
not_found_404 for them)."""
from __future__ import annotations

import dash
from dash import dcc, html

from smartcity.i18n import lang_of, tr

dash.register_page(__name__, path="/404", name="ページが見つかりません / Page not found",
                   title="ページが見つかりません / Page not found")

PREFIX = "nf"


def layout(lang: str | None = None, **_query) -> html.Div:
    """Say that there is no such page and offer the way back (the address itself is never echoed)."""
    lang = lang_of(lang)
    suffix = "?lang=en" if lang == "en" else ""
    return html.Div([
        html.H1(tr("ページが見つかりません", "Page not found", lang), className="h3 mt-3"),
        html.P(tr("このアドレスのページはありません。アドレスを確かめるか、次のページから探してください。",
                  "There is no page at this address. Check the address, or start from one of these pages.", lang)),
        html.Ul([html.Li(dcc.Link(tr("概要（すべての KPI）", "Overview (every KPI)", lang), href="/" + suffix,
                                  id=f"{PREFIX}-home")),
                 html.Li(dcc.Link(tr("オープンデータ", "Open data", lang), href="/data" + suffix))]),
    ], id=f"{PREFIX}-page")
