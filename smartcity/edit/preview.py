"""The effect of an upload on the KPIs: the built database copied, the table replaced, observations and assessments
derived again by the ETL's own code, and every (indicator, geography) whose observations changed compared."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from common.settings import Settings

_ASSESSED = """SELECT indicator_id, geo_code, status, latest_value, latest_period_end, target_value, target_date
               FROM assessment"""
_CHANGED = """SELECT DISTINCT indicator_id, geo_code FROM (
                  (SELECT indicator_id, geo_code, period_end, value FROM _before
                   EXCEPT ALL SELECT indicator_id, geo_code, period_end, value FROM observation)
                  UNION ALL
                  (SELECT indicator_id, geo_code, period_end, value FROM observation
                   EXCEPT ALL SELECT indicator_id, geo_code, period_end, value FROM _before))"""


def kpi_effect(settings: Settings, table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (indicator, geography) whose observations the new table content changes: names, and latest
    value, period and status before and after. `table` comes from the registry of editable tables."""
    from etl.build import observations  # the ETL's own derivation: the preview cannot disagree with a build
    from etl.incremental import clear_derived
    from etl.kpi import write_assessments
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "preview.duckdb"
        shutil.copyfile(settings.db_path, copy)
        with duckdb.connect(str(copy)) as con:
            before = con.execute(_ASSESSED).df()
            con.execute("CREATE TEMP TABLE _before AS SELECT * FROM observation")
            as_of = clear_derived(con)
            _replace(con, table, frame)
            con.execute("DELETE FROM observation")
            observations(con)
            changed = {tuple(r) for r in con.execute(_CHANGED).fetchall()}
            if changed:  # only these pairs' assessments can differ (same indicators, targets and as-of date)
                write_assessments(con, as_of, changed)
            after = con.execute(_ASSESSED).df()
            names = con.execute("SELECT indicator_id, name_ja, name_en, unit, unit_ja FROM indicator").df()
            geos = con.execute("SELECT geo_code, name_ja AS geo_ja, coalesce(name_en, name_ja) AS geo_en "
                               "FROM municipality").df()
    keys = pd.DataFrame(sorted(changed), columns=["indicator_id", "geo_code"])
    return (keys.merge(before, how="left", on=["indicator_id", "geo_code"])
            .merge(after, how="left", on=["indicator_id", "geo_code"], suffixes=("_before", "_after"))
            .merge(names, how="left", on="indicator_id").merge(geos, how="left", on="geo_code"))


def _replace(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    cols = ", ".join(f'"{c}"' for c in frame.columns)  # schema.toml's checked identifiers
    con.execute(f'DELETE FROM "{table}"')
    con.register("_new", frame)
    try:
        con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _new')
    finally:
        con.unregister("_new")

