"""KPI assessments: read indicators, targets and observations from the build database, write `assessment`."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from etl.assessment import Target, assess



def _targets(con: duckdb.DuckDBPyConnection, chosen: dict) -> dict[tuple[str, str], Target]:
    """Targets by (indicator, geography), as the view target_resolved applies the own-else-'*' rule."""
    rows = con.execute("""SELECT indicator_id, geo_code, target_value, CAST(target_date AS DATE),
                                 baseline_value, CAST(baseline_date AS DATE) FROM target_resolved
                          WHERE $all OR indicator_id IN (SELECT unnest($ids))""", chosen).fetchall()
    return {(r[0], r[1]): Target(r[2], r[3], r[4], r[5]) for r in rows}


def assessments(con: duckdb.DuckDBPyConnection, as_of: dt.date,
                only: set[tuple[str, str]] | None = None) -> pd.DataFrame:
    """One assessment per indicator and geography with observations, plus the headline geography of each (only:
    of these (indicator, geography) pairs, default all)."""
    chosen = {"all": only is None, "ids": sorted({i for i, _ in only or ()})}
    indicators = con.execute("""SELECT indicator_id, direction, frequency, headline_geo_code, unit, unit_ja,
                                       lower_bound, upper_bound FROM indicator
                                WHERE $all OR indicator_id IN (SELECT unnest($ids))""", chosen).fetchall()
    # one series per (indicator, geography), grouped by the database: 7,000 series of 82,000 observations
    rows = con.execute("""SELECT indicator_id, geo_code, list(period_end ORDER BY period_end, value),
                                 list(value ORDER BY period_end, value)
                          FROM observation WHERE $all OR indicator_id IN (SELECT unnest($ids))
                          GROUP BY indicator_id, geo_code""", chosen).fetchall()
    series = {(ind, geo): list(zip(days, values)) for ind, geo, days, values in rows}
    targets = _targets(con, chosen)
    rows = []
    for ind, direction, frequency, headline, unit, unit_ja, lower, upper in indicators:
        geos = {g for (i, g) in series if i == ind} | {headline}
        for geo in sorted(geos if only is None else {g for g in geos if (ind, g) in only}):
            target = targets.get((ind, geo))
            result = assess(series.get((ind, geo), []), target, direction, frequency, as_of, unit, unit_ja,
                            lower, upper)
            rows.append({"indicator_id": ind, "geo_code": geo, **result.as_row(), "as_of": as_of})
    return pd.DataFrame(rows)


def write_assessments(con: duckdb.DuckDBPyConnection, as_of: dt.date,
                      only: set[tuple[str, str]] | None = None) -> None:
    """Compute and insert the assessment table (only: the rows of these (indicator, geography) pairs, replacing
    those there; a pair left with no observation and not its indicator's headline loses its row)."""
    frame = assessments(con, as_of, only)
    if only:
        pairs = sorted(only)
        con.execute("""DELETE FROM assessment AS a USING (SELECT unnest($i) AS i, unnest($g) AS g) AS p
                       WHERE a.indicator_id = p.i AND a.geo_code = p.g""",
                    {"i": [i for i, _ in pairs], "g": [g for _, g in pairs]})
    if frame.empty:
        return
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    con.register("_assess", frame)
    con.execute(f"INSERT INTO assessment ({cols}) SELECT {cols} FROM _assess")
    con.unregister("_assess")
