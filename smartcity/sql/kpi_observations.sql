-- Observations of an indicator at the given geographies (a bound list), with the geographies' names.
SELECT o.indicator_id, o.geo_code, m.name_ja AS geo_name_ja, coalesce(m.name_en, m.name_ja) AS geo_name_en,
       o.period_end, o.value, o.numerator, o.denominator, o.source_id, o.source_ref
FROM observation o
JOIN municipality m ON m.geo_code = o.geo_code
WHERE o.indicator_id = $indicator_id AND list_contains($geo_codes, o.geo_code)
ORDER BY o.geo_code, o.period_end;
