-- The officials' publication this build shows (none when the strategy's figures are as transcribed in the repository).
SELECT publication_id, kind, published_at, publisher_ja, publisher_en FROM publication_info;
