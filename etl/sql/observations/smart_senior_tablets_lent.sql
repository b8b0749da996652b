-- Tablets lent per phase of the smart senior life pilot, accumulated at the end of each phase.
INSERT INTO observation
SELECT 'smart_senior_tablets_lent', '27000', period_end_of(end_date),
       sum(tablets_lent) OVER (ORDER BY end_date), NULL, NULL, 'reference:smart_senior_life',
       doc_ref(source_doc, source_section, source_line)
FROM smart_senior_life
WHERE row_kind = 'phase_total' AND tablets_lent IS NOT NULL;
