-- How many of the DX release's tables this database holds (an older database has none of them).
SELECT count(*) AS n
FROM information_schema.tables
WHERE table_name IN ('dx_procedure', 'dx_application_rate', 'dx_slide_procedure');
