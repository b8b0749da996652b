-- Applications received by the prefecture's own online application system.
INSERT INTO observation
SELECT 'pref_online_applications', '27000', period_end_of(as_of_date), value, NULL, NULL,
       'reference:pref_online_applications', doc_ref(source_doc, source_section, source_line)
FROM pref_online_applications
WHERE item_id = 'applications_total';
