-- Targets and deadlines quoted verbatim from the strategy documents (the gateway adds each one's citation). A quoted
-- target whose date the document does not give shows the date the KPI targets assume for it, marked as assumed, with
-- the reason (data/kpi/targets.csv, matched on the same document line): one assumption, the same on both pages.
SELECT s.target_id, s.topic_ja, s.topic_en, s.quote_ja, s.target_value, s.target_unit_ja, s.target_unit_en,
       coalesce(s.target_date, CAST(k.target_date AS VARCHAR)) AS target_date,
       CASE WHEN s.target_date IS NULL AND k.target_date IS NOT NULL THEN 'assumption' ELSE 'quotation' END AS date_basis,
       k.date_assumption_ja, k.date_assumption_en, s.note, s.source_doc, s.source_section, s.source_line
FROM strategy_targets s
LEFT JOIN target k ON k.source_doc = s.source_doc AND k.source_line = s.source_line AND k.basis = 'quotation'
                  AND k.date_basis = 'assumption'
ORDER BY s.rowid;
