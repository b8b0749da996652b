-- The latest release of the Digital Agency's DX progress dashboard that has municipal online application rates,
-- with the source's title, publisher, licence and required credit. No row when the tables are missing or empty.
SELECT r.release_date, s.title_ja, s.title_en, s.publisher_ja, s.publisher_en, s.licence, s.attribution
FROM (SELECT max(release_date) AS release_date FROM dx_application_rate WHERE respondent = 'municipality') r
LEFT JOIN source s ON s.source_id = 'dx_dashboard'
WHERE r.release_date IS NOT NULL;
