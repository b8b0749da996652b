-- One municipality's online application rate for every municipal procedure at the latest release. rate_pct NULL
-- means the municipality does not handle the procedure or reported no online route: never 0 %.
WITH rel AS (SELECT max(release_date) AS d FROM dx_application_rate)
SELECT p.procedure_key, 'proc:' || p.procedure_key AS measure, p.group_key, p.group_ja, p.group_en, p.name_ja,
       p.name_en, p.sort_order, rel.d AS release_date, r.rate_pct, coalesce(r.reported, false) AS reported,
       r.value_as_written, r.source_file, r.source_row, r.source_column
FROM dx_procedure p CROSS JOIN rel
LEFT JOIN dx_application_rate r ON r.procedure_key = p.procedure_key AND r.release_date = rel.d
     AND r.respondent = 'municipality' AND r.geo_code = $code
WHERE p.municipal
ORDER BY p.sort_order;
