-- The highest municipal issuance rate over every snapshot ($pref NULL = all of Japan), for a fixed colour range.
SELECT max(100.0 * i.cards_issued / i.population) AS max_rate
FROM mynumber_issuance i JOIN municipality m USING (geo_code)
WHERE i.level = 'municipality' AND ($pref IS NULL OR m.pref_code = $pref);
