"""Where the app finds its database: the Flask config of the running app, else the ETL's settings."""
from __future__ import annotations

from pathlib import Path

import flask

from common.settings import load_settings


def db_path() -> Path:
    """The database file for the current request (tests point the app at a fixture database)."""
    if flask.has_app_context() and "SMARTCITY_DB" in flask.current_app.config:
        return Path(flask.current_app.config["SMARTCITY_DB"])
    return load_settings().db_path
