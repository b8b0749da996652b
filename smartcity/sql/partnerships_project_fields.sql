-- OSPF projects by field (the overview table of document 002): municipalities, start year and stage, with the
-- FY2022 working-group mark from document 000 and the number of named projects in the field.
SELECT f.field_id, f.field_ja, f.field_en, f.stage, f.start_fiscal_year, f.n_municipalities,
       w.working_group, (SELECT count(*) FROM ospf_projects p WHERE p.row_kind = 'project' AND p.field_id = f.field_id)
           AS named_projects,
       f.source_doc, f.source_section, f.source_line, d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM ospf_projects f
LEFT JOIN ospf_projects w ON w.row_kind = 'field_list_fy2022' AND w.field_id = f.field_id
LEFT JOIN documents d ON d.source_doc = f.source_doc
WHERE f.row_kind = 'field_summary'
ORDER BY f.source_line;
