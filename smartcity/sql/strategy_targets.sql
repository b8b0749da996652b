-- Targets and deadlines quoted verbatim from the strategy documents, with document, section and line.
SELECT t.target_id, t.topic, t.quote_ja, t.target_value, t.target_unit, t.target_date, t.note, t.source_doc,
       t.source_section, t.source_line, d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM strategy_targets t
LEFT JOIN documents d ON d.source_doc = t.source_doc
ORDER BY t.rowid;
