-- OSPF membership over time. `date_text` is the date as transcribed (YYYY-MM when only the month is known);
-- `date` places a month-only figure on the first of its month, and `date_precision` says which it is.
SELECT m.date AS date_text,
       CASE length(m.date) WHEN 4 THEN 'year' WHEN 7 THEN 'month' ELSE 'day' END AS date_precision,
       CAST(CASE length(m.date) WHEN 4 THEN m.date || '-01-01' WHEN 7 THEN m.date || '-01' ELSE m.date END AS DATE)
           AS date,
       m.members_total, m.note, m.source_doc, m.source_section, m.source_line,
       d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM ospf_membership m
LEFT JOIN documents d USING (source_doc)
ORDER BY date;
