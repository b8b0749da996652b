-- The strategy council's meetings: number, date, agenda and source.
SELECT c.meeting_no, c.date, c.agenda_ja, c.agenda_en, c.note, c.source_doc, c.source_section, c.source_line,
       d.title_ja AS doc_title_ja, d.title_en AS doc_title_en
FROM strategy_council_meetings c
LEFT JOIN documents d ON d.source_doc = c.source_doc
ORDER BY c.meeting_no;
