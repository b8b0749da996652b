-- Entered directly (data/kpi/observation_entries.csv, updated by officials through the app): no other table derives it.
INSERT INTO observation
SELECT indicator_id, geo_code, period_end_of(period), value, numerator, denominator, 'reference:observation_entry',
       source_doc || ' ' || source_section || coalesce(' (l.' || source_line || ')', '')
FROM observation_entry
WHERE indicator_id = 'core_system_standardization';
