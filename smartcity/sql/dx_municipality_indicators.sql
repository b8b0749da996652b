-- One municipality's answer to every municipal indicator at the latest release. A missing answer stays a row with
-- reported = false and its reason (not_surveyed, percent_sign_only, empty; 'no_row' when the file had no cell).
WITH rel AS (SELECT max(release_date) AS d FROM dx_indicator_value)
SELECT i.indicator_key, 'dx:' || i.indicator_key AS measure, i.group_ja, i.group_en, i.name_ja, i.name_en,
       i.value_type, i.sort_order, i.description_ja, i.description_en, rel.d AS release_date,
       v.value_bool, v.value_pct, v.value_count, v.numerator, v.denominator, coalesce(v.reported, false) AS reported,
       CASE WHEN v.geo_code IS NULL THEN 'no_row' ELSE v.not_reported_reason END AS not_reported_reason,
       v.value_as_written, v.source_file, v.source_row, v.source_column
FROM dx_indicator i CROSS JOIN rel
LEFT JOIN dx_indicator_value v ON v.indicator_key = i.indicator_key AND v.release_date = rel.d
     AND v.respondent = 'municipality' AND v.geo_code = $code
WHERE i.municipal
ORDER BY i.sort_order;
