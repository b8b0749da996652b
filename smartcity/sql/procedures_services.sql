-- Municipal adoption of three resident services in 2018 and 2022 (Japan, Tokyo, Osaka), with the source document.
SELECT s.service_id, s.service_ja, s.service_en, s.year, s.geo_code, s.rate_pct, s.note, s.source_doc,
       s.source_section, s.source_line, d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM municipal_service_adoption s LEFT JOIN documents d USING (source_doc)
ORDER BY s.source_line, s.year;
