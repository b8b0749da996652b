-- The eleven procedures: adoption and online-procedure rates for Japan, Tokyo and Osaka, with the source document.
SELECT p.procedure_id, p.user_type_ja, p.user_type_en, p.procedure_ja, p.procedure_en, p.geo_code,
       p.adoption_rate_pct, p.online_rate_pct, p.osaka_with, p.osaka_without, p.source_doc, p.source_section,
       p.source_line, d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM procedures p LEFT JOIN documents d USING (source_doc)
ORDER BY p.source_line, p.geo_code;
