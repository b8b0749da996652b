-- External sources with their licences and required credits.
SELECT source_id, title_ja, title_en, publisher_ja, publisher_en, licence, attribution, url, describes_date
FROM source ORDER BY source_id;
