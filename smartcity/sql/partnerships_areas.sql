-- Areas of the AI on-demand transport projects and the smart senior life pilot that name a municipality, at ward
-- level where the source names the ward (geo_code = ward, else municipality). Smart senior life areas carry their
-- phase, its dates, the fiscal year it started (April–March) and the phase's tablet total.
WITH entries AS (
    SELECT 'ai_ondemand' AS programme, a.project_id AS entry_id, a.kind, a.fiscal_year, NULL AS phase_ja,
           a.start_date, a.end_date, a.title_ja, a.title_en, a.area_ja, a.operator_ja,
           CAST(NULL AS BIGINT) AS tablets_lent, a.muni_code, a.ward_code, a.source_doc, a.source_section,
           a.source_line
    FROM ai_ondemand_transport a
    WHERE a.muni_code IS NOT NULL
    UNION ALL
    SELECT 'smart_senior_life', s.phase_id, 'phase_area',
           CAST(CASE WHEN s.start_date IS NULL THEN NULL
                     WHEN CAST(substr(s.start_date, 6, 2) AS INTEGER) >= 4 THEN CAST(substr(s.start_date, 1, 4) AS INTEGER)
                     ELSE CAST(substr(s.start_date, 1, 4) AS INTEGER) - 1 END AS INTEGER),
           s.phase_ja, s.start_date, s.end_date, NULL, NULL, s.area_ja, NULL, t.tablets_lent, s.muni_code,
           s.ward_code, s.source_doc, s.source_section, s.source_line
    FROM smart_senior_life s
    LEFT JOIN smart_senior_life t ON t.row_kind = 'phase_total' AND t.phase_ja = s.phase_ja
    WHERE s.row_kind = 'phase_area' AND s.muni_code IS NOT NULL
)
SELECT e.*, coalesce(e.ward_code, e.muni_code) AS geo_code,
       m.name_ja AS muni_ja, m.name_en AS muni_en, w.name_ja AS ward_ja, w.name_en AS ward_en,
       d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM entries e
JOIN municipality m ON m.geo_code = e.muni_code
LEFT JOIN municipality w ON w.geo_code = e.ward_code
LEFT JOIN documents d ON d.source_doc = e.source_doc
ORDER BY e.programme, e.muni_code, e.ward_code, e.start_date, e.entry_id;
