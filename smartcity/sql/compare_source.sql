-- The DX dashboard's source entry: publisher as the credit names it, title and address.
SELECT source_id, title_ja, title_en, publisher_ja, publisher_en, url, licence, attribution, describes_date
FROM source
WHERE kind = 'dx_dashboard'
ORDER BY source_id
LIMIT 1;
