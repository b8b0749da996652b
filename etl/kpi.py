"""KPI assessments: read indicators, targets and observations from the build database, write `assessment`."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from etl.assessment import Target, assess



def _targets(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], Target]:
    """Targets by (indicator, geography), as the view target_resolved applies the own-else-'*' rule."""
    rows = con.execute("""SELECT indicator_id, geo_code, target_value, CAST(target_date AS DATE),
                                 baseline_value, CAST(baseline_date AS DATE) FROM target_resolved""").fetchall()
    return {(r[0], r[1]): Target(r[2], r[3], r[4], r[5]) for r in rows}


def assessments(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pd.DataFrame:
    """One assessment per indicator and geography with observations, plus the headline geography of each."""
    indicators = con.execute("""SELECT indicator_id, direction, frequency, headline_geo_code, unit, unit_ja,
                                       lower_bound, upper_bound FROM indicator""").fetchall()
    # one series per (indicator, geography), grouped by the database: 7,000 series of 82,000 observations
    rows = con.execute("""SELECT indicator_id, geo_code, list(period_end ORDER BY period_end, value),
                                 list(value ORDER BY period_end, value)
                          FROM observation GROUP BY indicator_id, geo_code""").fetchall()
    series = {(ind, geo): list(zip(days, values)) for ind, geo, days, values in rows}
    targets = _targets(con)
    rows = []
    for ind, direction, frequency, headline, unit, unit_ja, lower, upper in indicators:
        geos = {g for (i, g) in series if i == ind} | {headline}
        for geo in sorted(geos):
            target = targets.get((ind, geo))
            result = assess(series.get((ind, geo), []), target, direction, frequency, as_of, unit, unit_ja,
                            lower, upper)
            rows.append({"indicator_id": ind, "geo_code": geo, **result.as_row(), "as_of": as_of})
    return pd.DataFrame(rows)


def write_assessments(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """Compute and insert the assessment table."""
    frame = assessments(con, as_of)
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    con.register("_assess", frame)
    con.execute(f"INSERT INTO assessment ({cols}) SELECT {cols} FROM _assess")
    con.unregister("_assess")
