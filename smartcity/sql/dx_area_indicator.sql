-- Every municipality of an area ('osaka' = Osaka's 43, 'japan' = Japan's 1,741, 'tokyo' = Tokyo's 62) with its
-- answer to one indicator ($key, checked against dx_indicator by the caller) at the latest release.
WITH rel AS (SELECT max(release_date) AS d FROM dx_indicator_value),
area AS (
    SELECT geo_code, name_ja, name_en, pref_code, pref_name_ja, pref_name_en
    FROM municipality
    WHERE level = 'municipality'
      AND (($area = 'osaka' AND is_osaka) OR $area = 'japan' OR ($area = 'tokyo' AND pref_code = '13'))
)
SELECT a.geo_code, a.name_ja, a.name_en, a.pref_code, a.pref_name_ja, a.pref_name_en, rel.d AS release_date,
       v.value_bool, v.value_pct, coalesce(v.value_pct, v.value_count::DOUBLE) AS value, v.value_count,
       v.numerator, v.denominator, coalesce(v.reported, false) AS reported,
       CASE WHEN v.geo_code IS NULL THEN 'no_row' ELSE v.not_reported_reason END AS not_reported_reason,
       v.value_as_written
FROM area a CROSS JOIN rel
LEFT JOIN dx_indicator_value v ON v.geo_code = a.geo_code AND v.release_date = rel.d
     AND v.respondent = 'municipality' AND v.indicator_key = $key
ORDER BY a.geo_code;
