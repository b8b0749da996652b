"""Osaka Smart City KPI Dashboard: the Dash app shell (pages live in pages/)."""
from __future__ import annotations

import os
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import html
from flask_compress import Compress

ROOT = Path(__file__).resolve().parent


def create_app(db: Path | None = None) -> dash.Dash:
    """Build the app; `db` overrides the database path (tests use fixture databases)."""
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(ROOT / "pages"),
        assets_folder=str(ROOT / "assets"),
        serve_locally=True,  # closed networks: every script and stylesheet comes from this app
        title="大阪スマートシティ KPI ダッシュボード / Osaka Smart City KPI Dashboard",
        update_title=None,
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="ja">')
    if db is not None:
        app.server.config["SMARTCITY_DB"] = str(db)
    Compress(app.server)
    app.layout = dbc.Container([
        html.A("本文へ移動 / Skip to content", href="#main", className="visually-hidden-focusable"),
        html.Main(dash.page_container, id="main"),
    ], fluid="lg")
    return app


def main() -> None:
    """Serve on http://127.0.0.1:8050 (HOST/PORT override)."""
    app = create_app()
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8050")), debug=False)


if __name__ == "__main__":
    main()
