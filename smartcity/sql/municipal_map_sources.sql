-- The documents and sections behind each count measure of the Osaka map (rows that name a municipality or ward).
WITH rows AS (
    SELECT 'ospf' AS measure, source_doc, source_section, source_line
    FROM ospf_projects WHERE row_kind = 'project' AND muni_code IS NOT NULL
    UNION ALL
    SELECT 'ai_ondemand', source_doc, source_section, source_line
    FROM ai_ondemand_transport WHERE muni_code IS NOT NULL OR ward_code IS NOT NULL
    UNION ALL
    SELECT 'smart_senior', source_doc, source_section, source_line
    FROM smart_senior_life WHERE muni_code IS NOT NULL OR ward_code IS NOT NULL
)
SELECT r.measure, r.source_doc, d.title_ja AS doc_title_ja, d.title_en AS doc_title_en, r.source_section,
       min(r.source_line) AS first_line, max(r.source_line) AS last_line
FROM rows r LEFT JOIN documents d USING (source_doc)
GROUP BY ALL
ORDER BY r.measure, r.source_doc, first_line;
