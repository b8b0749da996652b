-- The prefecture's digital support programmes for municipalities, in the order of the source's list.
SELECT s.programme_id, s.area_ja, s.area_en, s.programme_ja, s.programme_en, s.start_fiscal_year, s.municipalities,
       s.stage_ja, s.stage_en, s.is_restatement, s.note, s.source_doc, d.title_ja AS doc_title_ja,
       d.title_en AS doc_title_en, s.source_section, s.source_line
FROM support_programmes s LEFT JOIN documents d USING (source_doc)
ORDER BY s.source_line, s.programme_id;
