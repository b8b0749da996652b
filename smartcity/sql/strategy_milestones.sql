-- Milestones with their date as written (YYYY, YYYY-MM or YYYY-MM-DD), its precision, kind and source.
SELECT m.milestone_id, m.date, m.date_precision, m.kind, m.title_ja, m.title_en, m.version_id, m.note,
       m.source_doc, m.source_section, m.source_line, d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM milestones m
LEFT JOIN documents d ON d.source_doc = m.source_doc
ORDER BY m.date, m.milestone_id;
