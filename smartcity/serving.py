"""The app's edges over HTTP: security headers on every answer (a Content-Security-Policy with hashes of Dash's
inline scripts, no framing, no sniffing, no referrer outside the app), request size limits, long-lived caching and
one-time compression of versioned static files, and no framework versions in headers or page config."""
from __future__ import annotations

import base64
import gzip
import hashlib
import os
import re
import threading
from functools import lru_cache

import dash
import flask
from werkzeug.middleware.proxy_fix import ProxyFix
from flask_compress import Compress
from werkzeug.exceptions import HTTPException

MAX_BODY_BYTES = int(os.environ.get("SMARTCITY_MAX_BODY_KB", "1024")) * 1024  # a callback's JSON is a few kB
YEAR = "public, max-age=31536000, immutable"
STATIC = ("/assets/", "/_dash-component-suites/")
COMPRESSIBLE = {"text/javascript", "application/javascript", "text/css", "application/json", "image/svg+xml"}
# Everything from the app itself. Styles inline: Dash, Plotly and MapLibre set style attributes and <style> elements.
# Images as data:/blob: (chart pictures, map canvases); workers as blob: (MapLibre starts its workers from a blob).
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self' blob:",
    "child-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HIDDEN_CONFIG = ("dash_version", "python_version", "plotly_version", "ddk_version", "dash_version_url")
COMMENT = re.compile(r"<!--.*?-->", re.S)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>(.*?)</script>", re.S)


def policy(script_hashes: tuple[str, ...] = ()) -> str:
    """The Content-Security-Policy header, allowing the given inline scripts by hash."""
    parts = dict(POLICY, **{"script-src": " ".join(["'self'", *script_hashes])})
    return "; ".join(f"{name} {value}" for name, value in parts.items())


@lru_cache(maxsize=64)
def _html_policy(digest: str, html: str) -> str:
    del digest  # the key: the same page text gets the same header
    return policy(tuple(script_hashes(html)))


def script_hashes(html: str) -> list[str]:
    """'sha256-…' of every inline script a browser runs in a page: Dash's renderer and the clientside callbacks
    (not the IE-only one inside a conditional comment)."""
    running = COMMENT.sub("", html)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body.encode('utf-8')).digest()).decode()}'"
            for body in INLINE_SCRIPT.findall(running)]


def public_config(config: dict) -> dict:
    """Dash's page config without the versions of Dash, Plotly and Python, and with the version check (a request
    to plotly.com) off."""
    return {**{k: v for k, v in config.items() if k not in HIDDEN_CONFIG}, "disable_version_check": True}


def _headers(response: flask.Response) -> flask.Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html" and not response.direct_passthrough:
        text = response.get_data(as_text=True)
        response.headers["Content-Security-Policy"] = _html_policy(hashlib.sha256(text.encode()).hexdigest(), text)
    else:
        response.headers.setdefault("Content-Security-Policy", policy())
    _static(response)
    response.headers.pop("X-Powered-By", None)
    return response


def _too_large(_error):
    limit = (flask.request.max_content_length or MAX_BODY_BYTES) // 1024
    if flask.request.path.startswith("/edit/"):  # an official's form: a page, not JSON
        return flask.render_template("edit/refused.html", ja=f"ファイルが大きすぎます（上限 {limit} KB）。",
                                     en=f"The file is too large (limit {limit} KB)."), 413
    return flask.jsonify(error=f"リクエストが大きすぎます（上限 {limit} KB） / Request too large (limit {limit} KB)"), 413


def _callback_failed(error: Exception):
    """A callback that fails on what it was sent answers 400 with a message, never a 500: a browser only sends what
    the page's controls hold, so a failure is a crafted or corrupted request (logged with its trace, for a real bug)."""
    if isinstance(error, HTTPException):
        return error
    flask.current_app.logger.exception("request failed: %s %s", flask.request.method, flask.request.path)
    if flask.request.path.endswith("/_dash-update-component"):
        return flask.jsonify(error="入力を処理できませんでした。ページを読み込み直してください。 / The input could not be "
                                   "processed. Please reload the page."), 400
    return flask.jsonify(error="サーバーで問題が起きました。 / Something went wrong on the server."), 500


class StaticBodies:
    """Gzipped bodies of versioned static files, compressed once per process (the URL names the file's version: a
    changed file is a new URL). Everything else is compressed by flask-compress per answer and never kept."""

    def __init__(self) -> None:
        self.items: dict[str, bytes] = {}
        self.lock = threading.Lock()

    def gzip(self, response: flask.Response) -> None:
        """Send `response` (a static file) gzipped, compressing it on its URL's first request only."""
        key = flask.request.full_path
        body = self.items.get(key)
        if body is None:
            response.direct_passthrough = False
            body = gzip.compress(response.get_data(), compresslevel=9)
            with self.lock:
                self.items[key] = body
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
        if response.get_etag()[0]:
            response.set_etag(response.get_etag()[0] + ":gzip")


def _static(response: flask.Response) -> None:
    request = flask.request
    if request.method != "GET" or response.status_code != 200 or not request.path.startswith(STATIC):
        return
    versioned = request.path.startswith("/_dash-component-suites/") or "m" in request.args
    if not versioned:
        return
    response.headers["Cache-Control"] = YEAR  # a new version of the file is a new URL
    if "gzip" in request.headers.get("Accept-Encoding", "") and response.mimetype in COMPRESSIBLE:
        flask.current_app.extensions["static_bodies"].gzip(response)


def harden(app: dash.Dash) -> None:
    """Install the headers, the body limit and the static-file compression cache on the app's server."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    server.extensions["static_bodies"] = StaticBodies()
    Compress(server)  # registered first, so it runs last: it leaves the already gzipped static files alone
    server.after_request(_headers)
    server.register_error_handler(413, _too_large)
    server.register_error_handler(Exception, _callback_failed)
    trusted = int(os.environ.get("SMARTCITY_TRUSTED_PROXIES", "0") or 0)
    if trusted > 0:  # the client's address and scheme (https: Secure cookies) as the proxy saw them; never the host
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=trusted, x_proto=trusted, x_host=0, x_port=0, x_prefix=0)
