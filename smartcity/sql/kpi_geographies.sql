-- Geographies with observations of an indicator: Osaka Prefecture, Japan, Tokyo, Osaka's municipalities, then the
-- others by prefecture (each prefecture before its municipalities).
SELECT o.geo_code, m.name_ja, coalesce(m.name_en, m.name_ja) AS name_en, m.level, m.pref_code,
       coalesce(m.pref_name_ja, '') AS pref_name_ja, coalesce(m.pref_name_en, m.pref_name_ja, '') AS pref_name_en,
       m.is_osaka, count(*) AS n_observations, max(o.period_end) AS latest_period_end
FROM observation o
JOIN municipality m ON m.geo_code = o.geo_code
WHERE o.indicator_id = $indicator_id
GROUP BY o.geo_code, m.name_ja, m.name_en, m.level, m.pref_code, m.pref_name_ja, m.pref_name_en, m.is_osaka
ORDER BY CASE o.geo_code WHEN '27000' THEN 0 WHEN '00000' THEN 1 WHEN '13000' THEN 2 ELSE 3 END,
         NOT m.is_osaka, m.pref_code, m.level <> 'prefecture', o.geo_code;
