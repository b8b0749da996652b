-- OSPF pitch events: date, presenting and applying companies (missing where the source gives no figure).
SELECT p.pitch_id, p.date AS date_text, p.fiscal_year, p.title_ja, p.title_en, p.presenters, p.applicants,
       p.note, p.source_doc, p.source_section, p.source_line,
       d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM ospf_pitch_events p
LEFT JOIN documents d USING (source_doc)
ORDER BY p.date;
