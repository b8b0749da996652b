-- Named OSPF projects with field, municipality (null when the source names none) and stage (null when not stated).
SELECT p.project_id, p.field_id, p.field_ja, p.field_en, p.title_ja, p.title_en, p.muni_code,
       p.muni_name_ja, m.name_ja AS muni_ja, m.name_en AS muni_en, p.area_ja, p.stage, p.start_fiscal_year,
       p.note, p.source_doc, p.source_section, p.source_line,
       d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM ospf_projects p
LEFT JOIN municipality m ON m.geo_code = p.muni_code
LEFT JOIN documents d USING (source_doc)
WHERE p.row_kind = 'project'
ORDER BY p.field_id IS NULL, p.muni_code IS NULL, p.muni_code, p.source_doc, p.source_line;
