-- Members of the Osaka Smart City Partners Forum.
INSERT INTO observation
SELECT 'ospf_members', '27000', period_end_of(date), members_total, NULL, NULL, 'reference:ospf_membership',
       doc_ref(source_doc, source_section, source_line)
FROM ospf_membership;
