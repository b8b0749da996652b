"""The app's HTTP edges (smartcity.serving, smartcity.geo): security headers and a Content-Security-Policy that
allows exactly the page's inline scripts, no framework versions, a request size limit, long-lived caching and
one-time compression of versioned static files, and boundary shapes served once per build."""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest
from plotly.utils import PlotlyJSONEncoder

from smartcity import serving
from smartcity.queries import common

PAGES = ["/", "/mynumber", "/data", "/kpi/mynumber_card_issuance_rate", "/api/v1/datasets"]


@pytest.fixture(scope="module")
def client(dash_app):
    return dash_app.server.test_client()


class Scripts(HTMLParser):
    """The text of every inline script that a browser would run."""

    def __init__(self) -> None:
        super().__init__()
        self.inline, self._open = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type", "text/javascript") != "application/json":
            self._open = ""

    def handle_data(self, data):
        if self._open is not None:
            self._open += data

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.inline.append(self._open)
            self._open = None


def directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", PAGES + ["/assets/10_app.css", "/no-such-page"])
def test_every_answer_has_the_security_headers(client, path):
    resp = client.get(path)
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    csp = directives(resp.headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["worker-src"] == ["'self'", "blob:"] and csp["object-src"] == ["'none'"]
    assert not any("unsafe-eval" in v or "unsafe-inline" in v for v in csp["script-src"])
    assert not any("*" in v or v.startswith("http") for values in csp.values() for v in values)


def test_the_policy_allows_exactly_the_pages_inline_scripts(client):
    resp = client.get("/")
    parser = Scripts()
    parser.feed(resp.get_data(as_text=True))
    running = parser.inline  # the IE-only script sits in a comment: the parser, like a browser, skips it
    assert len(running) >= 2 and any("DashRenderer" in s for s in running)
    allowed = set(directives(resp.headers["Content-Security-Policy"])["script-src"])
    for script in running:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed
    assert len(allowed - {"'self'"}) == len(set(running))  # nothing else allowed inline


def test_no_framework_version_in_headers_or_page_config(client):
    resp = client.get("/")
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>',
                                  resp.get_data(as_text=True), re.S).group(1))
    for key in ("dash_version", "python_version", "plotly_version", "dash_version_url"):
        assert key not in config
    assert config["disable_version_check"] is True
    assert "X-Powered-By" not in resp.headers
    assert "plotly.com" not in resp.get_data(as_text=True)


def test_a_request_body_over_the_limit_is_refused_with_a_message(client):
    body = b'{"output": "x", "inputs": [], "pad": "' + b"a" * (serving.MAX_BODY_BYTES + 10) + b'"}'
    resp = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert resp.status_code == 413
    assert "リクエストが大きすぎます" in resp.json["error"] and "too large" in resp.json["error"]


def test_versioned_assets_are_cached_for_a_year_and_compressed_once(client, dash_app):
    page = client.get("/").get_data(as_text=True)
    url = re.search(r'(/assets/26_print\.js\?m=[0-9.]+)', page).group(1)
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Cache-Control"] == serving.YEAR and first.headers["Content-Encoding"] == "gzip"
    again = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert again.data == first.data and b"printTable" in gzip.decompress(first.data)
    kept = dash_app.server.extensions["static_bodies"].items
    assert any(url in key for key in kept)
    assert all(key.startswith(("/assets/", "/_dash-component-suites/")) for key in kept)
    unversioned = client.get("/assets/26_print.js")
    assert unversioned.headers.get("Cache-Control") != serving.YEAR


def test_boundary_shapes_are_served_once_per_build_with_a_fingerprint(client, dash_app, db):
    with dash_app.server.test_request_context("/"):
        bounds = common.boundaries(db, "osaka_municipality")
    url = bounds.attrs["geojson_url"]
    assert re.fullmatch(r"/geo/osaka_municipality\.[0-9a-f]{16}\.geojson", url)
    resp = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == serving.YEAR
    shapes = json.loads(gzip.decompress(resp.data))
    assert [f["id"] for f in shapes["features"]] == bounds["geo_code"].tolist()
    stale = client.get("/geo/osaka_municipality.0000000000000000.geojson")
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "no-cache"
    missing = client.get("/geo/secret_layer.0000000000000000.geojson")
    assert missing.status_code == 404 and "secret_layer" in missing.json["error"]


def test_a_map_names_its_shapes_instead_of_carrying_them(dash_app):
    from tests.helpers import find, layout_of
    with dash_app.server.test_request_context("/mynumber"):
        figure = find(layout_of("mynumber"), "mn-map-graph").figure
    assert isinstance(figure.data[0].geojson, str) and figure.data[0].geojson.startswith("/geo/osaka_municipality.")
    assert len(json.dumps(figure.data[0].to_plotly_json(), cls=PlotlyJSONEncoder)) < 20_000


WRONG = [{"not": "a string"}, [1, 2], 12345, "x" * 300, None]


def test_no_callback_answers_500_to_inputs_of_the_wrong_type(client, dash_app):
    """Every callback of the app, sent each input as a value of the wrong type (a crafted POST), answers with its
    outputs, a 204 "nothing to update" or a 400 with a message: never a 500. (Callbacks on pattern-matching ids,
    the table twins', are sent by Dash in another shape and left out here.)"""
    client.get("/")  # Dash registers the pages' callbacks on the first request
    tried = 0
    for output, spec in dash_app.callback_map.items():
        ids = [str(i["id"]) for i in spec["inputs"] + spec.get("state", [])]
        if spec.get("callback") is None or "{" in output or any(i.startswith("{") for i in ids):
            continue
        tried += 1
        inputs = [{"id": i["id"], "property": i["property"]} for i in spec["inputs"]]
        state = [{"id": s["id"], "property": s["property"]} for s in spec.get("state", [])]
        for wrong in WRONG:
            body = {"output": output, "outputs": _outputs(output),
                    "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs[:1]],
                    "inputs": [dict(i, value=wrong) for i in inputs], "state": [dict(s, value=wrong) for s in state]}
            resp = client.post("/_dash-update-component", json=body)
            assert resp.status_code in (200, 204, 400), (output, wrong, resp.status_code, resp.data[:300])
            if resp.status_code == 400:
                assert "入力を処理できませんでした" in resp.json["error"]
    assert tried >= 10


def _outputs(output: str):
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    specs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts if "." in p]
    return specs if output.startswith("..") else specs[0]


@pytest.mark.browser
def test_the_browser_enforces_the_policy_and_the_tests_see_violations(chrome, server_url):
    """An inline script the app did not ship is refused by the browser, and the chrome fixture's watcher (which fails
    any browser test on a violation) records it."""
    from helpers import wait_rendered
    chrome.get(server_url + "/")
    wait_rendered(chrome, "ov-page")
    ran = chrome.execute_script(
        "window.__injected = false; const s = document.createElement('script');"
        "s.textContent = 'window.__injected = true;'; document.body.appendChild(s); return window.__injected;")
    assert ran is False  # refused: not one of the page's hashes
    seen = chrome.execute_script("return JSON.parse(localStorage.getItem('csp-violations') || '[]')")
    assert seen and seen[0][1] == "script-src-elem"
    chrome.execute_script("localStorage.removeItem('csp-violations')")  # expected here: not a failure of this test
