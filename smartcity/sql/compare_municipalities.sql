-- Japan's municipalities (1,741) with their prefecture, in code order: the choices and the check of codes.
SELECT geo_code, name_ja, name_en, pref_code, pref_name_ja, pref_name_en
FROM municipality
WHERE level = 'municipality'
ORDER BY geo_code;
