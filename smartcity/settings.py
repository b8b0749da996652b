"""Where the app finds its database: the Flask config of the running app, else the ETL's settings."""
from __future__ import annotations

from pathlib import Path

import flask

from common.settings import Settings, load_settings


def db_path() -> Path:
    """The database file for the current request (tests point the app at a fixture database)."""
    if flask.has_app_context() and "SMARTCITY_DB" in flask.current_app.config:
        return Path(flask.current_app.config["SMARTCITY_DB"])
    return load_settings().db_path


def etl_settings() -> Settings:
    """The ETL's settings for a build the app starts (a publication): this app's database and state database;
    the Flask setting SMARTCITY_ETL_ENV (a dict of SMARTCITY_* variables) overrides the environment (tests)."""
    import dataclasses
    import os
    from smartcity.auth.security import state_url
    env = dict(os.environ) | dict(flask.current_app.config.get("SMARTCITY_ETL_ENV") or {})
    return dataclasses.replace(load_settings(env), db_path=db_path(), state_url=state_url())
