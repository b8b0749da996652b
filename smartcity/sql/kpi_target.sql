-- The target of an indicator for a geography (target_resolved: its own row, else the '*' row) with the quoted document's title.
SELECT t.indicator_id, t.target_geo_code AS geo_code, t.baseline_value, t.baseline_date, t.target_value, t.target_date, t.basis,
       t.quote_ja, t.assumption_reason, t.source_doc, t.source_section, t.source_line,
       d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM target_resolved t
LEFT JOIN documents d ON d.source_doc = t.source_doc
WHERE t.indicator_id = $indicator_id AND t.geo_code = $geo_code;
