-- Digital Health Fund Osaka: the items transcribed from the strategy document, in the document's order.
SELECT f.item_id, f.date, f.date_as_written, f.item_ja, f.item_en, f.value, f.unit, f.note,
       f.source_doc, f.source_section, f.source_line, d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM digital_health_fund f
LEFT JOIN documents d USING (source_doc)
ORDER BY f.source_line, f.item_id;
