-- The strategy's versions (ver.1.0, ver.2.0, the 2030 plan) in order, with their source document's title.
SELECT v.version_id, v.name_ja, v.name_en, v.adopted_date, v.target_year, v.summary_ja, v.summary_en, v.note,
       v.source_doc, v.source_section, v.source_line, d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM strategy_versions v
LEFT JOIN documents d ON d.source_doc = v.source_doc
ORDER BY v.rowid;
