"""Server-rendered pages (sign-in, editing, review, accounts): templates, language and the common context.

The public dashboard is Dash; the officials' pages are plain HTML forms (like CKAN's): every state change is a
POST to a Flask view that checks the session's role and a CSRF token, and works without JavaScript."""
from __future__ import annotations

import base64
from pathlib import Path

import flask
from jinja2 import ChoiceLoader, FileSystemLoader

from smartcity.i18n import lang_of

TEMPLATES = Path(__file__).with_name("templates")


def init_app(server: flask.Flask) -> None:
    """Add the templates folder and the context every template gets (lang, t(), the signed-in account)."""
    loaders = [FileSystemLoader(str(TEMPLATES))] + ([server.jinja_loader] if server.jinja_loader else [])
    server.jinja_loader = ChoiceLoader(loaders)
    server.context_processor(_context)
    server.jinja_env.filters["b64"] = lambda data: base64.b64encode(data or b"").decode("ascii")


def lang() -> str:
    """The language of the current request: ?lang=en, else Japanese (forms post to addresses that keep it; the
    body is never read for it: an oversized one must still get its page)."""
    return lang_of(flask.request.args.get("lang"))


def t(ja: str, en: str) -> str:
    """The text in the request's language."""
    return en if lang() == "en" else ja


def url(endpoint: str, **values) -> str:
    """url_for keeping the request's language."""
    if lang() == "en":
        values.setdefault("lang", "en")
    return flask.url_for(endpoint, **values)


def _context() -> dict:
    from smartcity.auth.security import current_account  # the auth package imports this module
    return {"lang": lang(), "t": t, "url": url, "account": current_account()}
