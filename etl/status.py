"""`python -m etl status`: what the current database holds and where it came from."""
from __future__ import annotations

from common.settings import Settings
from common.duck import connect

QUERIES = {
    "build": "SELECT built_at, round(duration_seconds, 1), as_of, snapshots, first_snapshot, last_snapshot FROM build_info",
    "sources": """
        SELECT s.source_id, count(f.file) AS files, sum(f.rows_read) AS read, sum(f.rows_loaded) AS loaded,
               sum(f.rows_quarantined) AS quarantined, string_agg(DISTINCT f.origin, ',') AS origin
        FROM source s LEFT JOIN source_file f USING (source_id) GROUP BY s.source_id ORDER BY s.source_id""",
    "mynumber": """
        SELECT count(DISTINCT snapshot_date), count(*) FILTER (WHERE level = 'municipality'),
               count(*) FILTER (WHERE level = 'prefecture'), count(*) FILTER (WHERE level = 'nation'),
               count(*) FILTER (WHERE code_resolved_by = 'name' AND level = 'municipality')
        FROM mynumber_issuance""",
    "quarantine_localgovs": """
        SELECT count(*) FROM rejected_row WHERE file LIKE 'mynumbercard/%/all_localgovs.csv'""",
    "releases": """
        SELECT source_id, count(DISTINCT snapshot_date), min(snapshot_date), max(snapshot_date)
        FROM source_file WHERE snapshot_date IS NOT NULL GROUP BY source_id ORDER BY source_id""",
    "dx_files": """
        SELECT f.snapshot_date, split_part(f.file, '/', 3), f.rows_read, f.rows_loaded, f.rows_quarantined,
               count(DISTINCT r.row_number) AS rows_with_rejects
        FROM source_file f LEFT JOIN rejected_row r USING (file)
        WHERE f.source_id = 'dx_dashboard' GROUP BY ALL ORDER BY 1, 2""",
    "boundaries": """
        SELECT layer, count(*), count(*) FILTER (WHERE has_geometry) FROM boundary GROUP BY layer ORDER BY layer""",
    "rejected": "SELECT reason, count(*) FROM rejected_row GROUP BY reason ORDER BY count(*) DESC",
    "flagged": """
        SELECT file, row_number, column_name, subject, published_pct, computed_pct, tolerance_pct
        FROM rate_flag ORDER BY file, row_number, column_name""",
    "kpi": """SELECT (SELECT count(*) FROM indicator), (SELECT count(*) FROM target), (SELECT count(*) FROM observation),
                     (SELECT count(*) FROM assessment)""",
}


def print_status(settings: Settings) -> int:
    """Print the report; 2 when the database does not exist."""
    if not settings.db_path.is_file():
        print(f"no database at {settings.db_path}: run `python -m etl build`")
        return 2
    with connect(settings.db_path) as con:
        q = {k: con.execute(v).fetchall() for k, v in QUERIES.items()}
        headline = con.execute("""
            SELECT a.indicator_id, a.status, a.latest_value, a.latest_period_end, a.target_value, a.target_date
            FROM assessment a JOIN indicator i ON i.indicator_id = a.indicator_id AND a.geo_code = i.headline_geo_code
            ORDER BY i.sort_order""").fetchall()
    built_at, secs, as_of, n_snap, first, last = q["build"][0]
    print(f"database: {settings.db_path}")
    print(f"built:    {built_at:%Y-%m-%d %H:%M:%S} UTC in {secs} s (assessed as of {as_of})")
    print("\nsources (files, rows read = loaded + quarantined, origin):")
    for sid, files, read, loaded, quar, origin in q["sources"]:
        print(f"  {sid:<20} {files:>4} files  read {read or 0:>8}  loaded {loaded or 0:>8}  "
              f"quarantined {quar or 0:>4}  ({origin or '-'})")
    snaps, munis, prefs, nation, by_name = q["mynumber"][0]
    quarantined = q["quarantine_localgovs"][0][0]
    print(f"\nMy Number snapshots: {snaps} ({first} .. {last})")
    print(f"  municipality rows: {munis} loaded + {quarantined} quarantined = {munis + quarantined} "
          f"(= {snaps} snapshots x {(munis + quarantined) / snaps if snaps else 0:.0f}); {by_name} resolved by name")
    print(f"  prefecture rows: {prefs}, national rows: {nation}")
    print("\ndated releases (folders discovered in the cache, the mirror or the manifest):")
    for sid, n, first_r, last_r in q["releases"]:
        print(f"  {sid:<20} {n:>3} ({first_r} .. {last_r})")
    if q["dx_files"]:
        print("\nDX progress release values (one per cell: read = loaded + quarantined):")
        for release, name, read, loaded, quar, _ in q["dx_files"]:
            print(f"  {release} {name:<40} read {read:>6} = loaded {loaded:>6} + quarantined {quar:>4}")
    print("\nboundaries (features, with geometry):")
    for layer, n, with_geom in q["boundaries"]:
        print(f"  {layer:<20} {n:>5} ({with_geom} with geometry)")
    print("\nrejected rows by reason:")
    for reason, n in q["rejected"] or [("none", 0)]:
        print(f"  {n:>5}  {reason}")
    _print_flags(q["flagged"])
    n_ind, n_tgt, n_obs, n_ass = q["kpi"][0]
    print(f"\nKPI model: {n_ind} indicators, {n_tgt} targets, {n_obs} observations, {n_ass} assessments")
    for ind, status, value, period, target, tdate in headline:
        shown = "-" if value is None else f"{value:g} ({period})"
        print(f"  {ind:<42} {status:<15} latest {shown:<24} target {target if target is not None else '-'} {tdate or ''}")
    return 0


def _print_flags(rows: list[tuple], shown: int = 30) -> None:
    """Published rates that differ from the rate computed from their own row (kept, flagged; etl/completeness.py)."""
    print(f"\npublished rates that differ from the rate computed from their row's counts (kept, flagged): {len(rows)}")
    for file, row, column, subject, published, computed, tolerance in rows[:shown]:
        computed_text = "cannot be computed (denominator 0)" if computed is None else f"computed {computed:.3f}"
        print(f"  {file}, row {row}, {column} ({subject}): published {published:g}, {computed_text} "
              f"(rounding ±{tolerance:g})")
    if len(rows) > shown:
        print(f"  … and {len(rows) - shown} more (table rate_flag)")
