-- Counts of smart-city and OSPF projects by date, as stated in the strategy documents.
SELECT c.count_id, c.as_of_date, c.scope_ja, c.scope_en, c.projects, c.implemented, c.municipalities, c.fields,
       coalesce(c.is_cumulative, false) AS is_cumulative, c.note, c.source_doc, c.source_section, c.source_line,
       d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM strategy_project_counts c
LEFT JOIN documents d USING (source_doc)
ORDER BY c.as_of_date, c.source_doc, c.source_line;
