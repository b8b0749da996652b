-- Observations of an indicator at the given geographies (a bound list), with the geographies' names. A figure
-- transcribed from a strategy document carries its document and section (the ETL's doc_ref writes its source_ref
-- as 'document section (l.N)', etl/sql/kpi_views.sql), so the page can cite it; source_ref stays the provenance.
SELECT o.indicator_id, o.geo_code, m.name_ja AS geo_name_ja, coalesce(m.name_en, m.name_ja) AS geo_name_en,
       o.period_end, o.value, o.numerator, o.denominator, o.source_id, o.source_ref,
       nullif(regexp_extract(o.source_ref, '^(\d{3}_[0-9a-f]{16}\.txt) ', 1), '') AS source_doc,
       nullif(regexp_extract(o.source_ref, '^\d{3}_[0-9a-f]{16}\.txt (.*) \(l\.\d+\)$', 1), '') AS source_section
FROM observation o
JOIN municipality m ON m.geo_code = o.geo_code
WHERE o.indicator_id = $indicator_id AND list_contains($geo_codes, o.geo_code)
ORDER BY o.geo_code, o.period_end;
