-- Municipalities' issuance at one snapshot, all of Japan or one prefecture ($pref NULL = all), with names.
-- rate_pct = 100 * cards / population (as the observation table), rounded to 2 decimals.
SELECT i.geo_code, m.pref_code, m.pref_name_ja, m.pref_name_en, m.name_ja, m.name_en, i.population,
       i.cards_issued, round(100.0 * i.cards_issued / i.population, 2) AS rate_pct, i.rate_published_pct,
       i.snapshot_date
FROM mynumber_issuance i JOIN municipality m USING (geo_code)
WHERE i.level = 'municipality' AND i.snapshot_date = CAST($date AS DATE)
  AND ($pref IS NULL OR m.pref_code = $pref)
ORDER BY i.geo_code;
