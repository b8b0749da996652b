-- Japan's median of municipalities for each percentage indicator in one release (municipalities with a figure).
SELECT i.indicator_key, i.name_ja, i.name_en, i.sort_order,
       median(v.value_pct) AS median_pct, count(v.value_pct) AS n_reported,
       count(*) AS n_rows
FROM dx_indicator i
JOIN dx_indicator_value v ON v.indicator_key = i.indicator_key
JOIN municipality m ON m.geo_code = v.geo_code AND m.level = 'municipality'
WHERE i.municipal AND i.value_type = 'percent' AND v.respondent = 'municipality'
  AND v.release_date = CAST($release AS DATE)
GROUP BY ALL
ORDER BY i.sort_order;
