-- Share of Osaka's population living in municipalities with the e-application system, per fiscal year.
INSERT INTO observation
SELECT 'muni_e_application_population_coverage', '27000', make_date(year + 1, 3, 31), population_coverage_pct,
       NULL, NULL, 'reference:e_application_coverage', doc_ref(source_doc, source_section, source_line)
FROM e_application_coverage;
