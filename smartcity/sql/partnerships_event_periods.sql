-- The periods (tables) of OSPF event totals: one per source table. A table without an as-of date is named by its
-- document ('doc' + the document's number); `is_partial` marks a table the source calls 一部 (partial list).
SELECT coalesce(e.as_of_date, 'doc' || substr(e.source_doc, 1, 3)) AS period_id,
       max(e.as_of_date) AS as_of_date, max(e.period_ja) AS period_ja, e.source_doc,
       max(e.source_section) AS source_section, count(*) AS n_events,
       bool_or(coalesce(e.note, '') LIKE '%※一部%') AS is_partial,
       max(d.document_date) AS document_date, max(d.title_ja) AS doc_title_ja, max(d.title_en) AS doc_title_en
FROM ospf_events e
LEFT JOIN documents d USING (source_doc)
WHERE e.row_kind = 'period_total'
GROUP BY period_id, e.source_doc
ORDER BY coalesce(max(e.as_of_date), max(d.document_date)), period_id;
