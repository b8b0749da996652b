-- The strategy slides' eleven procedures (2021 survey, reference table `procedures`) beside the release's figures
-- for the matched procedure (dx_slide_procedure): per area, the share of municipalities reporting a rate and the
-- median and mean of their rates. Areas as the slides: Osaka 43, Japan, Tokyo without its islands (codes < 13360).
-- A slide procedure without a match row counts as match 'none'. $release: the release date.
WITH areas AS (
    SELECT '27000' AS area_code, geo_code FROM municipality WHERE level = 'municipality' AND pref_code = '27'
    UNION ALL
    SELECT '00000', geo_code FROM municipality WHERE level = 'municipality'
    UNION ALL
    SELECT '13000', geo_code FROM municipality WHERE level = 'municipality' AND pref_code = '13' AND geo_code < '13360'
), stats AS (
    SELECT s.procedure_key, a.area_code,
           count(*)                        AS n_municipalities,
           count(r.rate_pct)               AS n_reported,
           quantile_cont(r.rate_pct, 0.5)  AS rate_median,
           avg(r.rate_pct)                 AS rate_mean
    FROM dx_slide_procedure s
    CROSS JOIN areas a
    LEFT JOIN dx_application_rate r
           ON r.procedure_key = s.procedure_key AND r.geo_code = a.geo_code AND r.release_date = $release
          AND r.respondent = 'municipality'
    WHERE s.procedure_key IS NOT NULL
    GROUP BY ALL
)
SELECT p.procedure_id, p.user_type_ja, p.user_type_en, p.procedure_ja, p.procedure_en, p.geo_code,
       p.adoption_rate_pct, p.online_rate_pct, p.source_doc, p.source_section, p.source_line,
       d.title_ja AS doc_title_ja, d.title_en AS doc_title_en,
       coalesce(s.match, 'none') AS match, s.note_ja, s.note_en, s.procedure_key,
       x.name_ja AS dx_name_ja, x.name_en AS dx_name_en,
       st.n_municipalities, st.n_reported, st.rate_median, st.rate_mean
FROM procedures p
LEFT JOIN documents d USING (source_doc)
LEFT JOIN dx_slide_procedure s ON s.slide_procedure_id = p.procedure_id
LEFT JOIN dx_procedure x ON x.procedure_key = s.procedure_key
LEFT JOIN stats st ON st.procedure_key = s.procedure_key AND st.area_code = p.geo_code
ORDER BY p.source_line, p.geo_code;
