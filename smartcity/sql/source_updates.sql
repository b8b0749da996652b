-- Per source: how often it publishes, the date of the newest data loaded (the newest snapshot or release, else the
-- date the manifest says the source describes, else the newest strategy document), as ISO text (YYYY-MM-DD or YYYY-MM).
WITH files AS (
    SELECT source_id, strftime(max(snapshot_date), '%Y-%m-%d') AS newest FROM source_file GROUP BY source_id
)
SELECT s.source_id, s.title_ja, s.title_en, s.publisher_ja, s.publisher_en, s.update_frequency,
       coalesce(f.newest,
                CASE WHEN regexp_matches(s.describes_date, '^\d{4}-\d{2}-\d{2}$') THEN s.describes_date END,
                CASE WHEN s.kind = 'reference' THEN (SELECT max(document_date) FROM documents) END) AS latest
FROM source s
LEFT JOIN files f USING (source_id)
ORDER BY s.source_id;
