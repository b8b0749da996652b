"""Post-load checks of the new database; any failure stops the build before the swap."""
from __future__ import annotations

import duckdb

from etl.errors import EtlError, Problem

# (name, SQL returning offending rows as (where, reason)). Primary keys and CHECKs are enforced by the schema.
CHECKS = [
    ("row reconciliation", """
        SELECT file, 'rows read ' || rows_read || ' <> loaded ' || rows_loaded || ' + quarantined ' || rows_quarantined
        FROM source_file WHERE rows_read <> rows_loaded + rows_quarantined"""),
    ("quarantine count", """
        SELECT f.file, 'source_file says ' || f.rows_quarantined || ' quarantined, rejected_row has ' || count(r.file)
        FROM source_file f LEFT JOIN rejected_row r USING (file)
        GROUP BY f.file, f.rows_quarantined HAVING count(r.file) <> f.rows_quarantined"""),
    ("issuance rows per file", """
        SELECT f.file, 'source_file says ' || f.rows_loaded || ' loaded, mynumber_issuance has ' || count(i.source_file)
        FROM source_file f LEFT JOIN mynumber_issuance i ON i.source_file = f.file
        WHERE f.file LIKE '%all_localgovs.csv' OR f.file LIKE '%all_prefectures.csv'
        GROUP BY f.file, f.rows_loaded HAVING count(i.source_file) <> f.rows_loaded"""),
    ("observation indicators", """
        SELECT DISTINCT 'observation ' || o.indicator_id, 'indicator is not defined in data/kpi/indicators.csv'
        FROM observation o ANTI JOIN indicator i USING (indicator_id)"""),
    ("target indicators", """
        SELECT 'target ' || t.indicator_id, 'indicator is not defined in data/kpi/indicators.csv'
        FROM target t ANTI JOIN indicator i USING (indicator_id)"""),
    ("target geographies", """
        SELECT 'target ' || t.indicator_id || ' ' || t.geo_code, 'geo_code is neither * nor a known code'
        FROM target t WHERE t.geo_code <> '*' AND t.geo_code NOT IN (SELECT geo_code FROM municipality)"""),
    ("observation bounds", """
        SELECT 'observation ' || o.indicator_id || ' ' || o.geo_code || ' ' || o.period_end,
               'value ' || o.value || ' outside [' || coalesce(i.lower_bound, '-inf') || ', '
               || coalesce(i.upper_bound, 'inf') || '] from ' || o.source_ref
        FROM observation o JOIN indicator i USING (indicator_id)
        WHERE o.value < coalesce(i.lower_bound, -1e308) OR o.value > coalesce(i.upper_bound, 1e308)"""),
    ("Osaka boundaries", """
        SELECT 'boundary osaka_municipality', count(*) || ' features, expected one per Osaka municipality'
        FROM boundary WHERE layer = 'osaka_municipality'
        HAVING count(*) <> (SELECT count(*) FROM municipality WHERE level = 'municipality' AND pref_code = '27')"""),
    ("national boundaries", """
        SELECT 'boundary japan_municipality', count(*) || ' features, expected one per municipality'
        FROM boundary WHERE layer = 'japan_municipality'
        HAVING count(*) <> (SELECT count(*) FROM municipality WHERE level = 'municipality')"""),
    ("indicators without data", """
        SELECT 'indicator ' || i.indicator_id,
               'has no observation and no declared reason (no_observation_reason_en in data/kpi/indicators.csv); '
               || 'its derivation belongs in etl/sql/observations/' || i.indicator_id || '.sql'
        FROM indicator i
        WHERE i.no_observation_reason_en IS NULL
          AND NOT EXISTS (SELECT 1 FROM observation o WHERE o.indicator_id = i.indicator_id)"""),
    ("target reasons", """
        SELECT 'target ' || t.indicator_id || ' ' || t.geo_code,
               CASE WHEN t.basis = 'assumption' THEN 'an assumed target needs assumption_reason_ja and _en'
                    WHEN t.basis = 'quotation' AND t.date_basis = 'assumption'
                    THEN 'a quoted target with an assumed date needs date_assumption_ja and _en'
                    ELSE 'a quoted target needs its quote_ja and source_doc' END
        FROM target t
        WHERE (t.basis = 'assumption' AND (t.assumption_reason_ja IS NULL OR t.assumption_reason_en IS NULL))
           OR (t.basis = 'quotation' AND t.date_basis = 'assumption'
               AND (t.date_assumption_ja IS NULL OR t.date_assumption_en IS NULL))
           OR (t.basis = 'quotation' AND (t.quote_ja IS NULL OR t.source_doc IS NULL))
           OR (t.basis = 'assumption' AND t.date_basis <> 'assumption')"""),
    ("indicator documents", """
        SELECT 'indicator ' || i.indicator_id, 'source_doc ' || i.source_doc || ' is not in data/reference/documents.csv'
        FROM indicator i WHERE i.source_doc IS NOT NULL AND i.source_doc NOT IN (SELECT source_doc FROM documents)"""),
    ("assessments", """
        SELECT 'indicator ' || i.indicator_id, 'no assessment for the headline geography'
        FROM indicator i ANTI JOIN assessment a ON a.indicator_id = i.indicator_id AND a.geo_code = i.headline_geo_code"""),
]


def validate(con: duckdb.DuckDBPyConnection) -> None:
    """Run every check; raise one EtlError listing all failures."""
    problems = []
    for name, sql in CHECKS:
        for where, reason in con.execute(sql).fetchall()[:20]:
            problems.append(Problem(str(where), None, None, f"validation '{name}' failed: {reason}"))
    if problems:
        raise EtlError(problems)
