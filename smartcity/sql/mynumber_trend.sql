-- Osaka Prefecture, Tokyo and Japan at every snapshot.
SELECT i.snapshot_date, i.geo_code, m.name_ja, m.name_en, i.population, i.cards_issued,
       round(100.0 * i.cards_issued / i.population, 2) AS rate_pct, i.rate_published_pct
FROM mynumber_issuance i JOIN municipality m USING (geo_code)
WHERE i.geo_code IN ('27000', '13000', '00000')
ORDER BY i.snapshot_date, i.geo_code;
