-- Osaka's 43 municipalities x every boolean and percentage indicator at the latest release (long form: one row per
-- municipality and indicator; the figure module pivots it).
WITH rel AS (SELECT max(release_date) AS d FROM dx_indicator_value)
SELECT m.geo_code, m.name_ja, m.name_en, i.indicator_key, i.value_type, i.sort_order, i.name_ja AS indicator_ja,
       i.name_en AS indicator_en, rel.d AS release_date, v.value_bool, v.value_pct, v.numerator, v.denominator,
       coalesce(v.reported, false) AS reported,
       CASE WHEN v.geo_code IS NULL THEN 'no_row' ELSE v.not_reported_reason END AS not_reported_reason
FROM municipality m CROSS JOIN dx_indicator i CROSS JOIN rel
LEFT JOIN dx_indicator_value v ON v.geo_code = m.geo_code AND v.indicator_key = i.indicator_key
     AND v.release_date = rel.d AND v.respondent = 'municipality'
WHERE m.level = 'municipality' AND m.is_osaka AND i.municipal AND i.value_type IN ('boolean', 'percent')
ORDER BY m.geo_code, i.sort_order;
