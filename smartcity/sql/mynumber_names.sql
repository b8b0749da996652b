-- Every municipality with issuance figures at any snapshot, all of Japan or one prefecture ($pref NULL = all), with
-- names: the rows the table twin can hold at any date (mynumber_municipalities.sql at one date is a subset).
SELECT DISTINCT i.geo_code, m.pref_name_ja, m.pref_name_en, m.name_ja, m.name_en
FROM mynumber_issuance i JOIN municipality m USING (geo_code)
WHERE i.level = 'municipality' AND ($pref IS NULL OR m.pref_code = $pref)
ORDER BY i.geo_code;
