"""KPI assessments: read indicators, targets and observations from the build database, write `assessment`."""
from __future__ import annotations

import datetime as dt
import operator

import duckdb
import numpy as np
import pandas as pd

from etl.assessment import Assessment, Indicator, Target, assess_many

# The observations of the indicators chosen ($all, or those in $ids): the series, and their points one series after
# the other, each sorted by day (unique in a series: the key), as assess_many() takes them (days as date ordinals:
# 0001-01-01 is 1). The points are sorted by a number per series: sorting 80,000 rows by two texts cost twice as much.
_CHOSEN = "FROM observation WHERE $all OR indicator_id IN (SELECT unnest($ids))"
_SERIES = f"SELECT indicator_id, geo_code, count(*) AS n {_CHOSEN} GROUP BY ALL ORDER BY indicator_id, geo_code"
_POINTS = f"""WITH chosen AS (SELECT * {_CHOSEN}),
                   series AS (SELECT indicator_id, geo_code, row_number() OVER (ORDER BY indicator_id, geo_code) AS s
                              FROM (SELECT DISTINCT indicator_id, geo_code FROM chosen))
              SELECT datediff('day', DATE '0001-01-01', period_end) + 1 AS day, value
              FROM chosen JOIN series USING (indicator_id, geo_code) ORDER BY s, period_end"""


def _targets(con: duckdb.DuckDBPyConnection, items: list[tuple[str, str]]) -> dict[tuple[str, str], Target]:
    """The targets of these (indicator, geography) pairs, as the view target_resolved applies the own-else-'*' rule
    (fetched for these pairs only: a '*' target resolves for every one of 1,800 geographies)."""
    rows = con.execute("""SELECT t.indicator_id, t.geo_code, target_value, CAST(target_date AS DATE),
                                 baseline_value, CAST(baseline_date AS DATE)
                          FROM target_resolved AS t JOIN (SELECT unnest($i) AS i, unnest($g) AS g) AS p
                            ON t.indicator_id = p.i AND t.geo_code = p.g""",
                       {"i": [i for i, _ in items], "g": [g for _, g in items]}).fetchall()
    made: dict[tuple, Target] = {}  # one object per distinct target: most geographies share their indicator's
    return {(r[0], r[1]): made.setdefault(r[2:], Target(*r[2:])) for r in rows}


def assessments(con: duckdb.DuckDBPyConnection, as_of: dt.date,
                only: set[tuple[str, str]] | None = None) -> pd.DataFrame:
    """One assessment per indicator and geography with observations, plus the headline geography of each (only:
    of these (indicator, geography) pairs, default all)."""
    chosen = {"all": only is None, "ids": sorted({i for i, _ in only or ()})}
    indicators = con.execute("""SELECT indicator_id, direction, frequency, headline_geo_code, unit, unit_ja,
                                       lower_bound, upper_bound FROM indicator
                                WHERE $all OR indicator_id IN (SELECT unnest($ids))""", chosen).fetchall()
    # 7,000 series of 82,000 observations: fetched as arrays, assessed together (the projections vectorised)
    keys = con.execute(_SERIES, chosen).fetchall()
    points = con.execute(_POINTS, chosen).fetchnumpy()
    series = {(ind, geo): j for j, (ind, geo, _) in enumerate(keys)}
    items = [(ind, geo) for ind, geo in _pairs(indicators, keys) if only is None or (ind, geo) in only]
    targets = _targets(con, items)
    by_id = {row[0]: row for row in indicators}
    specs, made = [], {}
    for ind, geo in items:  # one Indicator per indicator and target, shared by the series that have them
        target = targets.get((ind, geo))
        if (ind, id(target)) not in made:
            _, direction, frequency, _, unit, unit_ja, lower, upper = by_id[ind]
            made[ind, id(target)] = Indicator(target, direction, frequency, unit, unit_ja, lower, upper)
        specs.append(made[ind, id(target)])
    counts = np.array([n for _, _, n in keys] + [0], dtype=np.int64)  # the last: a series with no observation
    which = np.array([series.get(item, len(keys)) for item in items], dtype=np.int64)
    n, offsets = counts[which], (np.cumsum(counts) - counts)[which]
    rows = np.repeat(offsets - (np.cumsum(n) - n), n) + np.arange(n.sum())  # each item's points, in item order
    return _frame(items, assess_many(n, points["day"][rows], points["value"][rows], specs, as_of), as_of)


def _pairs(indicators: list[tuple], keys: list[tuple]) -> list[tuple[str, str]]:
    """(indicator, geography) pairs to assess: each indicator's geographies with observations and its headline."""
    observed: dict[str, set[str]] = {}
    for ind, geo, _ in keys:
        observed.setdefault(ind, set()).add(geo)
    return [(row[0], geo) for row in indicators for geo in sorted(observed.get(row[0], set()) | {row[3]})]


def _frame(items: list[tuple[str, str]], results: list[Assessment], as_of: dt.date) -> pd.DataFrame:
    """The assessment rows, built column by column (a frame from 7,000 dicts costs more), as Python objects: None
    stays NULL."""
    fields = list(Assessment.__dataclass_fields__)
    values = zip(*map(operator.attrgetter(*fields), results)) if results else [[]] * len(fields)
    return pd.DataFrame({"indicator_id": [i for i, _ in items], "geo_code": [g for _, g in items],
                         **dict(zip(fields, map(list, values))), "as_of": [as_of] * len(items)}, dtype=object)


def write_assessments(con: duckdb.DuckDBPyConnection, as_of: dt.date,
                      only: set[tuple[str, str]] | None = None) -> None:
    """Compute and insert the assessment table (only: the rows of these (indicator, geography) pairs, replacing
    those there; a pair left with no observation and not its indicator's headline loses its row)."""
    frame = assessments(con, as_of, only)
    gone = sorted(set(only or ()) - set(zip(frame.get("indicator_id", []), frame.get("geo_code", []))))
    if gone:
        con.execute("""DELETE FROM assessment AS a USING (SELECT unnest($i) AS i, unnest($g) AS g) AS p
                       WHERE a.indicator_id = p.i AND a.geo_code = p.g""",
                    {"i": [i for i, _ in gone], "g": [g for _, g in gone]})
    if frame.empty:
        return
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    con.register("_assess", frame)
    # the rows of `only` replace theirs by key (a third faster than deleting them and inserting anew)
    con.execute(f"INSERT {'OR REPLACE ' if only else ''}INTO assessment ({cols}) SELECT {cols} FROM _assess")
    con.unregister("_assess")
