-- Smart senior life tablet-lending phases: dates, fiscal year of the start (April–March), tablets lent in the
-- phase, and the phase's areas as written (in source order).
SELECT t.phase_id, t.phase_ja, t.start_date, t.end_date,
       CAST(CASE WHEN CAST(substr(t.start_date, 6, 2) AS INTEGER) >= 4 THEN CAST(substr(t.start_date, 1, 4) AS INTEGER)
                 ELSE CAST(substr(t.start_date, 1, 4) AS INTEGER) - 1 END AS INTEGER) AS fiscal_year,
       t.tablets_lent, t.target_age_min,
       (SELECT string_agg(a.area_ja, '、' ORDER BY a.source_line, a.phase_id) FROM smart_senior_life a
        WHERE a.row_kind = 'phase_area' AND a.phase_ja = t.phase_ja) AS areas_ja,
       (SELECT count(*) FROM smart_senior_life a WHERE a.row_kind = 'phase_area' AND a.phase_ja = t.phase_ja)
           AS n_areas,
       t.source_doc, t.source_section, t.source_line, d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM smart_senior_life t
LEFT JOIN documents d USING (source_doc)
WHERE t.row_kind = 'phase_total'
ORDER BY t.start_date;
