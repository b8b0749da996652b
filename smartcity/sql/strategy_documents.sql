-- The seed documents the reference tables are transcribed from.
SELECT source_doc, title_ja, title_en, publisher_ja, publisher_en, document_date, kind, note FROM documents
ORDER BY source_doc;
