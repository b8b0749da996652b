-- Municipalities with the e-application system and the share of the population they cover.
SELECT c.year, c.municipalities, c.population_coverage_pct, c.source_doc, d.title_ja AS doc_title_ja,
       d.title_en AS doc_title_en, c.source_section, c.source_line
FROM e_application_coverage c LEFT JOIN documents d USING (source_doc)
ORDER BY c.year;
