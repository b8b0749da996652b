-- OSPF event totals of one period (period_id as in partnerships_event_periods.sql), in the source's order.
SELECT e.event_id, e.event_key, coalesce(e.as_of_date, 'doc' || substr(e.source_doc, 1, 3)) AS period_id,
       e.as_of_date, e.event_no, e.event_ja, e.event_en, e.events_held, e.participants,
       coalesce(e.participants_is_cumulative, false) AS participants_is_cumulative,
       coalesce(e.participants_is_approx, false) AS participants_is_approx,
       coalesce(e.note, '') LIKE '%※一部%' AS is_partial,
       e.note, e.source_doc, e.source_section, e.source_line,
       d.title_ja AS doc_title_ja, d.title_en AS doc_title_en, d.document_date
FROM ospf_events e
LEFT JOIN documents d USING (source_doc)
WHERE e.row_kind = 'period_total'
  AND coalesce(e.as_of_date, 'doc' || substr(e.source_doc, 1, 3)) = $period
ORDER BY coalesce(e.event_no, 0), e.source_line;
