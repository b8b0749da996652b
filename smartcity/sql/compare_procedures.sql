-- Online application rates of the municipal procedures for the chosen municipalities in one release: every
-- procedure × municipality; a NULL rate means not handled or not reported (never 0 %). Groups in the order of their
-- first procedure, procedures by sort_order.
WITH chosen AS (
    SELECT unnest($codes::VARCHAR[]) AS geo_code, generate_subscripts($codes::VARCHAR[], 1) AS position
), procs AS (
    SELECT p.*, min(p.sort_order) OVER (PARTITION BY p.group_key) AS group_order
    FROM dx_procedure p
    WHERE p.municipal
)
SELECT p.procedure_key, p.group_key, p.group_ja, p.group_en, p.name_ja, p.name_en, p.sort_order, p.group_order,
       c.geo_code, c.position, r.rate_pct, coalesce(r.reported, false) AS reported, r.geo_code IS NOT NULL AS has_row,
       r.value_as_written, r.source_file, r.source_row, r.source_column
FROM procs p
CROSS JOIN chosen c
LEFT JOIN dx_application_rate r
       ON r.procedure_key = p.procedure_key AND r.geo_code = c.geo_code AND r.respondent = 'municipality'
      AND r.release_date = CAST($release AS DATE)
ORDER BY p.group_order, p.sort_order, c.position;
