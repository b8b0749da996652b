-- The municipal DX indicators for the chosen municipalities in one release: every indicator × municipality, with
-- the value (or the reason there is none) when the release has a row for it.
WITH chosen AS (
    SELECT unnest($codes::VARCHAR[]) AS geo_code, generate_subscripts($codes::VARCHAR[], 1) AS position
)
SELECT i.indicator_key, i.group_ja, i.group_en, i.name_ja, i.name_en, i.value_type, i.sort_order,
       i.description_ja, i.description_en, c.geo_code, c.position,
       v.value_bool, v.value_pct, v.value_count, v.numerator, v.denominator,
       coalesce(v.reported, false) AS reported,
       CASE WHEN v.geo_code IS NULL THEN 'no_row' ELSE v.not_reported_reason END AS not_reported_reason,
       v.value_as_written, v.source_file, v.source_row, v.source_column
FROM dx_indicator i
CROSS JOIN chosen c
LEFT JOIN dx_indicator_value v
       ON v.indicator_key = i.indicator_key AND v.geo_code = c.geo_code AND v.respondent = 'municipality'
      AND v.release_date = CAST($release AS DATE)
WHERE i.municipal
ORDER BY i.sort_order, c.position;
