-- Municipalities (of Osaka's 43) with the jointly procured system, per fiscal year: joint + own procurement.
INSERT INTO observation
SELECT 'muni_line_extension_adoption', '27000', make_date(year + 1, 3, 31), municipalities, municipalities,
       osaka_municipalities(), 'reference:joint_procurement_adoption', doc_ref(source_doc, source_section, source_line)
FROM joint_procurement_adoption
WHERE system_id = 'line_extension' AND procurement = 'total' AND municipalities IS NOT NULL;
