-- The public change log of officials' publications, newest first: what each changed, never who.
SELECT publication_id, kind, published_at, summary_ja, summary_en FROM publication_log ORDER BY publication_id DESC;
