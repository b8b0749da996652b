-- The prefecture's online administration system: summary figures and the largest procedures (approximate values).
SELECT a.item_id, a.item_type, a.item_ja, a.item_en, a.period_ja, a.as_of_date, a.value, a.unit, a.note,
       a.source_doc, a.source_section, a.source_line, d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM pref_online_applications a LEFT JOIN documents d USING (source_doc)
ORDER BY a.item_type DESC, a.value DESC;
