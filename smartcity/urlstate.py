"""Page state in the URL: controls write their values to the query string without re-rendering the page.

Dash's page router re-renders a page whenever the location's query string changes, so the query string is
written with history.replaceState from a clientside callback (the router does not see it). Layout functions read
the same parameters when a bookmarked or shared address is opened.
"""
from __future__ import annotations

import json

import dash
from dash import Input, Output, dcc


def url_sink(prefix: str) -> dcc.Store:
    """The (empty) output the URL-sync callback writes to; put it in the page layout."""
    return dcc.Store(id=f"{prefix}-url-sink")


def sync_url(prefix: str, params: dict[str, tuple[str, str]]) -> None:
    """Keep query parameters {name: (component id, property)} equal to the controls' values."""
    names = json.dumps(list(params))
    dash.clientside_callback(
        f"""function() {{
            const names = {names};
            const query = new URLSearchParams(window.location.search);
            names.forEach((name, i) => {{
                const value = arguments[i];
                if (value === null || value === undefined || value === '') {{ query.delete(name); }}
                else {{ query.set(name, Array.isArray(value) ? value.join(',') : value); }}
            }});
            const search = query.toString();
            window.history.replaceState(window.history.state, '', window.location.pathname + (search ? '?' + search : ''));
            return window.dash_clientside.no_update;
        }}""",
        Output(f"{prefix}-url-sink", "data"),
        [Input(cid, prop) for cid, prop in params.values()],
        prevent_initial_call=True,
    )
