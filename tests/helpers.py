"""Helpers shared by the tests: page layouts and their text, components found by id, a missing database, and the
browser (wait until rendered, requests made, scroll-then-click, Plotly's drawn data)."""
from __future__ import annotations

import json
import re
import time
from contextlib import contextmanager

import dash
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

# What must never reach a reader outside the catalog's provenance columns: seed file names, repository paths, line
# numbers (tests/test_citations.py, tests/test_browser.py).
PROVENANCE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt|\bl\.\s?\d|\d+\s?行目|\blines? \d|data/(?:reference|kpi)/|"
                        r"\.\./shared|\(l\.\d")

# --- layouts (dash_app.server.test_request_context) -------------------------------------------------------------------


def layout_of(module: str, **query):
    """A page's layout function, as registered by the app."""
    return dash.page_registry[f"pages.{module}"]["layout"](**query)


def shapes_of(server, trace) -> list[dict]:
    """The GeoJSON features a map trace draws: carried in the trace, or fetched from the address it names
    (smartcity.geo), as the browser does."""
    if isinstance(trace.geojson, str):
        resp = server.test_client().get(trace.geojson)
        assert resp.status_code == 200, trace.geojson
        return json.loads(resp.data)["features"]
    return list(trace.geojson["features"])


def page_text(component) -> str:
    """All text in a Dash component tree."""
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    if children is None:
        return ""
    if not isinstance(children, list | tuple):
        children = [children]
    return " ".join(page_text(c) for c in children if c is not None)


def find(component, component_id):
    """The component with this id in a Dash tree (None when absent)."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def graphs(component) -> list:
    """Every dcc.Graph in a component tree."""
    found, stack = [], [component]
    while stack:
        node = stack.pop()
        if isinstance(node, dash.dcc.Graph):
            found.append(node)
        children = getattr(node, "children", None)
        if children is not None:
            stack.extend(children if isinstance(children, list | tuple) else [children])
    return found


@contextmanager
def without_database(dash_app, tmp_path):
    """Point the app at a database file that does not exist, for the duration of the block."""
    saved = dash_app.server.config["SMARTCITY_DB"]
    dash_app.server.config["SMARTCITY_DB"] = str(tmp_path / "missing.duckdb")
    try:
        yield
    finally:
        dash_app.server.config["SMARTCITY_DB"] = saved


# --- browser (the chrome and server_url fixtures) ---------------------------------------------------------------------

MAPS_LOADED = """
return Array.from(document.querySelectorAll('.js-plotly-plot')).every(gd => {
  const layout = gd._fullLayout;
  if (!layout) return false;
  return ((layout._subplots && layout._subplots.map) || []).every(id => {
    const subplot = layout[id] && layout[id]._subplot;
    return Boolean(subplot && subplot.map && subplot.map.loaded());
  });
});"""

# Every chart on the page drawn: each dcc.Graph holds a Plotly plot with its full layout (a graph whose Plotly bundle
# or figure is still on its way is `.dash-graph--pending` with no plot inside) and each map's style and sources loaded.
CHARTS_DRAWN = """
return Array.from(document.querySelectorAll('.dash-graph')).every(g => {
  const gd = g.querySelector('.js-plotly-plot');
  if (g.classList.contains('dash-graph--pending') || !gd || !gd._fullLayout) return false;
  const layout = gd._fullLayout;
  return ((layout._subplots && layout._subplots.map) || []).every(id => {
    const subplot = layout[id] && layout[id]._subplot;
    return Boolean(subplot && subplot.map && subplot.map.loaded());
  });
});"""


def wait_rendered(driver, element_id: str, timeout: float = 30) -> None:
    """Wait for the page's marker element, for Dash to finish every pending callback and for every map on the page
    to finish loading (so screenshots are never blank)."""
    WebDriverWait(driver, timeout).until(lambda d: d.find_elements(By.ID, element_id))
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(
        'return document.querySelectorAll(\'[data-dash-is-loading="true"]\').length === 0'))
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(MAPS_LOADED))
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


def scroll_click(driver, element) -> None:
    """Scroll an element to the middle of the window at once (no smooth scrolling), then click it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()


def plot(graph_id: str) -> str:
    """JavaScript expression for the Plotly element inside the dcc.Graph `graph_id`."""
    return f"document.querySelector('#{graph_id} .js-plotly-plot')"


def full_data(driver, graph_id: str) -> list[dict] | None:
    """The traces of a graph as Plotly drew them (`_fullData`): name, x, y, z, locations, the colour bar's title and
    the number of GeoJSON features; None before the graph is drawn."""
    return driver.execute_script(
        f"const gd = {plot(graph_id)}; if (!gd || !gd._fullData) return null;"
        "const list = v => v ? Array.from(v) : null;"
        # a map names its shapes' address (smartcity.geo); Plotly keeps what it fetched in PlotlyGeoAssets
        "const shapes = g => { const c = typeof g === 'string' ? (window.PlotlyGeoAssets || {})[g] : g;"
        " return c && c.features ? c.features.length : null; };"
        "return gd._fullData.map(t => ({name: t.name, x: list(t.x), y: list(t.y), z: list(t.z),"
        " locations: list(t.locations), title: t.colorbar && t.colorbar.title ? t.colorbar.title.text : null,"
        " features: shapes(t.geojson)}));")


def trace_names(driver, graph_id: str) -> list[str]:
    """The names of a graph's traces as Plotly drew them ([] before the graph is drawn)."""
    return [t["name"] for t in full_data(driver, graph_id) or []]
