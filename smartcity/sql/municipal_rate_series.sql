-- My Number card issuance rate at every snapshot for a municipality, its prefecture and Japan.
WITH me AS (SELECT geo_code, pref_code FROM municipality WHERE geo_code = $code AND level = 'municipality')
SELECT o.geo_code,
       CASE WHEN o.geo_code = me.geo_code THEN 'municipality'
            WHEN o.geo_code = '00000' THEN 'nation' ELSE 'prefecture' END AS role,
       m.name_ja, m.name_en, o.period_end, o.value, o.numerator, o.denominator
FROM observation o
JOIN me ON o.geo_code IN (me.geo_code, me.pref_code || '000', '00000')
JOIN municipality m ON m.geo_code = o.geo_code
WHERE o.indicator_id = 'mynumber_card_issuance_rate'
ORDER BY CASE role WHEN 'municipality' THEN 0 WHEN 'prefecture' THEN 1 ELSE 2 END, o.period_end;
