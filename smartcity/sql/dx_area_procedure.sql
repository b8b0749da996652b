-- Every municipality of an area ('osaka', 'japan', 'tokyo') with its online application rate for one procedure
-- ($key, checked against dx_procedure by the caller) at the latest release; NULL = not handled / not reported.
WITH rel AS (SELECT max(release_date) AS d FROM dx_application_rate),
area AS (
    SELECT geo_code, name_ja, name_en, pref_code, pref_name_ja, pref_name_en
    FROM municipality
    WHERE level = 'municipality'
      AND (($area = 'osaka' AND is_osaka) OR $area = 'japan' OR ($area = 'tokyo' AND pref_code = '13'))
)
SELECT a.geo_code, a.name_ja, a.name_en, a.pref_code, a.pref_name_ja, a.pref_name_en, rel.d AS release_date,
       NULL::BOOLEAN AS value_bool, r.rate_pct AS value_pct, r.rate_pct AS value, NULL::INTEGER AS value_count,
       NULL::INTEGER AS numerator, NULL::INTEGER AS denominator, coalesce(r.reported, false) AS reported,
       CASE WHEN r.geo_code IS NULL THEN 'no_row' WHEN NOT r.reported THEN 'not_handled' END AS not_reported_reason,
       r.value_as_written
FROM area a CROSS JOIN rel
LEFT JOIN dx_application_rate r ON r.geo_code = a.geo_code AND r.release_date = rel.d
     AND r.respondent = 'municipality' AND r.procedure_key = $key
ORDER BY a.geo_code;
