-- One geography by its 5-digit JIS code or 6-digit local-government code, with its prefecture, its parent (for a
-- ward) and its population and My Number card figures at the latest snapshot.
WITH latest AS (SELECT max(snapshot_date) AS d FROM mynumber_issuance)
SELECT m.geo_code, m.lg_code, m.level, m.kind, m.name_ja, m.name_en, m.county_ja, m.pref_code,
       m.pref_name_ja, m.pref_name_en, m.is_osaka, m.parent_code,
       p.name_ja AS parent_name_ja, p.name_en AS parent_name_en,
       i.snapshot_date, i.population, i.population_date, i.cards_issued
FROM municipality m
LEFT JOIN municipality p ON p.geo_code = m.parent_code
LEFT JOIN mynumber_issuance i ON i.geo_code = m.geo_code AND i.snapshot_date = (SELECT d FROM latest)
WHERE m.geo_code = $code OR m.lg_code = $code;
